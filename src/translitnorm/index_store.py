"""The compiled index of lexicon files: from the cache when it holds a current one, else compiled
(from the cached index of an earlier version of the files when there is one) and cached.

What is trusted from a cache file, and how the cache is kept small, is :mod:`translitnorm.cache`'s
concern; :class:`~translitnorm.index.CompiledIndex` reads and writes one file.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import time
from pathlib import Path
from typing import Callable, Iterable, Sequence

from translitnorm import cache
from translitnorm.index import (_SCHEME_BITS, _SET_NUMBER_MASK, CYRILLIC_SCHEME, FORMAT_VERSION, LEXICON_SCHEME,
                                CompiledIndex, display_name, packed_entries)
from translitnorm.lexicon import Entity, LexiconError, Problem, lexicon_files, load_lexicons, no_files_problem
from translitnorm.romanise import schemes
from translitnorm.version import __version__

log = logging.getLogger("translitnorm.cache")


@functools.cache
def _code_and_data_digest() -> str:
    """Hash of the package's own code, scheme tables and word lists: a change to any of them
    (a key rule, a correspondence, a generic word) changes what an index holds."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".toml", ".txt"):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def lexicon_digest(paths: Sequence[Path]) -> str:
    """Hash of everything an index depends on: lexicon bytes, and the package's code and data."""
    digest = hashlib.sha256(f"{FORMAT_VERSION}:{__version__}:{_code_and_data_digest()}".encode())
    for path in paths:
        digest.update(str(path.name).encode())
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def _cache_path(files: Sequence[Path], cache_dir: str | os.PathLike | None,
                use_cache: bool) -> tuple[str, Path | None]:
    """The digest of lexicon files and the path of their cache file (None: no usable cache directory)."""
    for path in files:
        if not path.is_file():
            raise LexiconError([Problem(str(path), 0, "lexicon file not found")])
    digest = lexicon_digest(files)
    if not use_cache:
        return digest, None
    try:
        folder = cache.private_dir(cache_dir or cache.default_cache_dir())
    except (cache.CacheRefused, OSError) as exc:
        log.warning("not using the index cache: %s; compiling in memory (see docs/etl.md, 'The index cache')", exc)
        return digest, None
    # The name starts with digests of the code and of the files' names (as the lexicon digest
    # counts them: a lexicon edit checks a new version under the same name elsewhere), so that the
    # indexes this same code made of earlier contents of the same files are known by name (see
    # _earlier_index); the digest of the contents, checked on load, makes the rest.
    same_files = hashlib.sha256("\0".join(path.name for path in files).encode()).hexdigest()
    prefix = f"{_INDEX_PREFIX}{_code_and_data_digest()[:_CODE_CHARS]}{same_files[:_FILES_CHARS]}"
    return digest, folder / f"{prefix}{digest[:32 - _CODE_CHARS - _FILES_CHARS]}.marshal"


_INDEX_PREFIX = "index-"
_CODE_CHARS, _FILES_CHARS = 8, 6
# EARLIER_INDEX_MAX_BYTES: the largest cached index compiled from when the cache has none of the
# lexicons asked for (see _earlier_index). It is held in memory beside the one being compiled:
# the shipped lexicons' index is 41 MB and a 100,000-person lexicon's about 100 MB (some 300 MB
# in memory), where a million people's (about 1 GB) would add gigabytes to the compile.
EARLIER_INDEX_MAX_BYTES = 160 * 2**20


def _earlier_index(cache_path: Path) -> CompiledIndex | None:
    """The most recently used index of the cache that this same code compiled from other contents of
    lexicon files of the same names (the same files before an edit, most often), to compile from:
    its name parts are not romanised again (a part's forms depend on the part alone, so any such
    index gives the same result). None when there is none small enough, or it is refused."""
    same_code_and_files = cache_path.name[:len(_INDEX_PREFIX) + _CODE_CHARS + _FILES_CHARS]
    for entry in cache.index_files(cache_path.parent):
        if (entry.path.name.startswith(same_code_and_files) and entry.path != cache_path
                and entry.size <= EARLIER_INDEX_MAX_BYTES):
            try:
                return CompiledIndex.load(entry.path)
            except Exception as exc:  # noqa: BLE001 - a refused file only means compiling every part
                log.warning("earlier index %s not used (%s)", entry.path.name, exc)
                return None
    return None


def _from_cache(cache_path: Path | None, digest: str) -> CompiledIndex | None:
    if cache_path is None or not cache_path.exists():
        return None
    try:
        index = CompiledIndex.load(cache_path, digest)
    except Exception as exc:  # noqa: BLE001 - whatever is wrong with a cache file, compiling again is the answer
        log.warning("index cache file refused (%s); compiling again", exc)
        return None
    index.cache_file = cache_path
    cache.touch(cache_path)
    return index


def cached_index(paths: Iterable[str | os.PathLike], cache_dir: str | os.PathLike | None = None) -> CompiledIndex | None:
    """The compiled index of lexicon files if the cache holds a current one, else None (never compiles).

    >>> cached_index(["no-such-lexicon.tsv"]) is None
    True
    """
    try:
        digest, cache_path = _cache_path(lexicon_files(paths), cache_dir, True)
    except (LexiconError, OSError):
        return None
    return _from_cache(cache_path, digest)


