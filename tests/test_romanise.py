"""Romanisation engine, scheme registry and scheme samples."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translitnorm.romanise import (
    SCHEME_LANGS,
    Scheme,
    UnknownLanguageError,
    UnknownSchemeError,
    get_scheme,
    romanisations,
    romanise,
    schemes,
)

CYRILLIC = re.compile("[\u0400-\u052f\u2de0-\u2dff\ua640-\ua69f\u1c80-\u1c8f]")

ALL_SAMPLES = [
    pytest.param(scheme.id, cyrillic, latin, id=f"{scheme.id}:{cyrillic}")
    for scheme in schemes()
    for cyrillic, latin in scheme.samples
]


@pytest.mark.parametrize(("scheme_id", "cyrillic", "latin"), ALL_SAMPLES)
def test_every_sample_of_every_scheme(scheme_id, cyrillic, latin):
    assert romanise(cyrillic, scheme_id) == latin


KNOWN_FAILURES = [
    pytest.param(scheme.id, failure.cyrillic, failure.published, id=f"{scheme.id}:{failure.cyrillic}",
                 marks=pytest.mark.xfail(strict=True, reason=failure.reason))
    for scheme in schemes()
    for failure in scheme.known_failures
]


@pytest.mark.parametrize(("scheme_id", "cyrillic", "published"), KNOWN_FAILURES)
def test_published_spellings_a_scheme_is_known_not_to_give(scheme_id, cyrillic, published):
    """A source's example that the scheme does not reproduce, kept with its reason; strict, so that
    a change that makes the scheme give it is noticed (and the example moves to the samples)."""
    assert romanise(cyrillic, scheme_id) == published


# Samples each ICU- or iuliia-backed scheme takes from cited published examples (its [[sample_groups]],
# beside the top-level samples written from the table), at the figures reached: a lost group fails.
PUBLISHED_EXAMPLES = {"be-bgn": 33, "bg-bgn": 28, "mk-bgn2013": 38, "mn-bgn": 20, "mn-mns": 39, "ru-alalc": 8,
                      "ru-bgn": 68, "ru-bgn-iuliia": 64, "ru-gost52535": 2, "ru-icao": 11, "ru-ungegn": 1,
                      "ru-wikipedia": 60, "ru-yandex-maps": 13, "sr-bgn": 38, "uk-bgn": 50, "uz-official": 43}


def test_library_backed_schemes_keep_their_published_examples():
    for scheme_id, reached in PUBLISHED_EXAMPLES.items():
        groups = get_scheme(scheme_id).sample_groups[1:]
        assert sum(len(group.samples) for group in groups) >= reached, scheme_id


def test_a_known_failure_names_its_reason_and_is_not_also_a_sample():
    failures = [(scheme, failure) for scheme in schemes() for failure in scheme.known_failures]
    assert len(failures) >= 5
    for scheme, failure in failures:
        assert failure.reason.strip(), (scheme.id, failure)
        assert (failure.cyrillic, failure.published) not in scheme.samples, (scheme.id, failure)


def test_every_scheme_has_samples_and_metadata():
    for scheme in schemes():
        assert scheme.samples, scheme.id
        assert scheme.description and scheme.source, scheme.id
        assert scheme.lang in SCHEME_LANGS, scheme.id
        assert scheme.provider in ("table", "icu", "iuliia"), scheme.id
        assert scheme.id.startswith(scheme.lang + "-"), scheme.id


def test_coverage_at_least_40_schemes_over_8_languages():
    registered = schemes()
    assert len(registered) >= 40
    assert len({scheme.lang for scheme in registered}) >= 8
    assert {scheme.lang for scheme in registered} == set(SCHEME_LANGS)


CASES = Path(__file__).resolve().parent / "data" / "romanise"


def _cases(filename: str) -> list:
    """The rows of one case file, as pytest params named scheme:cyrillic."""
    with open(CASES / filename, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert rows, filename
    return [pytest.param(row["scheme"], row["cyrillic"], row["latin"], id=f"{row['scheme']}:{row['cyrillic']}")
            for row in rows]


@pytest.mark.parametrize(("scheme_id", "cyrillic", "latin"),
                         _cases("chekhov-in-each-convention.tsv") + _cases("shevchenko-in-each-convention.tsv"))
def test_one_name_in_each_convention(scheme_id, cyrillic, latin):
    assert romanise(cyrillic, scheme_id) == latin


@pytest.mark.parametrize(("scheme_id", "cyrillic", "latin"), _cases("central-asian-names-in-french-and-german.tsv"))
def test_french_and_german_spellings_of_central_asian_names(scheme_id, cyrillic, latin):
    """Kazakh names from their Kazakh form (kk-fr, kk-de, ky-de); Kyrgyz and Uzbek names the press
    takes from their Russian form are the Russian schemes' (the index romanises them under both)."""
    assert romanise(cyrillic, scheme_id) == latin


