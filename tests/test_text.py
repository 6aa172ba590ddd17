"""Cleaning a raw name and splitting it into parts: what is kept, what is set aside, what is repaired."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from translitnorm.text import (
    GENERIC_PLACE_WORDS, MAX_NAME_CHARS, TITLES, Token, clean_text, parse_name, repair_token_noise,
    without_generic_words,
)


def parts(raw: str) -> list[str]:
    """The parts of a name as explain() writes them: an initial with its dot."""
    return [token.text + ("." if token.initial else "") for token in parse_name(raw).tokens]


@pytest.mark.parametrize("raw, cleaned", [
    ("  Kurmanbek  BAKIYEV’s (ex-president) ", "Kurmanbek BAKIYEV"),  # spaces, possessive, bracketed note
    ("«Бишкек»", "Бишкек"),  # quotes
    ("(Anna Akhmatova)", "Anna Akhmatova"),  # a name wholly in brackets is kept
    ("— Bakiev —", "Bakiev"),  # dashes at the ends
    ("Jalal – Abad", "Jalal-Abad"),  # a dash between words joins them as a hyphen
    ("Ｂａｋｉｅｖ", "Bakiev"),  # full-width letters (NFKC)
    ("Bakiev ,Kurmanbek", "Bakiev, Kurmanbek"),
])
def test_cleaning_tidies_the_text_around_a_name(raw, cleaned):
    assert clean_text(raw) == cleaned


@pytest.mark.parametrize("raw, expected", [
    ("President K. S. Bakiyev", ["K.", "S.", "Bakiyev"]),  # a title is set aside
    ("V.V.Putin", ["V.", "V.", "Putin"]),  # initials written together
    ("Дж. Бакиев", ["Дж.", "Бакиев"]),  # a digraph initial
    ("К.-Ж. Токаев", ["К-Ж.", "Токаев"]),  # the initial of a hyphenated given name
    ("Касым-Жомарт Токаев", ["Касым-Жомарт", "Токаев"]),  # a hyphenated given name is one part
    ("Rosa Otunbaeva CNN", ["Rosa", "Otunbaeva"]),  # an acronym next to a name is not a part
    ("Tomsk-7", ["Tomsk-7"]),  # nor is a digit after a hyphen a slip
    ("McDonald", ["McDonald"]),  # a prefix written in camel case stays joined
    ("AnnaAkhmatova", ["Anna", "Akhmatova"]),  # two words run together are two parts
    ("anna.akhmatova", ["anna", "akhmatova"]),
    ("Anna Anna Akhmatova", ["Anna", "Akhmatova"]),  # a repeated part counts once
    ("Mr.", []),  # nothing left
])
def test_parts_of_a_name(raw, expected):
    assert parts(raw) == expected


def test_what_was_set_aside_and_repaired_is_kept_for_the_explanation():
    assert parse_name("President K. Bakiyev").dropped == ("President",)
    assert parse_name("Rosa Otunbaeva CNN").dropped == ("CNN",)
    assert parse_name("AKHMAT0VA_ANNA").normalised == ("digit for a letter: AKHMAT0VA_ANNA",)
    assert parse_name("Anna Anna Akhmatova").normalised == ("repeated part dropped: Anna",)
    assert repair_token_noise("Mende1eev Vlad1mir") == ("Mendeleev Vladimir", (
        "digit for a letter: Mende1eev", "digit for a letter: Vlad1mir"))


def test_one_word_before_a_comma_is_the_surname():
    first, second = parse_name("BAKIYEV, Kurmanbek").tokens
    assert (first, second) == (Token("BAKIYEV", surname_hint=True), Token("Kurmanbek"))
    # two words before a comma are not read as a surname
    assert not any(token.surname_hint for token in parse_name("Kurmanbek Bakiyev, president").tokens)


def test_full_parts_and_initials():
    parsed = parse_name("K. S. Bakiyev")
    assert [token.text for token in parsed.full_tokens] == ["Bakiyev"]
    assert [token.text for token in parsed.tokens if token.initial] == ["K", "S"]


def test_generic_place_words_are_left_out_of_a_place_name():
    assert parse_name("Бишкек шаары").place_words == ("Бишкек",)
    assert without_generic_words("Чуйская область") == "Чуйская"
    assert without_generic_words("Город") == "Город"  # a name that is only a generic word keeps it
    assert {"город", "oblast"} <= GENERIC_PLACE_WORDS and "president" in TITLES


def test_a_long_cell_is_cut_and_says_so():
    parsed = parse_name("Bakiev " * 1000)
    assert parsed.normalised[0] == f"cut after {MAX_NAME_CHARS:,} of 7,000 characters"
    assert len(parsed.cleaned) <= MAX_NAME_CHARS


@given(st.text(max_size=60))
def test_hypothesis_cleaning_is_idempotent_and_parts_are_words(text):
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    parsed = parse_name(text)
    for token in parsed.tokens:
        assert token.text and not any(ch.isspace() for ch in token.text)
        assert not token.initial or not token.surname_hint
    assert parsed.full_tokens == tuple(token for token in parsed.tokens if not token.initial)


@given(st.lists(st.sampled_from(["Kurmanbek", "Bakiyev", "K.", "President", "Mr.", "Bishkek", ",", "(note)"]),
                max_size=6).map(" ".join))
def test_hypothesis_a_title_never_becomes_a_part(text):
    assert not {token.text.casefold() for token in parse_name(text).tokens} & {"president", "mr"}
