"""Maintaining lexicon files safely: checks that need matching keys, edits, merges, statistics,
and the review loop (suggest spellings for a person to decide, apply the decisions).

Every function that changes a file holds its write lock (:func:`locked`) from reading it to
writing it, and writes through :func:`save_text`: the new content is formatted and validated
as a whole first, names given to check are resolved before and after (an ID taken away or
changed stops the write unless allowed), the new file replaces the old one atomically
(:mod:`translitnorm.files`), the old one becomes ``FILE.bak`` only once the new one is in
place, and a file that changed on disk since it was read is never overwritten.  So a command
either writes a valid, formatted lexicon or leaves everything as it was.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import io
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from translitnorm import files
from translitnorm import lexicon as lex
from translitnorm.decision import NONE
from translitnorm.cluster import cluster_names
from translitnorm.errors import TranslitnormError
from translitnorm.index import GIVEN, SURNAME, WHOLE, CompiledIndex, build_index, cached_index
from translitnorm.io import count_values, open_table
from translitnorm.lexicon import LexiconError, LexiconLine, Problem
from translitnorm.review import REVIEW_HEADER, REVIEW_REASONS, resolve_distinct, review_csv, review_lines  # noqa: F401
from translitnorm.script import is_cyrillic

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

DECISIONS = ("accept", "alias", "new", "reject")


class ConflictError(TranslitnormError):
    """Raised when a lexicon changed on disk between reading and writing, or inputs disagree."""


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


# -- safe writing -----------------------------------------------------------------------


def read_for_edit(path: str | os.PathLike) -> tuple[list[LexiconLine], bytes | None]:
    """The lines of a lexicon about to be edited, and its bytes as read (None if it does not exist).

    Call it under :func:`locked` when the lines are to be written back.  Raises
    :class:`LexiconError` when the file has errors that formatting cannot repair:
    an edit must not hide or spread them.
    """
    target = Path(path)
    if not target.exists():
        return [], None
    original = target.read_bytes()
    problems: list[Problem] = []
    lines = list(lex.read_lexicon(target, problems))
    blocking = [p for p in problems if p.severity == "error" and not p.fixable]
    if blocking:
        raise LexiconError(blocking)
    return lines, original


def check_lines(path: str | os.PathLike, lines: Iterable[LexiconLine], *, check_keys: bool = True,
                context: Sequence[str | os.PathLike] = ()) -> tuple[str, list[Problem]]:
    """Format ``lines`` as the new content of ``path`` and validate that content as it would be written.

    Returns the text and every problem, with ``path`` and the line numbers of the new
    content (so a message points at the line as it will be in the file).  ``context``
    names other lexicon files loaded alongside (checked together, never written).
    """
    target = Path(path)
    text = lex.format_lines(lines)
    with _as_written(target, text) as candidate:
        others = _others(target, context)
        if check_keys:
            _compile_from_before([candidate, *others], [target, *others])
        problems = validate_lexicons([candidate, *others], check_keys=check_keys)
    shown = str(target)
    fixed = [Problem(shown if p.path == str(candidate) else p.path, p.line,
                     p.message.replace(str(candidate), shown), p.severity, p.fixable) for p in problems]
    return text, fixed


def _compile_from_before(paths: Sequence[Path], before: Sequence[Path]) -> None:
    """Compile (into the cache) the index of the new content from the cached index of the content
    before the edit, when there is one: only the name parts the edit adds are romanised. The
    checks that follow, and the next run over the lexicon, find it in the cache."""
    base = cached_index(before) if all(Path(p).is_file() for p in before) else None
    if base is None:
        return
    try:
        build_index(paths, base=base)
    except LexiconError:
        pass  # the content has errors: the validation that follows reports them


@contextlib.contextmanager
def _as_written(target: Path, text: str) -> Iterator[Path]:
    """``text`` in a temporary file of the same name as ``target`` (the name is part of the index's
    cache key, so the index compiled here is the one later runs find in the cache)."""
    with tempfile.TemporaryDirectory(prefix="translitnorm-check-") as folder:
        candidate = Path(folder) / target.name
        candidate.write_text(text, encoding="utf-8", newline="\n")
        yield candidate


def _others(target: Path, context: Sequence[str | os.PathLike]) -> list[Path]:
    return [p for p in lex.lexicon_files(context) if p.resolve() != target.resolve()]


def remove_stale_temporaries(path: str | os.PathLike) -> list[Path]:
    """Remove what killed writes of a lexicon left beside it: new contents and pending backups
    of processes that have ended (see :func:`translitnorm.files.remove_stale_temp_files`)."""
    target = Path(os.path.realpath(path))
    return [*files.remove_stale_temp_files(target.parent, f".{target.name}."),
            *files.remove_stale_temp_files(target.parent, f".{target.name}.bak.")]


def save_text(path: str | os.PathLike, text: str, expected: bytes | None, *, backup: bool = True,
              lock_timeout: float = LOCK_TIMEOUT) -> Path | None:
    """Write ``text`` to ``path`` atomically, keeping the old file as ``FILE.bak``.

    ``expected`` is the file's content when it was read (None: it did not exist); if the
    file changed since, nothing is written and :class:`ConflictError` says so.  Returns
    the backup's path, if one was made.  The previous ``FILE.bak`` is replaced only once the
    new file is in place: an interrupted or failed write leaves both the file and its old
    backup as they were.

    >>> save_text("lexicons/kg.tsv", text, original)  # doctest: +SKIP
    PosixPath('lexicons/kg.tsv.bak')
    """
    target = Path(os.path.realpath(path))  # a symlinked lexicon: its target is replaced, and backed up beside it
    with locked(target, timeout=lock_timeout):
        remove_stale_temporaries(target)
        current = target.read_bytes() if target.exists() else None
        if current != expected:
            raise ConflictError(f"{path} changed on disk while this command ran; nothing written — run it again")
        pending_backup = None
        if current is not None and backup:
            # named as files.atomic_writer names its temporary files, so a killed run's is found and removed
            fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.bak.{os.getpid()}.", suffix=".tmp", dir=target.parent)
            os.close(fd)
            pending_backup = Path(tmp_name)
            try:
                shutil.copy2(target, pending_backup)
            except BaseException:
                pending_backup.unlink(missing_ok=True)
                raise
        try:
            files.write_atomic(target, text)
        except BaseException:
            if pending_backup is not None:
                pending_backup.unlink(missing_ok=True)
            raise
        if pending_backup is None:
            return None
        backup_path = target.with_name(target.name + ".bak")
        os.replace(pending_backup, backup_path)
        return backup_path


def save_lines(path: str | os.PathLike, lines: Iterable[LexiconLine], expected: bytes | None, *,
               check_keys: bool = True, context: Sequence[str | os.PathLike] = (),
               backup: bool = True, lock_timeout: float = LOCK_TIMEOUT) -> list[Problem]:
    """Validate the would-be content of ``path``; write it (atomically, with a backup) only if it has no error.

    Returns the warnings of the written content; raises :class:`LexiconError` (nothing
    written) when it would have errors.
    """
    outcome = _commit(path, list(lines), expected, check_keys=check_keys, context=context, backup=backup,
                      lock_timeout=lock_timeout)
    return outcome.warnings


# -- answers that an edit changes ---------------------------------------------------------------


@dataclass(frozen=True)
class AnswerChange:
    """A name whose answer an edit changes: its ID before and after (None: no ID).

    >>> print(AnswerChange("Bakiyev", "kg.bakiev.kurmanbek", None))
    'Bakiyev': kg.bakiev.kurmanbek → no ID (lost)
    """

    name: str
    before: str | None
    after: str | None

    @property
    def kind(self) -> str:
        """``gained`` (no ID before), ``lost`` (no ID after) or ``changed`` (another ID)."""
        if self.before is None:
            return "gained"
        return "lost" if self.after is None else "changed"

    def __str__(self) -> str:
        return f"{self.name!r}: {self.before or 'no ID'} → {self.after or 'no ID'} ({self.kind})"


class IDsWouldChange(TranslitnormError):
    """Raised, with nothing written, when an edit would take an ID from a checked name or give it another."""

    def __init__(self, path: str | os.PathLike, changes: Sequence[AnswerChange]):
        self.changes = list(changes)
        risky = [c for c in self.changes if c.kind != "gained"]
        shown = "\n".join(f"  {change}" for change in risky[:50])
        more = f"\n  … and {len(risky) - 50} more" if len(risky) > 50 else ""
        super().__init__(
            f"{len(risky)} checked name(s) would lose their ID or get another one; nothing written to {path}:\n"
            f"{shown}{more}\nlook at each (translitnorm resolve NAME --explain); to write anyway pass --allow-id-changes")


def _answers(target: Path, text: str | None, others: Sequence[Path], names: Sequence[str]) -> dict[str, str | None]:
    """The ID each name gets from ``text`` (the content of ``target``; None: no such file) with ``others``."""
    from translitnorm.normaliser import Normaliser  # here: the normaliser module needs the matcher, which is heavy

    if text is None and not others:
        return dict.fromkeys(names)
    with contextlib.ExitStack() as stack:
        paths = list(others)
        if text is not None:
            paths.insert(0, stack.enter_context(_as_written(target, text)))
        normaliser = Normaliser(build_index(paths))
        return {name: result.id for name, result in zip(names, normaliser.resolve_many(list(names)))}


def answer_changes(path: str | os.PathLike, before: str | None, after: str, names: Iterable[str], *,
                   context: Sequence[str | os.PathLike] = ()) -> list[AnswerChange]:
    """The names whose ID differs between two contents of a lexicon file (``before`` None: the
    file does not exist yet), each resolved with the ``context`` lexicons too; in name order.

    >>> answer_changes("kg.tsv", old_text, new_text, ["Bakiyev"])  # doctest: +SKIP
    [AnswerChange(name='Bakiyev', before='kg.bakiev.kurmanbek', after=None)]
    """
    target = Path(path)
    wanted = sorted({name for name in names if name and name.strip()})
    if not wanted:
        return []
    others = _others(target, context)
    old = _answers(target, before, others, wanted)
    new = _answers(target, after, others, wanted)
    return [AnswerChange(name, old[name], new[name]) for name in wanted if old[name] != new[name]]


def read_sample(path: str | os.PathLike | None, column: str | None = None, *, encoding: str = "utf-8") -> list[str]:
    """The distinct names of a sample file (any table ``read_name_counts`` reads), to check an edit against."""
    if path is None:
        return []
    counts = read_name_counts(path, column, encoding=encoding)
    return sorted({name for counter in counts.values() for name in counter})


@dataclass
class _Outcome:
    text: str
    warnings: list[Problem]
    changes: list[AnswerChange]
    written: bool


def _commit(path: str | os.PathLike, lines: list[LexiconLine], expected: bytes | None, *,
            before: Sequence[LexiconLine] | None = None, check_keys: bool = True,
            context: Sequence[str | os.PathLike] = (), backup: bool = True, names: Iterable[str] = (),
            allow_id_changes: bool = False, dry_run: bool = False, lock_timeout: float = LOCK_TIMEOUT) -> _Outcome:
    """Validate the new content, work out which of ``names`` change their answer from ``before``
    (the lines as they were; None: no file), and write the content unless it has errors, it would
    take an ID from a name or give it another without ``allow_id_changes``, or ``dry_run``."""
    target = Path(path)
    wanted = sorted({name for name in names if name and name.strip()})
    others = _others(target, context)
    old_text = None if before is None else lex.format_lines(before)
    # First the answers before the edit: that compiles (and caches) the index of the old content,
    # from which the new content's index is then compiled quickly (see _compile_from_before).
    old_answers = _answers(target, old_text, others, wanted) if wanted else {}
    text, problems = check_lines(path, lines, check_keys=check_keys, context=context)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise LexiconError(errors)
    warnings = [p for p in problems if p.severity == "warning"]
    changes: list[AnswerChange] = []
    if wanted and old_text != text:
        new_answers = _answers(target, text, others, wanted)
        changes = [AnswerChange(name, old_answers[name], new_answers[name])
                   for name in wanted if old_answers[name] != new_answers[name]]
    if dry_run:
        return _Outcome(text, warnings, changes, False)
    if not allow_id_changes and any(change.kind != "gained" for change in changes):
        raise IDsWouldChange(path, changes)
    save_text(path, text, expected, backup=backup, lock_timeout=lock_timeout)
    return _Outcome(text, warnings, changes, True)


# -- validation with matching keys --------------------------------------------------------


def validate_lexicons(paths: Iterable[str | os.PathLike], *, check_keys: bool = True,
                      cache_dir: str | os.PathLike | None = None) -> list[Problem]:
    """Every problem of lexicon files: the format checks, then (if those find no error) key collisions.

    >>> [str(p) for p in validate_lexicons(["lexicons/"])]  # doctest: +SKIP
    ['lexicons/tm.tsv:20: warning: tm.berdimuhamedow.serdar and tm.berdimuhamedow.gurbanguly share …']
    """
    paths = list(paths)
    problems = lex.validate(paths)
    if not check_keys:
        return problems
    if any(p.severity == "error" for p in problems):
        # The index of the well-formed lines, so key problems show along with the errors
        # (not cached: the cache holds only lexicons that load).
        lines = [entry for path in lex.lexicon_files(paths) if Path(path).is_file() for entry in lex.read_lexicon(path, [])]
        index = CompiledIndex.compile(lex.Lexicon.from_lines(lines)) if lines else None
        if index is not None:
            problems.extend(key_collisions(paths, index=index))
        return problems
    problems.extend(key_collisions(paths, cache_dir=cache_dir))
    return problems


def _locations(paths: Sequence[str | os.PathLike]) -> dict[tuple[str, str, str], LexiconLine]:
    where: dict[tuple[str, str, str], LexiconLine] = {}
    for path in lex.lexicon_files(paths):
        for entry in lex.read_lexicon(path, []):
            where.setdefault((entry.id, entry.lang, entry.name), entry)
    return where


def _slot_keys(index: CompiledIndex, slots: Iterable[int]) -> dict[int, dict[tuple[int, int], set[str]]]:
    """slot -> (entity, name) -> the matching keys of that name's parts in that slot."""
    wanted = set(slots)
    found: dict[int, dict[tuple[int, int], set[str]]] = {slot: defaultdict(set) for slot in wanted}
    for key in index.keys:
        for entry in index.entries("keys", key):
            for posting in index.postings_of(entry.part):
                if posting.slot in wanted:
                    found[posting.slot][(posting.entity, posting.name)].add(key)
    return found


