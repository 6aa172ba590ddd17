"""``translitnorm resolve``: look up names one by one, with the reasons on request."""

from __future__ import annotations

import json
import sys
from typing import List, Optional

import typer

from . import app, fail, user_errors
from .common import LexiconOption, MarginOption, MinScoreOption, is_text, make_normaliser, stdin_lines


@app.command("resolve")
@user_errors
def resolve_command(
    names: Optional[List[str]] = typer.Argument(None, metavar="NAME", help="Names to resolve; read one per line from stdin when none are given."),
    lexicon: LexiconOption = None,
    explain: bool = typer.Option(False, "--explain", "-e", help="Show the steps: cleaning, parts, keys, candidates, decision."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per name (JSON Lines); with --explain, its steps as data."),
    min_score: MinScoreOption = None,
    margin: MarginOption = None,
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of names piped in on stdin, e.g. latin-1, cp1251."),
) -> None:
    """Resolve names to entity IDs; print ID, canonical name, score and method.

    Names piped in are read one per line, and each line gives one line of output (an empty
    line an empty result), so the output lines up with the input.

    Example: translitnorm resolve "Kourmanbek Bakiev" "President K. Bakijew" --explain
    """
    if not names:
        if sys.stdin is None or sys.stdin.isatty():
            raise fail("give names as arguments, or pipe them in one per line")
        names = stdin_lines(encoding)
    else:
        for name in names:
            if not is_text(name):
                raise fail(f"argument {name.encode('utf-8', 'surrogateescape')!r} is not valid text in this "
                           f"terminal's encoding; pipe the names in with --encoding instead")
    normaliser = make_normaliser(lexicon, min_score=min_score, margin=margin)
    for name in names:
        if explain and not as_json:
            explanation = normaliser.explain(name)
            typer.echo(f"== {name}")
            typer.echo(str(explanation))
            typer.echo("")
            continue
        result = normaliser.resolve(name)
        if as_json:
            payload = result.as_dict()
            if explain:
                payload["steps"] = [step.as_dict() for step in normaliser.explain(name).steps]
            typer.echo(json.dumps(payload, ensure_ascii=False))
        elif result.id:
            via = f" via {result.scheme}" if result.scheme else ""
            typer.echo(f"{name}\t{result.id}\t{result.canonical}\t{result.score:.2f}\t{result.method}{via}")
        else:
            options = ", ".join(f"{c.id} {c.score:.2f}" for c in result.candidates[:3])
            typer.echo(f"{name}\t-\t-\t{result.score:.2f}\tnone ({result.reason}{': ' + options if options else ''})")
