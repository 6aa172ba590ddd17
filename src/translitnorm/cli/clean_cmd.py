"""``translitnorm clean``: add entity IDs to the name columns of a dataset."""

from __future__ import annotations

import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import typer

from translitnorm.clean import clean_file
from translitnorm.files import Terminated

from . import app, fail, user_errors
from .common import LexiconOption, MarginOption, MinScoreOption, OnError, OnErrorOption, make_normaliser, in_range

_STAGES = {"reading": "reading", "resolving": "resolving names", "clustering": "clustering", "writing": "writing"}


@contextmanager
def stderr_progress(enabled: bool) -> Iterator:
    """A progress callback ``(stage, done, total)`` drawing rich bars on stderr, or ``None`` when disabled."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bars:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(_STAGES.get(stage, stage), total=total)
            bars.update(tasks[stage], completed=done, total=total)

        yield update


@app.command("clean")
@user_errors
def clean_command(
    input: Path = typer.Argument(..., metavar="INPUT", help="CSV, TSV, JSON Lines or Parquet file (gzip allowed); - for stdin.",
                                 allow_dash=True),
    column: List[str] = typer.Option(..., "--column", "-c", help="Column of names to resolve (repeatable)."),
    output: Path = typer.Option(Path("-"), "--output", "-o", allow_dash=True,
                                help="Output file; its extension sets the format (.gz compresses). Default: stdout."),
    lexicon: LexiconOption = None,
    format: Optional[str] = typer.Option(None, "--format", "-f", help="Input format: csv, tsv, jsonl, parquet (default: from the extension)."),
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
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary."),
) -> None:
    """Add <column>_id, _canonical, _score and _method for name columns of a dataset; keep every row and column.

    Names no lexicon knows get a cluster ID (~…) shared by their variants. A summary goes to stderr
    (with --quiet, only a warning if malformed records were skipped).

    Example: translitnorm clean seeds/example-names.csv --column name --review review.csv -o out/example-clean.csv
    """
    normaliser = make_normaliser(lexicon, min_score=min_score, margin=margin)
    try:
        with stderr_progress(not quiet and sys.stderr.isatty()) as progress:
            summary = clean_file(
                str(input), str(output), column, normaliser, input_format=format, output_format=output_format,
                encoding=encoding, on_error=on_error.value, cluster=not no_cluster,
                review=None if review is None else str(review), jobs=jobs, batch_rows=batch_rows,
                review_min_rows=review_min_rows, progress=progress,
                rejects=None if rejects is None else str(rejects), max_errors=max_errors,
                max_field_lines=max_field_lines)
    except Terminated:
        raise fail("terminated by SIGTERM; a file not finished was left as it was", 128 + signal.SIGTERM) from None
    if not quiet:
        for line in summary.lines():
            typer.echo(line, err=True)
    elif summary.skipped_count:  # lost rows are never silent, even with --quiet
        typer.echo(f"warning: skipped {summary.skipped_line()}", err=True)
