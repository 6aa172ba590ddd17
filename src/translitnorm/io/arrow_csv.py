"""The pyarrow fast path for CSV/TSV: reading as far as pyarrow reads a file exactly as the csv
module does (:class:`_PlainCsvStream` decides), and writing text columns without a Python object per row."""

from __future__ import annotations

import codecs
import io
import re
import struct
import threading
from dataclasses import dataclass
from typing import IO, Any, Iterator, Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from translitnorm.io.common import DELIMITERS, QUOTED, Batch, Lookup, _none_as_empty, _score_text

# pyarrow parses CSV in blocks of this many bytes: large enough to be fast, small enough that
# memory does not grow with the file (a row longer than a block sends the file to the csv module)
ARROW_BLOCK_BYTES = 4 << 20


class ArrowCsvReading:
    """The pyarrow reading of :class:`~translitnorm.io.reader.TableReader` (a part of it)."""

    def _arrow_may_read(self) -> bool:
        """Whether to try pyarrow's CSV reader: text in UTF-8, distinct column names, and no earlier
        pass over this file that had to leave it."""
        options = self.options  # pyarrow reads a header line, with '"' quotes and the format's delimiter
        return (self.format in DELIMITERS and codecs.lookup(self.encoding).name == "utf-8"
                and len(set(self.columns)) == len(self.columns) and not self._arrow_refused
                and options.header and options.quotechar == '"' and not options.skip_lines
                and options.delimiter in (None, DELIMITERS[self.format]))

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
            # in bulk, as a file read by the csv module from the start: a quote inside an unquoted
            # field, or a NUL byte in a column that is not a name, does not make the rest slow
            for chunk, quoted_empty in self._csv_chunks(text, skip_rows=done):
                self.stats.rows += len(chunk)
                yield Batch(self.columns, chunk, quoted_empty=quoted_empty)
                if progress:
                    progress(raw.tell())

    def _nul_in_names(self, record_batch: pa.RecordBatch) -> bool:
        """Whether a name column (one asked for with ``require``) of the batch holds a NUL byte."""
        return any(pc.any(pc.match_substring(record_batch.column(self.columns.index(column)), "\x00")).as_py()
                   for column in self.name_columns)

    def _arrow_csv_prefix(self, stream: IO[bytes], raw: IO[bytes], progress):
        """Yield pyarrow's batches of ``stream`` while it reads it as csv does; return (rows yielded, whole file read)."""
        plain = _PlainCsvStream(stream, DELIMITERS[self.format], self.max_field_lines, quoted=self.format in QUOTED)
        reader, done = None, 0
        try:
            reader = self._arrow_csv_reader(plain)
            while reader is not None:
                try:
                    record_batch = reader.read_next_batch()
                except StopIteration:
                    return done, plain.stopped_at is None
                # a NUL byte in a name is a malformed line, which the csv module reports; the name columns
                # are searched only once the bytes had one (a search of each batch cost 0.15 s per million rows)
                if plain.nul_bytes and self._nul_in_names(record_batch):
                    return done, False
                record_batch, cells = self._empty_fields(record_batch, plain.doubled_quotes)
                for start in range(0, record_batch.num_rows, self.batch_rows):
                    part = record_batch.slice(start, self.batch_rows)
                    self.stats.rows += part.num_rows
                    done += part.num_rows
                    quoted_empty = [(row - start, column) for row, column in cells
                                    if start <= row < start + part.num_rows] if cells else None
                    yield Batch(self.columns, arrow=part, quoted_empty=quoted_empty or None)
                if progress:
                    progress(raw.tell())
        except Exception:  # noqa: BLE001 - a row of the wrong width, broken gzip data, …: csv tells which
            pass
        finally:
            plain.close()  # first, so pyarrow's read-ahead thread finds the end and stops
            if reader is not None:
                reader.close()
        return done, False

    def _empty_fields(self, record_batch: pa.RecordBatch, doubled_quotes: bool
                      ) -> tuple[pa.RecordBatch, list[tuple[int, int]]]:
        """The batch with ``''`` for every empty field, and its quoted empty cells (row, column).

        pyarrow reads an empty field as null and a quoted empty field ``""`` as ``''`` (see
        :meth:`_arrow_csv_reader`); only a file with a doubled quote somewhere before can have
        the second, so only then are the columns searched for it."""
        cells: list[tuple[int, int]] = []
        if self.format not in QUOTED:
            return record_batch, cells
        columns = list(record_batch.columns)
        for position, column in enumerate(columns):
            if doubled_quotes:
                found = pc.indices_nonzero(pc.fill_null(pc.equal(column, ""), False)).to_pylist()
                cells.extend((row, position) for row in found)
            if column.null_count:
                columns[position] = pc.fill_null(column, "")
        cells.sort()
        return pa.RecordBatch.from_arrays(columns, schema=record_batch.schema), cells

    def _arrow_csv_reader(self, stream: "_PlainCsvStream") -> pa_csv.CSVStreamingReader | None:
        """pyarrow's streaming reader over ``stream``, every column as text; ``None`` if it reads the header
        differently from the csv module."""
        reader = pa_csv.open_csv(
            stream,
            read_options=pa_csv.ReadOptions(block_size=ARROW_BLOCK_BYTES, use_threads=False),
            parse_options=pa_csv.ParseOptions(
                delimiter=DELIMITERS[self.format], quote_char='"' if self.format in QUOTED else False,
                double_quote=True, escape_char=False, newlines_in_values=self.format in QUOTED,
                # csv yields a blank line as an empty row: a value "" of a one-column file, else nothing
                ignore_empty_lines=len(self.columns) != 1),
            # in quoted formats an empty field is read as null and "" as '', to tell them apart
            convert_options=pa_csv.ConvertOptions(
                column_types={column: pa.string() for column in self.columns},
                null_values=[""] if self.format in QUOTED else [], strings_can_be_null=self.format in QUOTED,
                quoted_strings_can_be_null=False, check_utf8=True))
        schema = reader.schema
        if schema.names != self.columns or any(not pa.types.is_string(type_) for type_ in schema.types):
            reader.close()
            return None
        return reader


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

    def __init__(self, source: IO[bytes], delimiter: str, max_field_lines: int = 0, *, quoted: bool = True):
        super().__init__()
        self._quoted = quoted  # False: plain TSV, where a quote is text and every line end ends a record
        self._max_field_lines = max_field_lines or None
        self._source = source
        d = re.escape(delimiter.encode())
        # a quoted field where a field starts (after a delimiter, a line end or the piece's start)
        # that ends where a field ends; possessive, so it reads the field exactly as csv does
        self._quoted_field = re.compile(rb'"(?<![^' + d + rb'\r\n]")[^"]*+(?:""[^"]*+)*+"(?=[' + d + rb'\r\n])')
        self._pending = b""  # read from the source, not yet checked
        self._ready = bytearray()  # checked, not yet handed on
        self._at_start, self._at_end = True, False
        self.stopped_at: str | None = None  # why the stream ended before the source did
        self.doubled_quotes = False  # whether a piece handed on held '""' (and so maybe a quoted empty field)
        self.nul_bytes = False  # whether a piece handed on held a NUL byte
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
            start = max(0, len(text) - len(data))
            cut = (_line_end_outside_quotes(text, start) if self._quoted
                   else max(text.rfind(b"\n", start), text.rfind(b"\r", start)) + 1)
            piece, self._pending = text[:cut], text[cut:]
            if len(self._pending) > self._LONGEST_PIECE:
                return self._stop("a row longer than pyarrow reads at once")
            if self._max_field_lines and _line_ends(self._pending) >= self._max_field_lines:
                return self._stop("a quoted field over more lines than allowed")
            problem = self._problem(piece, piece)
        else:
            self._at_end = True
            piece, self._pending = text, b""
            problem = self._problem(piece, piece + b"\n")  # the last field may end the file, as if a line ended
        if problem:
            return self._stop(problem)
        if self._quoted and not self.doubled_quotes and b'""' in piece:
            self.doubled_quotes = True
        if not self.nul_bytes and b"\0" in piece:
            self.nul_bytes = True
        self._ready += piece

    def _stop(self, problem: str) -> None:
        self.stopped_at, self._at_end, self._pending = problem, True, b""

    def _problem(self, piece: bytes, fields: bytes) -> str | None:
        if not piece.isascii():
            try:
                piece.decode("utf-8")
            except UnicodeDecodeError:
                return "not valid UTF-8"
        if b'"' in piece and self._quoted:
            outside = self._quoted_field.sub(b"", fields)
            if b'"' in outside:
                return "a quote outside a whole quoted field"
            # a field over too many lines is malformed: the csv module says so, with its line
            # (looked for field by field only when the quoted fields hold as many \n and \r bytes
            # together: a bound on their line ends that single-byte counts give fast)
            limit = self._max_field_lines
            if limit and len(fields) - len(outside) >= limit:
                inside = (fields.count(b"\n") - outside.count(b"\n")) + (fields.count(b"\r") - outside.count(b"\r"))
                if inside >= limit and any(_line_ends(quoted.group()) >= limit
                                           for quoted in self._quoted_field.finditer(fields)):
                    return "a quoted field over more lines than allowed"
        return None


