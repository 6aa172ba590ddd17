"""ETL throughput: ``resolve_many`` in one and two processes, and ``translitnorm.spark`` in local mode.

    .venv/bin/python benchmarks/etl_speed.py                       # 100k-entity lexicon, 1,000,000 Spark rows
    .venv/bin/python benchmarks/etl_speed.py --rows 100000 --names 20000 --entities 10000
    .venv/bin/python benchmarks/etl_speed.py --no-spark            # only resolve_many
    .venv/bin/python benchmarks/etl_speed.py --sizes               # only index sizes (docs/etl.md)

The lexicon is ``synthetic.write_lexicon`` (people with real Cyrillic names); the names are
``synthetic.queries`` of it (exact romanisations, variants, misspellings, unknown names).
Each ``resolve_many`` run starts from a fresh normaliser (empty caches), so runs do not
help each other.  The Spark rows draw from ``--distinct`` names with Zipf-like frequencies,
as real columns repeat names; they are written to Parquet first and resolved into the
``noop`` sink, so the figure is resolving, not collecting.  Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import gc
import marshal
import os
import pickle
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402

from translitnorm import Normaliser, batch  # noqa: E402
from translitnorm.index_store import build_index  # noqa: E402
from translitnorm.normaliser import default_lexicon_paths  # noqa: E402


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def lexicon_path(work: Path, entities: int) -> Path:
    path = work / f"synthetic-{entities}.tsv"
    if not path.exists():
        note(f"writing a {entities:,}-entity lexicon to {path}")
        synthetic.write_lexicon(path, entities, seed=0)
    return path


def load(paths: list[Path], cache: Path) -> Normaliser:
    started = time.perf_counter()
    normaliser = Normaliser.from_lexicons(paths, cache_dir=cache)
    note(f"index of {len(normaliser.index.entity_ids):,} entities ready in {time.perf_counter() - started:.1f} s")
    return normaliser


def resolve_many_speed(normaliser: Normaliser, names: list[str], jobs: int) -> tuple[float, float]:
    """(distinct names per second, CPU seconds of this process and its workers) through
    ``resolve_many`` with ``jobs`` processes, caches empty.  The CPU time tells what a second
    process costs when the machine is shared and the wall time is noisy."""
    fresh = Normaliser(normaliser.index, normaliser.rule)
    clear_caches()
    threshold = batch.PARALLEL_MIN_NAMES
    batch.PARALLEL_MIN_NAMES = 0  # measure the processes even below the threshold
    try:
        before = os.times()
        started = time.perf_counter()
        fresh.resolve_many(names, jobs=jobs)
        wall = time.perf_counter() - started
        after = os.times()
    finally:
        batch.PARALLEL_MIN_NAMES = threshold
    cpu = sum(after[:4]) - sum(before[:4])  # user + system, of this process and of its finished workers
    return len(names) / wall, cpu


def clear_caches() -> None:
    """Empty translitnorm's module-level lru caches, so that no run profits from the one before."""
    for name, module in list(sys.modules.items()):
        if name.startswith("translitnorm"):
            for value in vars(module).values():
                if hasattr(value, "cache_parameters") and value.cache_parameters()["maxsize"] is not None:
                    value.cache_clear()


def index_sizes(label: str, paths: list[Path], cache: Path) -> str:
    """A markdown row: entities, name parts, marshal size, in-memory size, pickled size, load time."""
    build_index(paths, cache_dir=cache)  # compiled and cached, if it was not
    started = time.perf_counter()
    build_index(paths, cache_dir=cache)
    loaded = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    index = build_index(paths, cache_dir=cache)
    in_memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    marshalled = len(marshal.dumps(index._state()))
    pickled = len(pickle.dumps(Normaliser(index), protocol=pickle.HIGHEST_PROTOCOL))
    return (f"| {label} | {len(index.entity_ids):,} | {len(index.parts):,} | {marshalled / 1e6:.1f} MB | "
            f"{in_memory / 1e6:.0f} MB | {pickled / 1e6:.1f} MB | {'< 0.01' if loaded < 0.01 else f'{loaded:.2f}'} s |")


