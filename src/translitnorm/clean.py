"""Clean a dataset: add entity IDs to name columns, cluster the names no lexicon knows, list what to review.

:func:`clean_file` reads the input twice, streaming in batches, so memory grows with
the number of distinct names, never with the number of rows:

1. **count** the distinct names of each column;
2. **resolve** each distinct name once (in ``jobs`` processes when it pays);
3. **cluster** the names that got no ID, over the whole input, so cluster IDs do not
   depend on row order or batch size;
4. **write** every input row and column, in order, with ``<col>_id``, ``<col>_canonical``,
   ``<col>_score`` and ``<col>_method`` appended (atomically: a failure leaves no output);
5. optionally write the **review** file: the distinct names a person should decide on.

>>> summary = clean_file("data.csv", "clean.csv", ["name"], review="review.csv")   # doctest: +SKIP
>>> summary.rows, summary.methods["exact"]                                        # doctest: +SKIP
(99, 71)
"""

from __future__ import annotations

import contextlib
import csv
import io
import multiprocessing
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from translitnorm.backtranslit import best_cyrillic
from translitnorm.batch import WorkerPool, available_cores, index_out_of_gc, resolve_each
from translitnorm.cluster import Cluster, cluster_names
from translitnorm.files import sigterm_as_interrupt
from translitnorm.io import (
    STDIO, AddedColumn, InputError, Lookup, TableWriter, atomic_output, detect_format, open_table,
)
from translitnorm.decision import Resolution
from translitnorm.normaliser import Normaliser
from translitnorm.text import is_cyrillic

ADDED_SUFFIXES = ("_id", "_canonical", "_score", "_method")
REVIEW_HEADER = ("column", "name", "count", "reason", "suggested_id", "score", "candidates", "cluster",
                 "suggested_source", "decision", "target_id", "type", "lang")
EMPTY, CLUSTER, NONE = "empty", "cluster", "none"

Progress = Callable[[str, int, "int | None"], None]  # (stage, done, total)


@dataclass(frozen=True)
class Outcome:
    """What one distinct name resolved to, kept compact (one per distinct name for the whole run)."""

    id: str | None
    canonical: str | None
    score: float
    method: str
    reason: str | None = None
    candidates: tuple[tuple[str, float], ...] = ()

    @classmethod
    def of(cls, resolution: Resolution) -> "Outcome":
        candidates = tuple((c.id, round(c.score, 4)) for c in resolution.candidates)
        if resolution.id:
            return cls(resolution.id, resolution.canonical, resolution.score, resolution.method, None, candidates)
        method = EMPTY if resolution.reason == "empty" else NONE
        return cls(None, None, resolution.score, method, resolution.reason, candidates)


@dataclass
class CleanSummary:
    """What a clean run did; ``methods`` counts rows (all name columns together) by method."""

    input: str
    output: str
    columns: list[str]
    rows: int = 0
    distinct: int = 0
    methods: Counter = field(default_factory=Counter)
    clusters: int = 0
    clustered_names: int = 0
    review: str | None = None
    review_lines: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    skipped_count: int = 0
    seconds: float = 0.0

    @property
    def matched(self) -> int:
        """Rows (name values) that got an entity ID."""
        return sum(n for method, n in self.methods.items() if method not in (CLUSTER, NONE, EMPTY))

    def lines(self) -> list[str]:
        """The summary as short lines for a person."""
        values = self.rows * len(self.columns)
        share = (lambda n: f"{100 * n / values:.0f}%") if values else (lambda n: "-")
        by_method = ", ".join(f"{method} {n:,}" for method, n in sorted(self.methods.items(), key=lambda kv: (-kv[1], kv[0]))
                              if method not in (CLUSTER, NONE, EMPTY))
        lines = [
            f"rows            {self.rows:,} ({', '.join(self.columns)}), {self.distinct:,} distinct names",
            f"with an ID      {self.matched:,} {share(self.matched)}" + (f"  ({by_method})" if by_method else ""),
        ]
        if self.methods[CLUSTER]:
            lines.append(f"clustered       {self.methods[CLUSTER]:,} {share(self.methods[CLUSTER])}  "
                         f"({self.clustered_names:,} unknown names in {self.clusters:,} clusters)")
        if self.methods[NONE]:
            lines.append(f"no ID           {self.methods[NONE]:,} {share(self.methods[NONE])}")
        if self.methods[EMPTY]:
            lines.append(f"empty           {self.methods[EMPTY]:,} {share(self.methods[EMPTY])}")
        if self.review:
            lines.append(f"to review       {self.review_lines:,} names → {self.review}")
        if self.skipped_count:
            shown = ", ".join(str(line) for line, _ in self.skipped[:10])
            more = " …" if self.skipped_count > 10 else ""
            lines.append(f"skipped         {self.skipped_count:,} malformed lines (line {shown}{more})")
        rate = f", {self.rows / self.seconds:,.0f} rows/s" if self.seconds > 0 else ""
        lines.append(f"time            {self.seconds:.1f} s{rate} → {self.output}")
        return lines