@pytest.mark.parametrize(("scheme_id", "cyrillic", "latin"), _cases("standard-rules.tsv"))
def test_rules_of_named_standards(scheme_id, cyrillic, latin):
    assert romanise(cyrillic, scheme_id) == latin


def _press_forms() -> list:
    with open(CASES / "baltic-press-forms.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) >= 60
    return [pytest.param(row["scheme"], row["cyrillic"], row["published"], id=f"{row['scheme']}:{row['published']}")
            for row in rows]


@pytest.mark.parametrize(("scheme_id", "cyrillic", "published"), _press_forms())
def test_latvian_and_lithuanian_press_forms_are_the_scheme_with_an_ending(scheme_id, cyrillic, published):
    """The ru-lv and ru-lt schemes write the stem; the nominative ending the press adds (Putins,
    Putinas) is what the matcher's host-language forms take off (data/host_forms.toml)."""
    from translitnorm.morphology import bare_forms

    stem = romanise(cyrillic, scheme_id)
    assert stem == published or stem in [form.text for form in bare_forms(published)], (stem, published)


def test_samples_keep_their_source_by_group():
    grouped = [scheme for scheme in schemes() if len(scheme.sample_groups) > 1]
    assert {"ru-bgn", "be-bgn"} <= {scheme.id for scheme in grouped}
    for scheme in schemes():
        assert scheme.samples == tuple(pair for group in scheme.sample_groups for pair in group.samples)
        for group in scheme.sample_groups:
            assert group.source.strip() and group.samples, scheme.id
    first = get_scheme("be-bgn").sample_groups[1]
    assert "BGN/PCGN romanization of Belarusian" in first.source
    assert ("Гродна", "Hrodna") in first.samples


def test_a_sample_group_without_a_source_is_a_clear_error():
    from translitnorm.romanise import SchemeDefinitionError, _parse_scheme

    text = (get_scheme_file("ru-lt") + '\n[[sample_groups]]\nsamples = [["Путин", "Putin"]]\n')
    with pytest.raises(SchemeDefinitionError, match="schemes/ru-lt.toml: .*source and samples"):
        _parse_scheme("ru-lt.toml", text)


def get_scheme_file(scheme_id: str) -> str:
    import importlib.resources

    return (importlib.resources.files("translitnorm") / "schemes" / f"{scheme_id}.toml").read_text(encoding="utf-8")


def test_a_renamed_scheme_keeps_its_old_id():
    assert get_scheme("mk-bgn") is get_scheme("mk-bgn2013")
    assert "mk-bgn" in get_scheme("mk-bgn2013").aliases
    assert "mk-bgn" not in [scheme.id for scheme in schemes()]
    assert romanise("Ѓорѓи", "mk-bgn") == romanise("Ѓорѓи", "mk-bgn2013") == "Ǵorǵi"


def test_aliases_never_shadow_a_scheme():
    ids = {scheme.id for scheme in schemes()}
    aliases = [alias for scheme in schemes() for alias in scheme.aliases]
    assert len(aliases) == len(set(aliases))
    assert not ids & set(aliases)


def test_whole_word_exceptions_apply_to_whole_words_only():
    assert romanise("България и Българин", "bg-official") == "Bulgaria i Balgarin"
    assert romanise("Нова България", "bg-official") == "Nova Bulgaria"


@pytest.mark.parametrize(
    ("scheme_id", "title", "upper", "lower"),
    [
        ("ru-de", "Tschechow", "TSCHECHOW", "tschechow"),
        ("ru-en", "Chekhov", "CHEKHOV", "chekhov"),
        ("ru-bgn", "Chekhov", "CHEKHOV", "chekhov"),
        ("ru-iso9", "Čehov", "ČEHOV", "čehov"),
    ],
)
def test_case_is_kept(scheme_id, title, upper, lower):
    assert romanise("Чехов", scheme_id) == title
    assert romanise("ЧЕХОВ", scheme_id) == upper
    assert romanise("чехов", scheme_id) == lower


def test_uppercase_digraphs_follow_the_word():
    assert romanise("Щукин", "ru-de") == "Schtschukin"
    assert romanise("ЩУКИН", "ru-de") == "SCHTSCHUKIN"
    assert romanise("Љубљана", "sr-bgn") == "Ljubljana"
    assert romanise("ЗГОРАНИ", "uk-national") == "ZGHORANY"


def test_dotted_capital_i_where_the_alphabet_has_it():
    assert romanise("Игорь", "ru-tr") == "İgor"
    assert romanise("ИСЛАМ", "kk-2021") == "İSLAM"


@pytest.mark.parametrize("scheme_id", [s.id for s in schemes()])
def test_non_cyrillic_passes_through(scheme_id):
    text = "Tomsk-7, O'Neil 2024 (x) — «»"
    assert romanise(text, scheme_id) == text


def test_hyphens_digits_and_latin_inside_mixed_text():
    assert romanise("Томск-7", "ru-de") == "Tomsk-7"
    assert romanise("Жалал-Абад", "ky-en") == "Jalal-Abad"
    assert romanise("Chekhov / Чехов", "ru-fr") == "Chekhov / Tchekhov"


def test_ukrainian_apostrophe_is_dropped_only_between_letters():
    assert romanise("Знам’янка", "uk-national") == "Znamianka"
    assert romanise("'Київ'", "uk-national") == "'Kyiv'"


def test_word_start_only_at_word_start():
    assert romanise("Яготин Ярошенко", "uk-national") == "Yahotyn Yaroshenko"
    assert romanise("Ельцин", "ru-en") == "Yeltsin"
    assert romanise("Бакиев", "ru-en") == "Bakiev"
    assert romanise("Бакиев", "ru-bgn") == "Bakiyev"


def test_stress_marks_are_dropped():
    assert romanise("Че́хов", "ru-de") == "Tschechow"
    assert romanise("Че́хов", "ru-bgn") == "Chekhov"


def test_initials_are_title_case_under_icu_too():
    assert romanise("Ч. Айтматов", "ru-bgn") == "Ch. Aytmatov"
    assert romanise("Ч. Айтматов", "ru-de") == "Tsch. Aitmatow"


def test_kyrgyz_and_kazakh_letters_under_russian_schemes():
    for scheme_id, rendering in romanisations("Өмүрбек Қасым Ұлан Әлия Ғани Һ Ң і ї є ў ґ", "ru").items():
        assert not CYRILLIC.search(rendering), (scheme_id, rendering)
    assert romanise("Өмүрбек", "ru-en") == "Omurbek"


CYRILLIC_OR_LATIN_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0400, max_codepoint=0x052F),
        st.sampled_from(list("abcXYZ -'’.,0123456789\u0301")),
    ),
    max_size=14,
)


