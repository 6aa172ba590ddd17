"""The ``translitnorm`` command line: a thin layer over the library.

Each command lives in its own module and calls one library function; this
module only creates the app and turns user errors into a message and exit code 2.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import Callable, NoReturn, TypeVar

import typer

from translitnorm.errors import TranslitnormError

F = TypeVar("F", bound=Callable)

app = typer.Typer(
    name="translitnorm",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        from translitnorm import __version__

        typer.echo(f"translitnorm {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Resolve Latin-script spellings of names from Cyrillic sources to canonical entity IDs.

    Example: translitnorm resolve "Kourmanbek Bakiev" "Bakijew"
    """


#: What a shell reports for a process that SIGPIPE ended (128 + 13), as for `cat big | head`;
#: the signal itself is not left to end the process, so that temporary files are removed first.
EXIT_BROKEN_PIPE = 141


def fail(message: str, code: int = 2) -> "typer.Exit":
    """Print an error for the user on stderr and return the Exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def user_errors(command: F) -> F:
    """Turn errors the user can fix (bad file, unknown scheme…) into a message and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except TranslitnormError as exc:
            raise fail(str(exc)) from None
        except BrokenPipeError:  # the reader (`| head`) has all it wanted: not the user's error
            raise typer.Exit(EXIT_BROKEN_PIPE) from None
        except OSError as exc:
            where = f" '{exc.filename}'" if exc.filename else ""
            raise fail(f"cannot access{where}: {exc.strerror or exc}") from None

    return wrapper  # type: ignore[return-value]


from . import cache_cmd, clean_cmd, cluster_cmd, cyrillic_cmd, lexicon_cmd, resolve_cmd, translit_cmd  # noqa: E402,F401  (modules register their commands)


def main() -> None:
    """Entry point of the ``translitnorm`` console script."""
    try:
        app()
    except TranslitnormError as exc:
        typer.echo(f"error: {exc}", err=True)
        _exit(2)
    except BrokenPipeError:  # `translitnorm … | head` is normal use: end quietly, as cat or grep do
        _exit(EXIT_BROKEN_PIPE)
    except SystemExit as exc:  # how typer ends every command
        _exit(exc.code)
    _exit(0)


def _exit(code: int | str | None) -> NoReturn:
    """End the process once its output is flushed, without the interpreter's teardown: freeing a
    large index and its caches object by object takes more than half a second, and every file a
    command writes is complete and closed (atomically renamed) by the time it returns."""
    if isinstance(code, str):
        typer.echo(code, err=True)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader left: nothing more to deliver
            code = code or EXIT_BROKEN_PIPE
        except ValueError:  # a closed stream
            pass
    os._exit(code or 0)
