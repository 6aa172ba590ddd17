"""The careful CSV/TSV path: the csv module, row by row, every problem reported with its line."""

from __future__ import annotations

import csv
import itertools
from typing import IO, Iterator

from translitnorm.io.common import InputError, _chunked

# csv's default field limit (128 KiB) is hit first by an unterminated quote; allow
# long fields, and report an unterminated quote as such.
csv.field_size_limit(16 * 1024 * 1024)


class CsvReading:
    """The csv-module reading of :class:`~translitnorm.io.reader.TableReader` (a part of it)."""

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

