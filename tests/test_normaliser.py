"""The public entry point as a program uses it: build a Normaliser, resolve, resolve many, explain."""

from __future__ import annotations

import pickle
from pathlib import Path

import pyarrow as pa
import pytest

import translitnorm
from translitnorm import DecisionRule, Explanation, LexiconError, Normaliser, Resolution
from translitnorm.decision import DECISION, RESULT_FIELDS
from translitnorm.normaliser import default_lexicon_paths

ROOT = Path(__file__).resolve().parent.parent
HEADER = "id\ttype\tlang\tname\trole\tnote\n"


def write_lexicon(path: Path, *rows: str) -> Path:
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_the_public_names_are_importable_from_the_package():
    for name in ("Normaliser", "Resolution", "Explanation", "DecisionRule", "Candidate", "Lexicon", "LexiconError"):
        assert name in translitnorm.__all__ and hasattr(translitnorm, name)


def test_the_default_normaliser_reads_the_shipped_lexicons():
    [folder] = default_lexicon_paths()
    assert folder.is_dir() and any(folder.glob("*.tsv"))
    default = Normaliser.default()
    assert default.resolve("Kurmanbek Bakiev").id == "kg.bakiev.kurmanbek"
    assert default.rule == DecisionRule()


def test_several_lexicons_combine_files_and_directories(tmp_path, cache_dir):
    people = write_lexicon(tmp_path / "people.tsv", "x.chekhov\tperson\tru\tАнтон Павлович Чехов\tsource\t")
    places = tmp_path / "places"
    places.mkdir()
    write_lexicon(places / "ru.tsv", "ru.tomsk\tplace\tru\tТомск\tsource\t")
    norm = Normaliser.from_lexicons([people, places], cache_dir=tmp_path / "cache")
    assert norm.resolve("Anton Tschechow").id == "x.chekhov"
    assert norm.resolve("Tomsk").id == "ru.tomsk"
    assert sorted(norm.index.entity_ids) == ["ru.tomsk", "x.chekhov"]


def test_a_lexicon_with_an_error_is_refused_with_file_and_line(tmp_path):
    broken = write_lexicon(tmp_path / "broken.tsv", "x.chekhov\tperson\tru\tAnton Chekhov\tsource\t")
    with pytest.raises(LexiconError, match=r"broken.tsv:2: error"):
        Normaliser.from_lexicons([broken], cache_dir=tmp_path / "cache")


def test_resolve_gives_a_resolution_with_its_result_fields(shipped):
    result = shipped.resolve("Kourmanbek Bakiev")
    assert isinstance(result, Resolution) and result.matched
    assert result.result_row() == tuple(getattr(result, name) for name in RESULT_FIELDS)
    assert result.result_row() == ("kg.bakiev.kurmanbek", "Kurmanbek Bakiyev", 1.0, "exact", "ru-fr")
    nothing = shipped.resolve("")
    assert (nothing.matched, nothing.method, nothing.reason) == (False, "empty", "empty")


def test_a_rule_given_to_the_normaliser_decides(shipped):
    strict = Normaliser(shipped.index, DecisionRule(min_score=0.99, min_score_single=0.99))
    assert strict.resolve("Roza Otounbayeva").id is None
    [decision] = strict.explain("Roza Otounbayeva").of_stage(DECISION)
    assert decision.evidence["threshold"] == 0.99 and decision.evidence["reason"] == "below-threshold"


def test_resolve_many_answers_as_resolve_does_in_each_shape(shipped):
    names = ["Bakijew", None, "Almaty", "Bakijew", "Maxim Bakiyev"]
    one_by_one = [shipped.resolve(name) if name is not None else Resolution.empty(name) for name in names]
    listed = shipped.resolve_many(names)
    assert [r.id for r in listed] == [r.id for r in one_by_one]
    table = shipped.resolve_many(pa.array(names), as_="arrow")
    assert table.column_names == list(RESULT_FIELDS)
    assert table.column("id").to_pylist() == [r.id for r in one_by_one]
    frame = shipped.resolve_many(names, as_="pandas")
    assert list(frame["method"]) == [r.method for r in one_by_one]
    with pytest.raises(ValueError, match="as_"):
        shipped.resolve_many(names, as_="csv")


def test_explain_gives_the_steps_and_the_same_answer_as_resolve(shipped):
    explanation = shipped.explain("President K. Bakijew")
    assert isinstance(explanation, Explanation) and explanation.query == "President K. Bakijew"
    assert explanation.resolution.id == shipped.resolve("President K. Bakijew").id
    [decision] = explanation.of_stage(DECISION)
    assert decision.output == explanation.resolution.id


def test_a_pickled_normaliser_keeps_its_rule(shipped):
    lenient = Normaliser(shipped.index, DecisionRule(min_score=0.5))
    copy = pickle.loads(pickle.dumps(lenient))
    assert copy.rule == lenient.rule
    assert copy.resolve("Maxim Bakiyev").id == lenient.resolve("Maxim Bakiyev").id == "kg.bakiev.kurmanbek"
