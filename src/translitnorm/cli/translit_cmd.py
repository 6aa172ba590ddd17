"""``translitnorm translit``: romanise Cyrillic text under one scheme or all of a language."""

from __future__ import annotations

import json

import typer

from translitnorm import romanise as rom

from . import app, user_errors


@app.command("translit")
@user_errors
def translit_command(
    text: str = typer.Argument(..., metavar="TEXT", help="Cyrillic text, e.g. a name."),
    scheme: str = typer.Option("all", "--scheme", "-s", help="A scheme id (see docs/schemes.md), or 'all'."),
    lang: str = typer.Option("ru", "--lang", help="Source language for --scheme all: ru uk be kk ky bg sr mk mn uz."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Romanise TEXT under one scheme, or under every scheme of a language side by side.

    Example: translitnorm translit "Курманбек Бакиев" --scheme all

    Example: translitnorm translit "Шевченко" --lang uk --json

    Example: translitnorm translit "Чехов" --scheme ru-de
    """
    if scheme != "all":
        chosen = rom.get_scheme(scheme)
        rendering = rom.romanise(text, chosen)
        if as_json:
            typer.echo(json.dumps({chosen.id: rendering}, ensure_ascii=False))
        else:
            typer.echo(rendering)
        return

    renderings = rom.romanisations(text, lang=lang)
    if as_json:
        typer.echo(json.dumps(renderings, ensure_ascii=False, indent=2))
        return
    _print_table(text, lang, renderings)


def _print_table(text: str, lang: str, renderings: dict[str, str]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    # Names and descriptions are data, not rich markup ("[dʒ]", "[Bakiev]" must print as written).
    table = Table(title=escape(f"{text} ({lang}) under {len(renderings)} schemes"))
    table.add_column("scheme", no_wrap=True)
    table.add_column("target", no_wrap=True)
    table.add_column("rendering", no_wrap=True, style="bold")
    table.add_column("description")
    for scheme_id, rendering in renderings.items():
        scheme = rom.get_scheme(scheme_id)
        table.add_row(scheme_id, scheme.target, escape(rendering), escape(scheme.description))
    Console(soft_wrap=False).print(table)
