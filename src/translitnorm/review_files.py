"""Reading the files of the review loop: review CSVs as spreadsheets save them (any delimiter of
comma, semicolon or tab; a byte order mark or --encoding decides the encoding), and names to count."""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterator

from translitnorm.errors import TranslitnormError
from translitnorm.io import count_values, open_table
from translitnorm.review import REVIEW_HEADER


def text_encoding(path: str | os.PathLike, encoding: str = "utf-8") -> str:
    """The encoding to read a text file with: a byte order mark decides (UTF-16, as Excel's
    "Unicode text" has, or UTF-8 with BOM), else ``encoding``; raises for an unknown encoding.

    >>> import tempfile; path = tempfile.mktemp()
    >>> _ = open(path, "w", encoding="utf-16").write("name\\n")
    >>> text_encoding(path, "cp1251")
    'utf-16'
    """
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise TranslitnormError(f"unknown encoding '{encoding}'; e.g. utf-8, utf-16, cp1251, latin-1") from None
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not head.startswith(codecs.BOM_UTF32_LE):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8) or codecs.lookup(encoding).name == "utf-8":
        return "utf-8-sig"
    return encoding


def _not_decodable(path: Path, encoding: str) -> TranslitnormError:
    """The error for a file that is not text in ``encoding``: the same message (line, byte offset,
    bytes, what to pass) as every other reader of table files gives, by asking that reader."""
    shown = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        with open_table(path, "txt", encoding=shown) as table:
            for _ in table.batches():
                pass
    except TranslitnormError as exc:
        return exc
    except UnicodeError:  # e.g. 'UTF-16 stream does not start with BOM', which that reader does not word
        pass
    return TranslitnormError(f"{path}: text is not valid {shown}; pass --encoding with the file's encoding")


@contextlib.contextmanager
def _review_reader(path: Path, encoding: str) -> Iterator[tuple[csv.DictReader, list[str]]]:
    """A DictReader over a review CSV (comma-, semicolon- or tab-separated: the first of them that
    splits the header into the review columns), and its header; decoding and CSV errors become
    clear errors that name the file and line."""
    chosen = text_encoding(path, encoding)
    handle = open(path, encoding=chosen, newline="")
    reader = None
    try:
        first = handle.readline()
        header_text = first.rstrip("\r\n")
        delimiter = max(",;\t", key=lambda d: (len(set(header_text.split(d)) & set(REVIEW_HEADER)), d == ","))
        handle.seek(0)
        reader = csv.DictReader(handle, delimiter=delimiter, strict=True)
        yield reader, next(csv.reader([header_text], delimiter=delimiter), [])
    except UnicodeError:
        raise _not_decodable(path, chosen) from None
    except csv.Error as exc:
        line = reader.line_num if reader is not None else 1
        raise TranslitnormError(f"{path}:{line}: malformed CSV ({exc}); fix the line") from None
    finally:
        handle.close()


def _is_review_file(path: Path, encoding: str = "utf-8") -> bool:
    if path.suffix.casefold() != ".csv":
        return False
    with _review_reader(path, encoding) as (_, header):
        return tuple(header) == REVIEW_HEADER


def read_name_counts(path: str | os.PathLike, column: str | None, *, encoding: str = "utf-8") -> dict[str, Counter]:
    """How often each name occurs, per column: one column of a CSV/TSV/JSONL/Parquet/text file,
    or the ``name`` and ``count`` columns of a review CSV (as ``translitnorm clean --review`` writes).
    Text is read in ``encoding`` unless a byte order mark says otherwise (see :func:`text_encoding`).

    >>> read_name_counts("names.csv", "name")["name"].most_common(1)  # doctest: +SKIP
    [('Bakiev', 3)]
    """
    path = Path(path)
    if not _is_review_file(path, encoding):
        chosen = text_encoding(path, encoding) if path.is_file() else encoding
        counts = count_values(path, column, encoding="utf-8" if chosen == "utf-8-sig" else chosen)
        return {column or "name": Counter({name: n for name, n in counts.items() if name and name.strip()})}
    found: dict[str, Counter] = defaultdict(Counter)
    for number, row in read_decisions(path, encoding=encoding):
        try:
            count = int(row.get("count") or 1)
        except ValueError:
            raise TranslitnormError(f"{path}:{number}: count '{row.get('count')}' is not a whole number") from None
        if row.get("name"):
            found[row.get("column") or column or "name"][row["name"]] += count
    return dict(found)



def read_decisions(path: str | os.PathLike, *, encoding: str = "utf-8") -> Iterator[tuple[int, dict[str, str]]]:
    """Stream (line number, row) from a decisions CSV; raises when the header lacks a needed column.

    Text is read in ``encoding`` unless a byte order mark says otherwise; commas, semicolons or tabs
    may separate the fields (as spreadsheet programs save CSV in different locales).
    """
    path = Path(path)
    with _review_reader(path, encoding) as (reader, header):
        missing = [c for c in ("name", "decision", "suggested_id", "target_id", "type", "lang") if c not in header]
        if missing:
            found = ",".join(header)[:200] or "(empty)"
            raise TranslitnormError(f"{path}:1: not a review file: column(s) {', '.join(missing)} missing; "
                                    f"the header found is: {found}; a review file's header is: {','.join(REVIEW_HEADER)}")
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}