def _line_ends(text: bytes) -> int:
    """Line ends in ``text`` (``\r\n`` is one), as the csv module counts lines."""
    return text.count(b"\n") + text.count(b"\r") - text.count(b"\r\n")


def _line_end_outside_quotes(text: bytes, start: int = 0) -> int:
    """The offset just after the last line end in ``text[start:]`` that is outside quoted fields (0 if none).

    Inside a quoted field exactly when an odd number of quotes came before: true of the text that
    :class:`_PlainCsvStream` lets through, and any other text fails its check anyway. ``start``:
    where to begin looking (text before it is known to have no such line end), so a long
    multi-line field is not searched again with every piece read. Linear in the text searched:
    each of the two line-end bytes is searched for afresh only once the last one found is passed.

    >>> _line_end_outside_quotes(b'a,"b\\nc"\\nd,"e\\nf')
    8
    """
    end, quotes = len(text), text.count(b'"')
    newline, carriage = text.rfind(b"\n", start, end), text.rfind(b"\r", start, end)
    while True:
        line_end = max(newline, carriage)
        if line_end < 0:
            return 0
        quotes -= text.count(b'"', line_end, end)
        if quotes % 2 == 0:
            return line_end + 1
        end = line_end
        if newline >= end:
            newline = text.rfind(b"\n", start, end)
        if carriage >= end:
            carriage = text.rfind(b"\r", start, end)



