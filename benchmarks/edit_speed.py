"""Time of one lexicon edit (`lexicon alias`, one new name) on synthetic person lexicons.

    .venv/bin/python benchmarks/edit_speed.py 2000 10000      # sizes in entities

For each size: a full compile (what `clean` does once and caches), then `maintain.add_name`
with that index in the cache (the edit compiles from it, romanising only the parts it adds),
then the same edit with an empty cache (a full compile of the new content). The ratio of the
last two, measured in the same process, is the figure to compare across machines.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402

from translitnorm import lexicon as lex  # noqa: E402
from translitnorm import maintain  # noqa: E402
from translitnorm.index_store import build_index  # noqa: E402


def measure(entities: int) -> str:
    work = Path(tempfile.mkdtemp(prefix="edit-speed-"))
    try:
        os.environ["TRANSLITNORM_CACHE_DIR"] = str(work / "cache")
        lexicon = synthetic.write_lexicon(work / "people.tsv", entities)
        first = next(iter(lex.read_lexicon(lexicon, [])))
        started = time.perf_counter()
        build_index([lexicon])
        compile_seconds = time.perf_counter() - started
        started = time.perf_counter()
        maintain.add_name(lexicon, first.id, "Zzyxwabek Qorbanow", lang="de")
        cached_seconds = time.perf_counter() - started
        shutil.rmtree(work / "cache")
        started = time.perf_counter()
        maintain.add_name(lexicon, first.id, "Zzyxwabek Qorbanowa", lang="pl")
        cold_seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return (f"| {entities:,} | {compile_seconds:.1f} s | {cached_seconds:.1f} s | {cold_seconds:.1f} s "
            f"({cold_seconds / cached_seconds:.1f}×) |")


def main(argv: list[str]) -> None:
    print("| entities | full compile | `alias`, index cached | `alias`, empty cache |")
    print("|---:|---:|---:|---:|")
    for size in [int(arg) for arg in argv] or [2000, 10000]:
        print(measure(size), flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