def spark_speed(normaliser: Normaliser, names: list[str], rows: int, work: Path) -> tuple[float, float]:
    """(rows/s, seconds) resolving a Parquet column of ``rows`` rows with translitnorm.spark in local[2]."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    source = str(Path(__file__).resolve().parent.parent / "src")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))
    from pyspark.sql import SparkSession

    from translitnorm.spark import resolve_column

    rng = random.Random(0)
    weights = [1.0 / (rank + 1) for rank in range(len(names))]
    column = rng.choices(names, weights=weights, k=rows)
    parquet = work / f"rows-{rows}.parquet"
    pq.write_table(pa.table({"row": pa.array(range(rows), pa.int64()), "name": pa.array(column, pa.string())}),
                   parquet, row_group_size=100_000)
    spark = (SparkSession.builder.master("local[2]").appName("translitnorm-etl-speed")
             .config("spark.ui.enabled", "false").config("spark.driver.memory", "4g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        frame = spark.read.parquet(str(parquet)).repartition(4)  # a small file is one partition: use every core
        note(f"Spark: {rows:,} rows ({len(set(column)):,} distinct names) in {frame.rdd.getNumPartitions()} partitions")
        started = time.perf_counter()
        resolve_column(frame, "name", normaliser=normaliser).write.format("noop").mode("overwrite").save()
        seconds = time.perf_counter() - started
    finally:
        spark.stop()
    return rows / seconds, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=100_000, help="size of the synthetic lexicon")
    parser.add_argument("--names", type=int, default=20_000, help="distinct names for resolve_many")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the Spark DataFrame")
    parser.add_argument("--distinct", type=int, default=50_000, help="distinct names among the Spark rows")
    parser.add_argument("--no-spark", action="store_true", help="skip the Spark run")
    parser.add_argument("--sizes", action="store_true", help="only print index sizes (shipped, 10k, 100k)")
    parser.add_argument("--work", type=Path, help="folder for lexicons, index cache and Parquet (default: a temporary one)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="translitnorm-etl-") as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        cache = work / "cache"
        if args.sizes:
            print("| lexicon | entities | name parts | marshal (cache file) | in memory | pickled normaliser | cached load |")
            print("|---|---:|---:|---:|---:|---:|---:|")
            print(index_sizes("shipped", default_lexicon_paths(), cache), flush=True)
            for entities in (10_000, 100_000):
                print(index_sizes(f"synthetic {entities // 1000}k", [lexicon_path(work, entities)], cache), flush=True)
            return

        lexicon = lexicon_path(work, args.entities)
        normaliser = load([lexicon], cache)
        names = [text for text, _ in synthetic.queries(lexicon, args.names, seed=1)]
        names = list(dict.fromkeys(names))
        print(f"resolve_many, {args.entities:,}-entity lexicon, {len(names):,} distinct names, "
              f"{batch.available_cores()} cores available")
        for jobs in (1, 2):
            note(f"resolve_many with {jobs} process{'es' if jobs > 1 else ''} …")
            rate, cpu = resolve_many_speed(normaliser, names, jobs)
            print(f"  {jobs} process{'es' if jobs > 1 else '  '}: {rate:8,.0f} names/s, {cpu:5.1f} s of CPU "
                  f"(load average {os.getloadavg()[0]:.1f})", flush=True)
        if not args.no_spark:
            distinct = list(dict.fromkeys(text for text, _ in synthetic.queries(lexicon, args.distinct, seed=2)))
            rate, seconds = spark_speed(normaliser, distinct, args.rows, work)
            print(f"Spark local[2], {args.rows:,} rows of {len(distinct):,} distinct names: "
                  f"{rate:,.0f} rows/s ({seconds:.1f} s)")


if __name__ == "__main__":
    main()
