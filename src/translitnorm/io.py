"""Streaming readers and writers for tables of names: CSV, TSV, JSON Lines, Parquet (and plain text lists).

A reader yields :class:`Batch` es of rows, each batch holding every input column
as read, so a writer can put every row and column back, in order, with new
columns appended. Gzip-compressed inputs are recognised by their magic bytes;
``-`` means stdin/stdout for the text formats. Every problem with an input ends
in an :class:`InputError` that names the file, the line (or byte) and the fix.

>>> with open_table("names.csv") as table:                     # doctest: +SKIP
...     for batch in table.batches():
...         print(batch.values("name")[:3])
['Kurmanbek Bakiev', 'Bakiyev', 'Bishkek']
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import errno
import functools
import gzip
import io
import itertools
import json
import operator
import os
import re
import shutil
import struct
import sys
import tempfile
import threading
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterator, Mapping, Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from translitnorm.errors import TranslitnormError

FORMATS = ("csv", "tsv", "jsonl", "parquet")
TEXT_FORMATS = ("csv", "tsv", "jsonl", "txt")
_EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl",
               ".json": "jsonl", ".parquet": "parquet", ".pq": "parquet", ".txt": "txt"}
_GZIP_MAGIC = b"\x1f\x8b"
STDIO = "-"
DEFAULT_BATCH_ROWS = 50_000
# pyarrow parses CSV in blocks of this many bytes: large enough to be fast, small enough that
# memory does not grow with the file (a row longer than a block sends the file to the csv module)
ARROW_BLOCK_BYTES = 4 << 20
# csv's default field limit (128 KiB) is hit first by an unterminated quote; allow
# long fields, and report an unterminated quote as such.
csv.field_size_limit(16 * 1024 * 1024)


class InputError(TranslitnormError, ValueError):
    """An input file that cannot be read as asked: the message says where and what to do."""


def detect_format(path: str | os.PathLike, explicit: str | None = None) -> str:
    """The format of ``path``: ``explicit`` when given, else from its extension (``.gz`` looked through).

    >>> detect_format("names.tsv.gz"), detect_format("-", "jsonl"), detect_format("x.parquet")
    ('tsv', 'jsonl', 'parquet')
    """
    if explicit:
        fmt = explicit.lower().lstrip(".")
        fmt = {"ndjson": "jsonl", "json": "jsonl", "pq": "parquet", "tab": "tsv"}.get(fmt, fmt)
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
    close = difflib.get_close_matches(column, list(columns), n=1, cutoff=0.5)
    if not close:
        folded = {c.casefold(): c for c in columns}
        close = [folded[column.casefold()]] if column.casefold() in folded else []
    hint = f" — pass --column {close[0]}" if close else (" — pass one of them with --column" if columns else "")
    return f"column '{column}' not found; columns are: {shown}{hint}"


@dataclass
class Batch:
    """Consecutive rows of a table, as read: ``rows`` (lists for CSV/TSV/text, dicts for JSON Lines)
    or ``arrow`` (a pyarrow RecordBatch for Parquet)."""

    columns: list[str]
    rows: list[Any] | None = None
    arrow: pa.RecordBatch | None = None

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

    def records(self) -> list[list[Any]]:
        """Rows as lists aligned with ``columns`` (whatever the source format)."""
        if self.arrow is not None:
            columns = [self.arrow.column(i).to_pylist() for i in range(self.arrow.num_columns)]
            return [list(row) for row in zip(*columns)] if columns else [[] for _ in range(len(self))]
        if self.rows and isinstance(self.rows[0], dict):
            return [[row.get(column) for column in self.columns] for row in self.rows]
        return self.rows


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass
class ReadStats:
    """What a reader met on the way: rows read and lines skipped (with ``on_error='skip'``)."""

    rows: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, problem), the first 1000
    skipped_count: int = 0

    def skip(self, line: int, problem: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < 1000:
            self.skipped.append((line, problem))


class TableReader:
    """A table file opened for streaming. Use :func:`open_table`; iterate :meth:`batches` (again for a second pass)."""

    def __init__(self, path: str, fmt: str, *, encoding: str = "utf-8", on_error: str = "raise",
                 batch_rows: int = DEFAULT_BATCH_ROWS):
        if on_error not in ("raise", "skip"):
            raise InputError(f"unknown --on-error '{on_error}'; use raise or skip")
        if path == STDIO and fmt == "parquet":
            raise InputError("Parquet cannot be read from stdin; give the file's path")
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding '{encoding}'; e.g. utf-8, latin-1, cp1251") from None
        self.path, self.format, self.encoding, self.on_error = path, fmt, encoding, on_error
        self.batch_rows = batch_rows
        self.stats = ReadStats()
        self._spill: str | None = None
        self._arrow_refused = False  # a pass found pyarrow cannot read this file as csv does
        if path == STDIO:  # read stdin once into a temporary file, so it can be read twice
            handle = tempfile.NamedTemporaryFile(prefix="translitnorm-stdin-", delete=False)
            with handle:
                shutil.copyfileobj(sys.stdin.buffer, handle, 1 << 20)
            self._spill = handle.name
        try:
            self.columns: list[str] = self._read_columns()
        except BaseException:
            self.close()
            raise

    @property
    def name(self) -> str:
        return "<stdin>" if self.path == STDIO else self.path

    @property
    def source(self) -> str:
        return self._spill or self.path

    def close(self) -> None:
        if self._spill:
            Path(self._spill).unlink(missing_ok=True)
            self._spill = None

    def __enter__(self) -> "TableReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def size(self) -> int | None:
        """Bytes of the file on disk (compressed size for gzip), for progress."""
        with contextlib.suppress(OSError):
            return os.path.getsize(self.source)
        return None

    def total_rows(self) -> int | None:
        """The row count when the file states it (Parquet), else ``None``."""
        if self.format == "parquet":
            with self._parquet() as parquet:
                return parquet.metadata.num_rows
        return None

    def arrow_schema(self) -> pa.Schema | None:
        """The column types of a Parquet input (``None`` for text formats, whose values are all text)."""
        if self.format != "parquet":
            return None
        with self._parquet() as parquet:
            return parquet.schema_arrow

    def require(self, column: str) -> None:
        """Raise the column-not-found error (with the columns present) unless ``column`` is there."""
        if column not in self.columns:
            raise InputError(f"{self.name}: {missing_column_message(column, self.columns)}")

    # -- opening --------------------------------------------------------------------

    @contextlib.contextmanager
    def _binary(self) -> Iterator[tuple[IO[bytes], IO[bytes]]]:
        """(decompressed stream, raw file) of the source; the raw file's position tracks progress."""
        raw = open(self.source, "rb")
        try:
            if raw.read(2) == _GZIP_MAGIC:
                raw.seek(0)
                yield gzip.GzipFile(fileobj=raw, mode="rb"), raw
            else:
                raw.seek(0)
                yield raw, raw
        finally:
            raw.close()

    @contextlib.contextmanager
    def _text(self) -> Iterator[tuple[IO[str], IO[bytes]]]:
        encoding = "utf-8-sig" if codecs.lookup(self.encoding).name == "utf-8" else self.encoding
        with self._binary() as (stream, raw):
            text = io.TextIOWrapper(stream, encoding=encoding, newline="")
            try:
                with self._translate_errors():
                    yield text, raw
            finally:
                text.detach()

    @contextlib.contextmanager
    def _parquet(self) -> Iterator[pq.ParquetFile]:
        try:
            parquet = pq.ParquetFile(self.source)
        except (pa.ArrowException, OSError, ValueError) as exc:
            if isinstance(exc, FileNotFoundError):
                raise
            raise InputError(f"{self.name}: not a readable Parquet file ({_short(exc)})") from None
        try:
            with self._translate_errors():
                yield parquet
        finally:
            parquet.close()

    @contextlib.contextmanager
    def _translate_errors(self) -> Iterator[None]:
        """Errors of decoding, decompression and parsing become an InputError that says where and why."""
        try:
            yield
        except UnicodeDecodeError:
            raise InputError(self._decoding_problem()) from None
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise InputError(f"{self.name}: broken gzip data ({_short(exc)}); is the file complete?") from None
        except pa.ArrowException as exc:
            raise InputError(f"{self.name}: cannot read the Parquet data ({_short(exc)})") from None

    def _decoding_problem(self) -> str:
        """Find the first byte that is not valid in the encoding: its offset and line."""
        decoder = codecs.getincrementaldecoder(self.encoding)()
        consumed = newlines = 0
        with self._binary() as (stream, _):
            while True:
                try:
                    chunk = stream.read(1 << 20)
                except (gzip.BadGzipFile, EOFError, zlib.error):
                    break
                pending = len(decoder.getstate()[0])
                try:
                    decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    offset = consumed - pending + exc.start
                    data = chunk[: max(0, exc.start - pending)]
                    line = newlines + data.count(b"\n") + 1
                    bad = exc.object[exc.start:exc.end].hex(" ")
                    return (f"{self.name}: line {line}: byte offset {offset}: bytes {bad} are not valid "
                            f"{self.encoding}; pass --encoding with the file's encoding (e.g. latin-1, cp1251)")
                if not chunk:
                    break
                consumed += len(chunk)
                newlines += chunk.count(b"\n")
        return f"{self.name}: text is not valid {self.encoding}; pass --encoding with the file's encoding"

    # -- columns --------------------------------------------------------------------

    def _read_columns(self) -> list[str]:
        if self.format == "parquet":
            with self._parquet() as parquet:
                return list(parquet.schema_arrow.names)
        if self.format == "txt":
            return ["name"]
        with self._text() as (text, _):
            if self.format == "jsonl":
                for number, line in enumerate(text, 1):
                    if line.strip():
                        return list(self._json_object(line, number, strict=True).keys())
                return []
            reader = csv.reader(text, **self._dialect())
            try:
                header = next(reader)
            except StopIteration:
                raise InputError(f"{self.name}: the file is empty; a header line with column names is needed") from None
            except csv.Error as exc:
                raise InputError(f"{self.name}: line 1: the header is malformed ({exc})") from None
            if not any(header):
                raise InputError(f"{self.name}: line 1: the header is empty; the first line must name the columns")
            return header

    def _dialect(self) -> dict:
        return {"delimiter": "\t" if self.format == "tsv" else ",", "strict": True}

    def _json_object(self, line: str, number: int, strict: bool = False) -> dict | None:
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:
            problem = f"not valid JSON ({exc})"
        else:
            if isinstance(value, dict):
                return value
            problem = f"a JSON {type(value).__name__}, not an object"
        if strict or self.on_error == "raise":
            raise InputError(f"{self.name}: line {number}: {problem}; each line must be one JSON object"
                             + ("" if strict else " (or pass --on-error skip)"))
        self.stats.skip(number, problem)
        return None

    # -- batches --------------------------------------------------------------------

    def batches(self, progress=None, *, arrow: bool = False) -> Iterator[Batch]:
        """Yield the rows in batches of about ``batch_rows``; ``progress(bytes_read)`` is called per batch.

        ``arrow=True`` lets a CSV/TSV file come as pyarrow batches of text columns (``Batch.arrow``)
        as long as pyarrow reads it exactly as the csv module does; the rest of the file then comes
        as lists (``Batch.rows``), so the caller must take both. The rows are the same either way.
        """
        self.stats = ReadStats()
        if self.format == "parquet":
            yield from self._parquet_batches(progress)
            return
        if arrow and self._arrow_may_read():
            yield from self._arrow_csv_batches(progress)
            return
        with self._text() as (text, raw):
            if self.format == "jsonl":
                chunks = _chunked(self._jsonl_rows(text), self.batch_rows)
            elif self.format == "txt":
                chunks = _chunked(([line.rstrip("\r\n")] for line in text), self.batch_rows)
            else:
                chunks = self._csv_chunks(text)
            for rows in chunks:
                self.stats.rows += len(rows)
                yield Batch(self.columns, rows)
                if progress:
                    progress(raw.tell())

    def _parquet_batches(self, progress) -> Iterator[Batch]:
        with self._parquet() as parquet:
            done = 0
            for record_batch in parquet.iter_batches(batch_size=self.batch_rows):
                self.stats.rows += record_batch.num_rows
                done += record_batch.num_rows
                yield Batch(self.columns, arrow=record_batch)
                if progress:
                    progress(done)

    def _jsonl_rows(self, text: IO[str]) -> Iterator[dict]:
        columns = dict.fromkeys(self.columns)
        for number, line in enumerate(text, 1):
            if not line.strip():
                continue
            value = self._json_object(line, number)
            if value is None:
                continue
            if len(value) != len(columns) or any(key not in columns for key in value):
                for key in value:  # keys first seen later become columns too, in order of appearance
                    if key not in columns:
                        columns[key] = None
                        self.columns.append(key)
            yield value

    def _arrow_may_read(self) -> bool:
        """Whether to try pyarrow's CSV reader: text in UTF-8, distinct column names, and no earlier
        pass over this file that had to leave it."""
        return (self.format in ("csv", "tsv") and codecs.lookup(self.encoding).name == "utf-8"
                and len(set(self.columns)) == len(self.columns) and not self._arrow_refused)

    def _arrow_csv_batches(self, progress) -> Iterator[Batch]:
        """Batches read by pyarrow as far as it reads the file exactly as the csv module would.

        Where it might not (see :class:`_PlainCsvStream`), or on any pyarrow error, the careful
        reader takes over after the rows already handed out, so every problem is reported by the
        csv module with its line, as on the slow path.
        """
        with self._binary() as (stream, raw):
            done, complete = yield from self._arrow_csv_prefix(stream, raw, progress)
        if complete:
            return
        self._arrow_refused = True  # a second pass goes straight to the csv module
        with self._text() as (text, raw):
            rows = itertools.islice(self._csv_rows(text), done, None)
            for chunk in _chunked(rows, self.batch_rows):
                self.stats.rows += len(chunk)
                yield Batch(self.columns, chunk)
                if progress:
                    progress(raw.tell())

    def _arrow_csv_prefix(self, stream: IO[bytes], raw: IO[bytes], progress):
        """Yield pyarrow's batches of ``stream`` while it reads it as csv does; return (rows yielded, whole file read)."""
        plain = _PlainCsvStream(stream, self._dialect()["delimiter"])
        reader, done = None, 0
        try:
            reader = self._arrow_csv_reader(plain)
            while reader is not None:
                try:
                    record_batch = reader.read_next_batch()
                except StopIteration:
                    return done, plain.stopped_at is None
                for start in range(0, record_batch.num_rows, self.batch_rows):
                    part = record_batch.slice(start, self.batch_rows)
                    self.stats.rows += part.num_rows
                    done += part.num_rows
                    yield Batch(self.columns, arrow=part)
                if progress:
                    progress(raw.tell())
        except Exception:  # noqa: BLE001 - a row of the wrong width, broken gzip data, …: csv tells which
            pass
        finally:
            plain.close()  # first, so pyarrow's read-ahead thread finds the end and stops
            if reader is not None:
                reader.close()
        return done, False

    def _arrow_csv_reader(self, stream: "_PlainCsvStream") -> pa_csv.CSVStreamingReader | None:
        """pyarrow's streaming reader over ``stream``, every column as text; ``None`` if it reads the header
        differently from the csv module."""
        reader = pa_csv.open_csv(
            stream,
            read_options=pa_csv.ReadOptions(block_size=ARROW_BLOCK_BYTES, use_threads=False),
            parse_options=pa_csv.ParseOptions(
                delimiter=self._dialect()["delimiter"], quote_char='"', double_quote=True, escape_char=False,
                newlines_in_values=True,
                # csv yields a blank line as an empty row: a value "" of a one-column file, else nothing
                ignore_empty_lines=len(self.columns) != 1),
            convert_options=pa_csv.ConvertOptions(
                column_types={column: pa.string() for column in self.columns}, null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False, check_utf8=True))
        schema = reader.schema
        if schema.names != self.columns or any(not pa.types.is_string(type_) for type_ in schema.types):
            reader.close()
            return None
        return reader

    def _csv_chunks(self, text: IO[str]) -> Iterator[list[list[str]]]:
        """Lists of rows, read in bulk while every row is well-formed.

        At the first batch with a problem, reading starts over carefully, row by row with
        line numbers, after the rows already handed out (only a file with a problem pays).
        """
        reader = csv.reader(text, **self._dialect())
        width = len(self.columns)
        done = 0
        try:
            next(reader)  # the header
            while True:
                rows = list(itertools.islice(reader, self.batch_rows))
                if not rows:
                    return
                if set(map(len, rows)) != {width}:
                    break
                done += len(rows)
                yield rows
        except (StopIteration, csv.Error):
            pass
        with self._text() as (again, _):
            yield from _chunked(itertools.islice(self._csv_rows(again), done, None), self.batch_rows)

    def _csv_rows(self, text: IO[str]) -> Iterator[list[str]]:
        """Rows one by one, checked, with the line number of each problem."""
        reader = csv.reader(text, **self._dialect())
        width = len(self.columns)
        skip = self.on_error == "skip"
        try:
            next(reader)  # the header
        except (StopIteration, csv.Error):
            return
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                problem = self._csv_problem(str(exc), start, reader.line_num)
                if not skip:
                    raise InputError(f"{self.name}: line {start}: {problem}; fix the line or pass --on-error skip") from None
                self.stats.skip(start, problem)
                continue
            if len(row) != width:
                if not row:  # a blank line: an empty value of a one-column file, else nothing
                    if width == 1:
                        yield [""]
                    continue
                problem = f"{len(row)} fields, expected {width} ({', '.join(self.columns)})"
                if reader.line_num > start:
                    problem += f"; a quoted field runs over lines {start}–{reader.line_num}"
                if not skip:
                    raise InputError(f"{self.name}: line {start}: {problem}; fix the line or pass --on-error skip")
                self.stats.skip(start, problem)
                continue
            yield row

    def _csv_problem(self, message: str, start: int, end: int) -> str:
        if "unexpected end of data" in message or "field larger than field limit" in message:
            return f"unterminated quote: the quoted field opened here runs to line {end}"
        if "NUL" in message or "NULL byte" in message:
            return "the line contains a NUL byte (binary data?)"
        return f"malformed CSV ({message})"