@settings(max_examples=150, deadline=None)
@given(CYRILLIC_OR_LATIN_TEXT)
def test_no_cyrillic_is_ever_left(text):
    for scheme in schemes():
        rendering = romanise(text, scheme.id)
        assert not CYRILLIC.search(rendering), (scheme.id, text, rendering)


RUSSIAN_WORD = st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюя", min_size=2, max_size=10)


@settings(max_examples=100, deadline=None)
@given(RUSSIAN_WORD)
def test_upper_case_input_gives_the_upper_case_rendering(word):
    """The engine keeps case by rule: an all-caps word renders as the caps of its lower-case rendering."""
    for scheme in schemes(lang="ru"):
        if scheme.provider == "icu":
            continue
        special = scheme.table.get("uppercase", {})  # Turkish-style dotted İ
        lower = romanise(word, scheme.id)
        upper = romanise(word.upper(), scheme.id)
        assert upper == "".join(special.get(char, char.upper()) for char in lower), (scheme.id, word, upper)
        title = romanise(word.capitalize(), scheme.id)
        assert title[1:] == lower[1:] or title.lower() == lower, (scheme.id, word, lower, title)


@pytest.mark.parametrize("name", ["translitnorm.romanise", "translitnorm.scheme_docs"])
def test_docstring_examples(name):
    import doctest
    import importlib

    module = importlib.import_module(name)  # the package root's `romanise` is the function, not the module
    assert doctest.testmod(module).failed == 0


def test_romanisations_covers_every_scheme_of_the_language_in_id_order():
    result = romanisations("Бакиев", lang="ru")
    ids = [scheme.id for scheme in schemes(lang="ru")]
    assert list(result) == ids == sorted(ids)
    assert "Bakiyev" in result.values() and "Bakiev" in result.values()
    assert result["ru-de"] == "Bakijew"


