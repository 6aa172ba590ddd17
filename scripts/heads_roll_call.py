"""List, per country, the heads of state and of government since 1991 that
``tests/data/people/heads-since-1991.tsv`` cites, and whether the curated lexicons
(``lexicons/<cc>.tsv``, not the generated ``places-*.tsv``) hold each one under its ID with
the same display name.  Exit status 1 when one is missing.  Run from the repository root::

    .venv/bin/python scripts/heads_roll_call.py            # a line per country, the missing ones named
    .venv/bin/python scripts/heads_roll_call.py --all      # every person
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from translitnorm.lexicon import load_lexicons  # noqa: E402
from translitnorm.places import PLACES_PREFIX  # noqa: E402

HEADS = ROOT / "tests" / "data" / "people" / "heads-since-1991.tsv"


def curated_lexicon_files() -> list[Path]:
    return [path for path in sorted((ROOT / "lexicons").glob("*.tsv")) if not path.name.startswith(PLACES_PREFIX)]


def roll_call() -> dict[str, list[tuple[dict[str, str], str]]]:
    """Per country code, each listed person with what the lexicons say: ``ok``,
    ``missing`` (no such ID), ``not a person`` or ``shown as …`` (another display name)."""
    lexicon = load_lexicons(curated_lexicon_files())
    found: dict[str, list[tuple[dict[str, str], str]]] = defaultdict(list)
    with HEADS.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file, delimiter="\t"):
            entity = lexicon.entities.get(row["id"])
            if entity is None:
                state = "missing"
            elif entity.type != "person":
                state = "not a person"
            elif entity.canonical != row["name"]:
                state = f"shown as {entity.canonical!r}"
            else:
                state = "ok"
            found[row["country"]].append((row, state))
    return found


def main(argv: list[str] | None = None) -> int:
    show_all = "--all" in (argv if argv is not None else sys.argv[1:])
    problems = 0
    for country, people in sorted(roll_call().items()):
        wrong = [(row, state) for row, state in people if state != "ok"]
        problems += len(wrong)
        print(f"{country}  {len(people) - len(wrong):3} of {len(people):3} in the lexicon")
        for row, state in people if show_all else wrong:
            print(f"    {state:<12} {row['id']:<36} {row['name']} ({row['offices']}; {row['source']})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