class _PlainCsvStream(io.RawIOBase):
    """A CSV/TSV byte stream for pyarrow that ends where the two parsers might part.

    pyarrow's parser is lenient where the csv module (``strict=True``) is not: it reads ``"a"b``
    as ``ab`` and an unterminated quote at the end as a value, and it takes a quote inside an
    unquoted value as its own. So the bytes are handed on only as far as they are valid UTF-8 and
    every quote belongs to a whole quoted field (``"..."``, with ``""`` for a quote, opening a field
    and followed by the delimiter or a line end). At the first piece that is not, the stream ends
    early and says why in :attr:`stopped_at`; the reader then goes back to the csv module. Pieces
    end at a line end outside quotes, so pyarrow gets whole rows and no quoted field is cut in two.
    """

    _PIECE_BYTES = 1 << 20
    _LONGEST_PIECE = 64 << 20  # a quoted field longer than this goes to the csv module

    def __init__(self, source: IO[bytes], delimiter: str):
        super().__init__()
        self._source = source
        d = re.escape(delimiter.encode())
        # a quoted field where a field starts (after a delimiter, a line end or the piece's start)
        # that ends where a field ends; possessive, so it reads the field exactly as csv does
        self._quoted_field = re.compile(rb'"(?<![^' + d + rb'\r\n]")[^"]*+(?:""[^"]*+)*+"(?=[' + d + rb'\r\n])')
        self._pending = b""  # read from the source, not yet checked
        self._ready = bytearray()  # checked, not yet handed on
        self._at_start, self._at_end = True, False
        self.stopped_at: str | None = None  # why the stream ended before the source did
        self._lock = threading.Lock()  # pyarrow reads ahead in its own thread, and we may close meanwhile

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        with self._lock:
            if self.closed:
                return b""
            while (size < 0 or len(self._ready) < size) and not self._at_end:
                self._take_piece(max(size, self._PIECE_BYTES))
            size = len(self._ready) if size < 0 else size
            data = bytes(self._ready[:size])
            del self._ready[:size]
            return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        with self._lock:
            super().close()

    def _take_piece(self, size: int) -> None:
        data = self._source.read(size)
        text = self._pending + data
        if self._at_start:  # the csv module reads UTF-8 as utf-8-sig: a byte order mark is not text
            if data and len(text) < len(codecs.BOM_UTF8):
                self._pending = text
                return
            text, self._at_start = text.removeprefix(codecs.BOM_UTF8), False
        if data:
            cut = _line_end_outside_quotes(text)
            piece, self._pending = text[:cut], text[cut:]
            if len(self._pending) > self._LONGEST_PIECE:
                return self._stop("a row longer than pyarrow reads at once")
            problem = self._problem(piece, piece)
        else:
            self._at_end = True
            piece, self._pending = text, b""
            problem = self._problem(piece, piece + b"\n")  # the last field may end the file, as if a line ended
        if problem:
            return self._stop(problem)
        self._ready += piece

    def _stop(self, problem: str) -> None:
        self.stopped_at, self._at_end, self._pending = problem, True, b""

    def _problem(self, piece: bytes, fields: bytes) -> str | None:
        if not piece.isascii():
            try:
                piece.decode("utf-8")
            except UnicodeDecodeError:
                return "not valid UTF-8"
        if b'"' in piece and b'"' in self._quoted_field.sub(b"", fields):
            return "a quote outside a whole quoted field"
        return None