# -- writing ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _CsvLookup:
    """A :class:`Lookup` as CSV text, for one key column: ``keys``, and per added column the field
    text of each key's value, then the default's."""

    keys: pa.Array
    fields: list[pa.Array]



class ArrowCsvWriting:
    """The pyarrow CSV/TSV writing of :class:`~translitnorm.io.writer.TableWriter` (a part of it)."""

    def _write_csv_arrow(self, batch: Batch, keys: Sequence[str], lookup: Lookup) -> bool:
        """Write a batch of text columns as CSV/TSV with pyarrow; ``False`` (nothing written) where the
        batch or the lookup needs the csv module (see :func:`_csv_fields`)."""
        record_batch = batch.arrow
        if (self.format not in DELIMITERS or record_batch is None or not keys
                or not _plain_text_columns(record_batch)):
            return False
        delimiter, quoted = DELIMITERS[self.format], self.format in QUOTED
        try:
            fields = [_csv_fields(column, delimiter, quoted) for column in record_batch.columns]
            if any(field is None for field in fields):
                return False
            if quoted and batch.quoted_empty:
                _quote_empty_cells(fields, batch.quoted_empty)
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
            self._csv_lookups[(kinds, last)] = _csv_lookup(lookup, kinds, DELIMITERS[self.format], last,
                                                           self.format in QUOTED)
        return self._csv_lookups[(kinds, last)]


def _plain_text_columns(record_batch: pa.RecordBatch) -> bool:
    """Whether every column is text with no nulls, under distinct names (so pyarrow may write it)."""
    schema = record_batch.schema
    return (len(set(schema.names)) == len(schema.names)
            and all(pa.types.is_string(type_) for type_ in schema.types)
            and all(column.null_count == 0 for column in record_batch.columns))


def _csv_fields(values: pa.Array, delimiter: str, quoted: bool = True) -> pa.Array | None:
    """The values as csv.writer (QUOTE_MINIMAL) writes them: quoted, with ``""`` for a quote, when
    they hold the delimiter, a quote or a line feed; ``None`` if one holds a carriage return.
    Not ``quoted`` (plain TSV): the values themselves, ``None`` if one holds a tab or a line end.

    A row with a lone ``\r`` is written with every field quoted (see :meth:`TableWriter._write_csv`),
    a rare case left to the csv module.
    """
    text = _string_bytes(values).tobytes()
    if b"\r" in text:
        return None
    if not quoted:
        return None if b"\t" in text or b"\n" in text else values
    special = (delimiter.encode(), b'"', b"\n")
    if not any(character in text for character in special):
        return values
    quoted = pc.match_substring_regex(values, "[" + "".join(f"\\x{{{ord(c):x}}}" for c in (delimiter, '"', "\n")) + "]")
    escaped = pc.replace_substring(pc.filter(values, quoted), '"', '""')
    return pc.replace_with_mask(values, quoted, pc.binary_join_element_wise('"', escaped, '"', ""))


def _quote_empty_cells(fields: list[pa.Array], cells: Sequence[tuple[int, int]]) -> None:
    """Write ``""`` in the quoted empty ``cells`` (row, column) of the field texts ``fields``."""
    rows_of: dict[int, list[int]] = {}
    for row, column in cells:
        rows_of.setdefault(column, []).append(row)
    for column, rows in rows_of.items():
        mask = [False] * len(fields[column])
        for row in rows:
            mask[row] = True
        fields[column] = pc.if_else(pa.array(mask, type=pa.bool_()), '""', fields[column])


def _csv_lookup(lookup: Lookup, kinds: Sequence[str], delimiter: str, last: bool,
                quoted: bool = True) -> _CsvLookup | None:
    """The lookup's values as CSV field text (see :class:`_CsvLookup`); ``None`` if a key is not
    text or a value holds a carriage return."""
    if not all(isinstance(key, str) for key in lookup.values):
        return None
    entries = list(lookup.values.values()) + [lookup.default]
    fields = []
    for position, kind in enumerate(kinds):
        texts = [_score_text(entry[position]) if kind == "score" else _none_as_empty(entry[position])
                 for entry in entries]
        if any("\r" in text or (not quoted and ("\t" in text or "\n" in text)) for text in texts):
            return None
        if quoted:
            texts = [_csv_field(text, delimiter) for text in texts]
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


