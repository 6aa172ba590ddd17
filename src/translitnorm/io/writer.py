"""Writing a table: the input's rows and columns, in order, with added columns, in any format."""

from __future__ import annotations

import contextlib
import csv
import errno
import gzip
import io
import itertools
import json
import os
import sys
from typing import IO, Any, Collection, Iterator, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from translitnorm.files import atomic_writer
from translitnorm.io.arrow_csv import ArrowCsvWriting, _CsvLookup
from translitnorm.io.common import (
    DELIMITERS, FORMATS, QUOTED, STDIO, AddedColumn, Batch, InputError, Lookup, _cell_text, _none_as_empty, _score_text,
)

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

    Written with :func:`translitnorm.files.atomic_writer`: a failure (or SIGTERM, Ctrl-C)
    leaves an existing file untouched; new files follow the umask; a device or FIFO is
    written to, a symlink's target replaced. ``-`` is stdout (not atomic). A ``.gz`` path is
    gzip-compressed.

    >>> with atomic_output("out/clean.csv") as stream:          # doctest: +SKIP
    ...     stream.write(b"name\\n")
    """
    name = str(path)
    if name == STDIO:
        yield _WholeWrites(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    with atomic_writer(name) as raw:
        if name.lower().endswith(".gz"):
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as compressed:
                yield compressed
        else:
            yield raw


class TableWriter(ArrowCsvWriting):
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
        if fmt in DELIMITERS:
            self._text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=False)
            if fmt in QUOTED:
                self._csv = csv.writer(self._text, delimiter=DELIMITERS[fmt], lineterminator="\n")
            else:  # plain TSV: no quoting; a value with a tab or a line end cannot be written
                self._csv = csv.writer(self._text, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE,
                                       quotechar=None)
            self._write_rows([self.columns + [column.name for column in self.added]])
        elif fmt == "jsonl":
            self._text = io.TextIOWrapper(stream, encoding="utf-8", newline="\n", write_through=False)
        self._csv_lookups: dict[tuple, _CsvLookup | None] = {}
        self._csv_lookup_of: Lookup | None = None

    def write(self, batch: Batch, added_values: Sequence[Sequence[Any]]) -> None:
        """Write ``batch`` with ``added_values[i]`` (one list per added column, a value per row)."""
        if self.format in DELIMITERS:
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

    def _write_csv(self, batch: Batch, added_values) -> None:
        texts = [list(map(_score_text if column.kind == "score" else _none_as_empty, values))
                 for column, values in zip(self.added, added_values)]
        records = batch.records()
        if batch.arrow is not None or (batch.rows and isinstance(batch.rows[0], dict)):
            records = [[_cell_text(value) for value in record] for record in records]
        # map() over C functions: this loop runs once per row of the file
        rows = list(map(list.__add__, records, map(list, zip(*texts)))) if texts else records
        self._write_rows(rows, batch.quoted_empty)

    def _write_rows(self, rows: list[list[str]], quoted_empty: Sequence[tuple[int, int]] | None = None) -> None:
        try:
            quoted = self.format in QUOTED
            if quoted and (quoted_empty or "\r" in "".join(map("".join, rows))):
                # rows csv.writer cannot write as they must be: it writes a quoted empty field as an empty
                # one, and does not quote a field with a lone \r (which readers take for a line end)
                empty_in: dict[int, set[int]] = {}
                for row, column in quoted_empty or ():
                    empty_in.setdefault(row, set()).add(column)
                for position, row in enumerate(rows):
                    if position in empty_in or "\r" in "".join(row):
                        self._text.write(self._csv_line(row, empty_in.get(position, ())))
                    else:
                        self._csv.writerow(row)
            else:
                self._csv.writerows(rows)
        except csv.Error:
            if self.format in QUOTED:
                raise
            names = self.columns + [column.name for column in self.added]
            column = next((name for row in rows for name, value in zip(names, row)
                           if any(character in value for character in "\t\n\r")), "?")
            raise InputError(f"a value of column '{column}' holds a tab or a line end, which TSV cannot hold "
                             f"(it has no quoting); write CSV (-o FILE.csv) or pass --output-format quoted-tsv") from None

    def _csv_line(self, row: Sequence[str], quoted_empty: Collection[int]) -> str:
        """A row as a CSV line: each field as csv.writer (minimal quoting) writes it, and quoted also
        when it holds a \r; ``""`` for the fields at ``quoted_empty``."""
        delimiter = DELIMITERS[self.format]
        special = (delimiter, '"', "\n", "\r")
        return delimiter.join(
            '""' if position in quoted_empty
            else '"' + value.replace('"', '""') + '"' if any(character in value for character in special)
            else value for position, value in enumerate(row)) + "\n"

    def _write_jsonl(self, batch: Batch, added_values) -> None:
        names = [column.name for column in self.added]
        scores = [column.kind == "score" for column in self.added]
        added = [[(round(value, 4) if value is not None else None) if is_score else value for value in values]
                 for values, is_score in zip(added_values, scores)]
        if batch.lines is not None:  # JSON Lines in: each line as read, the added keys before its last brace
            keys = [json.dumps(name, ensure_ascii=False) + ": " for name in names]
            lines = [_with_keys(line, keys, row) for line, row in zip(batch.lines, zip(*added) if added else
                                                                         itertools.repeat((), len(batch)))]
        else:
            if batch.rows is not None and batch.rows and isinstance(batch.rows[0], dict):
                objects = batch.rows
            else:
                objects = [dict(zip(batch.columns, record)) for record in batch.records()]
            lines = []
            for position, obj in enumerate(objects):
                out = dict(obj)
                for name, values in zip(names, added):
                    out[name] = values[position]
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
        elif batch.lines is not None:  # JSON Lines: values keep their JSON types, null and missing are null
            known = self._parquet.schema_arrow if self._parquet is not None else None
            base = pa.RecordBatch.from_arrays(
                [self._json_array(name, [row.get(name) for row in batch.rows],
                                  known.field(name).type if known is not None and name in known.names else None)
                 for name in batch.columns], names=list(batch.columns))
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

    @staticmethod
    def _json_array(name: str, values: list, type_: pa.DataType | None) -> pa.Array:
        """A column of JSON values as pyarrow infers it (numbers, booleans, text, lists, objects),
        or as JSON text where the values are of several kinds; ``type_``: the column's type in the
        batches written before, which the values must fit."""
        if type_ is not None and pa.types.is_string(type_):
            return pa.array([None if value is None else _cell_text(value) for value in values], type=pa.string())
        try:
            array = pa.array(values, type=type_)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            if type_ is not None:
                raise InputError(f"column '{name}' changes its JSON type from {type_} after the first "
                                 f"rows; Parquet needs one type per column: write JSON Lines or CSV") from None
            array = pa.array([None if value is None else _cell_text(value) for value in values], type=pa.string())
        return array.cast(pa.string()) if pa.types.is_null(array.type) else array

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


def _with_keys(line: str, keys: Sequence[str], values: Sequence[Any]) -> str:
    """A JSON object's line with ``keys`` (JSON text of each key and ``": "``) and their values
    added before its closing brace; everything else stays byte for byte.

    >>> _with_keys('{"n": 1.10, "x": 1e400}\\r\\n', ['"id": '], ["a"])
    '{"n": 1.10, "x": 1e400, "id": "a"}'
    >>> _with_keys('{}', ['"id": '], [None])
    '{"id": null}'
    """
    body = line.rstrip()
    head = body[:-1].rstrip()  # a line of a JSON Lines input holds one object: it ends with "}"
    added = ", ".join(key + json.dumps(value, ensure_ascii=False) for key, value in zip(keys, values))
    if not added:
        return body
    return head + ("" if head.endswith("{") else ", ") + added + "}"