# CPU seconds to compile per lexicon line, measured on the shipped lexicons (about 35 s for
# 112,000 lines on one core): only for the estimate shown first.
COMPILE_SECONDS_PER_LINE = 0.0003


def build_index(paths: Iterable[str | os.PathLike], cache_dir: str | os.PathLike | None = None,
                use_cache: bool = True, base: CompiledIndex | None = None,
                progress: Callable[[str], None] | None = None) -> CompiledIndex:
    """Load lexicons and return their compiled index, from the cache when it is current.

    ``base``: an index of an earlier version of the lexicons, to compile from (see
    :meth:`CompiledIndex.compile`) when the cache has no current one; without it, the most
    recently used index this code cached for earlier contents of the same files is used (an
    edit of a lexicon then romanises only the name parts it adds).
    ``progress`` is told, when the index must be compiled, what is happening and about how
    long it takes (a large lexicon takes a minute, once; the cache then loads in seconds).

    >>> index = build_index(["lexicons/"])  # doctest: +SKIP
    """
    paths = list(paths)
    files = lexicon_files(paths)
    if not files:
        raise LexiconError([no_files_problem(paths)])
    digest, cache_path = _cache_path(files, cache_dir, use_cache)
    # A cache file exists only for lexicon bytes that once loaded without errors, so a
    # current cache needs no second validation.
    index = _from_cache(cache_path, digest)
    if index is not None:
        return index
    started = time.perf_counter()
    if progress:
        lines = sum(_count_lines(path) for path in files)
        estimate = max(1, round(lines * COMPILE_SECONDS_PER_LINE))
        where = f"later runs load it from {cache_path.parent}" if cache_path is not None else "no cache: every run compiles"
        progress(f"compiling the index of {lines:,} lexicon lines (once: about {estimate} s on an idle core; {where})")
    report = (lambda done, total: progress(f"… {done:,} of {total:,} name parts")) if progress else None
    lexicon = load_lexicons(files)
    if base is None and cache_path is not None:
        base = _earlier_index(cache_path)
    index = CompiledIndex.compile(lexicon, digest, ReusedForms(base) if base is not None else None,
                                  progress=report)
    del base  # not needed while the new index is saved
    if cache_path is not None:
        try:
            index.save(cache_path)
            index.cache_file = cache_path
            cache.prune(cache_path.parent, keep=cache_path)
        except (cache.CacheRefused, OSError):
            pass  # a read-only cache directory costs speed, not correctness
    if progress:
        progress(f"compiled in {time.perf_counter() - started:.0f} s")
    return index


def _count_lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


class ReusedForms:
    """The forms an earlier index filed for each of its name parts, to be filed again for the
    same part (same text, same language) without romanising it again.

    A part's forms depend on nothing but its text, its language and the schemes, so they are
    the same in every index made by the same code (an index from the cache under the current
    digest is); the scheme sets are filed again as bit masks, renumbered for the new index.
    """

    # It files into the index's own packed tables, hence the index's private layout constants.

    def __init__(self, base: CompiledIndex):
        self.usable = base.scheme_ids == [LEXICON_SCHEME, CYRILLIC_SCHEME] + [scheme.id for scheme in schemes()]
        self.part_of = {(text, lang): number for number, (text, lang) in enumerate(zip(base.parts, base.part_langs))}
        self.initials = base.part_initials
        self.entity_of = {entity_id: number for number, entity_id in enumerate(base.entity_ids)}
        self.base_names, self.canonicals = base.entity_names, base.canonicals
        self.forms: dict[int, list[tuple[str, str, int]]] = {}
        sets = base.scheme_sets
        for table in ("cross", "exact", "folded", "keys"):
            for form, entries in base.form_table(table).items():
                for packed in packed_entries(entries):
                    self.forms.setdefault(packed >> _SCHEME_BITS, []).append((table, form, sets[packed & _SET_NUMBER_MASK]))

    def display_name(self, entity: Entity) -> str:
        """The base's display name of an entity whose names have not changed (it romanises one), else a new one."""
        number = self.entity_of.get(entity.id)
        names = tuple((name.lang, name.text, name.role) for name in entity.names)
        if self.usable and number is not None and tuple(self.base_names[number]) == names:
            return self.canonicals[number]
        return display_name(entity)

    def has(self, text: str, lang: str) -> bool:
        """Whether the base holds part (text, lang), so that :meth:`file_again` can file it."""
        return self.usable and (text, lang) in self.part_of

    def file_again(self, index: CompiledIndex, number: int, text: str, lang: str) -> bool:
        """File the base's forms of part (text, lang) as part ``number`` of ``index``; False when the base lacks it."""
        old = self.part_of.get((text, lang)) if self.usable else None
        if old is None:
            return False
        for table, form, mask in self.forms.get(old, ()):
            index._file(getattr(index, table), form, number, mask)
        index.part_initials.append(self.initials[old])
        return True