def _key_order(key: str) -> tuple:
    return (len(key), key)


def key_collisions(paths: Sequence[str | os.PathLike], *, cache_dir: str | os.PathLike | None = None,
                   index: CompiledIndex | None = None) -> list[Problem]:
    """Warnings for pairs of entities whose names reduce to the same matching key.

    Places (and other non-persons) collide when a whole name shares a key; persons when
    a surname and a given name both share keys (two people called Viktor are normal, two
    Viktor Yushchenkos are ambiguous).  Each pair is reported once, at the later name.
    """
    index = index or build_index(paths, cache_dir=cache_dir)
    where = _locations(paths)
    by_slot = _slot_keys(index, (WHOLE, SURNAME, GIVEN))
    pairs: dict[tuple[int, int], tuple[str, int, int]] = {}

    def note(first: tuple[int, int], second: tuple[int, int], key: str) -> None:
        (e1, n1), (e2, n2) = sorted((first, second))
        known = pairs.get((e1, e2))
        if known is None or _key_order(key) < _key_order(known[0]):
            pairs[(e1, e2)] = (key, n1, n2)

    def sharing(table: dict[tuple[int, int], set[str]]) -> dict[str, list[tuple[int, int]]]:
        owners: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for owner, keys in table.items():
            for key in keys:
                owners[key].append(owner)
        return {key: owner for key, owner in owners.items() if len({e for e, _ in owner}) > 1}

    for key, owners in sharing(by_slot[WHOLE]).items():
        for a in owners:
            for b in owners:
                if a[0] < b[0]:
                    note(a, b, key)
    given = by_slot[GIVEN]
    for key, owners in sharing(by_slot[SURNAME]).items():
        for a in owners:
            for b in owners:
                if a[0] < b[0]:
                    given_a, given_b = given.get(a, set()), given.get(b, set())
                    if (given_a & given_b) or (not given_a and not given_b):
                        note(a, b, key)
    problems = []
    for (e1, e2), (key, n1, n2) in sorted(pairs.items()):
        first_id, second_id = index.entity_ids[e1], index.entity_ids[e2]
        lang1, text1, _ = index.entity_names[e1][n1]
        lang2, text2, _ = index.entity_names[e2][n2]
        first = where.get((first_id, lang1, text1))
        second = where.get((second_id, lang2, text2))
        if first is None or second is None:
            continue
        if (second.path, second.line) < (first.path, first.line):
            first, second = second, first
            first_id, second_id = second_id, first_id
        problems.append(Problem(
            second.path, second.line,
            f"{second_id} ('{second.name}') and {first_id} ('{first.name}', {first.path}:{first.line}) share the "
            f"matching key '{key}'; a spelling with that key will be ambiguous between them", "warning"))
    return problems


