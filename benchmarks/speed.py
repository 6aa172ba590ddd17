"""Speed of translitnorm on synthetic person lexicons, against a naive baseline measured in the same run.

    .venv/bin/python benchmarks/speed.py                    # 1k, 10k, 100k entities; ~5 minutes
    .venv/bin/python benchmarks/speed.py --sizes 1000000    # the 1M lexicon (takes long, needs GBs)

For each lexicon size it measures, on one core:

- compile: ``Normaliser.from_lexicons`` with an empty cache (load, validate, romanise
  every distinct name part under every scheme, save the index);
- cached load: the same call again, the index read from the cache; and the first 50 names
  resolved after it, which build what the index derives on first use (the key neighbours of the
  fuzzy tier, the entity tables, the cross-language table): ready to answer is their sum, and
  the load target is judged on it;
- index memory: memory held by the loaded index (tracemalloc), and its cache file size;
- resolve: distinct names per second through ``resolve_many`` for a mix of exact
  romanisations, variant spellings and misspellings (``benchmarks/synthetic.py``),
  after a short warm-up;
- baseline: unidecode + ``rapidfuzz.process.extractOne`` (``fuzz.WRatio``, cutoff 85)
  over the unidecoded names of the same lexicon, on a sample of the same queries.

It prints a markdown table and how each figure compares with its target.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT / "src", ROOT / "benchmarks"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from rapidfuzz import fuzz, process, utils  # noqa: E402
from unidecode import unidecode  # noqa: E402

import synthetic  # noqa: E402
from translitnorm import Normaliser  # noqa: E402
from translitnorm.index import CompiledIndex  # noqa: E402
from translitnorm.lexicon import read_lexicon  # noqa: E402

DEFAULT_SIZES = (1_000, 10_000, 100_000)
QUERY_MIX = {"exact": 0.4, "variant": 0.35, "misspelt": 0.25}
BASELINE_CUTOFF = 85.0

# Targets (issue "Measure quality and speed against baselines").
TARGET_COMPILE_SECONDS_100K = 60.0
TARGET_LOAD_SECONDS_100K = 2.0
TARGET_NAMES_PER_SECOND = 5_000
TARGET_SPEEDUP = 50.0


@dataclass
class Measurement:
    size: int
    lines: int
    compile_seconds: float
    load_seconds: float
    index_mb: float
    cache_mb: float
    queries: int
    names_per_second: float
    baseline_queries: int
    baseline_per_second: float
    per_kind: dict[str, float] = field(default_factory=dict)
    first_names_seconds: float = 0.0  # the warm-up names, resolved right after the cached load

    @property
    def ready_seconds(self) -> float:
        """From the cached load's start until the first names are answered: what a process pays to start."""
        return self.load_seconds + self.first_names_seconds

    @property
    def speedup(self) -> float:
        return self.names_per_second / self.baseline_per_second if self.baseline_per_second else float("inf")


def _progress(message: str, quiet: bool) -> None:
    if not quiet:
        print(f"  {message}", file=sys.stderr, flush=True)


def measure(size: int, work_dir: Path, n_queries: int = 5_000, baseline_queries: int = 200,
            seed: int = 0, quiet: bool = False, write_lexicon=synthetic.write_lexicon,
            make_queries=synthetic.queries, mix: dict[str, float] = QUERY_MIX) -> Measurement:
    """Build a ``size``-entity lexicon in ``work_dir`` and measure compile, load, memory and throughput.

    ``write_lexicon(path, size, seed=…)`` and ``make_queries(lexicon, n, seed=…, mix=…)`` make
    the data (the synthetic generators by default; ``realistic.py`` passes its own), and
    ``mix`` weights the kinds of query, each timed on its own.
    """
    lexicon = write_lexicon(work_dir / f"lexicon-{size}.tsv", size, seed=seed)
    lines = sum(1 for _ in read_lexicon(lexicon, []))
    cache = work_dir / f"cache-{size}"
    _progress(f"{size:,} entities: compiling", quiet)
    started = time.perf_counter()
    Normaliser.from_lexicons([lexicon], cache_dir=cache)
    compile_seconds = time.perf_counter() - started

    started = time.perf_counter()
    normaliser = Normaliser.from_lexicons([lexicon], cache_dir=cache)
    load_seconds = time.perf_counter() - started

    cache_file = next(cache.glob("index-*"))
    tracemalloc.start()
    index = CompiledIndex.load(cache_file)
    index_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del index

    _progress(f"{size:,} entities: resolving", quiet)
    warm_up = [text for text, _ in make_queries(lexicon, 50, seed=seed + 99, mix=mix)]
    started = time.perf_counter()
    normaliser.resolve_many(warm_up)
    first_names_seconds = time.perf_counter() - started
    per_kind: dict[str, float] = {}
    timed: list[str] = []
    elapsed_total = 0.0
    for number, (kind, share) in enumerate(mix.items()):
        labelled = make_queries(lexicon, round(n_queries * share), seed=seed + 1 + number, mix={kind: 1})
        names = [name for name in dict.fromkeys(text for text, _ in labelled) if name not in warm_up]
        started = time.perf_counter()
        normaliser.resolve_many(names)
        elapsed = time.perf_counter() - started
        per_kind[kind] = len(names) / elapsed
        elapsed_total += elapsed
        timed.extend(names)
    names_per_second = len(timed) / elapsed_total

    _progress(f"{size:,} entities: baseline", quiet)
    sample = random.Random(seed).sample(timed, min(baseline_queries, len(timed)))
    baseline_per_second = baseline_throughput(lexicon, sample)
    return Measurement(size, lines, compile_seconds, load_seconds, index_bytes / 2**20,
                       cache_file.stat().st_size / 2**20, len(timed), names_per_second, len(sample),
                       baseline_per_second, per_kind, first_names_seconds)


