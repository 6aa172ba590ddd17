"""Maintaining lexicon files safely: checks that need matching keys, edits, merges, statistics,
and the review loop (suggest spellings for a person to decide, apply the decisions).

Every function that changes a file goes through :func:`save_lines`: the new content is
formatted and validated as a whole first, the old file is kept as ``FILE.bak``, the new
one is written to a temporary file and renamed over the old one, and a file that changed
on disk since it was read is never overwritten.  So a command either writes a valid,
formatted lexicon or leaves everything as it was.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from translitnorm import lexicon as lex
from translitnorm.clean import NONE, REVIEW_HEADER, resolve_distinct, review_lines
from translitnorm.cluster import cluster_names
from translitnorm.errors import TranslitnormError
from translitnorm.index import GIVEN, SURNAME, WHOLE, CompiledIndex, build_index
from translitnorm.io import count_values
from translitnorm.lexicon import LexiconError, LexiconLine, Problem
from translitnorm.text import is_cyrillic

REVIEW_REASONS = ("ambiguous", "below-threshold", "new-cluster")
DECISIONS = ("accept", "alias", "new", "reject")


class ConflictError(TranslitnormError):
    """Raised when a lexicon changed on disk between reading and writing, or inputs disagree."""


# -- safe writing -----------------------------------------------------------------------


def read_for_edit(path: str | os.PathLike) -> tuple[list[LexiconLine], bytes | None]:
    """The lines of a lexicon about to be edited, and its bytes as read (None if it does not exist).

    Raises :class:`LexiconError` when the file has errors that formatting cannot repair:
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
    with tempfile.TemporaryDirectory(prefix="translitnorm-check-") as folder:
        candidate = Path(folder) / target.name
        candidate.write_text(text, encoding="utf-8", newline="\n")
        others = [p for p in lex.lexicon_files(context) if p.resolve() != target.resolve()]
        problems = validate_lexicons([candidate, *others], check_keys=check_keys)
    shown = str(target)
    fixed = [Problem(shown if p.path == str(candidate) else p.path, p.line,
                     p.message.replace(str(candidate), shown), p.severity, p.fixable) for p in problems]
    return text, fixed


