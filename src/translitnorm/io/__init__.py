"""Streaming readers and writers for tables of names: CSV, TSV, JSON Lines, Parquet (and plain text lists).

A reader yields :class:`Batch` es of rows, each batch holding every input column
as read, so a writer can put every row and column back, in order, with new
columns appended. Gzip-compressed inputs are recognised by their magic bytes;
``-`` means stdin/stdout for the text formats. Every problem with an input ends
in an :class:`InputError` that names the file, the line (or byte) and the fix.

Where things are: :mod:`.common` (formats, errors, batches), :mod:`.reader` (opening a file,
JSON Lines, Parquet), :mod:`.csv_reading` (CSV/TSV with the csv module, every problem with
its line), :mod:`.arrow_csv` (CSV/TSV with pyarrow, the fast path, reading and writing),
:mod:`.writer` (writing every format, atomically).

>>> with open_table("names.csv") as table:                     # doctest: +SKIP
...     for batch in table.batches():
...         print(batch.values("name")[:3])
['Kurmanbek Bakiev', 'Bakiyev', 'Bishkek']
"""

from translitnorm.io.common import (
    DEFAULT_BATCH_ROWS, FORMATS, STDIO, Batch, InputError, ReadOptions, ReadStats, detect_format,
    missing_column_message,
)
from translitnorm.io.reader import TableReader, count_values, open_table
from translitnorm.io.writer import AddedColumn, Lookup, TableWriter, atomic_output

__all__ = [
    "DEFAULT_BATCH_ROWS", "FORMATS", "STDIO", "AddedColumn", "Batch", "InputError", "Lookup",
    "ReadOptions", "ReadStats", "TableReader", "TableWriter", "atomic_output", "count_values", "detect_format",
    "missing_column_message", "open_table",
]