def baseline_throughput(lexicon: Path, queries: Sequence[str]) -> float:
    """Names per second of unidecode + rapidfuzz ``extractOne`` over the lexicon's names (choices prepared once)."""
    choices = [utils.default_process(unidecode(line.name)) for line in read_lexicon(lexicon, [])]
    started = time.perf_counter()
    for query in queries:
        process.extractOne(utils.default_process(unidecode(query)), choices, scorer=fuzz.WRatio,
                           processor=None, score_cutoff=BASELINE_CUTOFF)
    elapsed = time.perf_counter() - started
    return len(queries) / elapsed if elapsed else float("inf")


def table(measurements: Sequence[Measurement], kinds: Sequence[str] = tuple(QUERY_MIX)) -> str:
    """The measurements as a markdown table."""
    rows = [
        "| entities | lexicon lines | compile | cached load + first 50 names | index memory | cache file | resolve (names/s) | baseline (names/s) | speed-up |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in measurements:
        rows.append(f"| {m.size:,} | {m.lines:,} | {m.compile_seconds:.1f} s | {m.load_seconds:.2f} s + {m.first_names_seconds:.2f} s | {m.index_mb:,.0f} MB | "
                    f"{m.cache_mb:,.0f} MB | {m.names_per_second:,.0f} ({m.queries:,} names) | "
                    f"{m.baseline_per_second:,.1f} ({m.baseline_queries} names) | {m.speedup:,.0f}× |")
    rows += ["", "Resolve throughput by kind of query (names/s):", "",
             "| entities | " + " | ".join(kinds) + " |", "|---:|" + "---:|" * len(kinds)]
    for m in measurements:
        rows.append(f"| {m.size:,} | " + " | ".join(f"{m.per_kind.get(kind, 0):,.0f}" for kind in kinds) + " |")
    return "\n".join(rows)


def verdicts(measurements: Sequence[Measurement]) -> list[str]:
    """One line per target: the figure it is judged on and whether it is met."""
    lines = []

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    at_100k = [m for m in measurements if m.size == 100_000]
    for m in at_100k:
        lines.append(f"- compile at 100k ≤ {TARGET_COMPILE_SECONDS_100K:.0f} s: {m.compile_seconds:.1f} s — {verdict(m.compile_seconds <= TARGET_COMPILE_SECONDS_100K)}")
        lines.append(f"- cached load + first 50 names at 100k ≤ {TARGET_LOAD_SECONDS_100K:.0f} s: {m.ready_seconds:.2f} s — "
                     f"{verdict(m.ready_seconds <= TARGET_LOAD_SECONDS_100K)}")
    for m in measurements:
        lines.append(f"- resolve at {m.size:,} ≥ {TARGET_NAMES_PER_SECOND:,} names/s: {m.names_per_second:,.0f} — {verdict(m.names_per_second >= TARGET_NAMES_PER_SECOND)}; "
                     f"≥ {TARGET_SPEEDUP:.0f}× baseline: {m.speedup:,.0f}× — {verdict(m.speedup >= TARGET_SPEEDUP)}")
    return lines


def main(argv: Sequence[str] | None = None, out=sys.stdout) -> list[Measurement]:
    """Command line: ``python benchmarks/speed.py [--sizes 1000,10000,100000] [--queries N]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES),
                        help="comma-separated lexicon sizes in entities (default 1000,10000,100000; 1000000 works, slowly)")
    parser.add_argument("--queries", type=int, default=5_000, help="distinct query names per size (default 5000)")
    parser.add_argument("--baseline-queries", type=int, default=200, help="baseline sample size (default 200)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)
    try:
        sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    except ValueError:
        parser.error(f"--sizes takes whole numbers separated by commas, e.g. 1000,10000; got {args.sizes!r}")
    measurements = []
    with tempfile.TemporaryDirectory(prefix="translitnorm-speed-") as tmp:
        for size in sizes:
            measurements.append(measure(size, Path(tmp), args.queries, args.baseline_queries, quiet=args.quiet))
    print(table(measurements), file=out)
    print("\nTargets:", file=out)
    print("\n".join(verdicts(measurements)), file=out)
    return measurements


if __name__ == "__main__":
    main()
