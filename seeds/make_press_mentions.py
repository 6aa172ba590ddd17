"""Assemble seeds/press-mentions.csv, the example dataset of `make run`, from cited spellings.

    .venv/bin/python seeds/make_press_mentions.py      # rewrites seeds/press-mentions.csv (deterministic)

Every name comes from a file that says where it was read (see seeds/README.md); this script
only draws from them with fixed random choices and adds what real columns hold: repeats,
titles and possessives, typing slips, capitals, stray spaces and empty cells.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "tests" / "data" / "sets"
OUTPUT = ROOT / "seeds" / "press-mentions.csv"
ROWS = 3000
SEED = 2026
TITLES = ("President", "Prime Minister", "Mr", "Präsident", "le président", "prezydent", "премьер-министр")


def read(path: Path, source_of) -> list[tuple[str, str, bool]]:
    """(source, name, is a person) of each row of a labelled set (person IDs have three parts)."""
    with open(path, encoding="utf-8") as handle:
        return [(source_of(row), row["query"], row["expected"].count(".") == 2)
                for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]


def press(note: str) -> str:
    lang = note.split(";")[0].split()[0] if note else "en"
    return f"{lang}-press"


def slip(name: str, chance: random.Random) -> str:
    """One typing slip: two letters swapped, one dropped or one doubled."""
    letters = list(name)
    spots = [i for i in range(1, len(letters) - 1) if letters[i].isalpha() and letters[i + 1].isalpha()]
    if not spots:
        return name
    i = chance.choice(spots)
    kind = chance.randrange(3)
    if kind == 0:
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    elif kind == 1:
        del letters[i]
    else:
        letters.insert(i, letters[i])
    return "".join(letters)


def main() -> None:
    chance = random.Random(SEED)
    people = read(SETS / "press-spellings.tsv", lambda row: press(row["note"]))
    places = read(ROOT / "tests" / "data" / "places" / "heldout-places.tsv",
                  lambda row: "foreign-city" if row["expected"] == "FOREIGN" else
                  "not-a-name" if row["expected"] == "NONE" else f"{row['lang']}-press")
    unknown = read(SETS / "must-not-match.tsv", lambda row: "not-in-lexicon")
    with open(ROOT / "seeds" / "example-names.csv", encoding="utf-8", newline="") as handle:
        article = [(row["source"], row["name"], False) for row in csv.DictReader(handle)]
    pools = [(people, 0.35), (places, 0.45), (unknown, 0.10), (article, 0.10)]
    rows = []
    for _ in range(ROWS):
        pool = chance.choices([p for p, _ in pools], [w for _, w in pools])[0]
        source, name, person = chance.choice(pool)
        roll = chance.random()
        if roll < 0.03:
            source, name = "empty", ""
        elif roll < 0.09:
            source, name = source + "+slip", slip(name, chance)
        elif roll < 0.12:
            name = name.upper()
        elif roll < 0.15 and person:
            name = f"{chance.choice(TITLES)} {name}"
        elif roll < 0.17:
            name = f"  {name} "
        rows.append((source, name))
    with open(OUTPUT, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["row", "source", "name"])
        for number, (source, name) in enumerate(rows, start=1):
            writer.writerow([number, source, name])


if __name__ == "__main__":
    main()
