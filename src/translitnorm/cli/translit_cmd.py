"""``translitnorm translit``: romanise Cyrillic text under one scheme or all of a language."""

from __future__ import annotations

import json

import typer

from translitnorm.romanise import SCHEME_LANGS, get_scheme, romanisations, romanise, source_language

from . import app, user_errors

_LANGS = " ".join(SCHEME_LANGS)


@app.command("translit")
@user_errors
def translit_command(
    text: str = typer.Argument(..., metavar="TEXT", help="Cyrillic text, e.g. a name."),
    scheme: str = typer.Option("all", "--scheme", "-s", help="A scheme id (see docs/schemes.md), or 'all'."),
    lang: str = typer.Option(
        None, "--lang",
        help=f"Source language for --scheme all: {_LANGS}. Default: told by the letters of TEXT "
             "(і ї є ґ: uk, ў: be, қ ә ң: kk …), else ru; the choice is printed to stderr."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Romanise TEXT under one scheme, or under every scheme of its language side by side.

    Example: translitnorm translit "Курманбек Бакиев" --scheme all

    Example: translitnorm translit "Київ"              (Ukrainian letters: the uk schemes)

    Example: translitnorm translit "Шевченко" --lang uk --json

    Example: translitnorm translit "Чехов" --scheme ru-de
    """
    if scheme != "all":
        chosen = get_scheme(scheme)
        rendering = romanise(text, chosen)
        if as_json:
            typer.echo(json.dumps({chosen.id: rendering}, ensure_ascii=False))
        else:
            typer.echo(rendering)
        return

    if lang is None:
        detected = source_language(text)
        lang = detected or "ru"
        reason = "told by its letters" if detected else "assumed: the letters fit several languages; pass --lang"
        typer.echo(f"source language: {lang} ({reason})", err=True)
    renderings = romanisations(text, lang=lang)
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
        scheme = get_scheme(scheme_id)
        table.add_row(scheme_id, scheme.target, escape(rendering), escape(scheme.description))
    Console(soft_wrap=False).print(table)
