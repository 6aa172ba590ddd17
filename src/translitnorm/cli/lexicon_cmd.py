"""``translitnorm lexicon …``: check and maintain lexicon files."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import List

import typer

from translitnorm import lexicon as lex

from . import app, fail, user_errors

lexicon_app = typer.Typer(help="Check and maintain lexicon files (see docs/lexicon-format.md).", no_args_is_help=True)
app.add_typer(lexicon_app, name="lexicon")


@lexicon_app.command("validate")
@user_errors
def validate_command(
    paths: List[Path] = typer.Argument(..., help="Lexicon files, or directories whose *.tsv files are read."),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings too."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print errors only, no warnings or summary."),
) -> None:
    """Report every problem in lexicon files as file:line: message; exit 1 on errors.

    Example: translitnorm lexicon validate lexicons/
    """
    problems = lex.validate(paths)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for problem in errors + ([] if quiet else warnings):
        typer.echo(str(problem))
    if not quiet:
        files = lex.lexicon_files(paths)
        typer.echo(f"{len(files)} file(s): {len(errors)} error(s), {len(warnings)} warning(s)", err=True)
    if errors or (strict and warnings):
        raise typer.Exit(1)


@lexicon_app.command("fmt")
@user_errors
def fmt_command(
    paths: List[Path] = typer.Argument(..., help="Lexicon files (or directories) to rewrite in canonical form."),
    check: bool = typer.Option(False, "--check", help="Change nothing; show a diff and exit 1 when a file is not formatted."),
) -> None:
    """Rewrite lexicon files in canonical order and form (idempotent, atomic).

    Files with errors are left untouched and the errors listed.

    Example: translitnorm lexicon fmt lexicons/kg.tsv --check
    """
    unformatted = 0
    for path in lex.lexicon_files(paths):
        problems: list[lex.Problem] = []
        lines = list(lex.read_lexicon(path, problems))
        blocking = [p for p in problems if p.severity == "error" and not p.fixable]
        if blocking:
            for problem in blocking:
                typer.echo(str(problem), err=True)
            raise fail(f"{path}: not formatted because of the errors above; fix them first", 1)
        current = path.read_bytes()
        wanted = lex.format_lines(lines)
        if current == wanted.encode("utf-8"):
            continue
        unformatted += 1
        if check:
            diff = difflib.unified_diff(
                current.decode("utf-8", "replace").splitlines(keepends=True),
                wanted.splitlines(keepends=True), f"{path} (current)", f"{path} (formatted)")
            typer.echo("".join(diff), nl=False)
        else:
            lex.write_atomic(path, wanted)
            typer.echo(f"formatted {path}", err=True)
    if check and unformatted:
        raise fail(f"{unformatted} file(s) not in canonical form; run: translitnorm lexicon fmt", 1)
