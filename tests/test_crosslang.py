"""Cross-language Cyrillic: the same name in Russian, Ukrainian, Belarusian, Kazakh, Kyrgyz, Serbian, Bulgarian."""

from __future__ import annotations

import dataclasses
import unicodedata
import tomllib
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, read_labelled
from translitnorm import Normaliser
from translitnorm.crosslang import LANGS, Variant, detect_lang, variants
from translitnorm.decision import CANDIDATE

RULES = tomllib.loads(
    resources.files("translitnorm").joinpath("data").joinpath("correspondences.toml").read_text(encoding="utf-8")
)
ALPHABETS = {lang: entry["alphabet"] for lang, entry in RULES["languages"].items()}


def _data(name: str) -> list[dict[str, str]]:
    """Rows of a data file of tests/data/crosslang (comment lines start with #)."""
    text = (DATA / "crosslang" / name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


def _variant_rows(kind: str) -> list[tuple[str, str, str]]:
    return [(row["word"], row["lang"], row["other"]) for row in _data("variants.tsv") if row["kind"] == kind]


def texts(found: list[Variant], lang: str | None = None) -> list[str]:
    return [v.text for v in found if lang is None or v.lang == lang]


# -- the API the index and matcher use ----------------------------------------------------------


def test_variant_is_a_frozen_record_of_text_language_and_rules():
    variant = variants("Харьков", "ru")[0]
    assert isinstance(variant, Variant)
    assert isinstance(variant.rules, tuple) and all(isinstance(rule, str) for rule in variant.rules)
    with pytest.raises(dataclasses.FrozenInstanceError):
        variant.text = "x"  # type: ignore[misc]


@pytest.mark.parametrize("russian, lang, expected", _variant_rows("forms-of-russian"))
def test_a_russian_name_gets_its_forms_in_the_other_languages(russian, lang, expected):
    found = variants(russian, "ru")
    assert expected in texts(found, lang)


@pytest.mark.parametrize("word, lang, russian", _variant_rows("russian-forms"))
def test_a_word_of_another_language_gets_its_russian_forms(word, lang, russian):
    found = variants(word, lang)
    assert russian in texts(found, "ru")


@pytest.mark.parametrize("name, lang, other", _variant_rows("stay-apart"))
def test_real_places_a_vowel_apart_stay_apart(name, lang, other):
    reached = {v.text for v in variants(name, lang, limit=50)}
    assert other not in reached
    if lang == "ru":
        assert not reached & {v.text for v in variants(other, "ru", limit=50)}


@settings(max_examples=200, deadline=None)
@given(word=st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщыьэюя", min_size=1, max_size=12))
def test_a_word_in_russian_letters_is_never_taken_for_another_language(word):
    assert detect_lang(word) in (None, "ru")


def test_rules_that_made_a_variant_are_named_for_people():
    kharkiv = next(v for v in variants("Харьков", "ru") if v.text == "Харків")
    assert kharkiv.lang == "uk"
    assert kharkiv.rules == ("Ukrainian drops ь after р before a consonant",
                             "Ukrainian і for Russian о in a closed final syllable")


def test_case_is_kept_word_by_word():
    assert "Кривий Ріг" in texts(variants("Кривой Рог", "ru"), "uk")
    assert "КИЇВ" in texts(variants("КИЕВ", "ru", limit=20), "uk")
    assert "Кара-Балта" not in texts(variants("Кара-Балта", "ru"))  # unchanged text is never a variant


def test_same_spelling_adds_the_languages_that_write_the_name_unchanged():
    found = variants("Гомель", "ru", same_spelling=True)
    same = [(v.lang, v.rules) for v in found if v.text == "Гомель"]
    assert same == [("uk", ()), ("be", ())]  # not sr (Гомељ), bg (Гомел), kk and ky (no ь in their names)
    assert found[:len(found) - 2] == variants("Гомель", "ru")
    assert not any(v.text == "Харьков" for v in variants("Харьков", "ru", same_spelling=True))


def test_languages_without_correspondences_give_nothing():
    assert variants("Тошкент", "uz") == []
    assert variants("Moskau", "de") == []
    assert variants("Харьков", "") == []


def test_only_the_requested_languages():
    assert {v.lang for v in variants("Харьков", "ru", langs=["be"])} == {"be"}


def test_detect_lang_decides_by_letters_only_one_language_writes():
    assert detect_lang("Магілёў") == "be"
    assert detect_lang("Київ") == "uk"
    assert detect_lang("Львів") == "uk"  # be would write Львоў
    assert detect_lang("Қарағанды") == "kk"
    assert detect_lang("Төө-Ашуу") == "ky"  # Kyrgyz doubles long vowels, Kazakh never does
    assert detect_lang("Өзгөн") == "ky"  # Kyrgyz rounds the vowel after ө; Kazakh writes е (Жаңаөзен)
    assert detect_lang("Жаңаөзен") == "kk"
    assert detect_lang("Көк-Жаңгак") == "kk"  # both could write it; the shared letters have the same rules
    assert detect_lang("Јарослављ") == "sr"
    assert detect_lang("Ќустендил") == "mk"
    assert detect_lang("Търново") == "bg"
    assert detect_lang("Съешь ещё этих мягких булок") == "ru"


@pytest.mark.parametrize("text", ["Минск", "Бишкек", "Москва", "", "Moscow", "123"])
def test_detect_lang_says_none_when_nothing_tells(text):
    assert detect_lang(text) is None


# -- every rule's own example ------------------------------------------------------------------


def _examples():
    for rule in RULES["rule"]:
        if "example" not in rule:
            continue
        lang = rule["lang"][0] if isinstance(rule["lang"], list) else rule["lang"]
        way = rule.get("example_way", rule.get("way", "both"))
        russian, other = rule["example"]
        for direction in ("from_ru", "to_ru"):
            if way in ("both", direction):
                yield pytest.param(rule["description"], lang, direction, russian, other,
                                   id=f"{lang}:{direction}:{russian}/{other}")


@pytest.mark.parametrize("description, lang, direction, russian, other", list(_examples()))
def test_every_rule_makes_its_example(description, lang, direction, russian, other):
    if direction == "from_ru":
        found = variants(russian, "ru", limit=64, langs=[lang])
        target = other
    else:
        found = variants(other, lang, limit=64)
        target = russian
    made = [v for v in found if v.text == target]
    assert made, f"{description}: {target} not among {texts(found)}"
    assert description in made[0].rules


@pytest.mark.parametrize("rule, message", [
    ({"lang": "uk", "ru": "о", "other": "і"}, "missing description"),
    ({"lang": "xx", "ru": "о", "other": "і", "description": "D"}, "unknown lang 'xx'"),
    ({"lang": "uk", "ru": "о", "other": "і", "description": "D", "befor": "$"}, "unknown field 'befor'"),
    ({"lang": "uk", "ru": "о", "other": "і", "description": "D", "before": "("}, "'before' is not a valid pattern"),
    ({"lang": "uk", "ru": "о", "other": "і", "description": "D", "stress": "loud"}, "stress must be one of"),
])
def test_a_broken_rule_is_reported_with_what_is_wrong(rule, message):
    from translitnorm.crosslang import CorrespondenceError, _parse

    with pytest.raises(CorrespondenceError, match=message) as error:
        _parse({"rule": [rule]}, "correspondences.toml")
    assert "correspondences.toml: rule 1" in str(error.value)


def test_every_rule_is_described():
    for rule in RULES["rule"]:
        assert rule["description"].strip() and rule["description"][0].isupper()


# -- bounds, order, speed ---------------------------------------------------------------------

cyrillic_words = st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєўәғқңөұүһјљњћђџ", min_size=1, max_size=14)


@settings(max_examples=150, deadline=None)
@given(word=cyrillic_words, lang=st.sampled_from(("ru",) + LANGS), limit=st.integers(1, 12))
def test_variants_are_bounded_distinct_and_never_the_word_itself(word, lang, limit):
    found = variants(word, lang, limit)
    assert len(found) <= limit
    assert len({v.text for v in found}) == len(found)
    assert word not in texts(found)


@settings(max_examples=150, deadline=None)
@given(word=cyrillic_words, lang=st.sampled_from(("ru",) + LANGS))
def test_variants_are_written_in_their_language_alphabet(word, lang):
    for variant in variants(word, lang):
        assert set(variant.text.lower()) <= set(ALPHABETS[variant.lang]), variant


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet="абвгдеёжзийклмноўіїєқөјъьABCxyz -'’.,7\u0301", max_size=30),
       lang=st.sampled_from(("ru",) + LANGS))
