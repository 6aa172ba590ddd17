"""Lexicon files: the source of truth about entities and their names.

A lexicon is a UTF-8 TSV file with a header and one name per line::

    id	type	lang	name	role	note
    kg.bakiev.kurmanbek	person	ky	Курманбек Салиевич Бакиев	source
    kg.bakiev.kurmanbek	person	en	Kurmanbek Bakiyev	canonical

See ``docs/lexicon-format.md`` for the full description.  This module reads
(streaming), validates (every problem at once, as ``file:line: message``),
formats (canonical order, so a round trip changes nothing) and writes
(atomically) such files.  It knows nothing about romanisation or matching.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from translitnorm import files
from translitnorm.errors import TranslitnormError
from translitnorm.script import CYRILLIC_LANGS, has_latin, is_cyrillic

HEADER = ("id", "type", "lang", "name", "role", "note")
REQUIRED_COLUMNS = HEADER[:5]

ENTITY_TYPES = ("person", "place", "org", "other")
# Sort order of roles inside an entity: the display form first, then the native names, then the
# rest. canonical: the Latin display name (at most one per entity); source: a native name in a
# Cyrillic-script language (what romanisation starts from); former: a former official name
# (Фрунзе for Bishkek); exonym: a name in another language that is not a transliteration
# (Moscow); alias: any other spelling in use (press spellings, nicknames, short forms).
ROLES = ("canonical", "source", "former", "exonym", "alias")

# Default script of each language code (CYRILLIC_LANGS: see translitnorm.script); a `-Latn` /
# `-Cyrl` subtag overrides it (uz-Latn for Toshkent, kk-Latn for the 2021 Kazakh alphabet).
LATIN_LANGS = (
    "az", "ca", "cs", "da", "de", "en", "es", "et", "fi", "fr", "hr", "hu",
    "it", "lt", "lv", "nl", "no", "pl", "pt", "ro", "sk", "sl", "sq", "sv",
    "tk", "tr",
)
ANY_SCRIPT_LANGS = ("und",)
SCRIPT_SUBTAGS = ("Latn", "Cyrl")

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")
ID_PATTERN_HELP = "lower-case ASCII letters and digits, parts joined by '.', '_' or '-' (e.g. kg.bakiev.kurmanbek)"
# A place's number of people, as a note may state it (``geonames:524901 population:10381222``):
# the matcher prefers a far more populous place among namesakes (docs/lexicon-format.md).
POPULATION_NOTE = re.compile(r"(?:^|\s)population:(\d+)\b")



@dataclass(frozen=True, order=True)
class LexiconLine:
    """One name of one entity, as written on one line of a lexicon file."""

    id: str
    type: str
    lang: str
    name: str
    role: str
    note: str = ""
    path: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    def sort_key(self) -> tuple:
        return (self.id, ROLES.index(self.role) if self.role in ROLES else len(ROLES), self.lang, self.name, self.note)

    def as_row(self) -> tuple[str, ...]:
        return (self.id, self.type, self.lang, self.name, self.role, self.note)


@dataclass(frozen=True)
class Problem:
    """A problem found in a lexicon file, printed as ``file:line: severity: message``."""

    path: str
    line: int
    message: str
    severity: str = "error"  # or "warning"
    fixable: bool = False  # `translitnorm lexicon fmt` repairs it

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path  # line 0: the file as a whole
        return f"{where}: {self.severity}: {self.message}"


class LexiconError(TranslitnormError, ValueError):
    """Raised when lexicon files have errors; ``problems`` lists every one of them."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        lines = "\n".join(str(p) for p in errors[:50])
        more = f"\n… and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{len(errors)} error(s) in lexicon:\n{lines}{more}")


@dataclass(frozen=True)
class Name:
    """One name of an entity."""

    lang: str
    text: str
    role: str
    note: str = ""


