"""Speed and memory of ``translitnorm clean`` on a large generated CSV, against a naive per-row baseline.

Generates (once, deterministically, into ``--workdir``) a lexicon of ``--entities`` people and
a CSV of ``--rows`` rows drawn from ``--distinct`` distinct names (``benchmarks/synthetic.py``),
compiles the index once, then runs the ``translitnorm clean`` command itself once per ``--jobs``
value, timed from start to exit (interpreter start, cached index load, both passes, clustering,
output), and a naive baseline (unidecode + rapidfuzz ``process.extractOne`` over every lexicon
name, one row at a time) on a sample of rows. Memory is the peak of the summed resident size
(RSS) of the command and its workers, sampled every 0.1 s, and the largest process's maximum RSS.

    PYTHONPATH=src:benchmarks python benchmarks/clean_speed.py                 # 1M rows, 50k names, 100k entities
    PYTHONPATH=src:benchmarks python benchmarks/clean_speed.py --rows 100000 --distinct 5000 --entities 10000
    PYTHONPATH=src:benchmarks python benchmarks/clean_speed.py --realistic   # the lexicon of benchmarks/realistic.py
    PYTHONPATH=src:benchmarks python benchmarks/clean_speed.py --compare-with ../other-checkout/src --rounds 3

``--compare-with`` runs another checkout's ``clean`` and this one's alternately on the same input
(the machine's load then weighs on both alike), prints each run's wall and CPU time (the command
and its workers) and the medians, and checks that the outputs and review files are byte-identical.

Targets: >= 100,000 rows/s end to end with the index cached; peak memory under 1 GiB;
identical output for every ``--jobs``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
TARGET_ROWS_PER_SECOND = 100_000
TARGET_PEAK_MIB = 1024


def _child_env(cache: Path, src: Path = SRC) -> dict:
    env = dict(os.environ, TRANSLITNORM_CACHE_DIR=str(cache))
    env["PYTHONPATH"] = os.pathsep.join([str(src), str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def _tree_rss_mib(pid: int) -> tuple[float, float]:
    """Resident size of a process and its descendants together, and of the largest of them, in MiB
    (pages they share counted in each: an upper bound). From /proc/*/status, which is cheap to read:
    a sampler that walked every page (smaps) would take a noticeable share of the CPU the run needs."""
    total, largest, pending = 0, 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                resident = next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
            total, largest = total + resident, max(largest, resident)
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    pending.extend(int(child) for child in handle.read().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024, largest / 1024


def _run_child(args: list[str], cache: Path) -> tuple[float, dict]:
    """Run this script as a child with ``args``; (wall seconds, the JSON it printed plus ``tree_rss_mib``)."""
    wall, out, _, peak, _ = _run([sys.executable, __file__, *args], cache)
    result = json.loads(out.strip().splitlines()[-1])
    result["tree_rss_mib"] = peak or None
    return wall, result


def _run(command: list[str], cache: Path, src: Path = SRC) -> tuple[float, str, str, float, float]:
    """Run ``command``; (wall seconds, stdout, stderr, peak RSS in MiB of it and its workers together,
    peak RSS of the largest of them).

    While it runs, the memory of the process and its pool workers together is sampled (Linux
    only) every 0.1 s: the peak of their summed RSS is (at most) the memory the run needs.
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, env=_child_env(cache, src), stdout=out, stderr=err, text=True)
        peak = peak_one = 0.0
        while child.poll() is None:
            if Path("/proc/self/status").exists():
                together, largest = _tree_rss_mib(child.pid)
                peak, peak_one = max(peak, together), max(peak_one, largest)
            time.sleep(0.1)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{stderr}")
    return wall, stdout, stderr, peak, peak_one


def _run_clean(lexicon: Path, rows: Path, output: Path, jobs: int, cache: Path, src: Path = SRC) -> tuple[float, dict]:
    """Run the ``translitnorm clean`` command itself, as a user does; (wall seconds, what it reported)."""
    command = [sys.executable, "-m", "translitnorm", "clean", str(rows), "--column", "name", "--lexicon", str(lexicon),
               "-o", str(output), "--review", str(output) + ".review.csv", "--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    wall, _, summary, peak, peak_one = _run(command, cache, src)
    clean_seconds = float(re.search(r"^time\s+([0-9.]+) s", summary, re.MULTILINE).group(1))
    table = pa_csv.read_csv(output, convert_options=pa_csv.ConvertOptions(column_types={"name_id": pa.string()}))
    methods = table.column("name_method").value_counts().to_pylist()
    ids = table.column("name_id")
    clusters = len(pc.unique(pc.filter(ids, pc.starts_with(ids, "~"))))
    return wall, {"rows": table.num_rows, "clean_seconds": clean_seconds,
                  "methods": {item["values"]: item["counts"] for item in methods}, "clusters": clusters,
                  # the children's high-water mark is this run's only if it rose (an earlier child,
                  # such as the compile, may have been larger); otherwise the sampled largest process
                  "peak_mib": (after / 1024 if (after := resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) > before
                               else peak_one),
                  "tree_rss_mib": peak or None}


def _peaks() -> dict:
    """Peak RSS (MiB) of this process and of its largest waited-for child (pool workers)."""
    return {"peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


# -- what the children do -------------------------------------------------------------------

def child_index(lexicon: str) -> dict:
    from translitnorm import Normaliser

    started = time.perf_counter()
    Normaliser.from_lexicons([lexicon])
    return {"seconds": time.perf_counter() - started, **_peaks()}


def child_baseline(lexicon: str, rows: str, sample: int) -> dict:
    """The naive approach: fold every lexicon name with unidecode, extractOne per row."""
    import csv

    from rapidfuzz import fuzz, process
    from unidecode import unidecode

    from translitnorm.lexicon import read_lexicon

    started = time.perf_counter()
    choices, ids = [], []
    for line in read_lexicon(lexicon):
        choices.append(unidecode(line.name).casefold())
        ids.append(line.id)
    prepared = time.perf_counter()
    with open(rows, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        names = [row["name"] for _, row in zip(range(sample), reader)]
    matched = 0
    timed = time.perf_counter()
    for name in names:
        best = process.extractOne(unidecode(name).casefold(), choices, scorer=fuzz.WRatio, score_cutoff=90)
        matched += best is not None
    seconds = time.perf_counter() - timed
    return {"prepare_seconds": prepared - started, "seconds": seconds, "rows": len(names), "matched": matched,
            **_peaks()}


# -- the benchmark --------------------------------------------------------------------------

def compare(lexicon: Path, rows: Path, row_count: int, work: Path, cache: Path, other: Path,
            jobs_values: list[int], rounds: int) -> bool:
    """Run ``other``'s clean (a checkout's src directory) and this one's alternately, ``rounds`` times
    for each ``--jobs``; print wall and CPU seconds (the command and its workers) and their medians;
    True when every pair of outputs (and review files) is byte-identical."""
    import statistics

    trees = {"other": other.resolve(), "this": SRC}
    for src in trees.values():  # each tree's index in the cache (its code is part of the index's key)
        _run([sys.executable, __file__, "--child-index", str(lexicon)], cache, src)
    runs: dict[tuple[str, int], list[tuple[float, float]]] = {}
    identical = True
    for round_number in range(rounds):
        for jobs in jobs_values:
            for name in (trees if round_number % 2 == 0 else reversed(list(trees))):
                output = work / f"compare-{name}-jobs{jobs}.csv"
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                wall, _ = _run_clean(lexicon, rows, output, jobs, cache, trees[name])
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                runs.setdefault((name, jobs), []).append((wall, cpu))
                print(f"round {round_number + 1} -j{jobs} {name:5s} {wall:6.1f} s wall, {cpu:6.1f} s CPU "
                      f"(load average {os.getloadavg()[0]:.1f})", flush=True)
            same = all(_digest(work / f"compare-other-jobs{jobs}.csv{suffix}") ==
                       _digest(work / f"compare-this-jobs{jobs}.csv{suffix}") for suffix in ("", ".review.csv"))
            identical &= same
            print(f"           output and review file identical: {'yes' if same else 'NO'}")
    for jobs in jobs_values:
        (other_wall, other_cpu), (this_wall, this_cpu) = (
            (statistics.median(w for w, _ in runs[(name, jobs)]), statistics.median(c for _, c in runs[(name, jobs)]))
            for name in trees)
        print(f"median -j{jobs}: other {other_wall:.1f} s wall, {other_cpu:.1f} s CPU; this {this_wall:.1f} s wall "
              f"({this_wall / other_wall:.2f}×), {this_cpu:.1f} s CPU ({this_cpu / other_cpu:.2f}×); "
              f"this {row_count / this_wall:,.0f} rows/s")
    return identical


def _digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--distinct", type=int, default=50_000)
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="--jobs values to run and compare")
    parser.add_argument("--baseline-sample", type=int, default=1_000, help="rows the naive baseline resolves")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "translitnorm-clean-bench")
    parser.add_argument("--realistic", action="store_true",
                        help="people drawn by real name counts (benchmarks/realistic.py) instead of the synthetic lexicon")
    parser.add_argument("--compare-with", type=Path, metavar="SRC",
                        help="another checkout's src directory: run its clean and this one's alternately and compare")
    parser.add_argument("--rounds", type=int, default=2, help="with --compare-with: runs of each tree per --jobs")
    args = parser.parse_args()

    from synthetic import write_lexicon, write_rows_csv
    if args.realistic:
        from realistic import write_lexicon

    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    cache = work / "index-cache"
    kind = "realistic-" if args.realistic else ""
    lexicon = work / f"lexicon-{kind}{args.entities}.tsv"
    rows = work / f"rows-{args.rows}-{args.distinct}-{kind}{args.entities}.csv"
    if not lexicon.exists():
        print(f"generating a lexicon of {args.entities:,} people …", flush=True)
        write_lexicon(lexicon, args.entities)
    if not rows.exists():
        print(f"generating {args.rows:,} rows of {args.distinct:,} distinct names …", flush=True)
        write_rows_csv(rows, lexicon, rows=args.rows, distinct=args.distinct)
    size_mib = rows.stat().st_size / 2**20
    if args.compare_with:
        sys.exit(0 if compare(lexicon, rows, args.rows, work, cache, args.compare_with, args.jobs, args.rounds) else 1)

    shutil.rmtree(cache, ignore_errors=True)  # a cold compile, whatever an earlier run left
    cold, _ = _run_child(["--child-index", str(lexicon)], cache)
    warm, index = _run_child(["--child-index", str(lexicon)], cache)
    print(f"\ninput      {args.rows:,} rows ({size_mib:.0f} MiB), {args.distinct:,} distinct names, "
          f"lexicon of {args.entities:,} entities")
    print(f"index      compile (cold) {cold:.1f} s; load from cache {index['seconds']:.1f} s "
          f"({index['peak_mib']:.0f} MiB)")

    digests = {}
    results = {}
    for jobs in args.jobs:
        output = work / f"clean-jobs{jobs}.csv"
        wall, result = _run_clean(lexicon, rows, output, jobs, cache)
        results[jobs] = (wall, result)
        digests[jobs] = (_digest(output), _digest(Path(str(output) + ".review.csv")))
        rate = result["rows"] / wall
        peak = result["peak_mib"]
        # all processes together: the sampled RSS sum where Linux gives it, else the largest peak times the processes
        total = result["tree_rss_mib"] or peak * jobs
        print(f"clean -j{jobs}   {wall:.1f} s end to end (the command, from start to exit; {result['clean_seconds']:.1f} s "
              f"reported by it after loading the index): {rate:,.0f} rows/s "
              f"[target {TARGET_ROWS_PER_SECOND:,}: {'met' if rate >= TARGET_ROWS_PER_SECOND else 'NOT met'}]; "
              f"peak RSS {peak:.0f} MiB per process, {total:.0f} MiB all processes together "
              f"[target {TARGET_PEAK_MIB} MiB: {'met' if total < TARGET_PEAK_MIB else 'NOT met'}]")
    first = next(iter(results.values()))[1]
    methods = ", ".join(f"{m} {n:,}" for m, n in sorted(first["methods"].items(), key=lambda kv: -kv[1]))
    print(f"results    {methods}; {first['clusters']:,} clusters")
    same = len(set(digests.values())) == 1
    print(f"identical  output and review file for --jobs {', '.join(map(str, args.jobs))}: {'yes' if same else 'NO'}")

    wall, base = _run_child(["--child-baseline", str(lexicon), str(rows), str(args.baseline_sample)], cache)
    base_rate = base["rows"] / base["seconds"]
    best_rate = max(r["rows"] / w for w, r in results.values())
    print(f"baseline   unidecode + extractOne(WRatio) over {args.entities:,} entities' names, one row at a time: "
          f"{base_rate:,.1f} rows/s on {base['rows']:,} rows (+{base['prepare_seconds']:.1f} s to fold the lexicon), "
          f"peak RSS {base['peak_mib']:.0f} MiB; clean is {best_rate / base_rate:,.0f}× faster per row "
          f"(1M rows would take the baseline {args.rows / base_rate / 3600:.1f} h)")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("--child-"):
        kind, rest = sys.argv[1], sys.argv[2:]
        if kind == "--child-index":
            out = child_index(rest[0])
        else:
            out = child_baseline(rest[0], rest[1], int(rest[2]))
        print(json.dumps(out))
    else:
        main()