# -- adding entities and names -----------------------------------------------------------


def suggest_id(wrong: str, known: Iterable[str]) -> str:
    """' — did you mean X?' for the closest known ID (a longer ID it starts, else a similar one), or ''."""
    known = sorted(set(known))
    longer = [k for k in known if k.startswith(wrong + ".")]
    if len(longer) == 1:
        return f" — did you mean {longer[0]}?"
    if longer:
        return f" — did you mean one of {', '.join(longer[:5])}?"
    close = difflib.get_close_matches(wrong, known, n=1, cutoff=0.6)
    return f" — did you mean {close[0]}?" if close else ""


def _line_errors(entry: LexiconLine, hint: str) -> list[str]:
    """Format errors of one new line, each with what to pass instead."""
    with tempfile.TemporaryDirectory(prefix="translitnorm-line-") as folder:
        path = Path(folder) / "line.tsv"
        path.write_text(lex.format_lines([entry]), encoding="utf-8", newline="\n")
        problems: list[Problem] = []
        list(lex.read_lexicon(path, problems))
    return [f"{hint}: {p.message}" for p in problems if p.severity == "error"]


def _find(lines: Sequence[LexiconLine], entity_id: str) -> list[LexiconLine]:
    return [entry for entry in lines if entry.id == entity_id]