def _line_end_outside_quotes(text: bytes) -> int:
    """The offset just after the last line end in ``text`` that is outside quoted fields (0 if none).

    Inside a quoted field exactly when an odd number of quotes came before: true of the text that
    :class:`_PlainCsvStream` lets through, and any other text fails its check anyway.
    """
    end, quotes = len(text), text.count(b'"')
    while True:
        line_end = max(text.rfind(b"\n", 0, end), text.rfind(b"\r", 0, end))
        if line_end < 0:
            return 0
        quotes -= text.count(b'"', line_end, end)
        if quotes % 2 == 0:
            return line_end + 1
        end = line_end


def open_table(path: str | os.PathLike, fmt: str | None = None, *, encoding: str = "utf-8",
               on_error: str = "raise", batch_rows: int = DEFAULT_BATCH_ROWS) -> TableReader:
    """Open a CSV/TSV/JSON Lines/Parquet/text file (or ``-`` for stdin) for streaming in batches.

    >>> with open_table("data.csv.gz", encoding="latin-1") as table:   # doctest: +SKIP
    ...     table.require("name")
    ...     total = sum(len(batch) for batch in table.batches())
    """
    path = str(path)
    if path != STDIO and not Path(path).exists():
        raise InputError(f"{path}: no such file")
    if path != STDIO and Path(path).is_dir():
        raise InputError(f"{path}: is a directory; give a file")
    return TableReader(path, detect_format(path, fmt), encoding=encoding, on_error=on_error, batch_rows=batch_rows)


