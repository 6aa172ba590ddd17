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


def test_devset_gets_every_name_right(devset):
    # It reaches 116 of 116: the threshold sits at the figure reached, so any regression fails.
    rows = read_labelled(DATA / "devset" / "queries.tsv")
    outcome = score(devset, rows)
    assert outcome["wrong"] == []
    assert outcome["missed"] == [], "a case we cannot get right yet belongs in known-failures.tsv"
    assert len(outcome["correct"]) == len(rows)


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
    outcome = score(shipped, read_labelled(SETS / "must-not-match.tsv"))
    assert outcome["wrong"] == []


# ---------------------------------------------------------------------------
# Independent recall sets (tests/data/recall, see its README): spellings gathered from
# named sources, resolved against a lexicon of Cyrillic Russian names only.

RECALL = DATA / "recall"
RECALL_SETS = ("one-word", "screening", "cyrillic")
RECALL_FILES = [f"{name}-{part}" for name in RECALL_SETS for part in ("dev", "holdout")]

# The figures reached, per file: (least recall, most wrong IDs per query with an expected
# ID, most false answers per out-of-lexicon name). A regression fails; an improvement
# should raise the floor here.
RECALL_FLOORS = {
    "one-word-dev": (0.918, 0.0, 0.015),
    "one-word-holdout": (0.930, 0.0, 0.0),
    "screening-dev": (0.987, 0.0, 0.0),
    "screening-holdout": (0.979, 0.0, 0.0),
    "cyrillic-dev": (0.962, 0.0, 0.012),
    "cyrillic-holdout": (0.956, 0.0, 0.0),
}


@pytest.fixture(scope="module")
def recall_normaliser(cache_dir):
    from translitnorm import Normaliser

    return Normaliser.from_lexicons([RECALL / "lexicon.tsv"], cache_dir=cache_dir)


def test_independent_queries_are_not_lexicon_lines():
    """A query that is a line of the lexicon it resolves against measures nothing."""
    from translitnorm.lexicon import load_lexicons

    entities = load_lexicons([RECALL / "lexicon.tsv"])
    names = {name.text.casefold() for entity in entities for name in entity.names}
    assert all(any("\u0400" <= letter <= "\u04ff" for letter in name) for name in names), "the lexicon holds Cyrillic names only"
    for stem in RECALL_FILES:
        lines = {row["query"].casefold() for row in read_labelled(RECALL / f"{stem}.tsv")} & names
        assert not lines, f"{stem}: queries that are lexicon lines: {sorted(lines)}"


@pytest.mark.parametrize("name", RECALL_SETS)
def test_independent_sets_have_500_queries_with_negatives_and_a_disjoint_holdout(name):
    dev, holdout = (read_labelled(RECALL / f"{name}-{part}.tsv") for part in ("dev", "holdout"))
    assert len(dev) + len(holdout) >= 500
    for rows in (dev, holdout):
        assert sum(row["expected"] == "NONE" for row in rows) >= 40
        assert all(row["source"] for row in rows), "every line states where it comes from"
    assert not {row["expected"] for row in dev if row["expected"] != "NONE"} & {row["expected"] for row in holdout}


@pytest.mark.parametrize("stem", RECALL_FILES)
def test_independent_set_quality_holds(recall_normaliser, stem):
    rows = read_labelled(RECALL / f"{stem}.tsv")
    outcome = score(recall_normaliser, rows)
    positives = sum(row["expected"] != "NONE" for row in rows)
    negatives = len(rows) - positives
    negative_queries = {row["query"] for row in rows if row["expected"] == "NONE"}
    false = [line for line in outcome["wrong"] if line.split(" → ")[0] in negative_queries]
    wrong = [line for line in outcome["wrong"] if line not in false]
    least_recall, most_wrong, most_false = RECALL_FLOORS[stem]
    # "correct" counts the negatives that rightly got no ID too; recall is over the positives.
    recall = (len(outcome["correct"]) - (negatives - len(false))) / positives
    assert recall >= least_recall, f"recall {recall:.1%} < {least_recall:.1%}"
    assert len(wrong) <= most_wrong * positives, f"wrong IDs: {wrong}"
    assert len(false) <= most_false * negatives, f"IDs for names not in the lexicon: {false}"
