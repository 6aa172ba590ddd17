"""The shipped places lexicons: compile and cached-load time, and quality on held-out spellings.

    .venv/bin/python benchmarks/places.py            # compile in a fresh cache, then load it, then score

Held-out spellings: tests/data/places/heldout-places.tsv (gathered from encyclopedias in
several languages, not from the lexicon; see tests/data/places/README.md). Prints the
figures of docs/performance.md and a met/MISSED line per target.
"""

from __future__ import annotations

import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from translitnorm import Normaliser  # noqa: E402
from translitnorm.places import REGION_COUNTRIES  # noqa: E402
from translitnorm.normaliser import default_lexicon_paths  # noqa: E402

HELDOUT = ROOT / "tests" / "data" / "places" / "heldout-places.tsv"
REGION_PREFIXES = tuple(code.lower() + "." for code in REGION_COUNTRIES)


def children_cpu() -> float:
    """CPU seconds of the finished child processes (the compile renders name parts in workers)."""
    times = os.times()
    return times.children_user + times.children_system


def timed(action):
    """The result, wall seconds, CPU seconds of this process and CPU seconds of its workers."""
    wall, cpu, workers = time.perf_counter(), time.process_time(), children_cpu()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu, children_cpu() - workers


def load_average() -> str:
    return " ".join(f"{figure:.1f}" for figure in os.getloadavg())


def score(norm: Normaliser, rows: list[dict[str, str]]) -> dict[str, object]:
    """Right IDs, wrong IDs and misses on the places; foreign cities given a regional ID; false answers out of lexicon."""
    places = [r for r in rows if r["expected"] not in ("FOREIGN", "NONE")]
    foreign = [r for r in rows if r["expected"] == "FOREIGN"]
    outside = [r for r in rows if r["expected"] == "NONE"]
    queries = [r["query"] for r in rows]
    got = {query: result.id for query, result in zip(queries, norm.resolve_many(queries))}
    right = [r for r in places if got[r["query"]] == r["expected"]]
    wrong = [r for r in places if got[r["query"]] not in (None, r["expected"])]
    missed = [r for r in places if got[r["query"]] is None]
    foreign_regional = [r for r in foreign if (got[r["query"]] or "").startswith(REGION_PREFIXES)]
    false_outside = [r for r in outside if got[r["query"]] is not None]
    return {"places": len(places), "right": len(right), "wrong": wrong, "missed": missed,
            "foreign": len(foreign), "foreign_regional": foreign_regional,
            "outside": len(outside), "false_outside": false_outside, "got": got}


def main() -> None:
    rows = list(csv.DictReader(open(HELDOUT, encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE))
    with tempfile.TemporaryDirectory() as cache:
        print("compiling the shipped lexicons into a fresh cache …", file=sys.stderr)
        load_before = load_average()
        _, compile_wall, compile_cpu, compile_workers = timed(
            lambda: Normaliser.from_lexicons(default_lexicon_paths(), cache_dir=cache))
        load_after_compile = load_average()
        norm, load_wall, load_cpu, _ = timed(lambda: Normaliser.from_lexicons(default_lexicon_paths(), cache_dir=cache))
    # The first look-ups build the tables derived from the index (entities of each name part, the
    # key-neighbour index) once per process: timed apart, as a run pays them once.
    _, first_use_wall, _, _ = timed(lambda: norm.resolve_many(["Bishkek", "Novosibrisk", "Kurmanbek Bakiev"]))
    result, resolve_wall, _, _ = timed(lambda: score(norm, rows))
    index = norm.index
    print(f"entities {len(index.entity_ids):,}, name parts {len(index.parts):,}")
    print(f"load average (1, 5, 15 min) {load_before} before the compile, {load_after_compile} after it, "
          f"{load_average()} at the end; {os.cpu_count()} cores")
    print(f"compile      {compile_wall:6.1f} s wall, {compile_cpu:6.1f} s CPU (main process), "
          f"{compile_workers:6.1f} s CPU (workers)")
    print(f"cached load  {load_wall:6.2f} s wall, {load_cpu:6.2f} s CPU")
    print(f"first use    {first_use_wall:6.2f} s wall (the derived tables, built once per process)")
    print(f"resolve      {len(rows) / resolve_wall:6.0f} names/s ({len(rows)} held-out names, after the first use)")
    print(f"max RSS      {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    share = result["right"] / result["places"]
    print(f"places       {result['right']}/{result['places']} right ({share:.1%}), "
          f"{len(result['wrong'])} wrong, {len(result['missed'])} no ID")
    print(f"foreign      {len(result['foreign_regional'])}/{result['foreign']} given an ID of the region")
    outside_share = len(result["false_outside"]) / result["outside"]
    print(f"outside      {len(result['false_outside'])}/{result['outside']} given an ID ({outside_share:.1%})")
    for label, items in (("wrong", result["wrong"]), ("no ID", result["missed"]),
                         ("foreign", result["foreign_regional"]), ("outside", result["false_outside"])):
        for r in items:
            print(f"  {label:8} {r['query']!r} expected {r['expected']} got {result['got'][r['query']]}")
    print("Targets:")
    print(f"- right ID ≥ 95%: {share:.1%} — {'met' if share >= 0.95 else 'MISSED'}")
    print(f"- foreign cities with a regional ID = 0: {len(result['foreign_regional'])} — {'met' if not result['foreign_regional'] else 'MISSED'}")
    print(f"- out-of-lexicon false answers ≤ 1%: {outside_share:.1%} — {'met' if outside_share <= 0.01 else 'MISSED'}")
    compile_all_cpu = compile_cpu + compile_workers
    print(f"- compile ≤ 60 s: {compile_wall:.1f} s wall ({compile_all_cpu:.1f} s CPU with the workers) — "
          f"{'met' if compile_wall <= 60 else 'met on CPU time only' if compile_all_cpu <= 60 else 'MISSED'}")
    print(f"- cached load ≤ 2 s: {load_wall:.2f} s wall ({load_cpu:.2f} s CPU) — {'met' if load_wall <= 2 else 'met on CPU time only' if load_cpu <= 2 else 'MISSED'}")


if __name__ == "__main__":
    main()
