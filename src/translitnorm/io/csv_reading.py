"""The careful CSV/TSV path: the csv module, row by row, every problem reported with its line."""

from __future__ import annotations

import collections
import csv
import functools
import itertools
import operator
import re
import sys
from typing import IO, Iterator

from translitnorm.io.common import QUOTED, InputError, _chunked

# csv's default field limit (128 KiB) is hit first by an unterminated quote; allow
# long fields, and report an unterminated quote as such.
csv.field_size_limit(16 * 1024 * 1024)


#: A quoted field may run over at most this many lines. A stray quote opens a field that only a
#: later quote closes, swallowing every line between (and a well-formed record of the right width
#: can come out of it): past this bound the record counts as malformed and reading resumes at the
#: line after its first. Names, and the notes or addresses beside them, stay far below it; a file
#: with longer fields can raise it (``max_field_lines``, ``--max-field-lines``).
MAX_FIELD_LINES = 1000


class _FieldTooLong(Exception):
    """A record ran over more lines than a quoted field may have."""


class _RecordLines:
    """A text's lines for ``csv.reader``, kept from the start of the current record, so that after a
    malformed record reading can resume at the line after its first (and the lines can be rejected
    as they were). Each line is handed out once more at most, so reading stays linear."""

    def __init__(self, text: IO[str], max_lines: int):
        self._source = iter(text)
        self._again: list[str] = []  # lines to hand out again, the next one last
        self._max_lines = max_lines or sys.maxsize
        self.record: list[str] = []  # the lines of the record being read
        self.line = 0  # the number of the last line handed out

    def __iter__(self) -> "_RecordLines":
        return self

    def __next__(self) -> str:
        if len(self.record) >= self._max_lines:
            raise _FieldTooLong
        line = self._again.pop() if self._again else next(self._source)
        self.record.append(line)
        self.line += 1
        return line

    def next_record(self) -> int:
        """Start a record; returns its first line's number."""
        self.record = []
        return self.line + 1

    def resume_after_first_line(self) -> None:
        """Read the lines of the record after its first again, as records of their own."""
        rest = self.record[1:]
        self._again.extend(reversed(rest))
        self.line -= len(rest)
        self.record = self.record[:1]


class _LineBlocks:
    """The lines of a text for ``csv.reader``, read a block at a time (so the reader takes them at
    C speed) and kept until released, so that the text of the rows just read can be looked at."""

    _BLOCK_CHARS = 1 << 20

    def __init__(self, text: IO[str]):
        self._text = text
        self._kept: collections.deque[tuple[int, list[str]]] = collections.deque()  # (number of the first line, lines)
        self._read = 0  # lines read so far
        self.lines: Iterator[str] = itertools.chain.from_iterable(self._blocks())

    def _blocks(self) -> Iterator[list[str]]:
        while True:
            block = self._text.readlines(self._BLOCK_CHARS)
            if not block:
                return
            self._kept.append((self._read, block))
            self._read += len(block)
            yield block

    def between(self, start: int, end: int) -> list[str]:
        """Lines ``start`` to ``end`` (counted from 0, ``end`` not included), as read."""
        lines: list[str] = []
        for first, block in self._kept:
            if first >= end:
                break
            if first + len(block) > start:
                lines.extend(block[max(0, start - first):end - first])
        return lines

    def release(self, end: int) -> None:
        """Forget the lines before ``end``."""
        while self._kept and self._kept[0][0] + len(self._kept[0][1]) <= end:
            self._kept.popleft()


@functools.lru_cache(maxsize=16)
def _field_pattern(delimiter: str, quotechar: str) -> re.Pattern:
    q, d = re.escape(quotechar), re.escape(delimiter)
    return re.compile(f"{q}(?P<quoted>[^{q}]*(?:{q}{q}[^{q}]*)*){q}|[^{d}\r\n]*")


