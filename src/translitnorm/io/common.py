"""What every reader and writer shares: formats, the input error, batches of rows."""

from __future__ import annotations

import difflib
import functools
import itertools
import json
import operator
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, NamedTuple, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from translitnorm.errors import TranslitnormError

FORMATS = ("csv", "tsv", "jsonl", "parquet", "quoted-tsv")
#: The delimited text formats and their delimiter. TSV has no quoting: a line is a record, its
#: fields split at tabs, and a quote is just a character. "quoted-tsv" is CSV with tabs (quoted
#: fields, ``""`` for a quote), what some programs write under the name TSV.
DELIMITERS = {"csv": ",", "tsv": "\t", "quoted-tsv": "\t"}
QUOTED = ("csv", "quoted-tsv")
_EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl",
               ".json": "jsonl", ".parquet": "parquet", ".pq": "parquet", ".txt": "txt"}
_GZIP_MAGIC = b"\x1f\x8b"
STDIO = "-"
DEFAULT_BATCH_ROWS = 50_000


class InputError(TranslitnormError, ValueError):
    """An input file that cannot be read as asked: the message says where and what to do."""


def detect_format(path: str | os.PathLike, explicit: str | None = None) -> str:
    """The format of ``path``: ``explicit`` when given, else from its extension (``.gz`` looked through).

    >>> detect_format("names.tsv.gz"), detect_format("-", "jsonl"), detect_format("x.parquet")
    ('tsv', 'jsonl', 'parquet')
    """
    if explicit:
        fmt = explicit.lower().lstrip(".")
        fmt = {"ndjson": "jsonl", "json": "jsonl", "pq": "parquet", "tab": "tsv", "tsv-quoted": "quoted-tsv"}.get(fmt, fmt)
        if fmt not in FORMATS + ("txt",):
            raise InputError(f"unknown format '{explicit}'; formats are: {', '.join(FORMATS)}")
        return fmt
    name = str(path)
    if name == STDIO:
        return "csv"
    suffixes = [s.lower() for s in Path(name).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in _EXTENSIONS:
        return _EXTENSIONS[suffixes[-1]]
    raise InputError(f"{name}: cannot tell the format from the extension; pass --format "
                     f"({', '.join(FORMATS)})")


def missing_column_message(column: str, columns: Sequence[str]) -> str:
    """The error text for a column that is not in the file, with the likeliest fix.

    >>> missing_column_message("name", ["id", "full_name"])
    "column 'name' not found; columns are: id, full_name — pass --column full_name"
    """
    shown = ", ".join(columns) if columns else "(none)"
    separator = looks_separated_by(columns)
    if separator:
        return (f"column '{column}' not found; the header is one column, '{columns[0]}': the file looks "
                f"{separator}-separated — save it comma-separated (or tab-separated, with --format tsv)")
    close = difflib.get_close_matches(column, list(columns), n=1, cutoff=0.5)
    if not close:
        folded = {c.casefold(): c for c in columns}
        close = [folded[column.casefold()]] if column.casefold() in folded else []
    hint = f" — pass --column {close[0]}" if close else (" — pass one of them with --column" if columns else "")
    return f"column '{column}' not found; columns are: {shown}{hint}"


def looks_separated_by(header: Sequence[str]) -> str | None:
    """The separator a one-column header seems to be split by (``'id;name;city'`` → ``';'``), else None.

    >>> looks_separated_by(["id;name;city"]), looks_separated_by(["id", "name"])
    (';', None)
    """
    if len(header) != 1:
        return None
    for separator in (";", "\t", "|", ","):
        if header[0].count(separator) >= 1:
            return "tab" if separator == "\t" else separator
    return None


def duplicate_columns_message(header: Sequence[str]) -> str | None:
    """The error text for a header that names a column twice, else None.

    >>> duplicate_columns_message(["name", "city", "name"])
    "column 'name' appears twice in the header (columns 1 and 3); rename one, so that --column says which"
    """
    seen: dict[str, int] = {}
    for position, name in enumerate(header, 1):
        if name in seen:
            return (f"column '{name}' appears twice in the header (columns {seen[name]} and {position}); "
                    f"rename one, so that --column says which")
        seen[name] = position
    return None


@dataclass(frozen=True)
class ReadOptions:
    """How to read a text table where it is not in its format's usual form; the defaults are that form.

    >>> ReadOptions(delimiter=";", header=False).column_names(3)
    ['1', '2', '3']
    """

    delimiter: str | None = None  # None: the format's own (',' for csv, tab for tsv)
    quotechar: str = '"'
    header: bool = True  # False: the first line is data, and columns are named 1, 2, … by position
    skip_lines: int = 0  # lines to pass over before the header (a title, a comment block)
    limit: int | None = None  # read only the first rows: a trial run on part of a big file

    def __post_init__(self):
        for name, value in (("delimiter", self.delimiter), ("quotechar", self.quotechar)):
            if value is not None and len(value) != 1:
                raise InputError(f"--{name} must be one character, not {value!r} (for a tab: --{name} $'\\t')")
        if self.skip_lines < 0 or (self.limit is not None and self.limit < 0):
            raise InputError("--skip-lines and --limit must be 0 or more")

    @staticmethod
    def column_names(count: int) -> list[str]:
        """The names of the columns of a file without a header: their positions, from 1."""
        return [str(position) for position in range(1, count + 1)]


@dataclass
class Batch:
    """Consecutive rows of a table, as read: ``rows`` (lists for CSV/TSV/text, dicts for JSON Lines)
    or ``arrow`` (a pyarrow RecordBatch for Parquet)."""

    columns: list[str]
    rows: list[Any] | None = None
    arrow: pa.RecordBatch | None = None
    #: JSON Lines: each row's line as read, so a JSON Lines output keeps every value byte for byte
    lines: list[str] | None = None

    def __len__(self) -> int:
        return self.arrow.num_rows if self.arrow is not None else len(self.rows)

    def values(self, column: str) -> list[str | None]:
        """The column's values as text (``None`` for a missing or null value)."""
        if self.arrow is not None:
            return [_as_text(v) for v in self.arrow.column(self.arrow.schema.get_field_index(column)).to_pylist()]
        if self.rows and isinstance(self.rows[0], dict):
            return [_as_text(row.get(column)) for row in self.rows]
        return list(map(operator.itemgetter(self.columns.index(column)), self.rows))

    def value_counts(self, column: str) -> "Counter[str | None]":
        """How often each value of the column (as in :meth:`values`) occurs, in order of first appearance."""
        if self.arrow is not None:
            array = self.arrow.column(self.arrow.schema.get_field_index(column))
            if pa.types.is_string(array.type):  # counted by pyarrow, without a Python object per row
                counted = pc.value_counts(array)
                return Counter(dict(zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist())))
        return Counter(self.values(column))

    def head(self, count: int) -> "Batch":
        """The first ``count`` rows."""
        if self.arrow is not None:
            return Batch(self.columns, arrow=self.arrow.slice(0, count))
        return Batch(self.columns, self.rows[:count])

    def records(self) -> list[list[Any]]:
        """Rows as lists aligned with ``columns`` (whatever the source format)."""
        if self.arrow is not None:
            columns = [self.arrow.column(i).to_pylist() for i in range(self.arrow.num_columns)]
            return [list(row) for row in zip(*columns)] if columns else [[] for _ in range(len(self))]
        if self.rows and isinstance(self.rows[0], dict):
            return [[row.get(column) for column in self.columns] for row in self.rows]
        return self.rows


