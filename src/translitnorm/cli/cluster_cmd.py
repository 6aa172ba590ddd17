"""``translitnorm cluster``: group spellings of names without a lexicon."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from translitnorm.cluster import cluster_names
from translitnorm.io import count_values

from . import app, user_errors
from .common import (
    ClusterBy, ClusterByOption, DelimiterOption, LimitOption, NoHeaderOption, OnError, OnErrorOption, QuotecharOption,
    SampleOption, SeedOption, SkipLinesOption, in_range, print_table, read_options,
)


@app.command("cluster")
@user_errors
def cluster_command(
    file: Path = typer.Argument(..., metavar="FILE", allow_dash=True,
                                help="Names one per line (.txt), or a CSV/TSV/JSON Lines/Parquet file with --column; - for stdin."),
    column: Optional[str] = typer.Option(None, "--column", "-c", help="Column of names (default: name; not for .txt)."),
    format: Optional[str] = typer.Option(None, "--format", "-f", help="Input format: txt, csv, tsv, jsonl, parquet (default: from the extension)."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of a text input, e.g. latin-1, cp1251."),
    min_members: int = typer.Option(1, "--min-members", callback=in_range(1), help="Show only clusters with at least this many spellings."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per cluster (JSON Lines)."),
    cluster_by: ClusterByOption = ClusterBy.FUZZY,
    on_error: OnErrorOption = OnError.RAISE,
    delimiter: DelimiterOption = None,
    quotechar: QuotecharOption = '"',
    no_header: NoHeaderOption = False,
    skip_lines: SkipLinesOption = 0,
    limit: LimitOption = None,
    sample: SampleOption = None,
    seed: SeedOption = None,
) -> None:
    """Group variant spellings of names (no lexicon needed): cluster ID, representative, rows, members.

    Example: translitnorm cluster names.txt   or   translitnorm cluster data.csv --column name --json
    """
    counts = count_values(str(file), column, format, encoding=encoding, on_error=on_error.value,
                          options=read_options(delimiter, quotechar, no_header, skip_lines, limit, sample=sample, seed=seed))
    clusters = [c for c in cluster_names(((name, n) for name, n in counts.items() if name),
                                         fuzzy=cluster_by == ClusterBy.FUZZY)
                if len(c.members) >= min_members]
    if as_json:
        for found in clusters:
            typer.echo(json.dumps(found.as_dict(), ensure_ascii=False))
        return
    rows = [(found.id, found.representative, str(found.count),
             ", ".join(f"{name} ×{count}" for name, count in found.members)) for found in clusters]
    print_table(("cluster", "representative", "rows", "members"), rows, right=("rows",))
    sys.stdout.flush()  # the table before the summary, also where both streams go to one log
    typer.echo(f"{len(clusters)} clusters of {sum(len(c.members) for c in clusters)} spellings", err=True)
