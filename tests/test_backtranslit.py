"""Back-transliteration: a Latin spelling → its plausible Cyrillic sources, ranked, with the schemes that agree."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from translitnorm import CyrillicSource, cyrillic_sources
import heapq
import math

from translitnorm import backtranslit, scheme_channel
from translitnorm.backtranslit import _decode, _readable, best_cyrillic, cyrillic_key, is_held_out, likely_cyrillic
from translitnorm.cli import app
from translitnorm.cluster import read_name
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
    assert likely_cyrillic(spelling, lang=lang) == cyrillic  # the review file's suggestion


LATIN_WORDS = st.text(alphabet="abcdefghijklmnoprstuvwyzšžčéëáńł'", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(LATIN_WORDS, min_size=1, max_size=3), st.sampled_from([" ", "-", ", "]), st.booleans())
def test_the_best_source_is_the_first_of_the_ranked_sources(words, separator, upper):
    name = separator.join(word.capitalize() for word in words)
    name = name.upper() if upper else name
    ranked = cyrillic_sources(name, top=1)
    assert best_cyrillic(name) == (ranked[0].cyrillic if ranked else "")


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="abcdefghijklmnoprstuvwyzšžčéëáńł", min_size=2, max_size=12))
def test_the_review_suggestion_is_the_clusterers_reading(word):
    # The review file proposes, as a new cluster's source, the reading its cluster key comes from.
    name = word.capitalize()
    reading = read_name(name)
    assume(len(reading.parts) == 1 and not reading.initials)
    assert cyrillic_key(likely_cyrillic(name)) == reading.parts[0]


def test_the_review_suggestion_is_right_as_often_as_the_first_ranked_source():
    # Figures reached on the 401 press and gazetteer spellings: 0.763 for the suggestion (the
    # narrower beam), 0.758 for the first of cyrillic_sources.
    assert cluster_quality.likely_press_top1() >= 0.763


def _plain_decode(latin, lang, beam_width):
    """The decoder written plainly, one call per hypothesis: the reference the fast loop must equal."""
    channel, model = backtranslit._channel(lang), backtranslit._letter_model()
    folded = "".join(backtranslit._plain(char) for char in latin)
    folded = None if folded == latin else folded
    beams = [dict() for _ in range(len(latin) + 1)]
    beams[0][""] = (0.0, 0.0, 0.0, channel.everyone)

    def add(target, text, lm, piecewise, mask):
        mixed = backtranslit._LOG_MIXED + piecewise
        if mask:
            single = channel.single_log[mask.bit_count()]
            high, low = max(single, mixed), min(single, mixed)
            channel_logp = high + math.log(1.0 + math.exp(low - high))
        else:
            channel_logp = mixed
        score = lm + channel_logp
        if text not in target or score > target[text][0]:
            target[text] = (score, lm, piecewise, mask)

    for position in range(len(latin) + 1):
        beam = beams[position]
        if not beam:
            continue
        if len(beam) > beam_width:
            beam = beams[position] = dict(heapq.nlargest(beam_width, beam.items(), key=lambda item: item[1][0]))
        final_here = position == len(latin)
        for text, (_, lm, piecewise, mask) in list(beam.items()):
            if text and text[-1] not in backtranslit.VOWELS and text[-1] not in backtranslit.SIGNS:
                for cyrillic, logp, piece_mask in channel.silent.get((backtranslit._CONSONANT, final_here), ()):
                    add(beam, text + cyrillic, lm + model.extend(text, cyrillic), piecewise + logp, mask & piece_mask)
        if final_here:
            break
        states = [(text, values) for text, values in beam.items()]
        reached = False
        for size in range(1, min(channel.longest, len(latin) - position) + 1):
            written = latin[position:position + size]
            readings = [(written, 0.0)]
            if folded is not None and folded[position:position + size] != written:
                plain = folded[position:position + size]
                readings.append((plain, backtranslit._LOG_FOLDED * sum(a != b for a, b in zip(written, plain))))
            for reading, cost in readings:
                for text, (_, lm, piecewise, mask) in states:
                    context = backtranslit._context_of(text)
                    for cyrillic, logp, piece_mask in channel.pieces.get(reading, {}).get((context, position + size == len(latin)), ()):
                        reached = True
                        add(beams[position + size], text + cyrillic, lm + model.extend(text, cyrillic),
                            piecewise + logp + cost, mask & piece_mask if not cost else 0)
        if not reached and not any(beams[position + 1:]):
            for text, (_, lm, piecewise, mask) in states:
                add(beams[position + 1], text, lm, piecewise - 8.0, 0)
    ranked = [(text, score + model.finish(text)) for text, (score, _, _, _) in beams[len(latin)].items() if text]
    return sorted(ranked, key=lambda item: (-item[1], item[0]))[:beam_width]


@pytest.mark.parametrize("word", ["tschechow", "chekhov", "lénine", "murmańsk", "zhúkov", "schtschedrin", "o'brien",
                                  "mendeļejevs", "x", "qqq", "ivanoff", "nischni"])
@pytest.mark.parametrize("beam_width", [1, 4, 12])
def test_the_decoder_scores_exactly_as_its_plain_form(word, beam_width):
    assert _decode(_readable(word, "ru"), "ru", beam_width) == _plain_decode(_readable(word, "ru"), "ru", beam_width)


@settings(max_examples=60, deadline=None)
@given(LATIN_WORDS, st.sampled_from([4, 12]), st.sampled_from(["ru", "uk", "kk"]))
def test_the_decoder_scores_any_word_exactly_as_its_plain_form(word, beam_width, lang):
    latin = _readable(word, lang)
    assert _decode(latin, lang, beam_width) == _plain_decode(latin, lang, beam_width)


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


@pytest.mark.parametrize("module", ["backtranslit", "letter_model"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    found = doctest.testmod(importlib.import_module(f"translitnorm.{module}"))
    assert found.attempted > 0 and found.failed == 0


def test_the_decoders_context_table_agrees_with_the_context_of_each_letter():
    # the inner loop reads the context of a hypothesis from a table by its last letter
    letters = set(scheme_channel.alphabet("ru")) | set(scheme_channel.alphabet("kk")) | set("ьъ'’ʼ")
    for text in [""] + sorted(letters):
        assert backtranslit._CONTEXT_AFTER.get(text[-1:], backtranslit._CONSONANT) == backtranslit._context_of(text), text