class JsonNumber(float):
    """A JSON number with a fraction or an exponent, as read: a float that remembers its text,
    so ``1.10``, ``1e5`` and ``1e400`` are written back as they were, not as ``1.1``,
    ``100000.0`` and ``Infinity``.

    >>> import json
    >>> value = json.loads('{"x": 1.10}', parse_float=JsonNumber)["x"]
    >>> value == 1.1, value.text
    (True, '1.10')
    """

    __slots__ = ("text",)

    def __new__(cls, text: str) -> "JsonNumber":
        number = super().__new__(cls, text)
        number.text = text
        return number


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, JsonNumber):
        return value.text
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class Skipped(NamedTuple):
    """A malformed record that was skipped: the line it starts on, and what was wrong."""

    line: int
    problem: str


#: Called with (line, problem, text as read) for each malformed record skipped.
Rejected = Callable[[int, str, str], Any]


@dataclass
class ReadStats:
    """What a reader met on the way: rows read and malformed records skipped (with ``on_error='skip'``)."""

    rows: int = 0
    skipped: list[Skipped] = field(default_factory=list)  # the first 1000
    skipped_count: int = 0
    on_skip: Rejected | None = None

    def skip(self, line: int, problem: str, text: str = "") -> None:
        self.skipped_count += 1
        if len(self.skipped) < 1000:
            self.skipped.append(Skipped(line, problem))
        if self.on_skip is not None:
            self.on_skip(line, problem, text)


@dataclass(frozen=True)
class AddedColumn:
    """A column a writer appends: its name and kind (``text`` or ``score``, a float shown with 4 decimals)."""

    name: str
    kind: str = "text"


@dataclass(frozen=True, eq=False)
class Lookup:
    """Added values that follow from the value of a key column, for :meth:`TableWriter.write_looked_up`.

    ``values[v]`` is the tuple of added values (one per added column of a key column) for a row
    whose key is ``v``; ``default`` is the tuple for any other value, or none.
    """

    values: Mapping[str, tuple]
    default: tuple


def _chunked(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while True:
        chunk = list(itertools.islice(rows, size))
        if not chunk:
            return
        yield chunk


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]



def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, JsonNumber):
        return value.text
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


@functools.lru_cache(maxsize=65536)
def _score_text(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _none_as_empty(value: str | None) -> str:
    return "" if value is None else value


