"""The benchmark generators and scripts, run at tiny sizes so they cannot rot."""

from __future__ import annotations

import csv
import re
import io
import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translitnorm.lexicon import format_lines, read_lexicon, validate
from translitnorm.romanise import romanisations
from translitnorm.text import is_cyrillic

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import quality  # noqa: E402
import speed  # noqa: E402
import synthetic  # noqa: E402


@pytest.fixture(scope="module")
def lexicon(tmp_path_factory) -> Path:
    return synthetic.write_lexicon(tmp_path_factory.mktemp("syn") / "syn.tsv", 300, seed=3)


def test_generated_lexicon_is_valid_and_canonical(lexicon):
    problems = validate([lexicon])
    assert [str(p) for p in problems] == []
    text = lexicon.read_text(encoding="utf-8")
    assert format_lines(read_lexicon(lexicon, [])) == text
    lines = text.splitlines()
    assert len(lines) == 301
    assert lines[1].startswith("syn.000000\tperson\t")


@settings(max_examples=15, deadline=None)
@given(n_entities=st.integers(1, 60), seed=st.integers(0, 10**6))
def test_any_generated_lexicon_is_valid_with_distinct_full_names(tmp_path_factory, n_entities, seed):
    path = synthetic.write_lexicon(tmp_path_factory.mktemp("any") / "any.tsv", n_entities, seed=seed)
    assert [p for p in validate([path]) if p.severity == "error"] == []
    lines = list(read_lexicon(path, []))
    assert len({line.id for line in lines}) == len({line.name for line in lines}) == n_entities


def test_generated_lexicon_is_deterministic(tmp_path, lexicon):
    again = synthetic.write_lexicon(tmp_path / "again.tsv", 300, seed=3)
    other = synthetic.write_lexicon(tmp_path / "other.tsv", 300, seed=4)
    assert again.read_bytes() == lexicon.read_bytes()
    assert other.read_bytes() != lexicon.read_bytes()


def test_generated_people_are_real_names_with_gender_forms(lexicon):
    male_surnames = {name for lang in ("ru", "uk", "kk", "ky") for name in synthetic.name_list(f"{lang}-surnames")}
    female_given = {name for lang in ("ru", "uk", "kk", "ky") for name in synthetic.name_list(f"{lang}-given-female")}
    women = [line.name.split() for line in read_lexicon(lexicon, []) if line.name.split()[0] in female_given]
    assert women
    # A woman's surname is the female form of a listed surname (Бакиев → Бакиева), never the male -ов/-ев form.
    for parts in women:
        assert not parts[-1].endswith(("ов", "ев", "ин")), parts
        assert any(synthetic.female_surname(male, "ru") == parts[-1] or synthetic.female_surname(male, "uk") == parts[-1]
                   for male in male_surnames), parts


@pytest.mark.parametrize("father, lang, female, expected", [
    ("Иван", "ru", False, "Иванович"), ("Иван", "ru", True, "Ивановна"),
    ("Сергей", "ru", False, "Сергеевич"), ("Юрий", "ru", True, "Юрьевна"),
    ("Игорь", "ru", False, "Игоревич"), ("Лев", "ru", False, "Львович"),
    ("Никита", "ru", False, None),
    ("Петро", "uk", False, "Петрович"), ("Андрій", "uk", True, "Андріївна"), ("Іван", "uk", True, "Іванівна"),
    ("Абай", "kk", False, "Абаевич"),
])
def test_patronymics_follow_the_regular_rules(father, lang, female, expected):
    assert synthetic.patronymic(father, lang, female) == expected


def test_id_width_grows_past_a_million():
    assert synthetic.id_width(1_000_000) == 6
    assert synthetic.id_width(1_000_001) == 7


def test_queries_are_labelled_with_ids_of_the_lexicon(lexicon):
    ids = {line.id for line in read_lexicon(lexicon, [])}
    labelled = synthetic.queries(lexicon, 200, seed=5)
    assert len(labelled) == 200
    assert labelled == synthetic.queries(lexicon, 200, seed=5)
    expected = [entity_id for _, entity_id in labelled]
    assert set(expected) - {None} <= ids
    assert 0 < expected.count(None) < 100
    assert all(text.strip() and not is_cyrillic(text) for text, _ in labelled)


