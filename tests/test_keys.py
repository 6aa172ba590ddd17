"""Matching forms and keys: which spellings meet, and which must stay apart.

The cases are data files (tests/data/keys, see its README): spellings that Wikipedia editions
give one person, and pairs of different Cyrillic names one key sound apart.
"""

from __future__ import annotations

import string
from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import DATA, read_labelled
from translitnorm.keys import (
    KEY_RULES, as_latin, exact_form, folded_form, matching_key, surname_genders_differ,
)

SAME_NAME = read_labelled(DATA / "keys" / "same-name.tsv")
DIFFERENT_NAMES = read_labelled(DATA / "keys" / "different-names.tsv")


def _groups() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for row in SAME_NAME:
        groups[row["cyrillic"]].append(row["spelling"])
    return groups


@pytest.mark.parametrize("cyrillic, spellings", sorted(_groups().items()))
def test_spellings_of_one_name_share_a_key(cyrillic, spellings):
    keys = {spelling: matching_key(spelling) for spelling in spellings}
    assert len(set(keys.values())) == 1, (cyrillic, keys)


@pytest.mark.parametrize("row", DIFFERENT_NAMES, ids=lambda row: f"{row['first']}-{row['second']}")
def test_different_names_keep_different_keys(row):
    assert matching_key(row["first"]) != matching_key(row["second"]), row["why"]


def test_the_key_sounds_are_the_cyrillic_letters_themselves():
    # A key letter of one of the many-spellings sounds is the Cyrillic letter, which no Latin rule
    # touches: that is why a key is its own key and why ч, ш, щ, ж, х stay apart.
    assert matching_key("Tschaikowski") == "чaikovski"
    assert matching_key("Szczecin") == "шчecin"
    assert matching_key("Chumakov")[0] == "ч" and matching_key("Shumakov")[0] == "ш"
    assert {key for spelling, key in KEY_RULES if spelling in ("kh", "h")} == {"х"}


def test_latin_keys_alone_do_not_join_german_and_english_chekhov():
    # German ch is х, English ch is ч: the key cannot know which, so Tschechow and Chekhov keep
    # different keys; they meet because the lexicon's Чехов is rendered in both conventions
    # (the exact tier), not through the key.
    assert matching_key("Tschechow") != matching_key("Chekhov")


def test_forms_from_strict_to_loose():
    assert exact_form("Jalal-Abad") == "jalalabad"  # case and separators go
    assert exact_form("Čechov") == "čechov"  # diacritics stay
    assert folded_form("Čechov") == "cechov"  # and are folded one step looser
    assert folded_form("Strawiński") == "strawinski"
    assert matching_key("Čechov") == matching_key("Czechow") == matching_key("Tschechow")


def test_digits_stay_in_every_form():
    assert (exact_form("Tomsk-7"), folded_form("Tomsk-7"), matching_key("Tomsk-7")) == ("tomsk7", "tomsk7", "tomsk7")


def test_a_cyrillic_part_is_read_in_bgn_letters_and_latin_passes():
    assert as_latin("Бакиев") == "Bakiyev"
    assert as_latin("Bakiev") == "Bakiev"
    assert matching_key(as_latin("Бакиев")) == matching_key("Bakijew")


@pytest.mark.parametrize("male, female", [("Bakiev", "Bakieva"), ("Otunbaev", "Otunbaeva"), ("Бакиев", "Бакиева"),
                                          ("Ostrovski", "Ostrovskaya"), ("Putin", "Putina")])
def test_a_mans_and_a_womans_surname_are_told_apart(male, female):
    assert surname_genders_differ(male, female) and surname_genders_differ(female, male)
    assert not surname_genders_differ(male, male) and not surname_genders_differ(female, female)


def test_spellings_of_one_gender_are_not_told_apart():
    assert not surname_genders_differ("bakiev", "bakiyev")
    assert not surname_genders_differ("otunbayeva", "otounbaieva")


ascii_words = st.text(alphabet=string.ascii_letters, min_size=1, max_size=20)


@given(ascii_words)
def test_hypothesis_case_does_not_change_a_key(word):
    assert matching_key(word) == matching_key(word.upper()) == matching_key(word.lower())


@given(st.lists(ascii_words, min_size=1, max_size=4), st.sampled_from([" ", "-", "'", "."]))
def test_hypothesis_separators_do_not_change_any_form(words, separator):
    joined, separated = "".join(words), separator.join(words)
    assert exact_form(separated) == exact_form(joined)
    assert folded_form(separated) == folded_form(joined)
    assert matching_key(separated) == matching_key(joined)


@given(st.text(max_size=30))
def test_hypothesis_a_key_is_its_own_key_and_never_longer_than_needed(text):
    key = matching_key(text)
    assert matching_key(key) == key
    assert all(a != b for a, b in zip(key, key[1:]))  # doubled letters are one



@given(st.text(alphabet=string.ascii_letters + string.digits + " -'.\"ÀéžČçßøİıǅ\u0301ʹʺ’´`", max_size=16))
def test_the_folded_form_is_the_exact_form_folded_to_ascii(text):
    """Folding skips the exact forms that are ASCII already (most renderings); every folded form is
    still the exact form through unidecode, case-folded, without separators."""
    from unidecode import unidecode

    from translitnorm.keys import _SEPARATORS

    assert folded_form(text) == _SEPARATORS.sub("", unidecode(exact_form(text)).casefold())