@dataclass(frozen=True)
class Entity:
    """An entity with all the names the lexicons give it."""

    id: str
    type: str
    names: tuple[Name, ...]

    @property
    def canonical(self) -> str | None:
        """The explicit display name (role ``canonical``), or None when the lexicon gives none."""
        for name in self.names:
            if name.role == "canonical":
                return name.text
        return None

    @property
    def population(self) -> int | None:
        """The largest ``population:N`` any note of the entity states, None when none does
        (``population:0`` is a gazetteer's place without a figure, which is not the same).

        >>> Entity("ru.moscow", "place", (Name("ru", "Москва", "source", "geonames:524901 population:10381222"),)).population
        10381222
        """
        return max((int(found) for name in self.names for found in POPULATION_NOTE.findall(name.note)), default=None)


@dataclass
class Lexicon:
    """Entities loaded from one or more lexicon files, in ID order.

    >>> lex = Lexicon.from_lines([LexiconLine("kz.almaty", "place", "ru", "Алматы", "source")])
    >>> lex["kz.almaty"].names[0].text
    'Алматы'
    """

    entities: dict[str, Entity]
    paths: tuple[str, ...] = ()

    @classmethod
    def from_lines(cls, lines: Iterable[LexiconLine], paths: Sequence[str] = ()) -> "Lexicon":
        grouped: dict[str, list[LexiconLine]] = {}
        types: dict[str, str] = {}
        for entry in lines:
            grouped.setdefault(entry.id, []).append(entry)
            types.setdefault(entry.id, entry.type)
        entities = {}
        for entity_id in sorted(grouped):
            seen: set[tuple[str, str, str]] = set()
            names = []
            for entry in sorted(grouped[entity_id], key=LexiconLine.sort_key):
                key = (entry.lang, entry.name, entry.role)
                if key not in seen:  # the same name in two files is one name
                    seen.add(key)
                    names.append(Name(entry.lang, entry.name, entry.role, entry.note))
            entities[entity_id] = Entity(entity_id, types[entity_id], tuple(names))
        return cls(entities, tuple(paths))

    def __getitem__(self, entity_id: str) -> Entity:
        return self.entities[entity_id]

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.entities

    def __len__(self) -> int:
        return len(self.entities)

    def __iter__(self) -> Iterator[Entity]:
        return iter(self.entities.values())


def script_of_lang(lang: str) -> str | None:
    """The script a language code implies: 'Cyrl', 'Latn', or None (any script / unknown).

    >>> script_of_lang("ky"), script_of_lang("de"), script_of_lang("uz-Latn")
    ('Cyrl', 'Latn', 'Latn')
    """
    base, _, subtag = lang.partition("-")
    if subtag in SCRIPT_SUBTAGS:
        return subtag
    if base in CYRILLIC_LANGS:
        return "Cyrl"
    if base in LATIN_LANGS:
        return "Latn"
    return None


def is_known_lang(lang: str) -> bool:
    base, _, subtag = lang.partition("-")
    known_base = base in CYRILLIC_LANGS or base in LATIN_LANGS or base in ANY_SCRIPT_LANGS
    return known_base and (subtag == "" or subtag in SCRIPT_SUBTAGS)


def _closest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f"; did you mean '{match[0]}'?" if match else ""


def lexicon_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Expand directories to the ``*.tsv`` files they hold (sorted); keep files as given.

    A directory holding none is a :class:`LexiconError` that names it (a wrong directory, not "no files").
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.glob("*.tsv") if p.is_file())
            if not found:
                raise LexiconError([no_files_problem([path])])
            files.extend(found)
        else:
            files.append(path)
    return files


def no_files_problem(paths: Sequence[str | os.PathLike]) -> Problem:
    """The problem of lexicon paths that hold no file: named, so that a wrong directory is seen."""
    if not paths:
        return Problem(".", 0, "no lexicon files given")
    shown = ", ".join(str(p) for p in paths)
    return Problem(shown, 0, "no lexicon files here: a directory is searched for *.tsv files")


