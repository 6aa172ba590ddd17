"""Reading a table file in batches: opening (gzip, stdin, encodings), columns, JSON Lines and Parquet.

The CSV/TSV paths live beside it: :mod:`.csv_reading` (the csv module, line by line, every
problem with its line) and :mod:`.arrow_csv` (pyarrow's fast reader, as far as it reads a file
exactly as the csv module does).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import io
import json
import os
import random
import shutil
import sys
import zlib
from collections import Counter
from pathlib import Path
from typing import IO, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from translitnorm.files import temp_file
from translitnorm.io.arrow_csv import ArrowCsvReading
from translitnorm.io.common import (
    DEFAULT_BATCH_ROWS, DELIMITERS, QUOTED, STDIO, Batch, InputError, JsonNumber, ReadOptions, ReadStats, Rejected,
    _chunked, _short, detect_format, duplicate_columns_message, missing_column_message,
)
from translitnorm.io.csv_reading import MAX_FIELD_LINES, CsvReading
from translitnorm.io.sampling import sample_rows

_GZIP_MAGIC = b"\x1f\x8b"


class TableReader(CsvReading, ArrowCsvReading):
    """A table file opened for streaming. Use :func:`open_table`; iterate :meth:`batches` (again for a second pass)."""

    def __init__(self, path: str, fmt: str, *, encoding: str = "utf-8", on_error: str = "raise",
                 batch_rows: int = DEFAULT_BATCH_ROWS, max_errors: int | None = None,
                 max_field_lines: int = MAX_FIELD_LINES, options: ReadOptions | None = None):
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
        self.options = options or ReadOptions()
        self.name_columns: list[str] = []  # the columns asked for with require(): names, checked for NUL bytes
        if max_errors is not None and max_errors < 0:
            raise InputError(f"--max-errors must be 0 or more, not {max_errors}")
        self.max_errors, self.max_field_lines = max_errors, max_field_lines
        self.stats = ReadStats()
        self._spill: str | None = None
        self._arrow_refused = False  # a pass found pyarrow cannot read this file as csv does
        self._sampled: list[Batch] | None = None  # the sample's rows, once drawn
        try:
            if path == STDIO:  # read stdin once into a temporary file, so it can be read twice
                descriptor, self._spill = temp_file("stdin")
                with os.fdopen(descriptor, "wb") as handle:
                    shutil.copyfileobj(sys.stdin.buffer, handle, 1 << 20)
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
        """Raise the column-not-found error (with the columns present) unless ``column`` is there
        (in JSON Lines: a key of any object, not only of the first)."""
        if column not in self.columns and not (self.format == "jsonl" and self._jsonl_has_key(column)):
            raise InputError(f"{self.name}: {missing_column_message(column, self.columns)}")
        self._refuse_non_text(column)
        if column not in self.name_columns:
            self.name_columns.append(column)

    def _refuse_non_text(self, column: str) -> None:
        """Refuse a Parquet name column that does not hold text: its values would be resolved from
        their Python form (``b'Bakiev'``, ``12``). Binary data is decoded when an encoding is given."""
        schema = self.arrow_schema()
        if schema is None:
            return
        type_ = schema.field(column).type
        if pa.types.is_dictionary(type_):
            type_ = type_.value_type
        if pa.types.is_string(type_) or pa.types.is_large_string(type_) or pa.types.is_null(type_):
            return
        binary = _is_binary(type_)
        if binary and self.options.binary_encoding:
            return
        hint = " (bytes: pass --binary-encoding utf-8, or the encoding they are in, to read them as text)" if binary else ""
        raise InputError(f"{self.name}: column '{column}' holds {type_}, not text{hint}; names must be a string column")

    def _jsonl_has_key(self, key: str) -> bool:
        with self._text() as (text, _):
            for line in text:
                if line.strip():
                    with contextlib.suppress(ValueError, RecursionError):
                        value = json.loads(line)
                        if isinstance(value, dict) and key in value:
                            return True
        return False

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
                    for _ in range(self.options.skip_lines):
                        text.readline()
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
        except UnicodeError:  # bytes not valid in the encoding, or no byte order mark where it needs one
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
                except UnicodeError:  # utf-16 and utf-32 read the byte order from a mark the text must start with
                    return self._no_byte_order_mark(chunk)
                if not chunk:
                    break
                consumed += len(chunk)
                newlines += chunk.count(b"\n")
        return f"{self.name}: text is not valid {self.encoding}; pass --encoding with the file's encoding"

    def _no_byte_order_mark(self, start: bytes) -> str:
        """The error for UTF-16/32 text without a byte order mark: the byte order it seems to have first."""
        name = codecs.lookup(self.encoding).name  # 'utf-16' or 'utf-32'
        width = 4 if "32" in name else 2
        little = len(start) >= width and start[0] != 0 and start[width - 1] == 0
        orders = ("le", "be") if little or not start or start[0] != 0 else ("be", "le")
        return (f"{self.name}: byte offset 0: the text does not start with a byte order mark, which {name} needs "
                f"to tell the byte order; pass --encoding {name}-{orders[0]} (or {name}-{orders[1]})")

    # -- columns --------------------------------------------------------------------

    def _read_columns(self) -> list[str]:
        if self.format == "parquet":
            with self._parquet() as parquet:
                return list(parquet.schema_arrow.names)
        if self.format == "txt":
            return ["name"]
        with self._text() as (text, _):
            if self.format == "jsonl":
                for number, line in enumerate(text, 1 + self.options.skip_lines):
                    if line.strip():
                        value = self._json_object(line, number)  # a line that is not an object: malformed
                        if value is not None:
                            return list(value.keys())
                if self.stats.skipped_count:
                    raise InputError(f"{self.name}: no line is a JSON object; each line must be one")
                raise InputError(f"{self.name}: the file is empty; one JSON object per line is needed")
            reader = csv.reader(text, **self._dialect())
            try:
                header = next(reader)
            except StopIteration:
                raise InputError(f"{self.name}: the file is empty; a header line with column names is needed") from None
            except csv.Error as exc:
                raise InputError(f"{self.name}: line 1: the header is malformed ({exc})") from None
            if not self.options.header:
                return ReadOptions.column_names(len(header))
            first = 1 + self.options.skip_lines
            if not any(header):
                raise InputError(f"{self.name}: line {first}: the header is empty; the first line must name the columns")
            duplicate = duplicate_columns_message(header)
            if duplicate:
                raise InputError(f"{self.name}: line {first}: {duplicate}")
            return header

    def _dialect(self) -> dict:
        delimiter = self.options.delimiter or DELIMITERS.get(self.format, ",")
        if self.format in QUOTED:
            return {"delimiter": delimiter, "quotechar": self.options.quotechar, "strict": True}
        # plain TSV: quotes are text (the csv module still splits lines and tells a NUL byte)
        return {"delimiter": delimiter, "quoting": csv.QUOTE_NONE, "quotechar": None, "strict": True}

    def _json_object(self, line: str, number: int, strict: bool = False) -> dict | None:
        try:
            value = json.loads(line, parse_float=JsonNumber)
        except (ValueError, RecursionError) as exc:
            problem = f"not valid JSON ({exc})"
        else:
            if isinstance(value, dict):
                return value
            problem = f"a JSON {type(value).__name__}, not an object"
        if strict or self.on_error == "raise":
            raise InputError(f"{self.name}: line {number}: {problem}; each line must be one JSON object"
                             + ("" if strict else " (or pass --on-error skip)"))
        self._skip(number, problem, line)
        return None

    def _skip(self, line: int, problem: str, text: str) -> None:
        """Count a malformed record (``text``, from ``line``) as skipped; fail once there are more
        than ``max_errors``."""
        self.stats.skip(line, problem, text)
        if self.max_errors is not None and self.stats.skipped_count > self.max_errors:
            shown = ", ".join(str(skipped.line) for skipped in self.stats.skipped[:10])
            raise InputError(f"{self.name}: more than {self.max_errors:,} malformed records (line {shown}"
                             f"{' …' if self.stats.skipped_count > 10 else ''}; the first: {self.stats.skipped[0].problem}); "
                             f"fix the file, or allow more with --max-errors")

    # -- batches --------------------------------------------------------------------

    def batches(self, progress=None, *, arrow: bool = False, rejected: Rejected | None = None) -> Iterator[Batch]:
        """Yield the rows in batches of about ``batch_rows``; ``progress(bytes_read)`` is called per batch.

        ``rejected(line, problem, text)`` is called for each malformed record skipped
        (``on_error='skip'``), with its text as read (one line of a record over several: reading
        resumes at the next).

        ``arrow=True`` lets a CSV/TSV file come as pyarrow batches of text columns (``Batch.arrow``)
        as long as pyarrow reads it exactly as the csv module does; the rest of the file then comes
        as lists (``Batch.rows``), so the caller must take both. The rows are the same either way.
        """
        if self.options.sample is not None:
            yield from self._sample(progress, rejected)
            return
        self.stats = ReadStats(on_skip=rejected)
        batches = self._all_batches(progress, arrow=arrow)
        if self.options.limit is None:
            yield from batches
            return
        left = self.options.limit
        with contextlib.closing(batches):
            for batch in batches:
                if len(batch) >= left:
                    self.stats.rows -= len(batch) - left
                    if left:
                        yield batch.head(left)
                    return
                left -= len(batch)
                yield batch

    def _sample(self, progress, rejected: Rejected | None) -> Iterator[Batch]:
        """The batches of the sample (``ReadOptions.sample``), drawn in one pass at the first call and
        kept: a second pass (clean writing what it counted) gets the same rows without a second read."""
        if self._sampled is None:
            self.stats = ReadStats(on_skip=rejected)
            seed = self.options.seed if self.options.seed is not None else random.SystemRandom().randrange(1 << 32)
            # read by the csv module (not pyarrow): the batches of a file are then of one kind
            self._sampled = sample_rows(self._all_batches(progress, arrow=False), self.options.sample, seed)
            self.stats.sampled_from, self.stats.seed = self.stats.rows, seed
            self.stats.rows = sum(map(len, self._sampled))
        yield from self._sampled

    def _all_batches(self, progress, *, arrow: bool) -> Iterator[Batch]:
        if self.format == "parquet":
            yield from self._parquet_batches(progress)
            return
        if arrow and self._arrow_may_read():
            yield from self._arrow_csv_batches(progress)
            return
        with self._text() as (text, raw):
            if self.format == "jsonl":
                for pairs in _chunked(self._jsonl_rows(text), self.batch_rows):
                    rows, lines = map(list, zip(*pairs))
                    self.stats.rows += len(rows)
                    yield Batch(self.columns, rows, lines=lines)
                    if progress:
                        progress(raw.tell())
                return
            elif self.format == "txt":
                chunks = ((rows, None) for rows in _chunked(([line.rstrip("\r\n")] for line in text), self.batch_rows))
            else:
                chunks = self._csv_chunks(text)
            for rows, quoted_empty in chunks:
                self.stats.rows += len(rows)
                yield Batch(self.columns, rows, quoted_empty=quoted_empty)
                if progress:
                    progress(raw.tell())

    def _parquet_batches(self, progress) -> Iterator[Batch]:
        with self._parquet() as parquet:
            schema = parquet.schema_arrow
            binary = [column for column in self.name_columns if _is_binary(_value_type(schema.field(column).type))]
            done = 0
            for group in range(parquet.num_row_groups):  # a group at a time, so that an error can name it
                in_group = 0
                for record_batch in parquet.iter_batches(batch_size=self.batch_rows, row_groups=[group]):
                    decoded = {column: self._decoded(record_batch.column(schema.get_field_index(column)), column,
                                                     group, in_group, done) for column in binary}
                    self.stats.rows += record_batch.num_rows
                    done += record_batch.num_rows
                    in_group += record_batch.num_rows
                    yield Batch(self.columns, arrow=record_batch, decoded=decoded or None)
                    if progress:
                        progress(done)

    def _decoded(self, array: pa.Array, column: str, group: int, in_group: int, before: int) -> pa.Array:
        """A binary column's values as text in ``binary_encoding``; an error names the row that is not."""
        encoding = self.options.binary_encoding
        if pa.types.is_dictionary(array.type):
            array = array.dictionary_decode()
        if codecs.lookup(encoding).name == "utf-8" and not pa.types.is_fixed_size_binary(array.type):
            with contextlib.suppress(pa.ArrowInvalid):  # checked by pyarrow, without a Python object per value
                return array.cast(pa.large_string() if pa.types.is_large_binary(array.type) else pa.string())
        texts = []
        for position, value in enumerate(array.to_pylist()):
            try:
                texts.append(None if value is None else value.decode(encoding))
            except UnicodeDecodeError as exc:
                bad = value[exc.start:exc.end].hex(" ")
                raise InputError(f"{self.name}: row {before + position + 1:,} (row group {group}, its row {in_group + position}, "
                                 f"counting from 0): column '{column}': bytes {bad} at offset {exc.start} are not valid "
                                 f"{encoding}; pass the encoding of the column's text with --binary-encoding "
                                 f"(e.g. cp1251, latin-1)") from None
        return pa.array(texts, type=pa.string())

    def _jsonl_rows(self, text: IO[str]) -> Iterator[tuple[dict, str]]:
        """(object, its line as read) for each line that is one."""
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
            yield value, line


