"""``translitnorm resolve``: look up names one by one, with the reasons on request."""

from __future__ import annotations

import json
import sys
from typing import List, Optional

import typer

from . import app, fail, user_errors
from .common import LexiconOption, MarginOption, MinScoreOption, make_normaliser


@app.command("resolve")
@user_errors
def resolve_command(
    names: Optional[List[str]] = typer.Argument(None, metavar="NAME", help="Names to resolve; read one per line from stdin when none are given."),
    lexicon: LexiconOption = None,
    explain: bool = typer.Option(False, "--explain", "-e", help="Show the steps: cleaning, parts, keys, candidates, decision."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per name (JSON Lines)."),
    min_score: MinScoreOption = None,
    margin: MarginOption = None,
) -> None:
    """Resolve names to entity IDs; print ID, canonical name, score and method.

    Example: translitnorm resolve "Kourmanbek Bakiev" "Tschechow" --explain
    """
    if not names:
        if sys.stdin is None or sys.stdin.isatty():
            raise fail("give names as arguments, or pipe them in one per line")
        names = [line.rstrip("\n") for line in sys.stdin if line.strip()]
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
                payload["steps"] = [{"step": title, "detail": detail} for title, detail in normaliser.explain(name).steps]
            typer.echo(json.dumps(payload, ensure_ascii=False))
        elif result.id:
            via = f" via {result.scheme}" if result.scheme else ""
            typer.echo(f"{name}\t{result.id}\t{result.canonical}\t{result.score:.2f}\t{result.method}{via}")
        else:
            options = ", ".join(f"{c.id} {c.score:.2f}" for c in result.candidates[:3])
            typer.echo(f"{name}\t-\t-\t{result.score:.2f}\tnone ({result.reason}{': ' + options if options else ''})")
