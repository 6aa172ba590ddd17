"""Options and helpers that several commands share."""

from __future__ import annotations

import codecs
import sys
from enum import Enum
from pathlib import Path
from typing import Iterator, List, Optional, Sequence

import typer
from typing_extensions import Annotated

from translitnorm.io import InputError
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


def make_normaliser(lexicons: Optional[List[Path]], *, min_score: float | None = None,
                    margin: float | None = None) -> Normaliser:
    """A normaliser over the given lexicons (or the shipped ones), with decision-rule overrides."""
    defaults = DecisionRule()
    rule = DecisionRule(
        min_score=defaults.min_score if min_score is None else min_score,
        min_score_single=defaults.min_score_single if min_score is None else max(min_score, defaults.min_score_single),
        margin=defaults.margin if margin is None else margin,
    )
    return Normaliser.from_lexicons(lexicons or default_lexicon_paths(), rule=rule)


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