def test_unknown_queries_are_no_romanisation_of_a_lexicon_name(lexicon):
    spellings = set()
    for line in read_lexicon(lexicon, []):
        parts = line.name.split()
        for name in (line.name, f"{parts[0]} {parts[-1]}"):
            spellings.update(romanisations(name, line.lang).values())
    unknown = synthetic.queries(lexicon, 50, seed=6, mix={"unknown": 1})
    assert all(entity_id is None for _, entity_id in unknown)
    assert [text for text, _ in unknown if text in spellings] == []


def test_queries_reject_an_unknown_kind(lexicon):
    with pytest.raises(ValueError, match="unknown query kind"):
        synthetic.queries(lexicon, 5, mix={"exakt": 1})


@settings(max_examples=200, deadline=None)
@given(word=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=15), seed=st.integers(0, 10**6))
def test_misspell_changes_the_word_by_one_edit_and_keeps_the_first_letter(word, seed):
    changed = synthetic.misspell(word, random.Random(seed))
    assert changed.casefold() != word.casefold()
    assert changed[0] == word[0]
    assert abs(len(changed) - len(word)) <= 1


def test_rows_csv_has_the_requested_rows_and_distinct_names(tmp_path, lexicon):
    path = synthetic.write_rows_csv(tmp_path / "rows.csv", lexicon, rows=500, distinct=40, seed=1)
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["id", "name", "city"]
    assert [int(row["id"]) for row in rows] == list(range(1, 501))
    assert len({row["name"] for row in rows}) == 40
    assert path.read_bytes() == synthetic.write_rows_csv(tmp_path / "again.csv", lexicon, 500, 40, seed=1).read_bytes()


def test_tally_counts_precision_and_recall():
    outcome = quality.tally([("a", "x"), ("b", None), ("c", "y"), ("d", "y")], ["x", "z", None, "y"])
    assert (outcome.correct, outcome.wrong, outcome.no_answer) == (2, 1, 1)
    assert outcome.precision == pytest.approx(2 / 3)
    assert outcome.recall == pytest.approx(2 / 3)
    assert quality.tally([("a", None)], [None]).precision is None


def test_quality_script_runs_every_system(tmp_path):
    out = io.StringIO()
    # The negatives set on small lexicons: the baselines scan every lexicon name, and the
    # shipped lexicons (with the places files) hold 113,000.
    results = quality.main(["--sets", "devset,crosslang-must-not-match,iso-codes,synthetic", "--synthetic-size", "200",
                            "--synthetic-queries", "40"], out=out)
    report = out.getvalue()
    assert set(results) == {"devset", "crosslang-must-not-match on russian-only", "crosslang-must-not-match on native-only",
                            "iso-codes", "synthetic-200-exact", "synthetic-200-variant",
                            "synthetic-200-misspelt", "synthetic-200-unknown"}
    for systems in results.values():
        assert list(systems) == ["translitnorm", "unidecode+WRatio≥85", "unidecode+WRatio≥95", "ICU+WRatio≥85", "metaphone"]
    devset = results["devset"]["translitnorm"]
    assert devset.n == 116 and devset.correct + devset.wrong + devset.no_answer == 116
    assert devset.recall > 0.9
    assert "| translitnorm | 116 |" in report and "score_cutoff 85" in report


def test_quality_script_names_the_sets_when_one_is_unknown():
    with pytest.raises(SystemExit, match="unknown set 'press'.*press-spellings"):
        quality.main(["--sets", "press"], out=io.StringIO())


def test_iso_codes_set_is_valid_and_every_query_has_its_entity():
    lexicon = quality.ISO_DIR / "lexicon.tsv"
    assert [str(p) for p in validate([lexicon]) if p.severity == "error"] == []
    ids = {line.id for line in read_lexicon(lexicon, [])}
    rows = quality._read_rows(quality.ISO_DIR / "queries.tsv")
    assert len(rows) >= 150
    assert {expected for _, expected in rows} <= ids


