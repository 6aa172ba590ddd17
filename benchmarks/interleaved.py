"""Compare the resolve speed of two source trees in one process, slice by slice, alternately.

    .venv/bin/python benchmarks/interleaved.py --other ../earlier/src            # 100k people
    .venv/bin/python benchmarks/interleaved.py --other ../earlier/src --size 10000 --kinds exact,initials

On a shared machine the speed of the same code moves by 1.5-2x within minutes, so two runs of
``realistic.py`` (or of ``clean_speed.py --compare-with``, which alternates whole processes)
cannot show a change of a few per cent. Here both trees live in this one process: the other
tree's package is copied under another name (``translitnorm_other``, its imports rewritten),
each tree compiles the same realistic lexicon (``realistic.write_lexicon``) into its own cache,
and the same slices of the realistic queries (``realistic.queries``, each kind on its own) are
resolved by one tree and then by the other, which tree goes first alternating from slice to
slice. Each tree's caches fill as they would in a run of its own (first use of every name part
included), so the figures are those of ``realistic.py``'s resolve, measured side by side: the
machine's drift falls on both alike.

It prints, per kind, names per second for each tree and this tree's time over the other's (below
1: this tree is faster), and whether the two trees gave every name the same ID, score and method.
Like every set made by our own ``romanise``, the queries measure speed, not quality.
"""

from __future__ import annotations

import argparse
import importlib
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT / "src", ROOT / "benchmarks"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import realistic  # noqa: E402
import translitnorm  # noqa: E402

OTHER_PACKAGE = "translitnorm_other"
# The module name in imports (``from translitnorm.x import``, ``import translitnorm``) and in the
# package-data look-ups (``resources.files("translitnorm")``): what the copy must name itself.
_OWN_NAME = re.compile(r"(?<![\w.])translitnorm(?=[.\s\"']|$)", re.MULTILINE)
SLICE = 50  # names per slice: long enough to time, short enough that the machine's drift falls on both


@dataclass
class KindResult:
    kind: str
    names: int
    this_seconds: float
    other_seconds: float

    @property
    def ratio(self) -> float:
        """This tree's time over the other's."""
        return self.this_seconds / self.other_seconds if self.other_seconds else float("nan")


def load_other(source: Path, work: Path):
    """The package of another source tree (``source`` holds its ``translitnorm`` folder), imported as
    :data:`OTHER_PACKAGE`."""
    package = source / "translitnorm"
    if not (package / "__init__.py").is_file():
        raise SystemExit(f"{source}: no translitnorm package here (give the other tree's src folder)")
    target = work / OTHER_PACKAGE
    shutil.copytree(package, target, ignore=shutil.ignore_patterns("__pycache__"))
    for path in target.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        path.write_text(_OWN_NAME.sub(OTHER_PACKAGE, text), encoding="utf-8")
    sys.path.insert(0, str(work))
    for name in [name for name in sys.modules if name == OTHER_PACKAGE or name.startswith(OTHER_PACKAGE + ".")]:
        del sys.modules[name]  # a copy made by an earlier call in this process
    return importlib.import_module(OTHER_PACKAGE)


def compare(other_package, size: int, work: Path, n_queries: int, kinds: Sequence[str], seed: int = 0,
            slice_size: int = SLICE) -> tuple[list[KindResult], bool]:
    """Per kind, the seconds each tree took over the same slices; and whether all answers agreed."""
    lexicon = realistic.write_lexicon(work / f"lexicon-{size}.tsv", size, seed=seed)
    this = translitnorm.Normaliser.from_lexicons([lexicon], cache_dir=work / "cache-this")
    other = other_package.Normaliser.from_lexicons([lexicon], cache_dir=work / "cache-other")
    # realistic.py's warm-up: 50 names of the mix, not among those timed
    warm_up = [text for text, _ in realistic.queries(lexicon, 50, seed=seed + 99)]
    this.resolve_many(warm_up)
    other.resolve_many(warm_up)
    trees = {"this": this, "other": other}
    results, same = [], True
    for number, kind in enumerate(kinds):
        share = realistic.QUERY_MIX[kind]
        labelled = realistic.queries(lexicon, max(1, round(n_queries * share)), seed=seed + 1 + number, mix={kind: 1})
        names = [name for name in dict.fromkeys(text for text, _ in labelled) if name not in warm_up]
        seconds = {"this": 0.0, "other": 0.0}
        for position in range(0, len(names), slice_size):
            chunk = names[position:position + slice_size]
            order = ("this", "other") if position // slice_size % 2 == 0 else ("other", "this")
            answers = {}
            for label in order:
                started = time.perf_counter()
                answers[label] = trees[label].resolve_many(chunk)
                seconds[label] += time.perf_counter() - started
            same &= ([(r.id, r.score, r.method) for r in answers["this"]]
                     == [(r.id, r.score, r.method) for r in answers["other"]])
        results.append(KindResult(kind, len(names), seconds["this"], seconds["other"]))
    return results, same


def report(results: Sequence[KindResult], same: bool, size: int, other: Path) -> str:
    lines = [f"{size:,} people; this tree ({ROOT / 'src'}) against {other}, slices of {SLICE} names alternately", "",
             "| kind | names | this (names/s) | other (names/s) | this / other time |", "|---|---:|---:|---:|---:|"]
    for result in results:
        lines.append(f"| {result.kind} | {result.names:,} | {result.names / result.this_seconds:,.0f} | "
                     f"{result.names / result.other_seconds:,.0f} | {result.ratio:.3f} |")
    names = sum(r.names for r in results)
    this_seconds, other_seconds = sum(r.this_seconds for r in results), sum(r.other_seconds for r in results)
    lines.append(f"| all | {names:,} | {names / this_seconds:,.0f} | {names / other_seconds:,.0f} | "
                 f"{this_seconds / other_seconds:.3f} |")
    lines += ["", f"same answers (ID, score, method) for every name: {'yes' if same else 'NO'}"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, out=sys.stdout) -> tuple[list[KindResult], bool]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--other", type=Path, required=True, help="the other tree's src folder (it holds translitnorm/)")
    parser.add_argument("--size", type=int, default=100_000, help="people in the realistic lexicon (default 100000)")
    parser.add_argument("--queries", type=int, default=5_000, help="queries of the mix (default 5000)")
    parser.add_argument("--kinds", default=",".join(realistic.QUERY_MIX), help="kinds of query, comma-separated")
    parser.add_argument("--workdir", type=Path, default=None, help="where lexicon and caches go (default: a temporary folder)")
    args = parser.parse_args(argv)
    kinds = [kind for kind in args.kinds.split(",") if kind]
    unknown = [kind for kind in kinds if kind not in realistic.QUERY_MIX]
    if unknown:
        parser.error(f"unknown kind(s) {', '.join(unknown)}; choose from {', '.join(realistic.QUERY_MIX)}")
    with tempfile.TemporaryDirectory(prefix="translitnorm-interleaved-") as temporary:
        work = args.workdir or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        package_dir = Path(temporary) / "other-package"
        package_dir.mkdir()
        other_package = load_other(args.other.resolve(), package_dir)
        results, same = compare(other_package, args.size, work, args.queries, kinds)
    print(report(results, same, args.size, args.other), file=out)
    return results, same


if __name__ == "__main__":
    main()