def test_any_text_gives_variants_that_keep_its_non_letters(text, lang):
    """Spaces, hyphens, digits and punctuation pass through; only words are rewritten."""
    for variant in variants(text, lang):
        assert _separators(variant.text) == _separators(text)
        assert len(variant.text.split()) == len(text.split())  # no word vanishes (a lone ь dropped)


def _separators(text: str) -> list[str]:
    return [c for c in text if not c.isalpha() and c not in "'’" and not unicodedata.combining(c)]


@settings(max_examples=100, deadline=None)
@given(word=cyrillic_words)
def test_a_smaller_limit_gives_a_prefix_of_a_larger_one(word):
    assert variants(word, "ru", 3) == variants(word, "ru", 8)[:3]


# -- generic place words ----------------------------------------------------------------------


@pytest.mark.parametrize("raw, place", [(row["raw"], tuple(row["place"].split())) for row in _data("generic-words.tsv")])
def test_generic_place_words_are_set_aside(raw, place):
    from translitnorm.text import parse_name

    assert parse_name(raw).place_words == place


@pytest.mark.parametrize("raw", ["Город", "город", "місто", "горад", "шаары", "қаласы", "село", "посёлок", "область"])
def test_a_name_of_only_generic_words_has_no_place_words(raw):
    from translitnorm.text import parse_name

    assert parse_name(raw).place_words == ()


