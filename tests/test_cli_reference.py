"""docs/cli.md is the reference of every command and option, generated from the code."""

from __future__ import annotations

import re
import sys

import typer.main

from translitnorm.cli import app

sys.path.insert(0, "scripts")
import cli_reference  # noqa: E402


def documented(text: str) -> dict[str, set[str]]:
    """Per '## `translitnorm …`' section of the reference, the options and arguments its tables name."""
    sections: dict[str, set[str]] = {}
    current = None
    for line in text.splitlines():
        heading = re.match(r"## `(translitnorm[^`]*)`", line)
        if heading:
            current = sections.setdefault(heading.group(1), set())
        elif current is not None and line.startswith("| `"):
            current.update(re.findall(r"`(--?[\w-]+|[A-Z_]+)`", line.split(" | ")[0]))
    return sections


def in_the_code() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}

    def walk(command, path):
        names = found.setdefault(" ".join(path), set())
        for param in command.params:
            if param.param_type_name == "option" and not param.hidden:
                names.update([*param.opts, *param.secondary_opts])
            elif param.param_type_name == "argument":
                names.add(param.metavar)
        for name, sub in getattr(command, "commands", {}).items():
            names.add(name)
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ("translitnorm",))
    return {path: {name for name in names if name.startswith("-") or name.isupper()} for path, names in found.items()}


def test_the_reference_documents_every_command_option_and_argument_the_code_has():
    """Robust to new commands and reworded help by design: what must hold is that nothing is missing
    or left over; to bring the page up to date, run: .venv/bin/python scripts/cli_reference.py"""
    text = cli_reference.REFERENCE.read_text(encoding="utf-8")
    assert documented(text) == in_the_code(), "docs/cli.md is not current: run .venv/bin/python scripts/cli_reference.py"


def test_the_generator_gives_a_reference_with_usage_help_and_option_tables():
    text = cli_reference.reference()
    assert documented(text) == in_the_code()
    assert "Usage: translitnorm resolve [OPTIONS] [NAME]..." in text
    assert "| `--min-score` | `float` |  | Minimum score for an ID, 0 to 1 (default 0.80). |" in text
    assert "| `--on-error` | `raise\\|skip` | `raise` |" in text
    assert "Example: translitnorm lexicon validate lexicons/" in text


def test_an_option_takes_the_same_kind_of_value_in_every_command():
    """Users carry an option from one command to the next (`-l`, `--limit`, `--sample N`): a name
    that takes a number in one command and a file or a flag in another misleads them."""
    kinds: dict[str, set[str]] = {}

    def walk(command):
        for param in command.params:
            if param.param_type_name == "option" and not param.hidden:
                # One value or many of it is the same kind (-l DIR, -l a.tsv -l b.tsv).
                kind = "flag" if param.is_flag else re.sub(r"^(?:list|Optional)\[(.*)\]$", r"\1", param.bare_type())
                for name in param.opts:
                    kinds.setdefault(name, set()).add(kind)
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(app))
    assert kinds["--sample"] == {"int"} and kinds["--check-names"] == {"Path"}
    assert {name: found for name, found in kinds.items() if len(found) > 1} == {}