def _decode_lines(path: Path, problems: list[Problem]) -> Iterator[tuple[int, str]]:
    """Yield (line number, text without line ending), streaming; report byte-level problems."""
    display = str(path)
    offset = 0
    crlf_lines: list[int] = []
    try:
        handle = open(path, "rb")
    except OSError as exc:
        problems.append(Problem(display, 0, f"cannot read file: {exc.strerror or exc}"))
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                problems.append(Problem(display, 1, "file starts with a UTF-8 byte order mark (BOM); save it without one (translitnorm lexicon fmt does)", fixable=True))
                raw = raw[3:]
                offset += 3
            body = raw.rstrip(b"\n")
            if body.endswith(b"\r"):
                crlf_lines.append(number)
                body = body.rstrip(b"\r")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad = body[exc.start:exc.start + 1].hex()
                problems.append(Problem(display, number, f"invalid UTF-8 at byte offset {offset + exc.start} (byte 0x{bad}); lexicons must be UTF-8"))
                offset += len(raw)
                continue
            offset += len(raw)
            yield number, text
    if crlf_lines:
        count = len(crlf_lines)
        problems.append(Problem(display, crlf_lines[0], f"Windows line ending (CRLF) on {count} line(s), first here; lexicons use LF (translitnorm lexicon fmt converts)", fixable=True))


def read_lexicon(path: str | os.PathLike, problems: list[Problem] | None = None) -> Iterator[LexiconLine]:
    """Stream the well-formed lines of one lexicon file, appending any problem found to ``problems``.

    Lines with errors are reported and skipped, so one pass finds every problem.

    >>> problems = []
    >>> lines = list(read_lexicon("lexicons/kyrgyzstan-2010.tsv", problems))  # doctest: +SKIP
    """
    problems = problems if problems is not None else []
    path = Path(path)
    display = str(path)
    columns: list[str] | None = None
    seen_rows: dict[tuple[str, ...], int] = {}
    seen_names: dict[tuple[str, str, str], tuple[str, int]] = {}
    canonical_at: dict[str, int] = {}
    previous_key: tuple | None = None
    unsorted_reported = False
    for number, text in _decode_lines(path, problems):
        if columns is None:
            columns = text.split("\t")
            if tuple(columns[:5]) != REQUIRED_COLUMNS or len(columns) > 6 or (len(columns) == 6 and columns[5] != "note"):
                problems.append(Problem(display, number, f"header must be '{chr(9).join(HEADER)}' (tab-separated; 'note' optional), found '{text[:80]}'"))
                return
            continue
        if not text.strip():
            problems.append(Problem(display, number, "empty line; remove it", fixable=True))
            continue
        if text.lstrip().startswith("#"):
            problems.append(Problem(display, number, "comment lines are not part of the format; put remarks in the 'note' column", "warning"))
            continue
        fields = text.split("\t")
        if len(fields) == 5 and len(columns) == 6:
            fields.append("")
        if len(fields) != len(columns):
            problems.append(Problem(display, number, f"expected {len(columns)} tab-separated fields ({', '.join(columns)}), found {len(fields)}"))
            continue
        if len(fields) == 5:
            fields.append("")
        entity_id, entity_type, lang, name, role, note = fields
        line_ok = True
        for column, value in zip(REQUIRED_COLUMNS, fields):
            if not value.strip():
                problems.append(Problem(display, number, f"empty '{column}' field"))
                line_ok = False
        if not line_ok:
            continue
        for column, value in zip(HEADER, fields):
            if value != value.strip() or "  " in value:
                problems.append(Problem(display, number, f"'{column}' has stray spaces: {value!r} (translitnorm lexicon fmt trims them)", "warning", fixable=True))
            if unicodedata.normalize("NFC", value) != value:
                problems.append(Problem(display, number, f"'{column}' is not in Unicode NFC form (translitnorm lexicon fmt normalises it)", "warning", fixable=True))
        entity_id, entity_type, lang, name, role, note = (
            " ".join(unicodedata.normalize("NFC", value).split()) for value in fields)
        if not ID_PATTERN.match(entity_id):
            problems.append(Problem(display, number, f"id '{entity_id}' does not fit the pattern: {ID_PATTERN_HELP}"))
            line_ok = False
        if entity_type not in ENTITY_TYPES:
            problems.append(Problem(display, number, f"unknown type '{entity_type}'{_closest(entity_type, ENTITY_TYPES)} (types: {', '.join(ENTITY_TYPES)})"))
            line_ok = False
        if role not in ROLES:
            problems.append(Problem(display, number, f"unknown role '{role}'{_closest(role, ROLES)} (roles: {', '.join(ROLES)})"))
            line_ok = False
        if not is_known_lang(lang):
            known = CYRILLIC_LANGS + LATIN_LANGS + ANY_SCRIPT_LANGS
            problems.append(Problem(display, number, f"unknown lang '{lang}'{_closest(lang, known)} (use an ISO 639-1 code such as ru, uk, ky, en, de, optionally with -Latn or -Cyrl)"))
            line_ok = False
        else:
            script = script_of_lang(lang)
            if script == "Cyrl" and (not is_cyrillic(name) or has_latin(name)):
                problems.append(Problem(display, number, f"name '{name}' is not written in Cyrillic, but lang '{lang}' is a Cyrillic-script language (use lang en/de/… or {lang}-Latn)"))
                line_ok = False
            elif script == "Latn" and (not has_latin(name) or is_cyrillic(name)):
                problems.append(Problem(display, number, f"name '{name}' is not written in Latin script, but lang '{lang}' is (use a Cyrillic-script lang such as ru, or {lang.split('-')[0]}-Cyrl)"))
                line_ok = False
            if role == "canonical" and script == "Cyrl":
                problems.append(Problem(display, number, "a canonical name is the Latin display form; give it a Latin-script lang such as en"))
                line_ok = False
            if role == "source" and script == "Latn":
                problems.append(Problem(display, number, "role 'source' is for native Cyrillic names; use 'alias' or 'exonym' for a Latin spelling", "warning"))
        if not line_ok:
            continue
        row = (entity_id, entity_type, lang, name, role, note)
        if row in seen_rows:
            problems.append(Problem(display, number, f"duplicate of line {seen_rows[row]}", fixable=True))
            continue
        seen_rows[row] = number
        name_key = (entity_id, lang, name)
        if name_key in seen_names and seen_names[name_key][0] != role:
            other_role, other_line = seen_names[name_key]
            problems.append(Problem(display, number, f"'{name}' ({lang}) is listed for {entity_id} twice, as '{other_role}' on line {other_line} and as '{role}' here; keep one"))
            continue
        seen_names[name_key] = (role, number)
        if role == "canonical":
            if entity_id in canonical_at:
                problems.append(Problem(display, number, f"{entity_id} already has a canonical name on line {canonical_at[entity_id]}; an entity has at most one"))
                continue
            canonical_at[entity_id] = number
        entry = LexiconLine(entity_id, entity_type, lang, name, role, note, display, number)
        key = entry.sort_key()
        if previous_key is not None and key < previous_key and not unsorted_reported:
            problems.append(Problem(display, number, "lines are not in canonical order (id, role, lang, name) from here on; run translitnorm lexicon fmt", "warning", fixable=True))
            unsorted_reported = True
        previous_key = key
        yield entry
    if columns is None and not any(p.path == display for p in problems):
        problems.append(Problem(display, 1, f"empty file: a lexicon needs at least the header '{chr(9).join(HEADER)}'"))