@dataclass
class EditResult:
    """What an edit wrote (or, with ``dry_run``, would write): the added lines, the warnings of
    the new file, the checked names whose answer changes, and whether the file was written."""

    added: list[LexiconLine]
    warnings: list[Problem] = field(default_factory=list)
    changes: list[AnswerChange] = field(default_factory=list)
    written: bool = False


def add_entity(path: str | os.PathLike, entity_id: str, *, type: str, name: str, lang: str,
               role: str = "source", canonical: str | None = None, canonical_lang: str = "en",
               note: str = "", check_keys: bool = True, sample: str | os.PathLike | None = None,
               sample_column: str | None = None, encoding: str = "utf-8", allow_id_changes: bool = False,
               dry_run: bool = False, lock_timeout: float = LOCK_TIMEOUT) -> EditResult:
    """Add a new entity with one name (and optionally its canonical Latin name) to a lexicon file.

    Refuses an ID the file already has; creates the file if it does not exist.  The names of
    ``sample`` (a table file, see :func:`read_name_counts`) are resolved before and after: the
    result lists those whose ID changes, and an edit that would take an ID from one or give it
    another raises :class:`IDsWouldChange` (nothing written) unless ``allow_id_changes``.

    >>> add_entity("lexicons/kg.tsv", "kg.osh", type="place", name="Ош", lang="ky", canonical="Osh")  # doctest: +SKIP
    """
    names = read_sample(sample, sample_column, encoding=encoding)
    with locked(path, timeout=lock_timeout):
        lines, original = read_for_edit(path)
        existing = _find(lines, entity_id)
        if existing:
            raise TranslitnormError(
                f"id '{entity_id}' already exists in {path} (line {existing[0].line}); to add a name to it use: "
                f"translitnorm lexicon alias {entity_id} NAME --lang LANG --lexicon {path}")
        new = [LexiconLine(entity_id, type, lang, name, role, note)]
        if canonical:
            new.append(LexiconLine(entity_id, type, canonical_lang, canonical, "canonical"))
        errors = _line_errors(new[0], "--name/--lang/--type/--role")
        if canonical:
            errors += _line_errors(new[1], "--canonical/--canonical-lang")
        if errors:
            raise TranslitnormError("new entity not added:\n" + "\n".join(errors))
        outcome = _commit(path, lines + new, original, before=lines if original is not None else None,
                          check_keys=check_keys, names=names, allow_id_changes=allow_id_changes,
                          dry_run=dry_run, lock_timeout=lock_timeout)
    return EditResult(new, _about(outcome.warnings, new, outcome.text, path), outcome.changes, outcome.written)


def add_name(path: str | os.PathLike, entity_id: str, name: str, *, lang: str, role: str = "alias",
             note: str = "", check_keys: bool = True, sample: str | os.PathLike | None = None,
             sample_column: str | None = None, encoding: str = "utf-8", allow_id_changes: bool = False,
             dry_run: bool = False, lock_timeout: float = LOCK_TIMEOUT) -> EditResult:
    """Add one name to an entity the lexicon file already has (``sample`` and the rest as in :func:`add_entity`).

    >>> add_name("lexicons/kg.tsv", "kg.bakiev.kurmanbek", "Bakijew", lang="de")  # doctest: +SKIP
    """
    names = read_sample(sample, sample_column, encoding=encoding)
    with locked(path, timeout=lock_timeout):
        lines, original = read_for_edit(path)
        existing = _find(lines, entity_id)
        if not existing:
            raise TranslitnormError(f"unknown id '{entity_id}' in {path}{suggest_id(entity_id, (e.id for e in lines))}")
        entry = LexiconLine(entity_id, existing[0].type, lang, name, role, note)
        errors = _line_errors(entry, "NAME/--lang/--role")
        if errors:
            raise TranslitnormError("name not added:\n" + "\n".join(errors))
        normal = lex.normalise_line(entry)
        for other in existing:
            if (other.lang, other.name) == (normal.lang, normal.name):
                raise TranslitnormError(f"'{normal.name}' ({normal.lang}) is already a name of {entity_id} ({path}:{other.line}, role {other.role})")
        outcome = _commit(path, lines + [entry], original, before=lines, check_keys=check_keys, names=names,
                          allow_id_changes=allow_id_changes, dry_run=dry_run, lock_timeout=lock_timeout)
    return EditResult([normal], _about(outcome.warnings, [normal], outcome.text, path), outcome.changes, outcome.written)


