"""``translitnorm cache …``: see and clear the compiled-index cache (a thin layer over :mod:`translitnorm.cache`)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer

from translitnorm import cache

from . import app, user_errors

cache_app = typer.Typer(help="See or clear the cache of compiled indexes (see docs/etl.md, 'The index cache').\n\n"
                             "Example: translitnorm cache info", no_args_is_help=True)
app.add_typer(cache_app, name="cache")

CacheDirOption = typer.Option(None, "--cache-dir", help="The cache directory (default: $TRANSLITNORM_CACHE_DIR, "
                                                          "else $XDG_CACHE_HOME/translitnorm, else ~/.cache/translitnorm).")


def _size(count: int) -> str:
    return f"{count / 2**20:.1f} MB"


@cache_app.command("info")
@user_errors
def info_command(cache_dir: Optional[Path] = CacheDirOption) -> None:
    """Show the cache directory, whether it is used, its files (most recently used first) and the pruning policy.

    Example: translitnorm cache info
    """
    info = cache.cache_info(cache_dir)
    typer.echo(f"directory: {info.directory}" + ("" if info.exists else " (not created yet)"))
    if info.problem:
        typer.echo(f"not used: {info.problem}; make it private (chmod 700, owned by you) or choose another with "
                   f"TRANSLITNORM_CACHE_DIR")
    typer.echo(f"files: {len(info.files)}, {_size(info.total_bytes)}")
    for entry in info.files:
        used = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.last_used))
        typer.echo(f"  {entry.path.name}  {_size(entry.size)}  last used {used}")
    if info.stale_temporary:
        typer.echo(f"left by interrupted writes: {info.stale_temporary} temporary file(s) (removed by the next prune or cache clear)")
    typer.echo(f"policy: after each new file, the least recently used are removed beyond {cache.KEEP_FILES} files "
               f"or {_size(cache.MAX_BYTES)}")


@cache_app.command("clear")
@user_errors
def clear_command(cache_dir: Optional[Path] = CacheDirOption) -> None:
    """Remove every compiled-index and channel file from the cache (the next run compiles again).

    Example: translitnorm cache clear
    """
    removed, freed = cache.clear_cache(cache_dir)
    typer.echo(f"removed {removed} file(s), {_size(freed)} from {cache_dir or cache.default_cache_dir()}", err=True)