def _value_type(type_: pa.DataType) -> pa.DataType:
    return type_.value_type if pa.types.is_dictionary(type_) else type_


def _is_binary(type_: pa.DataType) -> bool:
    return pa.types.is_binary(type_) or pa.types.is_large_binary(type_) or pa.types.is_fixed_size_binary(type_)


def open_table(path: str | os.PathLike, fmt: str | None = None, *, encoding: str = "utf-8",
               on_error: str = "raise", batch_rows: int = DEFAULT_BATCH_ROWS, max_errors: int | None = None,
               max_field_lines: int = MAX_FIELD_LINES, options: ReadOptions | None = None) -> TableReader:
    """Open a CSV/TSV/JSON Lines/Parquet/text file (or ``-`` for stdin) for streaming in batches.

    ``on_error='skip'`` skips malformed records (counted in ``stats``), and ``max_errors`` makes
    more than that many an error. A quoted field over more than ``max_field_lines`` lines is
    malformed (0: no bound; see :data:`~translitnorm.io.csv_reading.MAX_FIELD_LINES`).

    >>> with open_table("data.csv.gz", encoding="latin-1") as table:   # doctest: +SKIP
    ...     table.require("name")
    ...     total = sum(len(batch) for batch in table.batches())
    """
    path = str(path)
    if path != STDIO and not Path(path).exists():
        raise InputError(f"{path}: no such file")
    if path != STDIO and Path(path).is_dir():
        raise InputError(f"{path}: is a directory; give a file")
    return TableReader(path, detect_format(path, fmt), encoding=encoding, on_error=on_error, batch_rows=batch_rows,
                       max_errors=max_errors, max_field_lines=max_field_lines, options=options)



def count_values(path: str | os.PathLike, column: str | None = None, fmt: str | None = None, *,
                 encoding: str = "utf-8", on_error: str = "raise",
                 options: ReadOptions | None = None) -> "Counter[str | None]":
    """How often each value of ``column`` occurs (a ``.txt`` file: one name a line, no column needed).

    >>> count_values("names.txt").most_common(1)                 # doctest: +SKIP
    [('Bakiev', 3)]
    """
    counts: Counter = Counter()
    with open_table(path, fmt, encoding=encoding, on_error=on_error, options=options) as table:
        column = table.columns[0] if table.format == "txt" else (column or "name")
        table.require(column)
        for batch in table.batches():
            counts.update(batch.values(column))
    return counts