def extend_lexicon(path: str | os.PathLike, new: Sequence[LexiconLine], *, check_keys: bool = False,
                   lock_timeout: float = LOCK_TIMEOUT) -> EditResult:
    """Add lines (an import's) to a lexicon file, created if missing; lines it has already are kept once.

    >>> extend_lexicon("geonames-kg.tsv", report.lines)  # doctest: +SKIP
    """
    with locked(path, timeout=lock_timeout):
        lines, original = read_for_edit(path)
        outcome = _commit(path, lines + list(new), original, check_keys=check_keys, lock_timeout=lock_timeout)
    return EditResult(list(new), outcome.warnings, [], outcome.written)


@dataclass
class FormatResult:
    """What formatting one lexicon file found: whether it was out of canonical form, and the diff."""

    path: Path
    changed: bool
    diff: str


def format_file(path: str | os.PathLike, *, write: bool = True, lock_timeout: float = LOCK_TIMEOUT) -> FormatResult:
    """Bring a lexicon file into canonical form (``write=False``: only tell, with a unified diff).

    Raises :class:`LexiconError` with the errors that formatting cannot repair (nothing written).

    >>> format_file("lexicons/kg.tsv", write=False).changed  # doctest: +SKIP
    False
    """
    target = Path(path)
    with locked(target, timeout=lock_timeout) if write else contextlib.nullcontext():
        problems: list[Problem] = []
        lines = list(lex.read_lexicon(target, problems))
        blocking = [p for p in problems if p.severity == "error" and not p.fixable]
        if blocking:
            raise LexiconError(blocking)
        current = target.read_bytes()
        wanted = lex.format_lines(lines)
        if current == wanted.encode("utf-8"):
            return FormatResult(target, False, "")
        diff = "".join(difflib.unified_diff(
            current.decode("utf-8", "replace").splitlines(keepends=True),
            wanted.splitlines(keepends=True), f"{target} (current)", f"{target} (formatted)"))
        if write:
            save_text(target, wanted, current, lock_timeout=lock_timeout)
    return FormatResult(target, True, diff)


def _about(problems: Iterable[Problem], added: Sequence[LexiconLine], text: str = "",
           path: str | os.PathLike | None = None) -> list[Problem]:
    """The problems that concern an edit: on an added line, or naming an entity it touched.

    ``text`` is the content the line numbers of ``path`` refer to (the new content); other
    files' lines are looked up on disk."""
    rows = {"\t".join(lex.normalise_line(entry).as_row()) for entry in added}
    ids = {entry.id for entry in added}
    patterns = [re.compile(rf"(?<![\w.-]){re.escape(entity_id)}(?![\w-]|\.\w)") for entity_id in ids]
    new_lines: set[tuple[str, int]] = set()
    for shown in {p.path for p in problems}:
        if path is not None and text and shown == str(path):
            content = text.splitlines()
        else:
            try:
                with open(shown, encoding="utf-8") as handle:
                    content = [line.rstrip("\n") for line in handle]
            except OSError:
                continue
        new_lines.update((shown, n) for n, line in enumerate(content, start=1) if line in rows)
    return [p for p in problems if (p.path, p.line) in new_lines or any(pattern.search(p.message) for pattern in patterns)]


# -- merging ---------------------------------------------------------------------------------


def merge_lexicons(inputs: Sequence[str | os.PathLike], output: str | os.PathLike, *,
                   check_keys: bool = True, sample: str | os.PathLike | None = None,
                   sample_column: str | None = None, encoding: str = "utf-8", allow_id_changes: bool = False,
                   dry_run: bool = False, lock_timeout: float = LOCK_TIMEOUT) -> EditResult:
    """Combine lexicon files into ``output``; conflicts are listed and nothing is written.

    Conflicts: one ID with two types; one name (same lang and text) on two IDs.  The names of
    ``sample`` are checked against ``output`` as it was, or (a new output) the first input.

    >>> merge_lexicons(["a.tsv", "b.tsv"], "ab.tsv")  # doctest: +SKIP
    """
    names = read_sample(sample, sample_column, encoding=encoding)
    problems: list[Problem] = []
    lines: list[LexiconLine] = []
    files = lex.lexicon_files(inputs)
    if not files:
        raise TranslitnormError("no lexicon files given to merge")
    target = Path(output)
    with locked(target, timeout=lock_timeout):
        per_file: list[list[LexiconLine]] = []
        for path in files:
            per_file.append(list(lex.read_lexicon(path, problems)))
            lines.extend(per_file[-1])
        blocking = [p for p in problems if p.severity == "error" and not p.fixable]
        if blocking:
            raise LexiconError(blocking)
        conflicts: list[Problem] = []
        type_at: dict[str, LexiconLine] = {}
        name_at: dict[tuple[str, str], LexiconLine] = {}
        for entry in lines:
            first = type_at.setdefault(entry.id, entry)
            if first.type != entry.type:
                conflicts.append(Problem(entry.path, entry.line, f"conflict: {entry.id} is a {entry.type} here but a {first.type} at {first.path}:{first.line}"))
            owner = name_at.setdefault((entry.lang, entry.name), entry)
            if owner.id != entry.id:
                conflicts.append(Problem(entry.path, entry.line, f"conflict: '{entry.name}' ({entry.lang}) is a name of {entry.id} here and of {owner.id} at {owner.path}:{owner.line}; decide which entity it belongs to"))
        if conflicts:
            raise ConflictError(f"{len(conflicts)} conflict(s); nothing written:\n" + "\n".join(map(str, conflicts)))
        original = target.read_bytes() if target.exists() else None
        before = list(lex.read_lexicon(target, [])) if original is not None else per_file[0]
        outcome = _commit(target, lines, original, before=before, check_keys=check_keys, names=names,
                          allow_id_changes=allow_id_changes, dry_run=dry_run, lock_timeout=lock_timeout)
    return EditResult(lines, outcome.warnings, outcome.changes, outcome.written)