def test_speed_script_prints_a_table_with_targets():
    out = io.StringIO()
    measurements = speed.main(["--sizes", "200", "--queries", "60", "--baseline-queries", "10", "--quiet"], out=out)
    (m,) = measurements
    assert m.size == 200 and m.lines == 200
    assert m.compile_seconds > 0 and m.load_seconds > 0 and m.index_mb > 0
    assert m.first_names_seconds > 0 and m.ready_seconds == m.load_seconds + m.first_names_seconds
    assert m.names_per_second > 0 and m.baseline_per_second > 0
    report = out.getvalue()
    assert "cached load + first 50 names" in report
    assert report.startswith("| entities | lexicon lines | compile |")
    assert "| 200 | 200 |" in report and "names/s" in report


def test_speed_script_rejects_bad_sizes(capsys):
    with pytest.raises(SystemExit):
        speed.main(["--sizes", "1k"], out=io.StringIO())
    assert "--sizes takes whole numbers" in capsys.readouterr().err


def test_realistic_lexicon_has_a_long_tail_of_real_surnames(tmp_path):
    import realistic

    path = realistic.write_lexicon(tmp_path / "real.tsv", 3_000, seed=1)
    assert [str(p) for p in validate([path]) if p.severity == "error"] == []
    assert format_lines(read_lexicon(path, [])) == path.read_text(encoding="utf-8")
    shape = realistic.shape(path)
    # Drawn by real counts, most of 3,000 people have a surname nobody else in the
    # lexicon has (the synthetic lexicon repeats 2,200 surnames across all its people).
    assert shape.surnames > 2_000
    assert shape.given_names > 1_000
    assert realistic.write_lexicon(tmp_path / "again.tsv", 3_000, seed=1).read_bytes() == path.read_bytes()


def test_realistic_queries_cover_every_kind_and_label_unknown_names_with_no_id(tmp_path):
    import realistic

    path = realistic.write_lexicon(tmp_path / "real.tsv", 500, seed=2)
    ids = {line.id for line in read_lexicon(path, [])}
    for kind in realistic.QUERY_MIX:
        labelled = realistic.queries(path, 20, seed=3, mix={kind: 1})
        assert len(labelled) == 20
        if kind == "unknown":
            assert all(expected is None for _, expected in labelled)
        elif kind != "initials":
            assert all(expected in ids for _, expected in labelled)
    initials = [text for text, _ in realistic.queries(path, 20, seed=4, mix={"initials": 1})]
    assert all(re.search(r"\b[A-Z]\.", text) for text in initials), initials


def test_realistic_script_prints_shape_and_targets():
    import realistic

    out = io.StringIO()
    (m,) = realistic.main(["--sizes", "300", "--queries", "50", "--baseline-queries", "5", "--quiet"], out=out)
    report = out.getvalue()
    assert m.size == 300 and m.names_per_second > 0
    assert "| people | distinct surnames |" in report and "| initials | unknown |" in report


def test_realistic_memory_is_measured_in_a_compiling_and_a_serving_process_of_their_own(tmp_path):
    import realistic

    lexicon = realistic.write_lexicon(tmp_path / "real.tsv", 400, seed=5)
    names = [text for text, _ in realistic.queries(lexicon, 30, seed=6)]
    memory = realistic.process_memory(lexicon, tmp_path, names)
    # A process that imports the package and holds an index is tens of MiB; far below a GiB at this size.
    assert 0.02 < memory.compile_main < 1 and 0.02 < memory.serving < 1
    assert memory.largest == max(memory.compile_main + memory.compile_helpers, memory.serving)
    assert list((tmp_path / "memory-cache-real").glob("index-*")), "the compiling process wrote its cache"


def test_interleaved_comparison_of_a_tree_with_itself_gives_the_same_answers(tmp_path):
    import interleaved

    out = io.StringIO()
    results, same = interleaved.main(["--other", str(BENCHMARKS.parent / "src"), "--size", "300", "--queries", "60",
                                      "--kinds", "exact,initials", "--workdir", str(tmp_path)], out=out)
    assert same and [result.kind for result in results] == ["exact", "initials"]
    assert all(result.names > 0 and result.this_seconds > 0 and result.other_seconds > 0 for result in results)
    assert "same answers (ID, score, method) for every name: yes" in out.getvalue()
