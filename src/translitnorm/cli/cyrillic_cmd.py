"""``translitnorm cyrillic``: the plausible Cyrillic sources of a Latin spelling."""

from __future__ import annotations

import json

import typer

from translitnorm.backtranslit import cyrillic_sources

from . import app, user_errors


@app.command("cyrillic")
@user_errors
def cyrillic_command(
    name: str = typer.Argument(..., metavar="NAME", help="A Latin spelling of a name, e.g. Tschechow."),
    lang: str = typer.Option("ru", "--lang", help="Source language: ru uk be kk ky bg sr mk mn uz tg."),
    top: int = typer.Option(5, "--top", min=1, help="How many sources to list."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list instead of a table."),
) -> None:
    """List the Cyrillic names a Latin spelling plausibly writes, best first, with the schemes that give it back.

    Example: translitnorm cyrillic Tschechow

    Example: translitnorm cyrillic "Djalal-Abad" --lang ky --top 3 --json
    """
    sources = cyrillic_sources(name, lang=lang, top=top)
    if as_json:
        typer.echo(json.dumps([source.as_dict() for source in sources], ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for title in ("cyrillic", "share", "schemes"):
        table.add_column(title, justify="right" if title == "share" else "left", no_wrap=title != "schemes")
    for source in sources:
        agreeing = ", ".join(source.schemes) if source.schemes else "(no scheme exactly: a mixed or popular spelling)"
        table.add_row(escape(source.cyrillic), f"{source.share:.0%}", escape(agreeing))
    Console(soft_wrap=False).print(table)