def quoted_empty_fields(record: str, delimiter: str = ",", quotechar: str = '"') -> list[int]:
    """The positions of the fields of a well-formed CSV record (as the csv module read it) that are
    a quoted empty field, ``""``: the csv module gives them as ``''``, like an empty field.

    >>> quoted_empty_fields('1,"",,"a, b",""\\r\\n')
    [1, 4]
    """
    pattern, positions, start, position = _field_pattern(delimiter, quotechar), [], 0, 0
    while True:
        field = pattern.match(record, start)
        if field.group("quoted") == "":
            positions.append(position)
        start = field.end()
        if not record.startswith(delimiter, start):
            return positions
        start += len(delimiter)
        position += 1


class CsvReading:
    """The csv-module reading of :class:`~translitnorm.io.reader.TableReader` (a part of it)."""

    def _csv_chunks(self, text: IO[str], skip_rows: int = 0) -> Iterator[tuple[list[list[str]], list | None]]:
        """(rows, their quoted empty cells) in batches, read in bulk while every row is well-formed;
        ``skip_rows``: rows to pass over first (read by pyarrow already; all well-formed).

        At the first batch with a problem (a row of another width, a field over more lines than
        :data:`MAX_FIELD_LINES`), reading starts over carefully, row by row with line numbers,
        after the rows already handed out (only a file with a problem pays).
        """
        blocks = _LineBlocks(text) if self.format in QUOTED else None  # only quoted formats have ""
        reader = csv.reader(text if blocks is None else blocks.lines, **self._dialect())
        width = len(self.columns)
        done = 0
        try:
            if self.options.header:
                next(reader)
            if skip_rows:  # the rows the careful reading yields: a blank line only in a one-column file
                collections.deque(itertools.islice(reader if width == 1 else filter(None, reader), skip_rows), 0)
                done = skip_rows
                if blocks is not None:
                    blocks.release(reader.line_num)
            while True:
                lines_before = reader.line_num
                rows = list(itertools.islice(reader, self.batch_rows))
                if not rows:
                    return
                if set(map(len, rows)) != {width} or self._nul_name(rows) is not None:
                    break
                if reader.line_num - lines_before > len(rows) and self._field_too_long(rows):
                    break
                cells = None
                if blocks is not None:
                    cells = self._quoted_empty_cells(rows, blocks.between(lines_before, reader.line_num))
                    blocks.release(reader.line_num)
                done += len(rows)
                yield rows, cells
        except (StopIteration, csv.Error):
            pass
        with self._text() as (again, _):
            yield from self._careful_chunks(again, done)

    def _quoted_empty_cells(self, rows: list[list[str]], lines: list[str]) -> list[tuple[int, int]] | None:
        """The quoted empty cells of ``rows`` (well-formed, of the same width), read from ``lines``."""
        quotes = self.options.quotechar * 2
        if not any(map(operator.contains, rows, itertools.repeat(""))) or quotes not in "".join(lines):
            return None
        if len(lines) == len(rows):
            records = lines
        else:  # a field over several lines: the lines of each row
            reader, records, start = csv.reader(lines, **self._dialect()), [], 0
            for _ in reader:
                records.append("".join(lines[start:reader.line_num]))
                start = reader.line_num
        delimiter = self._dialect()["delimiter"]
        cells = [(position, field) for position, (row, record) in enumerate(zip(rows, records))
                 if quotes in record and "" in row
                 for field in quoted_empty_fields(record, delimiter, self.options.quotechar)]
        return cells or None

    def _careful_chunks(self, text: IO[str], skip_rows: int) -> Iterator[tuple[list[list[str]], list | None]]:
        """(rows, their quoted empty cells) in batches, read carefully (:meth:`_csv_rows`), after ``skip_rows``."""
        marks: collections.deque[tuple[int, list[int]]] = collections.deque()
        rows = self._csv_rows(text, marks)
        collections.deque(itertools.islice(rows, skip_rows), 0)
        position = skip_rows
        for chunk in _chunked(rows, self.batch_rows):
            end, cells = position + len(chunk), []
            while marks and marks[0][0] < end:
                row, fields = marks.popleft()
                if row >= position:
                    cells.extend((row - position, field) for field in fields)
            position = end
            yield chunk, cells or None

    def _field_too_long(self, rows: list[list[str]]) -> bool:
        """Whether a row has a field over more lines than allowed (only looked for in a batch whose
        rows took more lines than there are rows)."""
        limit = self.max_field_lines
        return bool(limit) and any(field.count("\n") + field.count("\r") - field.count("\r\n") >= limit
                                   for row in rows for field in row if len(field) >= limit)

    def _csv_rows(self, text: IO[str], marks: collections.deque | None = None) -> Iterator[list[str]]:
        """Rows one by one, checked, with the line number of each problem; ``marks`` gets
        (the row's position among those yielded, its quoted empty fields) for rows that have any.

        A malformed record is skipped (``on_error='skip'``) from its first line only: reading
        resumes at the next line, so an unterminated quote costs one line, not the rest of the file.
        """
        quotes = self.options.quotechar * 2 if self.format in QUOTED and marks is not None else None
        delimiter = self._dialect()["delimiter"]
        yielded = 0
        lines = _RecordLines(text, self.max_field_lines)
        lines.line = self.options.skip_lines  # lines the text passed over: numbers stay the file's
        reader = csv.reader(lines, **self._dialect())
        width = len(self.columns)
        try:
            lines.next_record()
            if self.options.header:
                next(reader)
        except (StopIteration, csv.Error, _FieldTooLong):
            return
        while True:
            start = lines.next_record()
            try:
                row = next(reader)
            except StopIteration:
                return
            except (csv.Error, _FieldTooLong) as exc:
                problem = self._csv_problem(exc, lines.line)
            else:
                nul = self._nul_name([row]) if len(row) == width else None
                if len(row) == width and nul is None:
                    if quotes is not None and "" in row:
                        record = "".join(lines.record)
                        if quotes in record:
                            marks.append((yielded, quoted_empty_fields(record, delimiter, self.options.quotechar)))
                    yielded += 1
                    yield row
                    continue
                if nul is not None:
                    problem = f"a NUL byte in the field of column '{nul}' (binary data?)"
                elif not row:  # a blank line: an empty value of a one-column file, else nothing
                    if width == 1:
                        yielded += 1
                        yield [""]
                    continue
                else:
                    problem = f"{len(row)} fields, expected {width} ({', '.join(self.columns)})"
                    if lines.line > start:
                        problem += f"; a quoted field runs over lines {start}–{lines.line}"
            if self.on_error != "skip":
                raise InputError(f"{self.name}: line {start}: {problem}; fix the line or pass --on-error skip")
            lines.resume_after_first_line()
            self._skip(start, problem, lines.record[0] if lines.record else "")

    def _nul_name(self, rows: list[list[str]]) -> str | None:
        """The first name column (one asked for with ``require``) holding a NUL byte in ``rows``, else None:
        the csv module accepts NUL since Python 3.11, but no name has one, and other columns pass as they are."""
        for column in self.name_columns:  # rows of the file's width: the column's text joined, searched at C speed
            if "\0" in "".join(map(operator.itemgetter(self.columns.index(column)), rows)):
                return column
        return None

    def _csv_problem(self, error: Exception, end: int) -> str:
        message = str(error)
        if isinstance(error, _FieldTooLong):
            return (f"a quoted field opened here runs over more than {self.max_field_lines:,} lines (a stray quote?); "
                    f"if the file really has such fields, pass --max-field-lines")
        if "unexpected end of data" in message or "field larger than field limit" in message:
            return f"unterminated quote: the quoted field opened here runs to line {end}"
        if "NUL" in message or "NULL byte" in message:
            return "the line contains a NUL byte (binary data?)"
        return f"malformed CSV ({message})"