# -- resolving distinct names ----------------------------------------------------------

def resolve_distinct(normaliser: Normaliser, names: Iterable[str], *, jobs: int | None = 1,
                     progress: Progress | None = None, pool: WorkerPool | None = None) -> dict[str, Outcome]:
    """Resolve each distinct name once, in up to ``jobs`` processes (None: one per core) when there
    are enough names (see :data:`translitnorm.batch.PARALLEL_MIN_NAMES`).

    The result does not depend on ``jobs``: every name is resolved on its own.

    >>> resolve_distinct(Normaliser.default(), ["Bakiev", "Bakijew"])["Bakijew"].id   # doctest: +SKIP
    'kg.bakiev.kurmanbek'
    """
    ordered = sorted(set(names))  # neighbouring names share parts: warm look-up caches per task
    report = (lambda done, total: progress("resolving", done, total)) if progress else None
    outcomes = resolve_each(normaliser, ordered, jobs=jobs, progress=report, convert=Outcome.of, pool=pool)
    return dict(zip(ordered, outcomes))


# -- the whole job ----------------------------------------------------------------------

#: Inputs from this size (bytes of a text file, rows of Parquet) start their worker processes
#: before reading: loading the index takes a worker about a second, which then overlaps the
#: counting pass. A smaller file is unlikely to have the distinct names that need them.
EARLY_WORKERS_MIN_BYTES = 8 << 20
EARLY_WORKERS_MIN_ROWS = 200_000


def _early_workers(normaliser: Normaliser, jobs: int | None, fmt: str, size: int | None):
    """A :class:`WorkerPool` started now for a big input when several processes may resolve it,
    else nothing; as a context manager, so the workers stop when resolving is done (or fails).
    If the file turns out to have few distinct names, they stop unused."""
    processes = available_cores() if jobs is None else min(jobs, available_cores())  # as resolve_each counts them
    big = size is not None and size >= (EARLY_WORKERS_MIN_ROWS if fmt == "parquet" else EARLY_WORKERS_MIN_BYTES)
    if processes > 1 and big and not multiprocessing.current_process().daemon:
        return WorkerPool(normaliser, processes)
    return contextlib.nullcontext()


def clean_file(input: str | os.PathLike, output: str | os.PathLike = STDIO, columns: Sequence[str] = ("name",),
               normaliser: Normaliser | None = None, *, input_format: str | None = None,
               output_format: str | None = None, encoding: str = "utf-8", on_error: str = "raise",
               cluster: bool = True, review: str | os.PathLike | None = None, jobs: int | None = 1,
               batch_rows: int = 50_000, review_min_score: float = 0.6, review_min_rows: int = 2,
               progress: Progress | None = None) -> CleanSummary:
    """Add ``<col>_id``, ``_canonical``, ``_score``, ``_method`` for each name column; see the module doc.

    ``output`` ``-`` is stdout. The output format is ``output_format``, else the output's
    extension, else the input's format. ``review`` writes the review CSV; its lines are
    names with no ID but candidates (ambiguous, or below the threshold by a score of at least
    ``review_min_score``) and names of clusters with at least ``review_min_rows`` rows.

    >>> clean_file("seeds/example-names.csv", "out.csv", ["name"], jobs=2).lines()   # doctest: +SKIP
    """
    normaliser = normaliser or Normaliser.default()
    # SIGTERM unwinds the run as Ctrl-C does: workers stopped, no temporary file left behind
    with sigterm_as_interrupt(), index_out_of_gc():
        return _clean_file(input, output, columns, normaliser, input_format=input_format,
                           output_format=output_format, encoding=encoding, on_error=on_error, cluster=cluster,
                           review=review, jobs=jobs, batch_rows=batch_rows, review_min_score=review_min_score,
                           review_min_rows=review_min_rows, progress=progress)