def test_generic_words_file_is_lower_case_without_duplicates():
    text = resources.files("translitnorm").joinpath("data").joinpath("generic_words.txt").read_text(encoding="utf-8")
    words = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert all(word == word.casefold() and " " not in word for word in words)
    assert len(words) == len(set(words))


# -- end to end: a lexicon of one language's forms resolves the others' --------------------------
#
# tests/data/crosslang/russian-only.tsv holds only Russian names; native-only.tsv only the
# Ukrainian, Belarusian, Kazakh and Kyrgyz ones. The labelled sets (tests/data/sets/crosslang-*.tsv)
# cite where each spelling comes from. Rows of crosslang-known-failures.tsv (cases the Russian-only
# lexicon does not get right) run as strict xfail there, so a fix is noticed.

SETS = DATA / "sets"
FIXTURES = DATA / "crosslang"
KNOWN_FAILURES = {(row["query"], row["expected"]): row["note"]
                  for row in read_labelled(SETS / "crosslang-known-failures.tsv")}


@pytest.fixture(scope="module")
def russian_only(cache_dir) -> Normaliser:
    return Normaliser.from_lexicons([FIXTURES / "russian-only.tsv"], cache_dir=cache_dir)


@pytest.fixture(scope="module")
def native_only(cache_dir) -> Normaliser:
    return Normaliser.from_lexicons([FIXTURES / "native-only.tsv"], cache_dir=cache_dir)


def _rows(*names: str, known_failures: dict[tuple[str, str], str] | None = None):
    for name in names:
        for row in read_labelled(SETS / f"{name}.tsv"):
            marks = []
            note = (known_failures or {}).get((row["query"], row["expected"]))
            if note is not None:
                marks.append(pytest.mark.xfail(strict=True, reason=note))
            yield pytest.param(row["query"], row["expected"], marks=marks, id=f"{name}:{row['query']}")


@pytest.mark.parametrize("query, expected", list(_rows("crosslang-cyrillic", "crosslang-latin", "crosslang-must-not-match",
                                                         known_failures=KNOWN_FAILURES)))
def test_russian_only_lexicon_resolves_the_other_languages_forms(russian_only, query, expected):
    result = russian_only.resolve(query)
    assert result.id == (None if expected == "NONE" else expected), result.as_dict()


@pytest.mark.parametrize("query, expected", list(_rows("crosslang-russian-forms", "crosslang-must-not-match")))
def test_native_only_lexicon_resolves_the_russian_forms(native_only, query, expected):
    result = native_only.resolve(query)
    assert result.id == (None if expected == "NONE" else expected), result.as_dict()


def test_false_answers_on_cyrillic_places_the_lexicon_does_not_hold_stay_within_one_percent(russian_only):
    rows = [row for row in read_labelled(SETS / "crosslang-must-not-match.tsv")
            if not row["query"].isascii()]
    assert len(rows) >= 100
    results = russian_only.resolve_many([row["query"] for row in rows])
    wrong = [f"{row['query']} → {result.id}" for row, result in zip(rows, results) if result.id is not None]
    assert len(wrong) / len(rows) <= 0.01, wrong


