"""Options and helpers that several commands share."""

from __future__ import annotations

import codecs
import sys
from enum import Enum
from pathlib import Path
from typing import Iterator, List, Optional, Sequence

import typer
from typing_extensions import Annotated

from translitnorm.io import InputError, ReadOptions
from translitnorm.matcher import DecisionRule
from translitnorm.normaliser import Normaliser, default_lexicon_paths

LexiconOption = Annotated[
    Optional[List[Path]],
    typer.Option("--lexicon", "-l", help="Lexicon file or directory (repeatable). Default: the shipped lexicons."),
]
def in_range(low: float, high: float | None = None):
    """An option callback refusing values outside [low, high] with the range in the message
    (typer's own min/max name only the bound that was crossed)."""
    def check(value):
        values = value if isinstance(value, (list, tuple)) else [value]
        for one in values:
            if one is not None and (one < low or (high is not None and one > high)):
                valid = f"from {low:g} to {high:g}" if high is not None else f"{low:g} or more"
                raise typer.BadParameter(f"{one:g} is out of range; give a value {valid}")
        return value
    return check


MinScoreOption = Annotated[
    Optional[float],
    typer.Option("--min-score", callback=in_range(0, 1), help="Minimum score for an ID, 0 to 1 (default 0.80)."),
]
MarginOption = Annotated[
    Optional[float],
    typer.Option("--margin", callback=in_range(0, 1), help="Lead over the runner-up needed for an ID, 0 to 1 (default 0.04)."),
]


class OnError(str, Enum):
    """What to do with a malformed input line."""

    RAISE = "raise"
    SKIP = "skip"


OnErrorOption = Annotated[
    OnError,
    typer.Option("--on-error", help="Malformed lines: raise (stop with the line number) or skip (count and report them)."),
]


DelimiterOption = Annotated[Optional[str], typer.Option(
    "--delimiter", "-d", help="Field separator of a CSV input, e.g. ';' or tab (default: ',' for csv, tab for tsv).")]
QuotecharOption = Annotated[str, typer.Option("--quotechar", help="Quote character of a CSV input.")]
NoHeaderOption = Annotated[bool, typer.Option(
    "--no-header", help="The first line is data: columns are named 1, 2, … (so --column 2 is the second).")]
SkipLinesOption = Annotated[int, typer.Option(
    "--skip-lines", callback=in_range(0), help="Lines to pass over before the header (a title, notes).")]
LimitOption = Annotated[Optional[int], typer.Option(
    "--limit", callback=in_range(1), help="Read only the first N rows: a trial run on part of a big file.")]
SampleOption = Annotated[Optional[int], typer.Option(
    "--sample", callback=in_range(1),
    help="Read a random sample of N rows of the whole file (one pass): unlike --limit, whose first rows may all "
         "come from one source or period, it shows the variety of the file. Add --seed S to draw the same rows again.")]
SeedOption = Annotated[Optional[int], typer.Option(
    "--seed", help="Seed of --sample's random choice: the same seed draws the same rows (default: a new sample "
                   "each run; the summary shows its seed).")]


class ClusterBy(str, Enum):
    """How strictly spellings of unknown names join one cluster."""

    KEY = "key"
    FUZZY = "fuzzy"


ClusterByOption = Annotated[ClusterBy, typer.Option(
    "--cluster-by", help="key: spellings join only when their matching keys are equal (stricter); "
                         "fuzzy: also when the keys are one edit apart in a long name part.")]


def read_options(delimiter: str | None, quotechar: str, no_header: bool, skip_lines: int,
                 limit: int | None, *, sample: int | None = None, seed: int | None = None,
                 binary_encoding: str | None = None) -> ReadOptions:
    """The reading options of the command line; 'tab' or '\\t' for a tab delimiter."""
    if delimiter in ("tab", "\\t"):
        delimiter = "\t"
    if seed is not None and sample is None:
        raise InputError("--seed chooses the rows of --sample; give --sample N as well")
    return ReadOptions(delimiter=delimiter, quotechar=quotechar, header=not no_header, skip_lines=skip_lines,
                       limit=limit, sample=sample, seed=seed, binary_encoding=binary_encoding)


def make_normaliser(lexicons: Optional[List[Path]], *, min_score: float | None = None,
                    margin: float | None = None) -> Normaliser:
    """A normaliser over the given lexicons (or the shipped ones), with decision-rule overrides."""
    defaults = DecisionRule()
    rule = DecisionRule(
        min_score=defaults.min_score if min_score is None else min_score,
        min_score_single=defaults.min_score_single if min_score is None else max(min_score, defaults.min_score_single),
        margin=defaults.margin if margin is None else margin,
    )
    return Normaliser.from_lexicons(lexicons or default_lexicon_paths(), rule=rule,
                                    progress=lambda message: typer.echo(message, err=True))


def print_table(titles: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[str] = ()) -> None:
    """Aligned columns on a terminal; tab-separated lines with a header when stdout is a pipe or a
    file, so that ``| cut -f2`` or ``| head`` get whole rows, never rows wrapped at 80 columns."""
    sys.stdout.flush()  # after what was echoed before
    if not sys.stdout.isatty():
        for row in [titles, *rows]:
            sys.stdout.write("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for title in titles:
        table.add_column(title, justify="right" if title in right else "left", no_wrap=title != titles[-1])
    for row in rows:
        table.add_row(*row)
    Console(soft_wrap=False).print(table)


def is_text(value: str) -> bool:
    """False for a string holding the lone surrogates Python makes of undecodable bytes (argv, environment)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def stdin_lines(encoding: str) -> Iterator[str]:
    """The lines of stdin decoded with ``encoding``, without their line ends (``\\n`` or ``\\r\\n``),
    one by one so that a command can answer each line as it comes; an undecodable line is a
    :class:`~translitnorm.io.InputError` naming the line and the bytes."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding '{encoding}'; e.g. utf-8, latin-1, cp1251") from None
    for number, raw in enumerate(sys.stdin.buffer, 1):
        try:
            line = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            bad = raw[exc.start:exc.end].hex(" ")
            raise InputError(f"<stdin>: line {number}: bytes {bad} are not valid {encoding}; "
                             f"pass --encoding with the input's encoding (e.g. latin-1, cp1251)") from None
        yield line.rstrip("\n").removesuffix("\r")