def _chunked(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while True:
        chunk = list(itertools.islice(rows, size))
        if not chunk:
            return
        yield chunk


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


# -- writing -----------------------------------------------------------------------------

class _WholeWrites:
    """A binary stream whose ``write`` writes all it is given or raises: when the reader of a pipe
    leaves (``| head``) in the middle of a large write, a ``BufferedWriter`` returns a short count
    instead of raising, and a caller that does not check it would end as if all was delivered."""

    def __init__(self, stream: IO[bytes]):
        self._stream = stream

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        total = len(view)
        while view:
            written = self._stream.write(view)
            if not written:
                raise BrokenPipeError(errno.EPIPE, "the reader of the output has gone")
            view = view[written:]
        return total

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[IO[bytes]]:
    """A binary stream that replaces ``path`` only when the block ends without error.

    The data goes to a temporary file in the target directory, renamed over the
    target at the end; a failure removes it and leaves an existing file untouched.
    ``-`` is stdout (not atomic). A ``.gz`` path is gzip-compressed.

    >>> with atomic_output("out/clean.csv") as stream:          # doctest: +SKIP
    ...     stream.write(b"name\\n")
    """
    name = str(path)
    if name == STDIO:
        yield _WholeWrites(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    target = Path(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as raw:
            if name.lower().endswith(".gz"):
                with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as compressed:
                    yield compressed
            else:
                yield raw
            raw.flush()
            os.fsync(raw.fileno())
        if target.exists():
            os.chmod(tmp_name, target.stat().st_mode & 0o777)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


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


@dataclass(frozen=True)
class _CsvLookup:
    """A :class:`Lookup` as CSV text, for one key column: ``keys``, and per added column the field
    text of each key's value, then the default's."""

    keys: pa.Array
    fields: list[pa.Array]


class TableWriter:
    """Writes batches with added columns after the input columns, in one of the formats."""

    def __init__(self, stream: IO[bytes], fmt: str, columns: Sequence[str], added: Sequence[AddedColumn],
                 input_schema: pa.Schema | None = None):
        if fmt not in FORMATS:
            raise InputError(f"cannot write format '{fmt}'; output formats are: {', '.join(FORMATS)}")
        self.format, self.columns, self.added = fmt, list(columns), list(added)
        self.stream = stream
        self._text: io.TextIOWrapper | None = None
        self._parquet: pq.ParquetWriter | None = None
        self._input_schema = input_schema
        if fmt in ("csv", "tsv"):
            self._text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=False)
            self._csv = csv.writer(self._text, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
            self._csv_quote_all = csv.writer(self._text, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n",
                                             quoting=csv.QUOTE_ALL)
            self._csv.writerow(self.columns + [column.name for column in self.added])
        elif fmt == "jsonl":
            self._text = io.TextIOWrapper(stream, encoding="utf-8", newline="\n", write_through=False)
        self._csv_lookups: dict[tuple, _CsvLookup | None] = {}
        self._csv_lookup_of: Lookup | None = None

    def write(self, batch: Batch, added_values: Sequence[Sequence[Any]]) -> None:
        """Write ``batch`` with ``added_values[i]`` (one list per added column, a value per row)."""
        if self.format in ("csv", "tsv"):
            self._write_csv(batch, added_values)
        elif self.format == "jsonl":
            self._write_jsonl(batch, added_values)
        else:
            self._write_parquet(batch, added_values)

    def write_looked_up(self, batch: Batch, keys: Sequence[str], lookup: Lookup) -> None:
        """Write ``batch`` with added values looked up per row: the added columns are ``lookup``'s
        values for the row's value in ``keys[0]``, then for its value in ``keys[1]``, and so on.

        The same as :meth:`write` with the looked-up lists, but a CSV/TSV batch of text read by
        pyarrow is written without a Python object per row, byte for byte as :meth:`write` would.

        >>> writer.write_looked_up(batch, ["name"], Lookup({"Bakiev": ("kg.bakiev",)}, (None,)))  # doctest: +SKIP
        """
        width = len(lookup.default)
        if width * len(keys) != len(self.added):
            raise ValueError(f"{len(keys)} key column(s) of {width} values each, but {len(self.added)} added columns")
        if self._write_csv_arrow(batch, keys, lookup):
            return
        values: list[list] = []
        for key in keys:
            found = list(map(lookup.values.get, batch.values(key), itertools.repeat(lookup.default)))
            values.extend([list(column) for column in zip(*found)] if found else [[] for _ in range(width)])
        self.write(batch, values)

    def _write_csv_arrow(self, batch: Batch, keys: Sequence[str], lookup: Lookup) -> bool:
        """Write a batch of text columns as CSV/TSV with pyarrow; ``False`` (nothing written) where the
        batch or the lookup needs the csv module (see :func:`_csv_fields`)."""
        record_batch = batch.arrow
        if (self.format not in ("csv", "tsv") or record_batch is None or not keys
                or not _plain_text_columns(record_batch)):
            return False
        delimiter = self._csv.dialect.delimiter
        try:
            fields = [_csv_fields(column, delimiter) for column in record_batch.columns]
            if any(field is None for field in fields):
                return False
            for position, key in enumerate(keys):
                looked_up = self._csv_lookup(lookup, position, last=position == len(keys) - 1)
                if looked_up is None:
                    return False
                rows = pc.index_in(record_batch.column(record_batch.schema.get_field_index(key)),
                                   value_set=looked_up.keys)
                rows = pc.fill_null(rows, len(looked_up.keys))  # not a key: the default, last
                fields.extend(column.take(rows) for column in looked_up.fields)
            lines = pc.binary_join_element_wise(*fields, delimiter)
        except pa.ArrowException:  # e.g. more text in one batch than an Arrow string array holds
            return False
        if len(lines):
            self._text.flush()  # the header and earlier batches first
            self.stream.write(_string_bytes(lines))
        return True

    def _csv_lookup(self, lookup: Lookup, position: int, *, last: bool) -> _CsvLookup | None:
        """``lookup`` as CSV field text for the key column at ``position``, made once per lookup.

        The line end goes into the last added column's text (``last``), so joining a row's fields
        makes the whole line, with no pass over the rows to add it.
        """
        if lookup is not self._csv_lookup_of:
            self._csv_lookups, self._csv_lookup_of = {}, lookup
        width = len(lookup.default)
        kinds = tuple(column.kind for column in self.added[position * width:(position + 1) * width])
        if (kinds, last) not in self._csv_lookups:
            self._csv_lookups[(kinds, last)] = _csv_lookup(lookup, kinds, self._csv.dialect.delimiter, last)
        return self._csv_lookups[(kinds, last)]

    def _write_csv(self, batch: Batch, added_values) -> None:
        texts = [list(map(_score_text if column.kind == "score" else _none_as_empty, values))
                 for column, values in zip(self.added, added_values)]
        records = batch.records()
        if batch.arrow is not None or (batch.rows and isinstance(batch.rows[0], dict)):
            records = [[_cell_text(value) for value in record] for record in records]
        # map() over C functions: this loop runs once per row of the file
        rows = list(map(list.__add__, records, map(list, zip(*texts)))) if texts else records
        if "\r" in "".join(map("".join, rows)):
            # csv quotes a field with \n but not one with a lone \r, which readers take for a line end
            for row in rows:
                (self._csv_quote_all if any("\r" in value for value in row) else self._csv).writerow(row)
        else:
            self._csv.writerows(rows)

    def _write_jsonl(self, batch: Batch, added_values) -> None:
        names = [column.name for column in self.added]
        scores = [column.kind == "score" for column in self.added]
        if batch.rows is not None and batch.rows and isinstance(batch.rows[0], dict):
            objects = batch.rows
        else:
            objects = [dict(zip(batch.columns, record)) for record in batch.records()]
        lines = []
        for position, obj in enumerate(objects):
            out = dict(obj)
            for name, values, is_score in zip(names, added_values, scores):
                value = values[position]
                out[name] = (round(value, 4) if value is not None else None) if is_score else value
            lines.append(json.dumps(out, ensure_ascii=False, default=str))
        if lines:
            self._text.write("\n".join(lines) + "\n")

    def _write_parquet(self, batch: Batch, added_values) -> None:
        arrays = []
        for column, values in zip(self.added, added_values):
            if column.kind == "score":
                arrays.append(pa.array([None if v is None else round(v, 4) for v in values], type=pa.float64()))
            else:
                arrays.append(pa.array(values, type=pa.string()))
        if batch.arrow is not None:
            base = batch.arrow
        else:
            records = batch.records()
            base = pa.RecordBatch.from_arrays(
                [pa.array([_cell_text(record[i]) for record in records], type=pa.string()) for i in range(len(batch.columns))],
                names=list(batch.columns))
        table = pa.RecordBatch.from_arrays(list(base.columns) + arrays,
                                           names=list(base.schema.names) + [c.name for c in self.added])
        if self._parquet is None:
            schema = table.schema
            if self._input_schema is not None and self._input_schema.metadata:
                schema = schema.with_metadata(self._input_schema.metadata)
            self._parquet = pq.ParquetWriter(self.stream, schema)
        self._parquet.write_batch(table.cast(self._parquet.schema) if table.schema != self._parquet.schema else table)

    def close(self) -> None:
        """Finish the output (a Parquet file gets its footer; an empty input still gets a schema)."""
        if self.format == "parquet":
            if self._parquet is None:
                fields = [pa.field(name, pa.string()) for name in self.columns]
                if self._input_schema is not None:
                    fields = list(self._input_schema)
                fields += [pa.field(c.name, pa.float64() if c.kind == "score" else pa.string()) for c in self.added]
                self._parquet = pq.ParquetWriter(self.stream, pa.schema(fields))
            self._parquet.close()
        elif self._text is not None:
            self._text.flush()
            self._text.detach()


def _plain_text_columns(record_batch: pa.RecordBatch) -> bool:
    """Whether every column is text with no nulls, under distinct names (so pyarrow may write it)."""
    schema = record_batch.schema
    return (len(set(schema.names)) == len(schema.names)
            and all(pa.types.is_string(type_) for type_ in schema.types)
            and all(column.null_count == 0 for column in record_batch.columns))


def _csv_fields(values: pa.Array, delimiter: str) -> pa.Array | None:
    """The values as csv.writer (QUOTE_MINIMAL) writes them: quoted, with ``""`` for a quote, when
    they hold the delimiter, a quote or a line feed; ``None`` if one holds a carriage return.

    A row with a lone ``\r`` is written with every field quoted (see :meth:`TableWriter._write_csv`),
    a rare case left to the csv module.
    """
    text = _string_bytes(values).tobytes()
    if b"\r" in text:
        return None
    special = (delimiter.encode(), b'"', b"\n")
    if not any(character in text for character in special):
        return values
    quoted = pc.match_substring_regex(values, "[" + "".join(f"\\x{{{ord(c):x}}}" for c in (delimiter, '"', "\n")) + "]")
    escaped = pc.replace_substring(pc.filter(values, quoted), '"', '""')
    return pc.replace_with_mask(values, quoted, pc.binary_join_element_wise('"', escaped, '"', ""))


def _csv_lookup(lookup: Lookup, kinds: Sequence[str], delimiter: str, last: bool) -> _CsvLookup | None:
    """The lookup's values as CSV field text (see :class:`_CsvLookup`); ``None`` if a key is not
    text or a value holds a carriage return."""
    if not all(isinstance(key, str) for key in lookup.values):
        return None
    entries = list(lookup.values.values()) + [lookup.default]
    fields = []
    for position, kind in enumerate(kinds):
        texts = [_csv_field(_score_text(entry[position]) if kind == "score" else _none_as_empty(entry[position]),
                            delimiter) for entry in entries]
        if any("\r" in text for text in texts):
            return None
        if last and position == len(kinds) - 1:
            texts = [text + "\n" for text in texts]
        fields.append(pa.array(texts, type=pa.string()))
    return _CsvLookup(pa.array(list(lookup.values), type=pa.string()), fields)


def _csv_field(value: Any, delimiter: str) -> str:
    """One value as csv.writer (QUOTE_MINIMAL, line end ``\n``) writes it."""
    text = str(value)
    if delimiter in text or '"' in text or "\n" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _string_bytes(values: pa.Array) -> memoryview:
    """The bytes of all values of a text array, one after the other (no copy)."""
    _, offsets, data = values.buffers()
    if data is None or len(values) == 0:
        return memoryview(b"")
    start, = struct.unpack_from("=i", offsets, 4 * values.offset)
    end, = struct.unpack_from("=i", offsets, 4 * (values.offset + len(values)))
    return memoryview(data)[start:end]


@functools.lru_cache(maxsize=65536)
def _score_text(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _none_as_empty(value: str | None) -> str:
    return "" if value is None else value


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def count_values(path: str | os.PathLike, column: str | None = None, fmt: str | None = None, *,
                 encoding: str = "utf-8", on_error: str = "raise") -> "Counter[str | None]":
    """How often each value of ``column`` occurs (a ``.txt`` file: one name a line, no column needed).

    >>> count_values("names.txt").most_common(1)                 # doctest: +SKIP
    [('Bakiev', 3)]
    """
    counts: Counter = Counter()
    with open_table(path, fmt, encoding=encoding, on_error=on_error) as table:
        column = table.columns[0] if table.format == "txt" else (column or "name")
        table.require(column)
        for batch in table.batches():
            counts.update(batch.values(column))
    return counts