def test_schemes_filter_and_sort():
    all_ids = [scheme.id for scheme in schemes()]
    assert all_ids == sorted(all_ids)
    assert {scheme.lang for scheme in schemes(lang="uk")} == {"uk"}
    assert isinstance(get_scheme("ru-bgn"), Scheme)
    assert get_scheme("ru-de").target == "de"


def test_scheme_is_frozen():
    with pytest.raises(AttributeError):
        get_scheme("ru-de").id = "x"  # type: ignore[misc]


def test_unknown_scheme_suggests_the_closest_id():
    with pytest.raises(UnknownSchemeError) as caught:
        get_scheme("bgn")
    message = str(caught.value)
    assert "unknown scheme 'bgn'; did you mean 'ru-bgn'?" in message
    assert "valid: " in message and "uk-national" in message
    assert isinstance(caught.value, ValueError)
    with pytest.raises(UnknownSchemeError, match="did you mean 'ru-de'"):
        romanise("Чехов", "ru-dee")


def test_unknown_language_lists_the_valid_ones():
    with pytest.raises(UnknownLanguageError) as caught:
        romanisations("Бакиев", lang="kz")
    assert "did you mean 'kk'" in str(caught.value)
    assert "valid: be, bg" in str(caught.value)
    assert isinstance(caught.value, ValueError)
    with pytest.raises(UnknownLanguageError):
        schemes(lang="xx")


def test_iuliia_schemes_agree_with_iuliia_itself():
    """Compiled into the engine, iuliia's tables must give what the library gives."""
    import iuliia

    words = ["Юлия Щеглова", "Ельцин", "Бийск", "Подъярский", "Усолье", "Великий", "Менделеев",
             "Артём Краевой", "Игорь Ильин", "Ян Разъездной", "Чехов", "Бакиев", "Стравинский"]
    for scheme in schemes(lang="ru"):
        if scheme.provider != "iuliia":
            continue
        library = iuliia.schemas.get(scheme.transform)
        for word in words + [sample for sample, _ in library.samples]:
            if _corrected_by_the_scheme_file(word, scheme):
                continue  # where iuliia departs from the standard (tests/data/romanise/standard-rules.tsv)
            expected = library.translate(word).replace("ё", "ë").replace("Ё", "Ë")
            assert romanise(word, scheme) == expected, (scheme.id, word)


def test_icu_bgn_pcgn_agrees_with_the_samples_iuliia_publishes_for_it():
    """ru-bgn (ICU) against iuliia's own bgn_pcgn samples, read from the installed package as an
    independent reference: identical once iuliia's Cyrillic ё is read as the Latin ë it stands for
    and apostrophe look-alikes (’ ” for ʹ ʺ) are set aside."""
    import iuliia

    look_alikes = str.maketrans({"’": "ʹ", "”": "ʺ", "ё": "ë", "Ё": "Ë"})
    samples = iuliia.schemas.get("bgn_pcgn").samples
    assert len(samples) >= 20
    for cyrillic, latin in samples:
        assert romanise(cyrillic, "ru-bgn").translate(look_alikes) == latin.translate(look_alikes), cyrillic


def _corrected_by_the_scheme_file(word: str, scheme: Scheme) -> bool:
    """Whether one of the scheme file's own [[rules]] (letter + following letters) applies in ``word``."""
    lower = word.lower()
    for rule in scheme.table.get("rules", ()):
        following = "".join(rule.get("before", ()))
        for position, letter in enumerate(lower[:-1]):
            if lower.startswith(rule["match"], position) and lower[position + len(rule["match"])] in following:
                return True
    return False


def test_docs_schemes_page_is_current():
    """docs/schemes.md is generated; regenerate it when a scheme file changes."""
    from pathlib import Path

    from translitnorm.scheme_docs import schemes_markdown

    page = Path(__file__).resolve().parents[1] / "docs" / "schemes.md"
    assert page.read_text(encoding="utf-8") == schemes_markdown(), (
        "docs/schemes.md is stale: python -c 'from translitnorm.scheme_docs import schemes_markdown as m; "
        "print(m(), end=\"\")' > docs/schemes.md"
    )


UKRAINIAN_WORD = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("абвгґдеєжзиіїйклмнопрстуфхцчшщюя"),  # a word never starts with ь
    st.text(alphabet="абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'", min_size=1, max_size=8),
).filter(lambda word: not word.endswith("'") and all(
    # Ukrainian writes the apostrophe only after б п в м ф р (and к in a few names), before a vowel.
    word[i - 1] in "бпвмфрк" and word[i + 1] in "єїюя" for i, char in enumerate(word) if char == "'"))