def _cross_file_checks(lines: Sequence[LexiconLine]) -> list[Problem]:
    """Problems that only show when all lines are seen together (across files)."""
    problems: list[Problem] = []
    first_type: dict[str, LexiconLine] = {}
    cyrillic_source: set[str] = set()
    first_line: dict[str, LexiconLine] = {}
    name_owner: dict[str, LexiconLine] = {}
    canonical: dict[str, LexiconLine] = {}
    for entry in lines:
        first_line.setdefault(entry.id, entry)
        earlier = first_type.setdefault(entry.id, entry)
        if earlier.type != entry.type:
            problems.append(Problem(entry.path, entry.line, f"{entry.id} has type '{entry.type}' here but '{earlier.type}' at {earlier.path}:{earlier.line}; an ID has one type"))
        if entry.role == "source" and (script_of_lang(entry.lang) == "Cyrl"
                                       or (script_of_lang(entry.lang) is None and is_cyrillic(entry.name))):
            cyrillic_source.add(entry.id)  # an `und` Cyrillic name is a source too (romanised the Russian way)
        if entry.role == "canonical":
            other = canonical.setdefault(entry.id, entry)
            if other is not entry and other.path != entry.path and other.name != entry.name:
                problems.append(Problem(entry.path, entry.line, f"{entry.id} has another canonical name '{other.name}' at {other.path}:{other.line}"))
        folded = entry.name.casefold()
        owner = name_owner.setdefault(folded, entry)
        if owner.id != entry.id and (entry.role == "alias" or owner.role == "alias"):
            problems.append(Problem(entry.path, entry.line, f"'{entry.name}' is also a name of {owner.id} ({owner.path}:{owner.line}); the two will be ambiguous", "warning"))
    for entity_id, entry in first_line.items():
        if entity_id not in cyrillic_source:
            problems.append(Problem(entry.path, entry.line, f"{entity_id} has no Cyrillic source name; only its Latin spellings can match", "warning"))
    return problems


