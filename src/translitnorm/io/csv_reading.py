"""The careful CSV/TSV path: the csv module, row by row, every problem reported with its line."""

from __future__ import annotations

import csv
import itertools
import sys
from typing import IO, Iterator

from translitnorm.io.common import InputError, _chunked

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


class CsvReading:
    """The csv-module reading of :class:`~translitnorm.io.reader.TableReader` (a part of it)."""

    def _csv_chunks(self, text: IO[str]) -> Iterator[list[list[str]]]:
        """Lists of rows, read in bulk while every row is well-formed.

        At the first batch with a problem (a row of another width, a field over more lines than
        :data:`MAX_FIELD_LINES`), reading starts over carefully, row by row with line numbers,
        after the rows already handed out (only a file with a problem pays).
        """
        reader = csv.reader(text, **self._dialect())
        width = len(self.columns)
        done = 0
        try:
            if self.options.header:
                next(reader)
            while True:
                lines_before = reader.line_num
                rows = list(itertools.islice(reader, self.batch_rows))
                if not rows:
                    return
                if set(map(len, rows)) != {width} or self._nul_name(rows) is not None:
                    break
                if reader.line_num - lines_before > len(rows) and self._field_too_long(rows):
                    break
                done += len(rows)
                yield rows
        except (StopIteration, csv.Error):
            pass
        with self._text() as (again, _):
            yield from _chunked(itertools.islice(self._csv_rows(again), done, None), self.batch_rows)

    def _field_too_long(self, rows: list[list[str]]) -> bool:
        """Whether a row has a field over more lines than allowed (only looked for in a batch whose
        rows took more lines than there are rows)."""
        limit = self.max_field_lines
        return bool(limit) and any(field.count("\n") + field.count("\r") - field.count("\r\n") >= limit
                                   for row in rows for field in row if len(field) >= limit)

    def _csv_rows(self, text: IO[str]) -> Iterator[list[str]]:
        """Rows one by one, checked, with the line number of each problem.

        A malformed record is skipped (``on_error='skip'``) from its first line only: reading
        resumes at the next line, so an unterminated quote costs one line, not the rest of the file.
        """
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
                    yield row
                    continue
                if nul is not None:
                    problem = f"a NUL byte in the field of column '{nul}' (binary data?)"
                elif not row:  # a blank line: an empty value of a one-column file, else nothing
                    if width == 1:
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
        for column in self.name_columns:
            position = self.columns.index(column)
            if any("\0" in row[position] for row in rows if len(row) > position):
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