@settings(max_examples=300, deadline=None)
@given(UKRAINIAN_WORD)
def test_dstu_9112_tables_agree_with_uklatn(word):
    """uklatn, an independent implementation of DSTU 9112:2021, spells any Ukrainian word,
    in lower, Title or UPPER case, as the uk-dstu9112a and uk-dstu9112b tables do.
    (Words of two letters or more: a lone capital is an initial, which the engine writes
    in title case, Ju., where uklatn writes JU.)"""
    import uklatn

    for scheme_id, table in (("uk-dstu9112a", uklatn.DSTU_9112_A), ("uk-dstu9112b", uklatn.DSTU_9112_B)):
        for variant in (word, word.capitalize(), word.upper()):
            assert romanise(variant, scheme_id) == uklatn.encode(variant, table), (scheme_id, variant)


def _rule_applies(rule, word: str, position: int) -> bool:
    """Whether an engine rule's contexts fit at ``position`` of a lower-case word (its definition)."""
    if rule.not_at_start and position == 0:
        return False
    if rule.after_letters is not None:
        if position == 0:
            if not rule.after_start:
                return False
        elif word[position - 1] not in rule.after_letters:
            return False
    end = position + len(rule.match)
    if rule.before_letters is not None:
        if end == len(word):
            if not rule.before_end:
                return False
        elif word[end] not in rule.before_letters:
            return False
    return True


def _render_by_letter(renderer, word: str) -> str:
    """The table engine's definition, letter by letter: at each position the longest rule that applies
    there (the first as written among equally long ones), else the letter's plain rule."""
    from translitnorm.script import with_case_of

    lower = word.lower()
    if renderer.words and lower in renderer.words:
        return with_case_of(word, renderer.words[lower])
    all_caps = len(lower) > 1 and word.isupper()
    pieces = []
    position = 0
    while position < len(lower):
        letter = lower[position]
        piece = renderer.simple.get(letter)
        size = 1
        if piece is None:
            piece = letter  # only in-word apostrophes a table leaves unmapped get here
            for rule in renderer.rules_by_first.get(letter, ()):
                if lower.startswith(rule.match, position) and _rule_applies(rule, lower, position):
                    piece, size = rule.out, len(rule.match)
                    break
        if word[position] != letter and piece:
            piece = renderer._upper(piece) if all_caps else renderer._capitalise(piece)
        pieces.append(piece)
        position += size
    return "".join(pieces)


# Every letter a word can hold, in both cases, with the in-word apostrophes and a stress mark:
# what the table engine's fast scan must render exactly as its letter-by-letter definition.
_ENGINE_LETTERS = sorted(
    {letter for scheme in schemes() for cyrillic, _ in scheme.samples for letter in cyrillic.lower() if CYRILLIC.match(letter)}
    | set("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўқғңүұөһәјљњћђџѓќѕ")
)
ENGINE_WORD = st.lists(
    st.sampled_from(_ENGINE_LETTERS + [letter.upper() for letter in _ENGINE_LETTERS] + ["'", "’", "\u0301"]),
    min_size=1, max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(ENGINE_WORD)
def test_the_table_engine_renders_every_word_as_its_letter_by_letter_definition(text):
    """The scan that renders a word (a regular expression for the letters with rules, a translation table
    for the rest) gives what the engine's definition gives: at each letter the longest rule that applies."""
    from translitnorm.romanise import _renderer
    from translitnorm.table_engine import TableRenderer

    for scheme in schemes():
        renderer = _renderer(scheme.id)
        if not isinstance(renderer, TableRenderer):
            continue
        for word in renderer.word_pattern.findall(text):
            assert renderer.render_word(word) == _render_by_letter(renderer, word), (scheme.id, word)


def test_the_table_engine_renders_the_samples_as_its_definition_in_every_case():
    from translitnorm.romanise import _renderer
    from translitnorm.table_engine import TableRenderer

    checked = 0
    for scheme in schemes():
        renderer = _renderer(scheme.id)
        if not isinstance(renderer, TableRenderer):
            continue
        for cyrillic, _ in scheme.samples:
            for text in (cyrillic, cyrillic.lower(), cyrillic.upper()):
                for word in renderer.word_pattern.findall(text):
                    assert renderer.render_word(word) == _render_by_letter(renderer, word), (scheme.id, word)
                    checked += 1
    assert checked > 3_000
