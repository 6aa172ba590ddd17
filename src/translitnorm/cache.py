"""The on-disk cache of compiled indexes: where it lives, what is trusted from it, how it is kept small.

A cache file is only a speed-up, so anything doubtful about one is a reason to compile again,
never to fail and never to answer from it:

- the cache directory is created private (mode 0700); a directory owned by another user or
  writable by others is not used at all (anyone who can write there could plant a file);
- a cache file must be a regular file (not a symlink) owned by the user and writable by no one
  else;
- every file carries a SHA-256 digest of its content, checked on every load, so a damaged or
  edited file (two entity IDs swapped) is noticed.  A plain digest, not a keyed one, is enough
  because of the ownership checks: only the user (or root) can write a file that passes them;
- whatever goes wrong while reading one (any exception) means "not cached".

Old files are pruned after each new one is written (see :data:`KEEP_FILES`, :data:`MAX_BYTES`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from translitnorm import files

log = logging.getLogger("translitnorm.cache")

# Each file starts with MAGIC, then the SHA-256 of the rest, then the content.
MAGIC = b"translitnorm-cache\x00\x01"
_DIGEST_BYTES = 32
INDEX_GLOB = "index-*.marshal"
# The inverted schemes back-transliteration reads with (translitnorm.scheme_channel): one file per
# language and code version, about 100 KB.
CHANNEL_GLOB = "channel-*.marshal"

# Pruning policy, applied after a new cache file is written: keep the most recently used files
# while there are at most KEEP_FILES of them and they hold at most MAX_BYTES together.  A cache
# file exists per distinct lexicon content, so every lexicon edit makes a new one (a 20,000-entity
# lexicon is about 10 MB, a 100,000-entity one about 23 MB): eight files cover the lexicon sets a
# machine switches between in a day, and 512 MB bounds the worst case.  The file just written or
# read, and any file used in the last RECENT_SECONDS (another process may be about to read it,
# e.g. a worker of a parallel run), are never removed.
KEEP_FILES = 8
MAX_BYTES = 512 * 1024 * 1024
RECENT_SECONDS = 60.0
# Channel files kept, most recently used first: each upgrade writes a new one per language read
# (and nothing else removed the old ones); 16 cover the languages two installed versions read.
KEEP_CHANNEL_FILES = 16


class CacheRefused(Exception):
    """A cache file or directory that must not be trusted; the message says why."""


def default_cache_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """``$TRANSLITNORM_CACHE_DIR``, else ``$XDG_CACHE_HOME/translitnorm``, else ``~/.cache/translitnorm``.

    >>> str(default_cache_dir({"XDG_CACHE_HOME": "/home/ana/.cache"}))
    '/home/ana/.cache/translitnorm'
    >>> str(default_cache_dir({"TRANSLITNORM_CACHE_DIR": "/srv/etl/.cache/translitnorm"}))
    '/srv/etl/.cache/translitnorm'
    """
    explicit = environ.get("TRANSLITNORM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "translitnorm"


def _check_owner_and_mode(what: str, path: Path, info: os.stat_result) -> None:
    if info.st_uid != os.geteuid():
        raise CacheRefused(f"{what} {path} belongs to another user (uid {info.st_uid})")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise CacheRefused(f"{what} {path} is writable by other users (mode {stat.S_IMODE(info.st_mode):04o})")


def private_dir(path: str | os.PathLike, *, create: bool = True) -> Path:
    """The cache directory, created with mode 0700 if missing; raises :class:`CacheRefused` for a
    directory that another user owns or others may write to, or for a symlink to one.

    >>> import tempfile; folder = Path(tempfile.mkdtemp()) / "cache"
    >>> oct(private_dir(folder).stat().st_mode & 0o777)
    '0o700'
    """
    folder = Path(path)
    if create:
        try:
            os.makedirs(folder, mode=0o700)
        except FileExistsError:
            pass
    info = folder.stat()
    if not stat.S_ISDIR(info.st_mode):
        raise CacheRefused(f"cache directory {folder} is not a directory")
    _check_owner_and_mode("cache directory", folder, info)
    return folder


def read_entry(path: str | os.PathLike) -> memoryview:
    """The content of a cache file after every check (owner, mode, regular file, digest), as a view
    of the bytes read (not a copy: a large index's file is hundreds of megabytes).

    Raises :class:`CacheRefused` (or OSError when it cannot be read) otherwise.
    """
    target = Path(path)
    private_dir(target.parent, create=False)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        if target.is_symlink():
            raise CacheRefused(f"cache file {target} is a symbolic link") from None
        raise exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise CacheRefused(f"cache file {target} is not a regular file")
        _check_owner_and_mode("cache file", target, info)
        data = handle.read()
    head = len(MAGIC) + _DIGEST_BYTES
    if len(data) < head or not data.startswith(MAGIC):
        raise CacheRefused(f"cache file {target} is not a translitnorm cache file of this version")
    content = memoryview(data)[head:]
    if hashlib.sha256(content).digest() != data[len(MAGIC):head]:
        raise CacheRefused(f"cache file {target} is damaged (its content does not match its digest)")
    return content


def write_entry(path: str | os.PathLike, content: bytes) -> Path:
    """Write a cache file atomically with the digest of ``content``, private (mode 0600); returns its path."""
    target = Path(path)
    private_dir(target.parent)
    try:
        existing = target.lstat()
    except FileNotFoundError:
        existing = None
    if existing is not None and (not stat.S_ISREG(existing.st_mode) or existing.st_uid != os.geteuid()):
        # never written through (a symlink) nor handed back to another owner (the writer keeps a
        # replaced file's owner): a refused file is removed, and a new one of the user's made
        target.unlink()
    with files.atomic_writer(target) as stream:
        stream.write(MAGIC)
        stream.write(hashlib.sha256(content).digest())
        stream.write(content)
    # The writer gives a new file what the umask allows; a cache file is the user's alone (and one
    # writable by the group would be refused on the next load). The directory is private meanwhile.
    os.chmod(target, 0o600)
    return target


def touch(path: str | os.PathLike) -> None:
    """Mark a cache file as just used (its modification time orders pruning)."""
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only cache costs the order of pruning, nothing else


@dataclass(frozen=True)
class CacheFile:
    """One file of the cache."""

    path: Path
    size: int
    last_used: float  # seconds since the epoch


@dataclass(frozen=True)
class CacheInfo:
    """What ``translitnorm cache info`` shows."""

    directory: Path
    exists: bool
    problem: str  # why the directory is not used, or ''
    files: tuple[CacheFile, ...]  # most recently used first
    stale_temporary: int  # leftovers of interrupted writes

    @property
    def total_bytes(self) -> int:
        return sum(entry.size for entry in self.files)


def index_files(folder: Path) -> list[CacheFile]:
    """The compiled indexes a cache directory holds, most recently used first."""
    return _files(folder, INDEX_GLOB)


def _files(folder: Path, pattern: str) -> list[CacheFile]:
    found = []
    for path in folder.glob(pattern):
        try:
            info = path.lstat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            found.append(CacheFile(path, info.st_size, info.st_mtime))
    return sorted(found, key=lambda entry: (-entry.last_used, entry.path.name))


def _stale_temporaries(folder: Path, older_than: float) -> list[Path]:
    """Temporary files of interrupted writes (``.index-….marshal.*.tmp``) older than ``older_than`` seconds."""
    now = time.time()
    stale = []
    for path in folder.glob(".index-*.tmp"):
        try:
            if now - path.lstat().st_mtime > older_than:
                stale.append(path)
        except OSError:
            continue
    return stale


def cache_info(cache_dir: str | os.PathLike | None = None) -> CacheInfo:
    """The cache directory, whether it is used, and its files (most recently used first).

    >>> info = cache_info("/nonexistent/translitnorm-cache")
    >>> info.exists, info.files
    (False, ())
    """
    folder = Path(cache_dir or default_cache_dir())
    if not folder.exists():
        return CacheInfo(folder, False, "", (), 0)
    problem = ""
    try:
        private_dir(folder, create=False)
    except (CacheRefused, OSError) as exc:
        problem = str(exc)
    return CacheInfo(folder, True, problem, tuple(index_files(folder)),
                     len(_stale_temporaries(folder, RECENT_SECONDS)))


def clear_cache(cache_dir: str | os.PathLike | None = None) -> tuple[int, int]:
    """Remove every cache file (and leftover temporary file); returns (files removed, bytes freed).

    Only files this package writes are removed (``index-*.marshal``, ``channel-*.marshal``), never the
    directory's other content.

    >>> clear_cache("/nonexistent/translitnorm-cache")
    (0, 0)
    """
    folder = Path(cache_dir or default_cache_dir())
    if not folder.is_dir():
        return 0, 0
    removed = freed = 0
    for entry in index_files(folder) + _files(folder, CHANNEL_GLOB):
        entry.path.unlink(missing_ok=True)
        removed += 1
        freed += entry.size
    for path in _stale_temporaries(folder, 0):
        size = path.lstat().st_size
        path.unlink(missing_ok=True)
        removed += 1
        freed += size
    return removed, freed


def prune(cache_dir: str | os.PathLike, keep: str | os.PathLike | None = None, *,
          max_files: int = KEEP_FILES, max_bytes: int = MAX_BYTES) -> list[Path]:
    """Remove the least recently used cache files beyond ``max_files`` or ``max_bytes`` (see the
    policy at :data:`KEEP_FILES`), channel files beyond :data:`KEEP_CHANNEL_FILES`, and temporary
    files of interrupted writes; returns what was removed.

    ``keep`` (the file just written or read) and files used in the last :data:`RECENT_SECONDS` stay.
    """
    folder = Path(cache_dir)
    keep_path = Path(keep).resolve() if keep is not None else None
    now = time.time()
    removed: list[Path] = []
    kept_files = kept_bytes = 0
    for entry in index_files(folder):
        protected = entry.path.resolve() == keep_path or now - entry.last_used < RECENT_SECONDS
        if protected or (kept_files < max_files and kept_bytes + entry.size <= max_bytes):
            kept_files += 1
            kept_bytes += entry.size
            continue
        _remove(entry.path, removed)
    for entry in _files(folder, CHANNEL_GLOB)[KEEP_CHANNEL_FILES:]:
        if entry.path.resolve() != keep_path and now - entry.last_used >= RECENT_SECONDS:
            _remove(entry.path, removed)
    for path in _stale_temporaries(folder, 3600):  # an hour: no write of a cache file takes that long
        _remove(path, removed)
    return removed


def _remove(path: Path, removed: list[Path]) -> None:
    """Remove a cache file and list it; one another process removed first is no error."""
    try:
        path.unlink()
        removed.append(path)
    except OSError:
        pass