# -- statistics --------------------------------------------------------------------------------


def lexicon_stats(paths: Sequence[str | os.PathLike], *, top: int = 10,
                  cache_dir: str | os.PathLike | None = None) -> dict:
    """Counts by type (entities), lang and role (names), and the keys shared by most entities.

    >>> lexicon_stats(["lexicons/"])["entities"]  # doctest: +SKIP
    77
    """
    files = lex.lexicon_files(paths)
    lexicon = lex.load_lexicons(files)
    by_type = Counter(entity.type for entity in lexicon)
    by_lang = Counter(name.lang for entity in lexicon for name in entity.names)
    by_role = Counter(name.role for entity in lexicon for name in entity.names)
    index = build_index(files, cache_dir=cache_dir)
    owners: dict[str, set[int]] = defaultdict(set)
    for key in index.keys:
        for entry in index.entries("keys", key):
            owners[key] |= index.entities_of(entry.part)
    # The renderings of one shared name part give many keys for the same entities: show
    # each group of entities once, under its shortest key.
    groups: dict[frozenset[int], list[str]] = defaultdict(list)
    for key, ids in owners.items():
        if len(ids) > 1:
            groups[frozenset(ids)].append(key)
    shared = sorted(((min(keys, key=_key_order), ids, len(keys)) for ids, keys in groups.items()),
                    key=lambda item: (-len(item[1]), _key_order(item[0])))
    return {
        "files": [str(p) for p in files],
        "entities": len(lexicon),
        "names": sum(by_role.values()),
        "by_type": dict(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_lang": dict(sorted(by_lang.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_role": dict(sorted(by_role.items(), key=lambda kv: (-kv[1], kv[0]))),
        "ambiguous_keys": [{"key": key, "entities": len(ids), "ids": sorted(index.entity_ids[i] for i in ids),
                            "keys": variants} for key, ids, variants in shared[:top]],
    }


# -- the review loop: suggest ---------------------------------------------------------------------


def text_encoding(path: str | os.PathLike, encoding: str = "utf-8") -> str:
    """The encoding to read a text file with: a byte order mark decides (UTF-16, as Excel's
    "Unicode text" has, or UTF-8 with BOM), else ``encoding``; raises for an unknown encoding.

    >>> import tempfile; path = tempfile.mktemp()
    >>> _ = open(path, "w", encoding="utf-16").write("name\\n")
    >>> text_encoding(path, "cp1251")
    'utf-16'
    """
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise TranslitnormError(f"unknown encoding '{encoding}'; e.g. utf-8, utf-16, cp1251, latin-1") from None
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not head.startswith(codecs.BOM_UTF32_LE):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8) or codecs.lookup(encoding).name == "utf-8":
        return "utf-8-sig"
    return encoding


def _not_decodable(path: Path, encoding: str) -> TranslitnormError:
    """The error for a file that is not text in ``encoding``: the same message (line, byte offset,
    bytes, what to pass) as every other reader of table files gives, by asking that reader."""
    shown = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        with open_table(path, "txt", encoding=shown) as table:
            for _ in table.batches():
                pass
    except TranslitnormError as exc:
        return exc
    except UnicodeError:  # e.g. 'UTF-16 stream does not start with BOM', which that reader does not word
        pass
    return TranslitnormError(f"{path}: text is not valid {shown}; pass --encoding with the file's encoding")


@contextlib.contextmanager
def _review_reader(path: Path, encoding: str) -> Iterator[tuple[csv.DictReader, list[str]]]:
    """A DictReader over a review CSV (comma-, semicolon- or tab-separated: the first of them that
    splits the header into the review columns), and its header; decoding and CSV errors become
    clear errors that name the file and line."""
    chosen = text_encoding(path, encoding)
    handle = open(path, encoding=chosen, newline="")
    reader = None
    try:
        first = handle.readline()
        header_text = first.rstrip("\r\n")
        delimiter = max(",;\t", key=lambda d: (len(set(header_text.split(d)) & set(REVIEW_HEADER)), d == ","))
        handle.seek(0)
        reader = csv.DictReader(handle, delimiter=delimiter, strict=True)
        yield reader, next(csv.reader([header_text], delimiter=delimiter), [])
    except UnicodeError:
        raise _not_decodable(path, chosen) from None
    except csv.Error as exc:
        line = reader.line_num if reader is not None else 1
        raise TranslitnormError(f"{path}:{line}: malformed CSV ({exc}); fix the line") from None
    finally:
        handle.close()


def _is_review_file(path: Path, encoding: str = "utf-8") -> bool:
    if path.suffix.casefold() != ".csv":
        return False
    with _review_reader(path, encoding) as (_, header):
        return tuple(header) == REVIEW_HEADER


