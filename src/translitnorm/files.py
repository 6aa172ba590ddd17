"""Writing files safely: the one atomic writer of the project, and clean-up after killed runs.

:func:`atomic_writer` is what every command that writes a file uses (clean's output and
review file, lexicons, their backups, the index cache):

- the data goes to a hidden temporary file beside the target, renamed over it at the end,
  so readers see the old file or the new one, never a part;
- a new file gets the permissions the umask allows (as ``open`` would), a replaced file keeps
  its own;
- a symlink is followed: the target it points to is replaced, in the target's directory, and
  the link stays;
- a device, a FIFO or a socket (``-o /dev/null``, ``-o /dev/stdout``, a named pipe) is written
  to directly: it cannot be replaced, and must not be;
- on any exception, and on SIGTERM or SIGINT, the temporary file is removed.

A run that is killed outright (SIGKILL, power loss) cannot clean up; its temporary files carry
its process ID, and :func:`remove_stale_temp_files` removes those whose process has ended (the
writer does so beside its target each time it starts).

>>> import pathlib, tempfile
>>> target = pathlib.Path(tempfile.mkdtemp()) / "names.csv"
>>> with atomic_writer(target) as stream:
...     _ = stream.write(b"name\\nBakiev\\n")
>>> target.read_text()
'name\\nBakiev\\n'
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import tempfile
import threading
from pathlib import Path
from typing import IO, Iterator

#: The start of the name of every temporary file the package makes in the temporary directory
#: (followed by the creating process's ID), so a later run can find those of killed runs.
TEMP_PREFIX = "translitnorm-"
_TEMP_SUFFIX = ".tmp"


class Terminated(KeyboardInterrupt):
    """Raised in the main thread on SIGTERM while :func:`sigterm_as_interrupt` is in force, so that
    a terminated run unwinds (removing its temporary files, stopping its workers) as Ctrl-C does."""


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While the block runs, SIGTERM raises :class:`Terminated` (a ``KeyboardInterrupt``) in the main
    thread instead of ending the process at once; the previous handler comes back after.

    Only takes over where SIGTERM has its default action (a program with its own handler keeps
    it) and in the main thread (the only one Python delivers signals to).

    >>> with sigterm_as_interrupt():
    ...     signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    True
    """
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def interrupt(signum, frame):
        raise Terminated(f"terminated by signal {signum}")

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def current_umask() -> int:
    """The process's umask (read without changing it for longer than a moment)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, *, sync: bool = True) -> Iterator[IO[bytes]]:
    """A binary stream whose data replaces ``path`` only when the block ends without error.

    See the module doc for what it guarantees. ``sync`` forces the data to disk before the
    rename (so a crash leaves the old file or the new one, not an empty one).

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "old.csv").write_text("old\\n") and None
    >>> try:
    ...     with atomic_writer(folder / "old.csv") as stream:
    ...         _ = stream.write(b"half")
    ...         raise RuntimeError("disk full")
    ... except RuntimeError:
    ...     pass
    >>> (folder / "old.csv").read_text(), sorted(p.name for p in folder.iterdir())
    ('old\\n', ['old.csv'])
    """
    target = Path(os.path.realpath(path))  # a symlink's target is replaced, in its own directory
    try:
        existing = target.stat()
    except FileNotFoundError:
        existing = None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise IsADirectoryError(21, "is a directory; give a file name", str(path))
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        # a device, a FIFO, a socket: written to as it is (replacing /dev/null would be a disaster)
        with sigterm_as_interrupt(), open(target, "wb") as stream:
            yield stream
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(target.parent, f".{target.name}.")
    with sigterm_as_interrupt():
        descriptor, temp_name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=_TEMP_SUFFIX,
                                                 dir=target.parent)
        try:
            with os.fdopen(descriptor, "wb") as stream:
                yield stream
                stream.flush()
                if sync:
                    os.fsync(stream.fileno())
            _take_over_permissions(temp_name, existing)
            os.replace(temp_name, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise


def write_atomic(path: str | os.PathLike, data: bytes | str, *, encoding: str = "utf-8") -> None:
    """Write ``data`` (text is encoded with ``encoding``, line ends as given) to ``path`` with
    :func:`atomic_writer`.

    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "kg.tsv"
    >>> write_atomic(target, "id\\ttype\\n")
    >>> target.read_bytes()
    b'id\\ttype\\n'
    """
    with atomic_writer(path) as stream:
        stream.write(data.encode(encoding) if isinstance(data, str) else data)


def _take_over_permissions(temp_name: str, existing: os.stat_result | None) -> None:
    """Give the temporary file the permissions the target has (or a new file would get: mkstemp
    makes files private, whatever the umask), and, where allowed, its owner."""
    if existing is None:
        os.chmod(temp_name, 0o666 & ~current_umask())
        return
    os.chmod(temp_name, stat.S_IMODE(existing.st_mode) & 0o777)
    if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(OSError):  # only root may give a file away; others keep their own
            os.chown(temp_name, existing.st_uid, existing.st_gid)


# -- temporary files of killed runs ------------------------------------------------------

def temp_file(what: str, suffix: str = _TEMP_SUFFIX) -> tuple[int, str]:
    """``(descriptor, path)`` of a new private file in the temporary directory, named so that
    :func:`remove_stale_temp_files` finds it once this process has ended without removing it.

    >>> descriptor, path = temp_file("names", ".pickle")
    >>> os.close(descriptor); os.path.basename(path).startswith(f"translitnorm-{os.getpid()}-names-")
    True
    >>> os.unlink(path)
    """
    remove_stale_temp_files()
    return tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-{what}-", suffix=suffix)


def remove_stale_temp_files(directory: str | os.PathLike | None = None, prefix: str = TEMP_PREFIX) -> list[Path]:
    """Remove the temporary files of ended runs from ``directory`` (default: the temporary
    directory): names that start with ``prefix`` and then the ID of a process that no longer
    runs (as :func:`atomic_writer` and :func:`temp_file` name them). Files of running processes,
    and files of other users, are left alone. Returns the paths removed.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / ".out.csv.999999999.a1b2c3d4.tmp").write_bytes(b"part") and None
    >>> [p.name for p in remove_stale_temp_files(folder, ".out.csv.")]
    ['.out.csv.999999999.a1b2c3d4.tmp']
    """
    folder = Path(directory) if directory is not None else Path(tempfile.gettempdir())
    owned_by = os.geteuid()
    # the process ID, then what mkstemp adds (8 random characters) and the suffix, nothing else:
    # ".a.csv.1234.x1y2z3w4.tmp" is a temporary file of "a.csv", not of "a.csv.1234"
    pattern = re.compile(re.escape(prefix) + r"(\d+)(?:\.|-[A-Za-z]+-)[a-z0-9_]{8}\.[a-z]+")
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = pattern.fullmatch(entry.name)
        if not found or _process_runs(int(found.group(1))):
            continue
        try:
            if not entry.is_file(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_uid != owned_by:
                continue
            os.unlink(entry.path)
        except OSError:
            continue  # removed meanwhile by another run, or not ours to remove
        removed.append(Path(entry.path))
    return removed


def _process_runs(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # a process of another user (or a number that is not a pid): leave it alone
    return True