def _clean_file(input, output, columns, normaliser, *, input_format, output_format, encoding, on_error, cluster,
                review, jobs, batch_rows, review_min_score, review_min_rows, progress) -> CleanSummary:
    started = time.perf_counter()
    input, output = str(input), str(output)
    columns = list(dict.fromkeys(columns))
    if not columns:
        raise InputError("no column given; pass --column NAME")
    if jobs is not None and jobs < 1:
        raise InputError(f"--jobs must be 1 or more, not {jobs}")
    _refuse_clobbering(input, output, review)
    summary = CleanSummary(input="<stdin>" if input == STDIO else input,
                           output="<stdout>" if output == STDIO else output, columns=columns,
                           review=None if review is None else str(review))

    with open_table(input, input_format, encoding=encoding, on_error=on_error, batch_rows=batch_rows) as table:
        for column in columns:
            table.require(column)
        out_format = _output_format(output, output_format, table.format)
        size = table.size() if table.format != "parquet" else table.total_rows()

        with _early_workers(normaliser, jobs, table.format, size) as pool:
            # 1. count the distinct names of each column
            counts: dict[str, Counter] = {column: Counter() for column in columns}
            for batch in table.batches(progress=lambda done: progress and progress("reading", done, size), arrow=True):
                for column in columns:
                    counts[column].update(batch.value_counts(column))
            summary.rows = table.stats.rows
            summary.skipped, summary.skipped_count = table.stats.skipped, table.stats.skipped_count
            added_names = [column + suffix for column in columns for suffix in ADDED_SUFFIXES]
            clashes = [name for name in added_names if name in table.columns]
            if clashes:
                raise InputError(f"{table.name}: the input already has column(s) {', '.join(clashes)}; "
                                 f"rename them, or clean the original file")

            # 2. resolve each distinct name once
            distinct = {name for counter in counts.values() for name in counter if name is not None and name.strip()}
            summary.distinct = len(distinct)
            outcomes = resolve_distinct(normaliser, distinct, jobs=jobs, progress=progress, pool=pool)

        # 3. cluster the names no lexicon knows, over the whole input
        unknown: Counter = Counter()
        for counter in counts.values():
            for name, count in counter.items():
                if name in outcomes and outcomes[name].method == NONE:
                    unknown[name] += count
        clusters: list[Cluster] = []
        cluster_of: dict[str, Cluster] = {}
        if cluster and unknown:
            if progress:
                progress("clustering", 0, len(unknown))
            clusters = cluster_names(unknown)
            cluster_of = {name: c for c in clusters for name, _ in c.members}
            if progress:
                progress("clustering", len(unknown), len(unknown))
        summary.clusters, summary.clustered_names = len(clusters), len(cluster_of)

        # what each distinct name becomes in the output: (id, canonical, score, method)
        written: dict[str, tuple] = {}
        for name, outcome in outcomes.items():
            if outcome.id is not None:
                written[name] = (outcome.id, outcome.canonical, outcome.score, outcome.method)
            elif name in cluster_of:
                group = cluster_of[name]
                written[name] = (group.id, group.representative, None, CLUSTER)
            else:
                written[name] = (None, None, None, outcome.method)
        empty = (None, None, None, EMPTY)
        for counter in counts.values():
            for name, count in counter.items():
                summary.methods[written.get(name, empty)[3]] += count

        # 4. write every row with the added columns
        added = [AddedColumn(column + suffix, "score" if suffix == "_score" else "text")
                 for column in columns for suffix in ADDED_SUFFIXES]
        with atomic_output(output) as stream:
            writer = TableWriter(stream, out_format, table.columns, added, input_schema=table.arrow_schema())
            lookup = Lookup(written, empty)
            done = 0
            for batch in table.batches(arrow=out_format in ("csv", "tsv")):
                writer.write_looked_up(batch, columns, lookup)
                done += len(batch)
                if progress:
                    progress("writing", done, summary.rows)
            writer.close()

        # 5. the review file
        if review is not None:
            lines = review_lines(counts, outcomes, cluster_of, min_score=review_min_score, min_rows=review_min_rows)
            write_review(review, lines)
            summary.review_lines = len(lines)
    summary.seconds = time.perf_counter() - started
    return summary


