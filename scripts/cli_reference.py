"""Write docs/cli.md, the reference of every command and option, from the command line's own code.

    .venv/bin/python scripts/cli_reference.py            # rewrite docs/cli.md
    .venv/bin/python scripts/cli_reference.py --check    # exit 1 when docs/cli.md is not current

tests/test_cli_reference.py runs the check, so a command or option added, removed or described
anew shows up in the reference by running this script.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path

import typer
import typer.main

from translitnorm.cli import app

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "cli.md"

PREAMBLE = """\
# Command reference

Every command and option of `translitnorm`, as `--help` gives them. This page is generated from
the code by `scripts/cli_reference.py` (a test checks that it is current); the guides are
[clean.md](clean.md), [lexicon-maintenance.md](lexicon-maintenance.md) and [etl.md](etl.md).

## Conventions

- A short option means the same long option in every command: `-l` is `--lexicon`, `-c`
  `--column`, `-o` `--output`, `-f` `--format`, `-q` `--quiet`, `-j` `--jobs`.
- Option values are checked, and a value out of range is refused with the valid range
  (`--min-score 2`: *2 is out of range; give a value from 0 to 1*).
- `-` as a file is stdin or stdout. A reader that stops early (`| head`) ends the command quietly
  with exit status 141, as it ends `cat` or `grep`.
- Tables (`cluster`, `lexicon stats`) are aligned columns on a terminal and tab-separated lines
  with a header when piped or redirected.
- Errors the user can fix are one line on stderr, `error: …`, naming the file, the line and
  what to do, with exit status 2; `lexicon validate`, `fmt --check`, `merge` and `apply` exit 1
  when they find problems in the lexicons.
- `translitnorm --version` prints the version.

## Examples in the documentation

Every shell example of README.md and docs/*.md is run by `tests/test_docs_examples.py` in a
temporary copy of the repository's data, and the output shown is compared with the output
printed (timings and rates aside). A block tagged `console` is a session (`$ command`, then its
output); a block tagged `sh` holds commands that run without output to compare;
`<!-- docs-test: skip REASON -->` before a block leaves it out (a dump or a cluster the test
cannot have). Files the examples read that the repository does not hold are in
`tests/data/docs/`.
"""


def _contexts(command, path=(), parent=None):
    """(path, command, context) of every command and group, depth first, in the app's order."""
    context = typer.Context(command, info_name=path[-1] if path else "translitnorm", parent=parent)
    yield path, command, context
    for name, sub in getattr(command, "commands", {}).items():
        yield from _contexts(sub, path + (name,), context)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _option_row(param, context) -> str:
    names = ", ".join(f"`{name}`" for name in [*param.opts, *param.secondary_opts])
    shown_type = param.display_type(context).strip("<>")  # '<int>', '<raise|skip>', '<list[Path]>'
    if param.is_flag:
        value = ""
    elif shown_type.startswith("list["):
        value = f"`{shown_type[5:-1].lower()}` (repeatable)"
    else:
        value = f"`{shown_type.lower()}`" if "|" not in shown_type else "`" + shown_type.replace("|", "\\|") + "`"
    default = ""
    if not param.required and param.default not in (None, False, (), []) and not param.is_flag:
        shown = param.default.value if hasattr(param.default, "value") else param.default
        default = f"`{shown}`"
    required = " (required)" if param.required else ""
    return f"| {names} | {value} | {default} | {_cell(param.help or '')}{required} |"


def reference() -> str:
    """The reference as Markdown."""
    command = typer.main.get_command(app)
    parts = [PREAMBLE]
    for path, current, context in _contexts(command):
        title = " ".join(("translitnorm", *path))
        parts.append(f"\n## `{title}`\n" if path else "\n## `translitnorm`\n")
        usage = " ".join(current.collect_usage_pieces(context))
        parts.append(f"```\nUsage: {context.command_path} {usage}\n```\n")
        parts.append(inspect.cleandoc(current.help or "") + "\n")
        arguments = [p for p in current.params if p.param_type_name == "argument"]
        options = [p for p in current.params if p.param_type_name == "option" and not p.hidden]
        if arguments:
            parts.append("| argument | |\n|---|---|")
            parts.extend(f"| `{p.metavar or p.name.upper()}` | {_cell(p.help or '')} |" for p in arguments)
            parts.append("")
        if options:
            parts.append("| option | value | default | |\n|---|---|---|---|")
            parts.extend(_option_row(p, context) for p in options)
            parts.append("")
        subcommands = getattr(current, "commands", {})
        if subcommands:
            parts.append("| command | |\n|---|---|")
            parts.extend(f"| `{title} {name}` | {_cell(sub.get_short_help_str(limit=200))} |"
                         for name, sub in subcommands.items())
            parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="Exit 1 when docs/cli.md is not current; write nothing.")
    args = parser.parse_args(argv)
    wanted = reference()
    if args.check:
        current = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
        if current != wanted:
            print(f"{REFERENCE.relative_to(ROOT)} is not current; run: .venv/bin/python scripts/cli_reference.py",
                  file=sys.stderr)
            return 1
        return 0
    REFERENCE.write_text(wanted, encoding="utf-8")
    print(f"wrote {REFERENCE.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