def save_text(path: str | os.PathLike, text: str, expected: bytes | None, *, backup: bool = True) -> Path | None:
    """Write ``text`` to ``path`` atomically, keeping the old file as ``FILE.bak``.

    ``expected`` is the file's content when it was read (None: it did not exist); if the
    file changed since, nothing is written and :class:`ConflictError` says so.  Returns
    the backup's path, if one was made.

    >>> save_text("lexicons/kg.tsv", text, original)  # doctest: +SKIP
    PosixPath('lexicons/kg.tsv.bak')
    """
    target = Path(path)
    current = target.read_bytes() if target.exists() else None
    if current != expected:
        raise ConflictError(f"{target} changed on disk while this command ran; nothing written — run it again")
    backup_path = None
    if current is not None and backup:
        backup_path = target.with_name(target.name + ".bak")
        fd, tmp_name = tempfile.mkstemp(prefix=f".{backup_path.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        try:
            shutil.copy2(target, tmp_name)
            os.replace(tmp_name, backup_path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    lex.write_atomic(target, text)
    return backup_path


def save_lines(path: str | os.PathLike, lines: Iterable[LexiconLine], expected: bytes | None, *,
               check_keys: bool = True, context: Sequence[str | os.PathLike] = (),
               backup: bool = True) -> list[Problem]:
    """Validate the would-be content of ``path``; write it (atomically, with a backup) only if it has no error.

    Returns the warnings of the written content; raises :class:`LexiconError` (nothing
    written) when it would have errors.
    """
    text, problems = check_lines(path, lines, check_keys=check_keys, context=context)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise LexiconError(errors)
    save_text(path, text, expected, backup=backup)
    return [p for p in problems if p.severity == "warning"]


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
    """What an edit wrote: the added lines, the warnings of the new file, the backup made."""

    added: list[LexiconLine]
    warnings: list[Problem] = field(default_factory=list)


def add_entity(path: str | os.PathLike, entity_id: str, *, type: str, name: str, lang: str,
               role: str = "source", canonical: str | None = None, canonical_lang: str = "en",
               note: str = "", check_keys: bool = True) -> EditResult:
    """Add a new entity with one name (and optionally its canonical Latin name) to a lexicon file.

    Refuses an ID the file already has; creates the file if it does not exist.

    >>> add_entity("lexicons/kg.tsv", "kg.osh", type="place", name="Ош", lang="ky", canonical="Osh")  # doctest: +SKIP
    """
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
    warnings = save_lines(path, lines + new, original, check_keys=check_keys)
    return EditResult(new, _about(warnings, new))


def add_name(path: str | os.PathLike, entity_id: str, name: str, *, lang: str, role: str = "alias",
             note: str = "", check_keys: bool = True) -> EditResult:
    """Add one name to an entity the lexicon file already has.

    >>> add_name("lexicons/kg.tsv", "kg.bakiev.kurmanbek", "Bakijew", lang="de")  # doctest: +SKIP
    """
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
    warnings = save_lines(path, lines + [entry], original, check_keys=check_keys)
    return EditResult([normal], _about(warnings, [normal]))


def _about(problems: Iterable[Problem], added: Sequence[LexiconLine]) -> list[Problem]:
    """The problems that concern an edit: on an added line, or naming an entity it touched."""
    rows = {"\t".join(lex.normalise_line(entry).as_row()) for entry in added}
    ids = {entry.id for entry in added}
    patterns = [re.compile(rf"(?<![\w.-]){re.escape(entity_id)}(?![\w-]|\.\w)") for entity_id in ids]
    new_lines: set[tuple[str, int]] = set()
    for path in {p.path for p in problems}:
        try:
            with open(path, encoding="utf-8") as handle:
                new_lines.update((path, n) for n, text in enumerate(handle, start=1) if text.rstrip("\n") in rows)
        except OSError:
            continue
    return [p for p in problems if (p.path, p.line) in new_lines or any(pattern.search(p.message) for pattern in patterns)]


# -- merging ---------------------------------------------------------------------------------


def merge_lexicons(inputs: Sequence[str | os.PathLike], output: str | os.PathLike, *,
                   check_keys: bool = True) -> EditResult:
    """Combine lexicon files into ``output``; conflicts are listed and nothing is written.

    Conflicts: one ID with two types; one name (same lang and text) on two IDs.

    >>> merge_lexicons(["a.tsv", "b.tsv"], "ab.tsv")  # doctest: +SKIP
    """
    problems: list[Problem] = []
    lines: list[LexiconLine] = []
    files = lex.lexicon_files(inputs)
    if not files:
        raise TranslitnormError("no lexicon files given to merge")
    for path in files:
        lines.extend(lex.read_lexicon(path, problems))
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
    target = Path(output)
    original = target.read_bytes() if target.exists() else None
    warnings = save_lines(target, lines, original, check_keys=check_keys)
    return EditResult(lines, warnings)


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


def _open_text(path: Path) -> io.TextIOBase:
    return open(path, encoding="utf-8-sig", newline="")


def _is_review_file(path: Path) -> bool:
    if path.suffix.casefold() != ".csv":
        return False
    with _open_text(path) as handle:
        return tuple(next(csv.reader(handle), ())) == REVIEW_HEADER


def read_name_counts(path: str | os.PathLike, column: str | None) -> dict[str, Counter]:
    """How often each name occurs, per column: one column of a CSV/TSV/JSONL/Parquet/text file,
    or the ``name`` and ``count`` columns of a review CSV (as ``translitnorm clean --review`` writes).

    >>> read_name_counts("names.csv", "name")["name"].most_common(1)  # doctest: +SKIP
    [('Bakiev', 3)]
    """
    path = Path(path)
    if not _is_review_file(path):
        counts = count_values(path, column)
        return {column or "name": Counter({name: n for name, n in counts.items() if name and name.strip()})}
    found: dict[str, Counter] = defaultdict(Counter)
    for number, row in read_decisions(path):
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


def review_csv(rows: Iterable[dict[str, str]]) -> str:
    """Render review lines as CSV text with the review header."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REVIEW_HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


# -- the review loop: apply ---------------------------------------------------------------------------


@dataclass
class ApplyResult:
    """What applying decisions wrote (or would write): added lines, skipped ones, warnings."""

    added: list[LexiconLine]
    skipped: list[str]
    warnings: list[Problem] = field(default_factory=list)


def read_decisions(path: str | os.PathLike) -> Iterator[tuple[int, dict[str, str]]]:
    """Stream (line number, row) from a decisions CSV; raises when the header lacks a needed column."""
    path = Path(path)
    with _open_text(path) as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in ("name", "decision", "suggested_id", "target_id", "type", "lang") if c not in header]
        if missing:
            raise TranslitnormError(f"{path}:1: not a review file: column(s) {', '.join(missing)} missing; "
                                    f"the header is: {','.join(REVIEW_HEADER)}")
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}


def decide_lines(path: str | os.PathLike, lines: Sequence[LexiconLine],
                 known_types: dict[str, str]) -> tuple[list[LexiconLine], list[str], list[str]]:
    """Turn decisions into lexicon lines: (new lines, skipped notes, errors as ``file:line: problem``)."""
    shown = str(path)
    errors: list[str] = []
    skipped: list[str] = []
    added: list[LexiconLine] = []
    have = {(e.id, e.lang, e.name) for e in lines}
    have_text = {(e.id, e.name) for e in lines}
    new_types: dict[str, tuple[str, int]] = {}
    new_canonical: set[str] = set()
    for number, row in read_decisions(path):
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
                    check_keys: bool = True) -> ApplyResult:
    """Write the decisions of a reviewed CSV into a lexicon file: all of them, or (on any error) none.

    ``accept`` adds the name as an alias of ``suggested_id``; ``alias`` as an alias of
    ``target_id``; ``new`` creates entity ``target_id`` of ``type`` (a Latin name becomes
    its canonical name, a Cyrillic one its source name); ``reject`` or an empty decision
    adds nothing.  ``lang`` defaults to ``und``.  IDs may live in ``context`` lexicons too.

    >>> apply_decisions("review.csv", "lexicons/ours.tsv")  # doctest: +SKIP
    """
    lines, original = read_for_edit(lexicon_path)
    known_types: dict[str, str] = {entry.id: entry.type for entry in lines}
    for path in lex.lexicon_files(context):
        if Path(path).resolve() != Path(lexicon_path).resolve():
            for entry in lex.read_lexicon(path, []):
                known_types.setdefault(entry.id, entry.type)
    added, skipped, errors = decide_lines(decisions, lines, known_types)
    if errors:
        raise TranslitnormError(f"{len(errors)} problem(s) in the decisions; nothing written:\n" + "\n".join(errors))
    if dry_run or not added:
        text, problems = check_lines(lexicon_path, lines + added, check_keys=check_keys, context=context)
        failed = [p for p in problems if p.severity == "error"]
        if failed:
            raise LexiconError(failed)
        return ApplyResult(added, skipped, _about(problems, added))
    warnings = save_lines(lexicon_path, lines + added, original, check_keys=check_keys, context=context)
    return ApplyResult(added, skipped, _about(warnings, added))