def review_lines(counts: dict[str, Counter], outcomes: dict[str, Outcome], cluster_of: dict[str, Cluster], *,
                 min_score: float = 0.6, min_rows: int = 2) -> list[dict[str, str]]:
    """The review file's lines (dicts keyed by :data:`REVIEW_HEADER`), by count (desc), then name."""
    lines = []
    for column, counter in counts.items():
        for name, count in counter.items():
            outcome = outcomes.get(name)
            if outcome is None or outcome.id is not None or outcome.method == EMPTY:
                continue
            group = cluster_of.get(name)
            if outcome.reason == "ambiguous":
                reason = "ambiguous"
            elif outcome.reason == "below-threshold" and outcome.score >= min_score:
                reason = "below-threshold"
            elif group is not None and group.count >= min_rows:
                reason = "new-cluster"
            else:
                continue
            suggested = outcome.candidates[0] if outcome.candidates and reason != "new-cluster" else None
            lines.append({
                "column": column, "name": name, "count": str(count), "reason": reason,
                "suggested_id": suggested[0] if suggested else "",
                "score": f"{outcome.score:.4f}" if outcome.candidates else "",
                "candidates": "; ".join(f"{cid} {score:.2f}" for cid, score in outcome.candidates),
                "cluster": group.id if group else "",
                # the Cyrillic name a new entity would have as its source (lexicon apply writes it)
                "suggested_source": best_cyrillic(name) if reason == "new-cluster" and not is_cyrillic(name) else "",
                "decision": "", "target_id": "", "type": "", "lang": "",
            })
    lines.sort(key=lambda line: (-int(line["count"]), line["name"], line["column"]))
    return lines


def write_review(path: str | os.PathLike, lines: Sequence[dict[str, str]]) -> None:
    """Write the review CSV (header :data:`REVIEW_HEADER`) atomically."""
    with atomic_output(path) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        writer = csv.DictWriter(text, fieldnames=REVIEW_HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(lines)
        text.flush()
        text.detach()


def _output_format(output: str, explicit: str | None, input_format: str) -> str:
    if explicit:
        fmt = detect_format(output, explicit)
    elif output == STDIO:
        fmt = input_format
    else:
        try:
            fmt = detect_format(output)
        except InputError:
            fmt = input_format
    if fmt == "txt":
        raise InputError("a clean output cannot be plain text; give the output a .csv, .tsv, .jsonl or .parquet name")
    if fmt == "parquet" and output == STDIO:
        raise InputError("Parquet cannot be written to stdout; pass -o FILE.parquet (or -o - --output-format csv)")
    return fmt


def _refuse_clobbering(input: str, output: str, review) -> None:
    """Refuse to write over the input (or the output over the review file)."""

    def same(first: str, second: str) -> bool:
        if STDIO in (first, second):
            return False
        if Path(first).exists() and Path(second).exists():
            return os.path.samefile(first, second)
        return Path(first).resolve() == Path(second).resolve()

    for what, path in (("the output", output), ("the review file", review)):
        if path is not None and same(str(path), input):
            raise InputError(f"{what} {path} is the input file; write it elsewhere (-o other.csv)")
    if review is not None and same(str(review), output):
        raise InputError(f"the review file and the output are both {output}; give them different names")
