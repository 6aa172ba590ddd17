"""The write lock of a lexicon file: one edit at a time from reading the file to writing it."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

from translitnorm.errors import TranslitnormError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class LockedError(TranslitnormError):
    """Raised when another process holds a lexicon's write lock for longer than the caller waits."""


# -- the write lock -------------------------------------------------------------------------

# How long an edit waits for another one on the same file: an edit holds the lock while it
# checks the new content, which compiles the index (about 1 s for the shipped lexicons, ~25 s
# at 20,000 entities), so edits of large lexicons may want a longer wait (--lock-timeout).
LOCK_TIMEOUT = 30.0
_LOCK_POLL = 0.05
_held_locks: dict[tuple[str, int], int] = {}  # (lock file, thread) -> depth: re-entrant per thread
_held_guard = threading.Lock()


def lock_path(path: str | os.PathLike) -> Path:
    """The lock file of a lexicon: ``.NAME.lock`` beside it, present only while an edit runs."""
    target = Path(path)
    return target.with_name(f".{target.name}.lock")


@contextlib.contextmanager
def locked(path: str | os.PathLike, *, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the write lock of a lexicon file for a read-modify-write; every edit here takes it.

    The lock is an advisory ``flock`` on a sidecar file, not on the lexicon itself: a write
    replaces the lexicon by renaming a new file over it, so a lock on the lexicon's own inode
    would be left behind on the old file (a second writer that waited would then hold a lock on
    a file no longer in place while a third locked the new one).  The sidecar is removed when the
    lock is released, so no lock file stays beside the lexicon; a writer that opened it before
    the removal notices (another inode, or none) and tries again.  The kernel drops the lock when
    its process ends, however it ends, so a killed edit never leaves the file locked.  Waits up to
    ``timeout`` seconds, then raises :class:`LockedError` naming the file and the holder.

    >>> with locked("lexicons/kg.tsv"):  # doctest: +SKIP
    ...     lines, original = read_for_edit("lexicons/kg.tsv")
    """
    sidecar = lock_path(os.path.realpath(path))  # one lock per file, whatever the path it is reached by
    key = (str(sidecar), threading.get_ident())
    with _held_guard:
        depth = _held_locks.get(key, 0)
        if depth:
            _held_locks[key] = depth + 1
    if depth:
        try:
            yield
        finally:
            with _held_guard:
                _held_locks[key] -= 1
        return
    fd = _acquire(sidecar, Path(path), timeout)
    with _held_guard:
        _held_locks[key] = 1
    try:
        yield
    finally:
        with _held_guard:
            del _held_locks[key]
        try:
            sidecar.unlink(missing_ok=True)  # while still holding it: see the docstring
        finally:
            os.close(fd)  # releases the lock


def _acquire(sidecar: Path, target: Path, timeout: float) -> int:
    if fcntl is None:  # pragma: no cover - no flock on this platform: edits are not serialised
        return os.open(os.devnull, os.O_RDONLY)
    deadline = time.monotonic() + max(timeout, 0.0)
    sidecar.parent.mkdir(parents=True, exist_ok=True)  # a new lexicon in a new folder
    while True:
        fd = os.open(sidecar, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise LockedError(f"{target} is being changed by another process ({_holder(sidecar)}); gave up after "
                                  f"{timeout:g} s — run again when it has finished, or wait longer with --lock-timeout SECONDS") from None
            time.sleep(_LOCK_POLL)
            continue
        except BaseException:
            os.close(fd)
            raise
        try:
            current = os.stat(sidecar)
            opened = os.fstat(fd)
            same = (current.st_dev, current.st_ino) == (opened.st_dev, opened.st_ino)
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv and sys.argv[0] else "python"
            os.write(fd, f"{os.getpid()} {command[:200]}\n".encode("utf-8", "replace"))
            return fd
        os.close(fd)  # the previous holder removed that lock file: take the new one


def _holder(sidecar: Path) -> str:
    try:
        pid, _, command = sidecar.read_text(encoding="utf-8", errors="replace").strip().partition(" ")
    except OSError:
        return "holder unknown"
    return f"pid {pid}: {command}" if pid else "holder unknown"


