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
from typing import Iterator, Sequence


from translitnorm.batch import WorkerPool, available_cores
from translitnorm.runtime import index_out_of_gc
from translitnorm.cluster import CLUSTER_LANG, Cluster, cluster_names
from translitnorm.files import sigterm_as_interrupt
from translitnorm.io import (
    STDIO, AddedColumn, InputError, Lookup, ReadOptions, TableWriter, atomic_output, detect_format, open_table,
)
from translitnorm.decision import ADDED_FIELDS, EMPTY, NONE
from translitnorm.io.common import Rejected
from translitnorm.io.csv_reading import MAX_FIELD_LINES
from translitnorm.normaliser import Normaliser
# The review file's format and the compact outcomes it is made from live below clean and maintain, in review.py.
from translitnorm.review import REVIEW_HEADER, Outcome, Progress, resolve_distinct, review_lines, write_review  # noqa: F401

#: The columns added for each name column ``<col>``: ``<col>_id``, ``<col>_canonical``…
ADDED_SUFFIXES = tuple(f"_{name}" for name in ADDED_FIELDS)
#: ``<col>_method`` of a name that got a cluster ID instead of an entity ID.
CLUSTER = "cluster"


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
    sampled_from: int | None = None  # with a sample: the rows it was drawn from, and its seed
    seed: int | None = None

    @property
    def matched(self) -> int:
        """Rows (name values) that got an entity ID."""
        return sum(n for method, n in self.methods.items() if method not in (CLUSTER, NONE, EMPTY))

    def skipped_line(self) -> str:
        """What was skipped, in a line: ``1 malformed lines (line 3)``."""
        shown = ", ".join(str(line) for line, _ in self.skipped[:10])
        more = " …" if self.skipped_count > 10 else ""
        return f"{self.skipped_count:,} malformed lines (line {shown}{more})"

    def as_dict(self) -> dict:
        """The summary for programs (``clean --summary-json``): counts of rows, by method, of clusters…"""
        return {
            "input": self.input, "output": self.output, "columns": self.columns, "rows": self.rows,
            "distinct_names": self.distinct, "with_id": self.matched,
            "by_method": dict(sorted(self.methods.items())), "clusters": self.clusters,
            "clustered_names": self.clustered_names, "review": self.review,
            "review_lines": self.review_lines if self.review else None,
            "skipped_lines": self.skipped_count, "skipped": [{"line": line, "problem": problem}
                                                             for line, problem in self.skipped],
            "seconds": round(self.seconds, 3),
            "sample": None if self.sampled_from is None else {"of_rows": self.sampled_from, "seed": self.seed},
        }

    def lines(self) -> list[str]:
        """The summary as short lines for a person."""
        values = self.rows * len(self.columns)
        share = (lambda n: f"{100 * n / values:.0f}%") if values else (lambda n: "")
        by_method = ", ".join(f"{method} {n:,}" for method, n in sorted(self.methods.items(), key=lambda kv: (-kv[1], kv[0]))
                              if method not in (CLUSTER, NONE, EMPTY))
        lines = [
            f"rows            {self.rows:,} ({', '.join(self.columns)}), {self.distinct:,} distinct names",
            *([f"sample          {self.rows:,} of {self.sampled_from:,} rows, drawn at random (--seed {self.seed} draws "
               f"them again)"] if self.sampled_from is not None else []),
            (f"with an ID      {self.matched:,} {share(self.matched)}" + (f"  ({by_method})" if by_method else "")).rstrip(),
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
            lines.append(f"skipped         {self.skipped_line()}")
        # no rate for a run too short or too small to have one worth reading ("0 rows/s")
        rate = f", {self.rows / self.seconds:,.0f} rows/s" if self.seconds > 0 and self.rows >= self.seconds else ""
        lines.append(f"time            {self.seconds:.1f} s{rate} → {self.output}")
        return lines


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
               progress: Progress | None = None, rejects: str | os.PathLike | None = None,
               max_errors: int | None = None, max_field_lines: int = MAX_FIELD_LINES,
               read_options: ReadOptions | None = None, prefix: str | None = None,
               fuzzy_clusters: bool = True) -> CleanSummary:
    """Add ``<col>_id``, ``_canonical``, ``_score``, ``_method`` for each name column; see the module doc.

    ``output`` ``-`` is stdout. The output format is ``output_format``, else the output's
    extension, else the input's format. ``review`` writes the review CSV; its lines are
    names with no ID but candidates (ambiguous, or below the threshold by a score of at least
    ``review_min_score``) and names of clusters with at least ``review_min_rows`` rows.
    ``read_options`` reads a text input in another form (delimiter, no header, a first rows
    only…); ``prefix`` names the added columns of the one name column (``<prefix>_id`` …);
    ``fuzzy_clusters=False`` joins unknown spellings only on equal matching keys.

    Malformed input records stop the run (``on_error='raise'``) or are skipped, one line each,
    reading resuming at the next line (``'skip'``); ``rejects`` gets them as they were read
    (after the header), and more than ``max_errors`` of them fail the run (giving ``max_errors``
    implies ``'skip'``). A quoted field over more than ``max_field_lines`` lines is malformed.

    >>> clean_file("seeds/example-names.csv", "out.csv", ["name"], jobs=2).lines()   # doctest: +SKIP
    """
    normaliser = normaliser or Normaliser.default()
    # SIGTERM unwinds the run as Ctrl-C does: workers stopped, no temporary file left behind
    with sigterm_as_interrupt(), index_out_of_gc():
        return _clean_file(input, output, columns, normaliser, input_format=input_format,
                           output_format=output_format, encoding=encoding, on_error=on_error, cluster=cluster,
                           review=review, jobs=jobs, batch_rows=batch_rows, review_min_score=review_min_score,
                           review_min_rows=review_min_rows, progress=progress, rejects=rejects,
                           max_errors=max_errors, max_field_lines=max_field_lines, read_options=read_options,
                           prefix=prefix, fuzzy_clusters=fuzzy_clusters)


