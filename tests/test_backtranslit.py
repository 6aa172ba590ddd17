"""Back-transliteration: a Latin spelling → its plausible Cyrillic sources, ranked, with the schemes that agree."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from translitnorm import CyrillicSource, cyrillic_sources
from translitnorm.backtranslit import best_cyrillic, cyrillic_key, is_held_out
from translitnorm.cli import app
from translitnorm.romanise import UnknownLanguageError, romanise

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import cluster_quality  # noqa: E402


@pytest.mark.parametrize(("spelling", "lang", "cyrillic"), [
    ("Tschechow", "ru", "Чехов"),        # German press
    ("Czechow", "ru", "Чехов"),          # Polish press
    ("Chekhov", "ru", "Чехов"),          # English press
    ("Djalal-Abad", "ky", "Джалал-Абад"),  # French press
    ("Bakijew", "ky", "Бакиев"),         # German press
    ("Ivanoff", "ru", "Иванов"),         # a popular spelling no scheme gives (data/popular_spellings.toml)
    ("Poutine", "ru", "Путин"),          # French -ine, the same list
    ("Kurmanbek Bakiyev", "ky", "Курманбек Бакиев"),
    ("BAKIYEV, Kurmanbek", "ky", "БАКИЕВ, Курманбек"),  # case and punctuation kept
])
def test_issue_examples_come_first(spelling, lang, cyrillic):
    assert best_cyrillic(spelling, lang=lang) == cyrillic


def test_sources_list_exactly_the_schemes_that_give_the_spelling_back():
    sources = cyrillic_sources("Tschechow", top=3)
    assert [type(s) for s in sources] == [CyrillicSource] * 3
    assert sources[0].schemes == ("ru-de",)
    for source in sources:
        for scheme_id in source.schemes:
            assert romanise(source.cyrillic, scheme_id) == "Tschechow"
    assert abs(sum(s.share for s in sources) - 1.0) < 1e-9
    assert [s.score for s in sources] == sorted((s.score for s in sources), reverse=True)


def test_a_cyrillic_name_is_its_own_source_and_empty_text_has_none():
    assert [s.cyrillic for s in cyrillic_sources("Чехов")] == ["Чехов"]
    assert cyrillic_sources("   ") == []


def test_bad_language_and_top_are_clear_errors():
    with pytest.raises(UnknownLanguageError, match="did you mean 'ky'"):
        cyrillic_sources("Bakiev", lang="kg")
    with pytest.raises(ValueError, match="top must be at least 1"):
        cyrillic_sources("Bakiev", top=0)


def test_cyrillic_key_keeps_apart_what_names_keep_apart():
    assert cyrillic_key("Горбачёв") == cyrillic_key("Горбачов") == cyrillic_key("Горбачев")
    assert cyrillic_key("Зиновьев") == cyrillic_key("Зиновиев")
    assert len({cyrillic_key(name) for name in ("Чуков", "Шуков", "Щуков", "Жуков")}) == 4
    assert cyrillic_key("Иванова") != cyrillic_key("Иванов")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30))
def test_any_text_gives_a_ranked_list_never_a_traceback(text):
    sources = cyrillic_sources(text, top=3)
    assert len(sources) <= 3
    assert all(isinstance(s.cyrillic, str) for s in sources)


def test_held_out_names_are_not_in_the_letter_model():
    trained = set((ROOT / "src/translitnorm/data/cyrillic_name_words.txt").read_text(encoding="utf-8").split())
    held_out = [name for name, _ in cluster_quality.held_out_names()]
    assert len(held_out) > 500
    assert not {name.lower() for name in held_out} & trained
    assert all(is_held_out(name) for name in held_out)


def test_the_word_list_is_what_its_script_makes():
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_cyrillic_name_words as make

    shipped = [line for line in make.OUTPUT.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert shipped == sorted(make.lexicon_words() | make.name_list_words())


def test_held_out_single_scheme_romanisations_have_the_true_form_in_the_top_3(capsys):
    # One scheme per held-out name (the benchmark runs three); 0.95 is the issue's target and the
    # figure reached on this sample is 0.96.
    assert cluster_quality.backtranslit_held_out(per_name=1) >= 0.95


def test_real_press_spellings_have_the_true_form_in_the_top_10(capsys):
    # Figure reached: 0.952 (the misses are exonyms and host-language spellings: Żytomierz, Irkuck).
    assert cluster_quality.backtranslit_press(show=0) >= 0.95


def test_cyrillic_command_prints_a_table_and_json():
    runner = CliRunner()
    result = runner.invoke(app, ["cyrillic", "Tschechow", "--top", "2"])
    assert result.exit_code == 0, result.output
    assert "Чехов" in result.stdout and "ru-de" in result.stdout
    as_json = runner.invoke(app, ["cyrillic", "Djalal-Abad", "--lang", "ky", "--top", "3", "--json"])
    assert as_json.exit_code == 0, as_json.output
    found = json.loads(as_json.stdout)
    assert len(found) == 3 and found[0]["cyrillic"] == "Джалал-Абад" and "ky-bgn" in found[0]["schemes"]
    wrong = runner.invoke(app, ["cyrillic", "Bakiev", "--lang", "kg"])
    assert wrong.exit_code == 2 and "did you mean 'ky'" in wrong.output


def test_docstring_examples_run():
    import doctest

    import translitnorm.backtranslit as module

    assert doctest.testmod(module).failed == 0
