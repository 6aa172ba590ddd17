"""Quality on labelled data: right IDs where the lexicon knows the name, no ID where it does not.

The sets are data files grouped by provenance (tests/data/devset, tests/data/sets);
`known-failures.tsv` lists cases we do not get right yet, run as strict xfail so a fix is noticed.
"""

from __future__ import annotations

import pytest

from conftest import DATA, read_labelled

SETS = DATA / "sets"


def score(normaliser, rows):
    outcome = {"correct": [], "wrong": [], "missed": []}
    results = normaliser.resolve_many([row["query"] for row in rows])
    for row, result in zip(rows, results):
        expected = None if row["expected"] == "NONE" else row["expected"]
        if result.id == expected:
            outcome["correct"].append(row["query"])
        elif result.id is None:
            outcome["missed"].append(f"{row['query']} (expected {expected}; best {result.candidates[0].id if result.candidates else '-'} {result.score:.2f} {result.reason})")
        else:
            outcome["wrong"].append(f"{row['query']} → {result.id} (expected {expected or 'no ID'})")
    return outcome


def test_devset_gets_97_percent_right_and_no_wrong_id(devset):
    rows = read_labelled(DATA / "devset" / "queries.tsv")
    outcome = score(devset, rows)
    assert outcome["wrong"] == []
    accuracy = len(outcome["correct"]) / len(rows)
    assert accuracy >= 0.97, f"{accuracy:.1%} right; missed: {outcome['missed']}"


@pytest.mark.parametrize("name", ["press-spellings", "name-forms"])
def test_labelled_sets_on_the_shipped_lexicon(shipped, name):
    rows = read_labelled(SETS / f"{name}.tsv")
    outcome = score(shipped, rows)
    assert outcome["wrong"] == [], "wrong IDs are worse than no ID"
    assert outcome["missed"] == [], "a case we cannot get right yet belongs in known-failures.tsv"


@pytest.mark.parametrize("row", read_labelled(SETS / "known-failures.tsv"), ids=lambda row: row["query"])
@pytest.mark.xfail(strict=True, reason="known failure (see the note in known-failures.tsv); a pass means it is fixed: move the row back")
def test_known_failures(shipped, row):
    assert shipped.resolve(row["query"]).id == row["expected"]


def test_known_failures_give_no_id_rather_than_a_wrong_one(shipped):
    outcome = score(shipped, read_labelled(SETS / "known-failures.tsv"))
    assert outcome["wrong"] == []


def test_names_not_in_the_lexicon_get_no_id(shipped):
    rows = read_labelled(SETS / "must-not-match.tsv")
    outcome = score(shipped, rows)
    false_rate = len(outcome["wrong"]) / len(rows)
    assert false_rate <= 0.02, f"{false_rate:.1%} false answers: {outcome['wrong']}"