def read_name_counts(path: str | os.PathLike, column: str | None, *, encoding: str = "utf-8") -> dict[str, Counter]:
    """How often each name occurs, per column: one column of a CSV/TSV/JSONL/Parquet/text file,
    or the ``name`` and ``count`` columns of a review CSV (as ``translitnorm clean --review`` writes).
    Text is read in ``encoding`` unless a byte order mark says otherwise (see :func:`text_encoding`).

    >>> read_name_counts("names.csv", "name")["name"].most_common(1)  # doctest: +SKIP
    [('Bakiev', 3)]
    """
    path = Path(path)
    if not _is_review_file(path, encoding):
        chosen = text_encoding(path, encoding) if path.is_file() else encoding
        counts = count_values(path, column, encoding="utf-8" if chosen == "utf-8-sig" else chosen)
        return {column or "name": Counter({name: n for name, n in counts.items() if name and name.strip()})}
    found: dict[str, Counter] = defaultdict(Counter)
    for number, row in read_decisions(path, encoding=encoding):
        try:
            count = int(row.get("count") or 1)
        except ValueError:
            raise TranslitnormError(f"{path}:{number}: count '{row.get('count')}' is not a whole number") from None
        if row.get("name"):
            found[row.get("column") or column or "name"][row["name"]] += count
    return dict(found)


def suggest(counts: dict[str, Counter], normaliser, *, min_count: int = 2,
            min_score: float = 0.6) -> list[dict[str, str]]:
    """Review lines (the ``clean --review`` format) for the names the lexicons do not resolve.

    A name with candidates is proposed as an alias of the best one (``suggested_id``,
    ``score``, all ``candidates``); the others are clustered, and clusters seen at least
    ``min_count`` times proposed as new entities.  ``decision`` is left for a person.

    >>> suggest({"name": Counter({"Jalalabat": 3})}, Normaliser.default())[0]["suggested_id"]  # doctest: +SKIP
    'kg.jalal-abad'
    """
    every: Counter = Counter()
    for counter in counts.values():
        every.update(counter)
    outcomes = resolve_distinct(normaliser, every)
    unknown = {name: count for name, count in every.items() if outcomes[name].method == NONE}
    cluster_of = {name: group for group in cluster_names(unknown) for name, _ in group.members}
    return review_lines(counts, outcomes, cluster_of, min_score=min_score, min_rows=min_count)


# -- the review loop: apply ---------------------------------------------------------------------------


@dataclass
class ApplyResult:
    """What applying decisions wrote (or would write): added lines, skipped ones, warnings, the
    checked names whose answer changes (see :func:`apply_decisions`), and whether it wrote."""

    added: list[LexiconLine]
    skipped: list[str]
    warnings: list[Problem] = field(default_factory=list)
    changes: list[AnswerChange] = field(default_factory=list)
    checked: int = 0  # how many distinct names were resolved before and after
    written: bool = False


def read_decisions(path: str | os.PathLike, *, encoding: str = "utf-8") -> Iterator[tuple[int, dict[str, str]]]:
    """Stream (line number, row) from a decisions CSV; raises when the header lacks a needed column.

    Text is read in ``encoding`` unless a byte order mark says otherwise; commas, semicolons or tabs
    may separate the fields (as spreadsheet programs save CSV in different locales).
    """
    path = Path(path)
    with _review_reader(path, encoding) as (reader, header):
        missing = [c for c in ("name", "decision", "suggested_id", "target_id", "type", "lang") if c not in header]
        if missing:
            found = ",".join(header)[:200] or "(empty)"
            raise TranslitnormError(f"{path}:1: not a review file: column(s) {', '.join(missing)} missing; "
                                    f"the header found is: {found}; a review file's header is: {','.join(REVIEW_HEADER)}")
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}


