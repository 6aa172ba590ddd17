"""Writing a table: the input's rows and columns, in order, with added columns, in any format."""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import itertools
import json
import os
import sys
from typing import IO, Any, Iterator, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from translitnorm.files import atomic_writer
from translitnorm.io.arrow_csv import ArrowCsvWriting, _CsvLookup
from translitnorm.io.common import (
    FORMATS, STDIO, AddedColumn, Batch, InputError, Lookup, _cell_text, _none_as_empty, _score_text,
)

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
        yield sys.stdout.buffer
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
