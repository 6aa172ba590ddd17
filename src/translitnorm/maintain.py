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

import contextlib
import difflib
import os
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from translitnorm import files
from translitnorm import lexicon as lex
from translitnorm.answers import AnswerChange, IDsWouldChange, _answers, _as_written, _others, answer_changes, read_sample  # noqa: F401
from translitnorm.cluster import cluster_names
from translitnorm.decision import NONE
from translitnorm.errors import TranslitnormError
from translitnorm.index_store import build_index, cached_index
from translitnorm.key_report import key_collisions, lexicon_stats, validate_lexicons  # noqa: F401
from translitnorm.lexicon import LexiconError, LexiconLine, Problem
from translitnorm.lexicon_lock import LOCK_TIMEOUT, LockedError, lock_path, locked  # noqa: F401
from translitnorm.review import REVIEW_HEADER, REVIEW_REASONS, resolve_distinct, review_csv, review_lines  # noqa: F401
from translitnorm.review_files import read_decisions, read_name_counts, text_encoding  # noqa: F401
from translitnorm.script import is_cyrillic

DECISIONS = ("accept", "alias", "new", "reject")


class ConflictError(TranslitnormError):
    """Raised when a lexicon changed on disk between reading and writing, or inputs disagree."""


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
    # A lexicon the edit creates has no earlier content: the other files' index serves alone.
    existing = [p for p in before if Path(p).is_file()]
    base = cached_index(existing) if existing else None
    if base is None:
        return
    try:
        build_index(paths, base=base)
    except LexiconError:
        pass  # the content has errors: the validation that follows reports them


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


# -- the review loop: suggest ---------------------------------------------------------------------


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
