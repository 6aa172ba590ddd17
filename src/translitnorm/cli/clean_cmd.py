"""``translitnorm clean``: add entity IDs to the name columns of a dataset."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import List, Optional

import typer

from translitnorm.clean import clean_file
from translitnorm.files import Terminated, atomic_writer
from translitnorm.io import detect_format

from . import app, fail, user_errors
from .common import (
    ClusterBy, ClusterByOption, DelimiterOption, LexiconOption, LimitOption, MarginOption, MinScoreOption, NoHeaderOption,
    OnError, OnErrorOption, QuotecharOption, SampleOption, SeedOption, SkipLinesOption, in_range, make_normaliser,
    read_options,
)
from .progress import PLAIN_EVERY, stderr_progress


@app.command("clean")
@user_errors
def clean_command(
    input: Path = typer.Argument(..., metavar="INPUT", help="CSV, TSV, JSON Lines or Parquet file (gzip allowed); - for stdin.",
                                 allow_dash=True),
    column: List[str] = typer.Option(..., "--column", "-c", help="Column of names to resolve (repeatable)."),
    output: Path = typer.Option(Path("-"), "--output", "-o", allow_dash=True,
                                help="Output file; its extension sets the format (.gz compresses). Default: stdout."),
    lexicon: LexiconOption = None,
    format: Optional[str] = typer.Option(None, "--format", "-f", help="Input format: csv, tsv (plain, no quoting), quoted-tsv, jsonl, parquet (default: from the extension)."),
    output_format: Optional[str] = typer.Option(None, "--output-format", help="Output format (default: from -o's extension, else the input's)."),
    review: Optional[Path] = typer.Option(None, "--review", help="Write the names a person should decide on to this CSV."),
    no_cluster: bool = typer.Option(False, "--no-cluster", help="Do not cluster names no lexicon knows (leave them without ID)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", callback=in_range(1), help="Processes resolving names (default: one per core once there are 20,000 distinct names; the output is the same for any number)."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of a text input, e.g. latin-1, cp1251."),
    on_error: OnErrorOption = OnError.RAISE,
    rejects: Optional[Path] = typer.Option(None, "--rejects", help="Write the skipped malformed records, as read, to this file."),
    max_errors: Optional[int] = typer.Option(None, "--max-errors", callback=in_range(0), help="Skip up to N malformed records, fail (exit 2) on more; implies --on-error skip."),
    max_field_lines: int = typer.Option(1000, "--max-field-lines", callback=in_range(0), help="A quoted field over more lines is malformed (a stray quote?); 0: no bound."),
    review_min_rows: int = typer.Option(2, "--review-min-rows", callback=in_range(1), help="Review clusters of unknown names with at least this many rows."),
    min_score: MinScoreOption = None,
    margin: MarginOption = None,
    batch_rows: int = typer.Option(50_000, "--batch-rows", callback=in_range(1), help="Rows read at a time (memory vs. speed).", hidden=True),
    progress: Optional[bool] = typer.Option(
        None, "--progress/--no-progress",
        help="Show progress on stderr: bars on a terminal, a line every 10 s elsewhere (default: on unless --quiet)."),
    progress_every: float = typer.Option(PLAIN_EVERY, "--progress-every", hidden=True, callback=in_range(0),
                                         help="Seconds between two progress lines when stderr is not a terminal."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress and no summary."),
    delimiter: DelimiterOption = None,
    quotechar: QuotecharOption = '"',
    no_header: NoHeaderOption = False,
    skip_lines: SkipLinesOption = 0,
    limit: LimitOption = None,
    sample: SampleOption = None,
    seed: SeedOption = None,
    binary_encoding: Optional[str] = typer.Option(
        None, "--binary-encoding",
        help="Read a Parquet name column of bytes as text in this encoding, e.g. utf-8 (default: refuse it); "
             "a value that does not decode is an error naming its row."),
    prefix: Optional[str] = typer.Option(None, "--prefix", help="Name the added columns PREFIX_id, PREFIX_canonical… (default: the column's name)."),
    cluster_by: ClusterByOption = ClusterBy.FUZZY,
    summary_json: Optional[Path] = typer.Option(None, "--summary-json", help="Also write the summary as JSON to this file: rows, with ID, by method, clusters, review, skipped lines, time."),
) -> None:
    """Add <column>_id, _canonical, _score and _method for name columns of a dataset; keep every row and column.

    Names no lexicon knows get a cluster ID (~…) shared by their variants. A summary goes to stderr
    (with --quiet, only a warning if malformed records were skipped).

    Example: translitnorm clean seeds/example-names.csv --column name --review review.csv -o out/example-clean.csv
    """
    normaliser = make_normaliser(lexicon, min_score=min_score, margin=margin)
    reading = "rows" if detect_format(input, format) == "parquet" else "bytes"
    show = not quiet if progress is None else progress
    try:
        with stderr_progress(show, units={"reading": reading}, every=progress_every) as report:
            summary = clean_file(
                str(input), str(output), column, normaliser, input_format=format, output_format=output_format,
                encoding=encoding, on_error=on_error.value, cluster=not no_cluster,
                review=None if review is None else str(review), jobs=jobs, batch_rows=batch_rows,
                review_min_rows=review_min_rows, progress=report,
                rejects=None if rejects is None else str(rejects), max_errors=max_errors,
                max_field_lines=max_field_lines,
                read_options=read_options(delimiter, quotechar, no_header, skip_lines, limit, sample=sample, seed=seed,
                                          binary_encoding=binary_encoding), prefix=prefix,
                fuzzy_clusters=cluster_by == ClusterBy.FUZZY)
    except Terminated:
        raise fail("terminated by SIGTERM; a file not finished was left as it was", 128 + signal.SIGTERM) from None
    if summary_json is not None:
        with atomic_writer(summary_json) as stream:
            stream.write((json.dumps(summary.as_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    if not quiet:
        for line in summary.lines():
            typer.echo(line, err=True)
    elif summary.skipped_count:  # lost rows are never silent, even with --quiet
        typer.echo(f"warning: skipped {summary.skipped_line()}", err=True)