def _clean_file(input, output, columns, normaliser, *, input_format, output_format, encoding, on_error, cluster,
                review, jobs, batch_rows, review_min_score, review_min_rows, progress, rejects, max_errors,
                max_field_lines, read_options, prefix, fuzzy_clusters) -> CleanSummary:
    started = time.perf_counter()
    input, output = str(input), str(output)
    columns = list(dict.fromkeys(columns))
    if not columns:
        raise InputError("no column given; pass --column NAME")
    if jobs is not None and jobs < 1:
        raise InputError(f"--jobs must be 1 or more, not {jobs}")
    if max_errors is not None:
        on_error = "skip"
    _refuse_clobbering(input, output, review, rejects)
    summary = CleanSummary(input="<stdin>" if input == STDIO else input,
                           output="<stdout>" if output == STDIO else output, columns=columns,
                           review=None if review is None else str(review))

    if prefix is not None and len(columns) > 1:
        raise InputError(f"a prefix names the added columns of one name column, not of {len(columns)}; "
                         f"clean one column at a time, or leave the prefix out")
    added_prefix = {column: column if prefix is None else prefix for column in columns}
    with open_table(input, input_format, encoding=encoding, on_error=on_error, batch_rows=batch_rows,
                    max_errors=max_errors, max_field_lines=max_field_lines, options=read_options) as table:
        # what can be checked before the work starts is checked before it starts
        for column in columns:
            table.require(column)
        _refuse_added_columns(table, columns, added_prefix)
        out_format = _output_format(output, output_format, table.format)
        size = table.size() if table.format != "parquet" else table.total_rows()

        with _early_workers(normaliser, jobs, table.format, size) as pool:
            # 1. count the distinct names of each column (and keep the malformed records, if asked)
            counts: dict[str, Counter] = {column: Counter() for column in columns}
            with _rejects_file(rejects, table) as rejected:
                for batch in table.batches(progress=lambda done: progress and progress("reading", done, size),
                                           arrow=True, rejected=rejected):
                    for column in columns:
                        counts[column].update(batch.value_counts(column))
            summary.rows = table.stats.rows
            summary.skipped, summary.skipped_count = table.stats.skipped, table.stats.skipped_count
            summary.sampled_from, summary.seed = table.stats.sampled_from, table.stats.seed
            _refuse_added_columns(table, columns, added_prefix)  # JSON Lines: keys first seen after the first line

            # 2. resolve each distinct name once
            distinct = {name for counter in counts.values() for name in counter if name is not None and name.strip()}
            summary.distinct = len(distinct)
            # names with no ID are read for clustering (and the review) where they are resolved, so
            # that this work too is shared among the processes
            outcomes = resolve_distinct(normaliser, distinct, jobs=jobs, progress=progress, pool=pool,
                                        cluster_lang=CLUSTER_LANG if cluster else None,
                                        source_min_score=review_min_score if cluster and review is not None else None)

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
            keys = {name: outcomes[name].cluster_keys for name in unknown if outcomes[name].cluster_keys is not None}
            clusters = cluster_names(unknown, lang=CLUSTER_LANG, fuzzy=fuzzy_clusters, keys=keys)
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
        added = [AddedColumn(added_prefix[column] + suffix, "score" if suffix == "_score" else "text")
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


@contextlib.contextmanager
def _rejects_file(path: str | os.PathLike | None, table) -> Iterator[Rejected | None]:
    """A callback writing each rejected record as it was read to ``path`` (after the input's
    header line, for CSV/TSV), or ``None`` when no rejects file was asked for."""
    if path is None:
        yield None
        return
    with atomic_output(path) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        if table.format in ("csv", "tsv", "quoted-tsv"):
            if table.format == "tsv":
                text.write("\t".join(table.columns) + "\n")
            else:
                csv.writer(text, delimiter="," if table.format == "csv" else "\t", lineterminator="\n").writerow(table.columns)

        def rejected(line: int, problem: str, record: str) -> None:
            text.write(record if record.endswith(("\n", "\r")) else record + "\n")

        yield rejected
        text.flush()
        text.detach()


def _refuse_added_columns(table, columns: Sequence[str], prefixes: dict[str, str]) -> None:
    """Refuse an input that already has a column clean would add (``name_id``…, or ``<prefix>_id``…)."""
    added_names = [prefixes[column] + suffix for column in columns for suffix in ADDED_SUFFIXES]
    clashes = [name for name in added_names if name in table.columns]
    if clashes:
        raise InputError(f"{table.name}: the input already has column(s) {', '.join(clashes)}; "
                         f"rename them, or clean the original file")


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


def _refuse_clobbering(input: str, output: str, review, rejects=None) -> None:
    """Refuse to write over the input, one output over another, or to a directory."""

    def same(first: str, second: str) -> bool:
        if STDIO in (first, second):
            return False
        if Path(first).exists() and Path(second).exists():
            return os.path.samefile(first, second)
        return Path(first).resolve() == Path(second).resolve()

    outputs = [(what, str(path)) for what, path in (("the output", output), ("the review file", review),
                                                      ("the rejects file", rejects)) if path is not None]
    for what, path in outputs:
        if same(path, input):
            raise InputError(f"{what} {path} is the input file; write it elsewhere (-o other.csv)")
        if path != STDIO and Path(path).is_dir():
            raise InputError(f"{what} {path} is a directory; give a file name (e.g. {Path(path) / 'clean.csv'})")
    for position, (what, path) in enumerate(outputs):
        for other, other_path in outputs[position + 1:]:
            if same(path, other_path):
                raise InputError(f"{what} and {other} are both {path}; give them different names")
