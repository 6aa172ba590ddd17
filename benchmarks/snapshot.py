"""Every answer the matcher gives on the labelled sets and on a large clean run, as one canonical file.

A refactoring that must not change a single output is checked by writing the snapshot
before and after and comparing the files byte for byte:

    .venv/bin/python benchmarks/snapshot.py write /tmp/before.jsonl        # ~2 min on 2 cores
    .venv/bin/python benchmarks/snapshot.py compare /tmp/before.jsonl /tmp/after.jsonl
    .venv/bin/python benchmarks/snapshot.py against main                   # both, old code from git

``against REV`` writes the snapshot of this tree's code and of the code of git revision
``REV`` (its ``src/`` unpacked into a temporary directory with ``git archive``), both over
this tree's data, and compares them; it exits 1 when they differ.

One JSON object per line, keys sorted:

- for every query of every labelled set (``tests/data/sets``, the crosslang sets on their
  lexicons, iso-codes, the devset, the recall sets of ``tests/data/recall``, as
  ``benchmarks/quality.py`` loads them; the places sets of ``tests/data/places`` on the
  shipped lexicons): the full
  :meth:`Resolution.as_dict` (ID, score, method, scheme, matched name and form, reason,
  candidates) and the text of :meth:`Normaliser.explain`;
- for a clean-style run over a synthetic lexicon (``benchmarks/synthetic.py``, default
  20,000 people) and a CSV of ``--names`` distinct names (default 50,000): every distinct
  name's resolution, the explanation of every 25th name, and the SHA-256 of the output
  and review files ``clean_file`` writes.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import io
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELLED_SETS = ("devset", "press-spellings", "name-forms", "must-not-match", "known-failures", "crosslang-cyrillic",
                 "crosslang-latin", "crosslang-russian-forms", "crosslang-must-not-match", "crosslang-known-failures",
                 "iso-codes", *(f"recall-{name}-{part}" for name in ("one-word", "screening", "cyrillic")
                                for part in ("dev", "holdout")))
# The held-out place spellings and the near names of tests/data/places, on the shipped lexicons.
PLACES_SETS = ("heldout-places", "near-names")
EXPLAIN_EVERY = 25


def _line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def write(out: Path, src: Path, names: int, entities: int, rows: int) -> None:
    """Write the snapshot of the code under ``src`` to ``out``."""
    sys.path.insert(0, str(src))
    import translitnorm  # noqa: F401  (the code under test: before benchmarks/quality.py puts ROOT/src on the path)

    if Path(translitnorm.__file__).resolve().parent != (src / "translitnorm").resolve():
        raise SystemExit(f"imported translitnorm from {translitnorm.__file__}, not from {src}")
    sys.path.insert(1, str(ROOT / "benchmarks"))
    import quality
    import synthetic
    from translitnorm import Normaliser
    from translitnorm.clean import clean_file

    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="translitnorm-snapshot-") as work_dir:
        work = Path(work_dir)
        cache = work / "cache"
        for labelled in quality.load_sets(LABELLED_SETS, work):
            normaliser = Normaliser.from_lexicons(labelled.lexicon_paths, cache_dir=cache)
            for number, (query, expected) in enumerate(labelled.rows):
                lines.append(_line({"set": labelled.name, "n": number, "expected": expected,
                                    "resolution": normaliser.resolve(query).as_dict(),
                                    "explain": str(normaliser.explain(query))}))
            print(f"{labelled.name}: {len(labelled.rows)} queries", file=sys.stderr, flush=True)
        shipped = Normaliser.from_lexicons([ROOT / "lexicons"], cache_dir=cache)
        for places_set in PLACES_SETS:
            with open(ROOT / "tests" / "data" / "places" / f"{places_set}.tsv", encoding="utf-8", newline="") as handle:
                place_rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
            for number, row in enumerate(place_rows):
                lines.append(_line({"set": f"places-{places_set}", "n": number, "expected": row["expected"],
                                    "resolution": shipped.resolve(row["query"]).as_dict(),
                                    "explain": str(shipped.explain(row["query"]))}))
            print(f"places-{places_set}: {len(place_rows)} queries", file=sys.stderr, flush=True)

        lexicon = synthetic.write_lexicon(work / "lexicon.tsv", entities, seed=0)
        data = synthetic.write_rows_csv(work / "rows.csv", lexicon, rows=max(rows, names), distinct=names, seed=0)
        normaliser = Normaliser.from_lexicons([lexicon], cache_dir=cache)
        output, review = work / "clean.csv", work / "review.csv"
        summary = clean_file(data, output, ["name"], normaliser, review=review, jobs=1)
        lines.append(_line({"set": "clean", "rows": summary.rows, "distinct": summary.distinct,
                            "methods": dict(sorted(summary.methods.items())), "clusters": summary.clusters,
                            "output_sha256": _sha256(output), "review_sha256": _sha256(review)}))
        with open(data, encoding="utf-8", newline="") as handle:
            distinct = sorted({row["name"] for row in csv.DictReader(handle)})
        for number, resolution in enumerate(normaliser.resolve_many(distinct, jobs=1)):
            record = {"set": "clean-names", "resolution": resolution.as_dict()}
            if number % EXPLAIN_EVERY == 0:
                record["explain"] = str(normaliser.explain(distinct[number]))
            lines.append(_line(record))
        print(f"clean: {summary.rows:,} rows, {len(distinct):,} distinct names", file=sys.stderr, flush=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def compare(first: Path, second: Path, shown: int = 20) -> bool:
    """True when the two snapshots are byte-identical; else print the first differing lines."""
    a, b = first.read_bytes(), second.read_bytes()
    if a == b:
        lines = a.count(b"\n")
        print(f"identical: {first} and {second} ({lines:,} lines, sha256 {hashlib.sha256(a).hexdigest()[:16]})")
        return True
    diff = list(difflib.unified_diff(a.decode().splitlines(), b.decode().splitlines(), str(first), str(second), n=0, lineterm=""))
    print(f"DIFFERENT: {first} and {second}; first lines of the difference:")
    for line in diff[: shown * 2 + 2]:
        print(line[:600])
    return False


def against(revision: str, names: int, entities: int, rows: int, keep: Path | None) -> bool:
    """Snapshot this tree's code and ``revision``'s code over this tree's data, and compare."""
    with tempfile.TemporaryDirectory(prefix="translitnorm-snapshot-rev-") as tmp:
        tmp_dir = Path(tmp)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision, "src"],
                                 check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp_dir / "old", filter="data")
        outputs = {}
        for label, src in (("old", tmp_dir / "old" / "src"), ("new", ROOT / "src")):
            outputs[label] = (keep or tmp_dir) / f"snapshot-{label}.jsonl"
            command = [sys.executable, __file__, "write", str(outputs[label]), "--src", str(src),
                       "--names", str(names), "--entities", str(entities), "--rows", str(rows)]
            print(f"{label}: {revision if label == 'old' else 'this tree'} …", file=sys.stderr, flush=True)
            subprocess.run(command, check=True, env=dict(os.environ, PYTHONHASHSEED="0"))
        return compare(outputs["old"], outputs["new"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    sizes = argparse.ArgumentParser(add_help=False)
    sizes.add_argument("--names", type=int, default=50_000, help="distinct names of the clean run")
    sizes.add_argument("--entities", type=int, default=20_000, help="people in the synthetic lexicon")
    sizes.add_argument("--rows", type=int, default=200_000, help="rows of the clean run's CSV")
    writing = commands.add_parser("write", parents=[sizes], help="write the snapshot of this tree's code")
    writing.add_argument("output", type=Path)
    writing.add_argument("--src", type=Path, default=ROOT / "src", help="the package source to snapshot")
    comparing = commands.add_parser("compare", help="compare two snapshot files")
    comparing.add_argument("first", type=Path)
    comparing.add_argument("second", type=Path)
    old = commands.add_parser("against", parents=[sizes], help="snapshot this tree and a git revision, and compare")
    old.add_argument("revision")
    old.add_argument("--keep", type=Path, help="directory to keep both snapshot files in")
    args = parser.parse_args(argv)
    if args.command == "write":
        write(args.output, args.src.resolve(), args.names, args.entities, args.rows)
        return 0
    if args.command == "compare":
        return 0 if compare(args.first, args.second) else 1
    return 0 if against(args.revision, args.names, args.entities, args.rows, args.keep) else 1


if __name__ == "__main__":
    sys.exit(main())