def test_latin_spellings_of_places_the_lexicon_does_not_hold_rarely_get_an_id(russian_only):
    """Every romanisation (the place's own language's schemes and Russian ones) of every Cyrillic
    must-not-match name: about 1,600 Latin spellings no lexicon name should claim."""
    from translitnorm.romanise import romanisations

    spellings: dict[str, str] = {}
    for row in read_labelled(SETS / "crosslang-must-not-match.tsv"):
        if row["query"].isascii():
            continue
        lang = row["note"].split(":")[0]
        for source_lang in sorted({lang, "ru"}):
            for rendering in romanisations(row["query"], lang=source_lang).values():
                spellings.setdefault(rendering, row["query"])
    assert len(spellings) > 1000
    queries = sorted(spellings)
    results = russian_only.resolve_many(queries)
    wrong = [f"{query} ({spellings[query]}) → {result.id}" for query, result in zip(queries, results) if result.id]
    assert len(wrong) / len(queries) <= 0.002, wrong


def test_a_cross_language_match_is_looser_evidence_than_an_exact_one(russian_only):
    exact = russian_only.resolve("Харьков")
    cross = russian_only.resolve("Харків")
    assert exact.id == cross.id == "ua.kharkiv"
    assert cross.score < exact.score


def test_an_explanation_names_the_correspondences_that_made_the_match(russian_only):
    [candidate] = russian_only.explain("Mahilioŭ").of_stage(CANDIDATE)
    assert (candidate.output, candidate.evidence["method"]) == ("by.mahiliou", "cross")
    [part] = candidate.evidence["parts"]
    assert (part.slot, part.tier) == ("whole name", "cross")
    assert part.note == ("be form Магілёў: Belarusian а for unstressed о (akanye); Belarusian і for Russian и; "
                         "Belarusian ў for в after a vowel at the end of a syllable")


def test_labelled_rows_cite_a_source():
    for path in sorted(SETS.glob("crosslang-*.tsv")):
        for row in read_labelled(path):
            assert row["source"].strip() and row["note"].strip(), (path.name, row)
    assert KNOWN_FAILURES, "the known-failures file is read"


def _word_paths_by_definition(word: str, source_lang: str, target_lang: str, keep: int):
    """The ``keep`` cheapest rewritings of a word, computed the plain way: every position's edges from
    every rule of its letter, and the k-best dynamic programme run in full under each stress hypothesis."""
    from translitnorm.crosslang import VOWELS, _directions, _edges, _stress_hypotheses

    direction = _directions()[(source_lang, target_lang)]
    vowels = [i for i, letter in enumerate(word) if letter in VOWELS]
    found = {}
    for hypothesis_cost, stress in _stress_hypotheses(word, direction):
        graph = [_edges(word, position, [rule for rule in direction.rules.get(letter, ())
                                         if rule.applies(word, position, stress, vowels)], stress, vowels)
                 for position, letter in enumerate(word)]
        best = [[] for _ in range(len(word) + 1)]
        best[0] = [(hypothesis_cost, "", ())]
        for position, edges in enumerate(graph):
            paths = sorted(set(best[position]))[:keep]
            for end, piece, cost, description in edges:
                for path_cost, text, rules in paths:
                    named = rules if description is None or description in rules else rules + (description,)
                    best[end].append((path_cost + cost, text + piece, named))
        for path in best[len(word)]:
            if path[1] not in found or path < found[path[1]]:
                found[path[1]] = path
    return tuple(sorted(found.values())[:keep])


@settings(max_examples=200, deadline=None)
@given(word=st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўқғңүұөһәјљњћђџѓќ'", min_size=1, max_size=12),
       keep=st.integers(1, 12))
def test_rewriting_finds_the_cheapest_paths_as_the_plain_dynamic_programme_does(word, keep):
    """The rewriting skips work (words no rule touches, letters with one way on, one stress graph
    seen before) without changing which rewritings it finds or their costs."""
    from translitnorm.crosslang import _directions, _word_paths

    for source_lang, target_lang in _directions():
        assert _word_paths(word, source_lang, target_lang, keep) == _word_paths_by_definition(
            word, source_lang, target_lang, keep), (word, source_lang, target_lang)


@settings(max_examples=200, deadline=None)
@given(word=st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўқғңүұөһәјљњћђџѓќ", min_size=1, max_size=10),
       case=st.sampled_from((str.lower, str.upper, str.capitalize)), keep=st.integers(1, 12))
def test_a_one_word_text_is_rewritten_as_any_text_is(word, case, keep):
    """A name part that is one word takes a shorter way through the rewriting, to the same paths."""
    from translitnorm.crosslang import _directions, _rewrite, _rewrite_words

    text = case(word)
    for direction in _directions().values():
        assert _rewrite(text, direction, keep) == _rewrite_words(text, direction, keep), (text, direction.target_lang)