def decide_lines(path: str | os.PathLike, lines: Sequence[LexiconLine], known_types: dict[str, str], *,
                 encoding: str = "utf-8") -> tuple[list[LexiconLine], list[str], list[str]]:
    """Turn decisions into lexicon lines: (new lines, skipped notes, errors as ``file:line: problem``)."""
    shown = str(path)
    errors: list[str] = []
    skipped: list[str] = []
    added: list[LexiconLine] = []
    have = {(e.id, e.lang, e.name) for e in lines}
    have_text = {(e.id, e.name) for e in lines}
    new_types: dict[str, tuple[str, int]] = {}
    new_canonical: set[str] = set()
    for number, row in read_decisions(path, encoding=encoding):
        where = f"{shown}:{number}"
        decision = row.get("decision", "").casefold()
        name = " ".join(row.get("name", "").split())
        if decision in ("", "reject"):
            continue
        if decision not in DECISIONS:
            close = difflib.get_close_matches(decision, DECISIONS, n=1)
            errors.append(f"{where}: unknown decision '{decision}'{f'; did you mean {close[0]}?' if close else ''} (decisions: {', '.join(DECISIONS)}, or empty)")
            continue
        if not name:
            errors.append(f"{where}: empty 'name'")
            continue
        lang = row.get("lang") or "und"
        cyrillic = is_cyrillic(name)
        if decision in ("accept", "alias"):
            column = "suggested_id" if decision == "accept" else "target_id"
            entity_id = row.get(column, "")
            if not entity_id:
                errors.append(f"{where}: decision '{decision}' needs {column}")
                continue
            entity_type = known_types.get(entity_id) or new_types.get(entity_id, ("", 0))[0]
            if not entity_type:
                errors.append(f"{where}: unknown id '{entity_id}' in {column}{suggest_id(entity_id, known_types)}")
                continue
            entry = LexiconLine(entity_id, entity_type, lang, name, "alias")
        else:  # new
            entity_id, entity_type = row.get("target_id", ""), row.get("type", "")
            if not entity_id:
                errors.append(f"{where}: decision 'new' needs target_id (the new entity's ID, e.g. kg.osh)")
                continue
            if not entity_type:
                errors.append(f"{where}: decision 'new' needs type ({', '.join(lex.ENTITY_TYPES)})")
                continue
            if entity_id in known_types and (entity_id, name) in have_text:
                skipped.append(f"{where}: '{name}' is already a name of {entity_id}; skipped")
                continue
            if entity_id in known_types:
                errors.append(f"{where}: id '{entity_id}' already exists (a {known_types[entity_id]}); use decision 'alias' to add a name to it")
                continue
            first = new_types.setdefault(entity_id, (entity_type, number))
            if first[0] != entity_type:
                errors.append(f"{where}: {entity_id} has type '{entity_type}' here but '{first[0]}' on line {first[1]}")
                continue
            if cyrillic:
                if row.get("lang", "") == "" or lex.script_of_lang(lang) != "Cyrl":
                    errors.append(f"{where}: a Cyrillic name of a new entity needs a Cyrillic-script lang (ru, uk, ky, kk, …), found '{row.get('lang', '')}'")
                    continue
                role = "source"
            elif entity_id in new_canonical:
                role = "alias"
            else:
                role = "canonical"
                new_canonical.add(entity_id)
            entry = LexiconLine(entity_id, entity_type, lang, name, role)
        line_errors = _line_errors(entry, where)
        if line_errors:
            errors.extend(line_errors)
            continue
        normal = lex.normalise_line(entry)
        if (normal.id, normal.lang, normal.name) in have:
            skipped.append(f"{where}: '{normal.name}' ({normal.lang}) is already a name of {normal.id}; skipped")
            continue
        have.add((normal.id, normal.lang, normal.name))
        added.append(normal)
        source = " ".join(row.get("suggested_source", "").split())
        if decision == "new" and not cyrillic and source and is_cyrillic(source):
            # the review's proposed Cyrillic source name of the new entity (back-transliteration,
            # read as Russian unless the line's lang is another Cyrillic-script language)
            source_lang = lang if lex.script_of_lang(lang) == "Cyrl" else "ru"
            source_entry = LexiconLine(entity_id, entry.type, source_lang, source, "source")
            source_errors = _line_errors(source_entry, where)
            if source_errors:
                errors.extend(source_errors)
                continue
            normal = lex.normalise_line(source_entry)
            if (normal.id, normal.lang, normal.name) not in have:
                have.add((normal.id, normal.lang, normal.name))
                added.append(normal)
    return added, skipped, errors


def apply_decisions(decisions: str | os.PathLike, lexicon_path: str | os.PathLike, *,
                    context: Sequence[str | os.PathLike] = (), dry_run: bool = False,
                    check_keys: bool = True, sample: str | os.PathLike | None = None,
                    sample_column: str | None = None, encoding: str = "utf-8",
                    allow_id_changes: bool = False, lock_timeout: float = LOCK_TIMEOUT) -> ApplyResult:
    """Write the decisions of a reviewed CSV into a lexicon file: all of them, or (on any error) none.

    ``accept`` adds the name as an alias of ``suggested_id``; ``alias`` as an alias of
    ``target_id``; ``new`` creates entity ``target_id`` of ``type`` (a Latin name becomes
    its canonical name, a Cyrillic one its source name); ``reject`` or an empty decision
    adds nothing.  ``lang`` defaults to ``und``.  IDs may live in ``context`` lexicons too.

    Before writing, every name of the review file and of ``sample`` (the data the review came
    from, or any table of names) is resolved with the lexicons as they are and as they would be:
    ``changes`` lists each name whose ID changes.  Gaining an ID is what decisions are for; if a
    name would lose its ID or get another, nothing is written and :class:`IDsWouldChange` lists
    them, unless ``allow_id_changes``.  ``dry_run`` checks everything and writes nothing.

    >>> apply_decisions("review.csv", "lexicons/ours.tsv", sample="data.csv", sample_column="name")  # doctest: +SKIP
    """
    names = read_sample(sample, sample_column, encoding=encoding)
    with locked(lexicon_path, timeout=lock_timeout):
        lines, original = read_for_edit(lexicon_path)
        known_types: dict[str, str] = {entry.id: entry.type for entry in lines}
        for path in lex.lexicon_files(context):
            if Path(path).resolve() != Path(lexicon_path).resolve():
                for entry in lex.read_lexicon(path, []):
                    known_types.setdefault(entry.id, entry.type)
        added, skipped, errors = decide_lines(decisions, lines, known_types, encoding=encoding)
        if errors:
            raise TranslitnormError(f"{len(errors)} problem(s) in the decisions; nothing written:\n" + "\n".join(errors))
        reviewed = [row["name"] for _, row in read_decisions(decisions, encoding=encoding) if row.get("name")]
        checked = sorted(set(names) | set(reviewed))
        if not added:
            text, problems = check_lines(lexicon_path, lines, check_keys=check_keys, context=context)
            failed = [p for p in problems if p.severity == "error"]
            if failed:
                raise LexiconError(failed)
            return ApplyResult(added, skipped, [], [], len(checked), False)
        outcome = _commit(lexicon_path, lines + added, original, before=lines if original is not None else None,
                          check_keys=check_keys, context=context, names=checked,
                          allow_id_changes=allow_id_changes, dry_run=dry_run, lock_timeout=lock_timeout)
    return ApplyResult(added, skipped, _about(outcome.warnings, added, outcome.text, lexicon_path),
                       outcome.changes, len(checked), outcome.written)