def validate(paths: Iterable[str | os.PathLike]) -> list[Problem]:
    """Check lexicon files (or directories of ``*.tsv``) and return every problem found.

    >>> [str(p) for p in validate(["lexicons/"]) if p.severity == "error"]  # doctest: +SKIP
    []
    """
    problems: list[Problem] = []
    paths = list(paths)
    files = lexicon_files(paths)
    if not files:
        problems.append(no_files_problem(paths))
    lines: list[LexiconLine] = []
    for path in files:
        lines.extend(read_lexicon(path, problems))
    problems.extend(_cross_file_checks(lines))
    return problems


def load_lexicons(paths: Iterable[str | os.PathLike]) -> Lexicon:
    """Load one or more lexicon files (or directories) into one :class:`Lexicon`.

    Raises :class:`LexiconError` listing every error when any file has one; warnings do not stop loading.

    >>> lex = load_lexicons(["lexicons/"])  # doctest: +SKIP
    >>> lex["kg.bakiev.kurmanbek"].canonical  # doctest: +SKIP
    'Kurmanbek Bakiyev'
    """
    paths = list(paths)
    files = lexicon_files(paths)
    problems: list[Problem] = []
    if not files:
        raise LexiconError([no_files_problem(paths)])
    lines: list[LexiconLine] = []
    for path in files:
        lines.extend(read_lexicon(path, problems))
    problems.extend(_cross_file_checks(lines))
    if any(p.severity == "error" for p in problems):
        raise LexiconError(problems)
    return Lexicon.from_lines(lines, [str(p) for p in files])


def normalise_line(entry: LexiconLine) -> LexiconLine:
    """The canonical form of one line: NFC, trimmed fields, single spaces inside names."""

    def clean(value: str) -> str:
        return " ".join(unicodedata.normalize("NFC", value).split())

    return LexiconLine(clean(entry.id), clean(entry.type), clean(entry.lang), clean(entry.name),
                       clean(entry.role), clean(entry.note), entry.path, entry.line)


def format_lines(lines: Iterable[LexiconLine]) -> str:
    """Render lines in canonical form: header, then lines sorted by (id, role, lang, name), no duplicates.

    >>> format_lines([LexiconLine("kz.almaty", "place", "ru", "Алма-Ата", "former"),
    ...               LexiconLine("kz.almaty", "place", "kk", "Алматы", "source")]).splitlines()
    ['id\\ttype\\tlang\\tname\\trole\\tnote', 'kz.almaty\\tplace\\tkk\\tАлматы\\tsource\\t', 'kz.almaty\\tplace\\tru\\tАлма-Ата\\tformer\\t']
    """
    unique = {normalise_line(entry).as_row(): normalise_line(entry) for entry in lines}
    ordered = sorted(unique.values(), key=LexiconLine.sort_key)
    body = "".join("\t".join(entry.as_row()) + "\n" for entry in ordered)
    return "\t".join(HEADER) + "\n" + body


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory, then rename
    (:func:`translitnorm.files.atomic_writer`: a failure at any point leaves the old file as it was).
    """
    files.write_atomic(path, text)
