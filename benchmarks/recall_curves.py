"""Precision/recall of each recall rule's constants on the dev parts of the independent sets.

    .venv/bin/python benchmarks/recall_curves.py            # ~1–2 minutes

Only the dev parts (tests/data/recall/*-dev.tsv) are used to choose a value; the hold-out
parts are left for the final figure (benchmarks/quality.py). For each constant it prints,
per value tried: recall on the queries that have an expected ID, wrong IDs among them, and
false answers on the names the lexicon does not hold (the must-not-match lines), so that
the chosen value (marked *) can be checked against its neighbours. The cross-language
constant is also measured on tests/data/sets/crosslang-must-not-match.tsv against the
Russian-only lexicon, where short Cyrillic words collide with other real names.
"""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from translitnorm import Normaliser  # noqa: E402
from translitnorm import lookup as matcher  # noqa: E402  (the look-up stage holds the constants)
from translitnorm import matcher as stages  # noqa: E402  (the decision's inputs: named_elsewhere)

RECALL = ROOT / "tests" / "data" / "recall"


def rows_of(path: Path) -> list[tuple[str, str | None]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [(row["query"], None if row["expected"] == "NONE" else row["expected"])
                for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]


def measure(paths: list[Path], rows: list[tuple[str, str | None]], cache: Path) -> tuple[float | None, int, int, int]:
    """(recall, wrong IDs, false answers, negatives) with the module's current constants."""
    normaliser = Normaliser.from_lexicons(paths, cache_dir=cache)  # a new matcher: no cached look-ups
    answers = [result.id for result in normaliser.resolve_many([query for query, _ in rows])]
    positives = [(expected, answer) for (_, expected), answer in zip(rows, answers) if expected is not None]
    negatives = [answer for (_, expected), answer in zip(rows, answers) if expected is None]
    correct = sum(expected == answer for expected, answer in positives)
    wrong = sum(answer is not None and answer != expected for expected, answer in positives)
    recall = correct / len(positives) if positives else None  # a must-not-match set has no positives
    return recall, wrong, sum(answer is not None for answer in negatives), len(negatives)


def curve(title: str, constant: str, values: list, chosen, runs: list[tuple[str, list[Path], list]], cache: Path) -> None:
    original = getattr(matcher, constant)
    print(f"\n### {title} ({constant})\n")
    print("| value | " + " | ".join(f"{name}: recall / wrong / false" for name, _, _ in runs) + " |")
    print("|---|" + "---|" * len(runs))
    try:
        for value in values:
            setattr(matcher, constant, value)
            cells = []
            for _, paths, rows in runs:
                recall, wrong, false, negatives = measure(paths, rows, cache)
                cells.append(f"{'—' if recall is None else f'{recall:.1%}'} / {wrong} / {false} of {negatives}")
            print(f"| {value}{' *' if value == chosen else ''} | " + " | ".join(cells) + " |")
    finally:
        setattr(matcher, constant, original)


def main() -> None:
    lexicon = [RECALL / "lexicon.tsv"]
    one_word = rows_of(RECALL / "one-word-dev.tsv")
    cyrillic = rows_of(RECALL / "cyrillic-dev.tsv")
    screening = rows_of(RECALL / "screening-dev.tsv")
    must_not = rows_of(ROOT / "tests" / "data" / "sets" / "crosslang-must-not-match.tsv")
    russian_only = [ROOT / "tests" / "data" / "crosslang" / "russian-only.tsv"]
    with tempfile.TemporaryDirectory(prefix="translitnorm-curves-") as tmp:
        cache = Path(tmp)
        never = 10**6  # a value that switches the rule off (printed as 1000000)
        curve("one-word slip: least key length (off = rule off)", "SLIP_MIN_KEY_LENGTH", [never, 4, 5, 6, 7, 8],
              matcher.SLIP_MIN_KEY_LENGTH, [("one-word dev", lexicon, one_word)], cache)
        curve("one-word slip: no rival entity within this many edits", "SLIP_RIVAL_DISTANCE", [1, 2, 3],
              matcher.SLIP_RIVAL_DISTANCE, [("one-word dev", lexicon, one_word)], cache)
        curve("Cyrillic word of unsure language read as every language: least length (off = rule off)",
              "UNSURE_LANGUAGE_MIN_LETTERS", [never, 4, 5, 6, 7, 8], matcher.UNSURE_LANGUAGE_MIN_LETTERS,
              [("cyrillic dev", lexicon, cyrillic), ("crosslang must-not-match", russian_only, must_not)], cache)
        print("\n### one word written as a town elsewhere: no ID (translitnorm.elsewhere)\n")
        print("| rule | one-word dev: recall / wrong / false | cyrillic dev: recall / wrong / false |\n|---|---|---|")
        original = stages.named_elsewhere
        try:
            for label, rule in (("off", lambda word: False), ("on *", original)):
                stages.named_elsewhere = rule
                cells = []
                for rows in (one_word, cyrillic):
                    recall, wrong, false, negatives = measure(lexicon, rows, cache)
                    cells.append(f"{recall:.1%} / {wrong} / {false} of {negatives}")
                print(f"| {label} | " + " | ".join(cells) + " |")
        finally:
            stages.named_elsewhere = original
        scores = dict(matcher.TIER_SCORES)
        print("\n### translated given name: score (TIER_SCORES['translated'])\n")
        print("| value | screening dev: recall / wrong / false |\n|---|---|")
        try:
            for value in (0.6, 0.7, 0.75, 0.8, 0.85):
                matcher.TIER_SCORES["translated"] = value
                recall, wrong, false, negatives = measure(lexicon, screening, cache)
                print(f"| {value}{' *' if value == scores['translated'] else ''} | {recall:.1%} / {wrong} / {false} of {negatives} |")
        finally:
            matcher.TIER_SCORES.clear()
            matcher.TIER_SCORES.update(scores)


if __name__ == "__main__":
    main()
