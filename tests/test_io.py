"""Streaming readers and writers: formats, gzip, bad input with its line or byte, atomic output."""

from __future__ import annotations

import gzip
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translitnorm.errors import TranslitnormError
from translitnorm.io import AddedColumn, InputError, TableWriter, atomic_output, detect_format, open_table


def read_all(path, **options):
    with open_table(path, **options) as table:
        rows = [record for batch in table.batches() for record in batch.records()]
        return table.columns, rows, table.stats


def test_format_comes_from_the_extension_through_gz_or_from_the_option():
    assert detect_format("a.csv") == "csv"
    assert detect_format("a.TSV.gz") == "tsv"
    assert detect_format("a.ndjson") == "jsonl"
    assert detect_format("a.parquet") == "parquet"
    assert detect_format("-") == "csv"
    assert detect_format("data.dat", "tsv") == "tsv"
    with pytest.raises(InputError, match="pass --format"):
        detect_format("data.dat")
    with pytest.raises(InputError, match="formats are: csv, tsv, jsonl, parquet"):
        detect_format("x.csv", "xlsx")


def test_csv_rows_come_back_in_batches_in_order(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("id,name\n" + "".join(f"{i},Name {i}\n" for i in range(25)), encoding="utf-8")
    with open_table(path, batch_rows=10) as table:
        sizes = [len(batch) for batch in table.batches()]
        assert sizes == [10, 10, 5]
        assert table.stats.rows == 25
    columns, rows, _ = read_all(path)
    assert columns == ["id", "name"]
    assert rows[0] == ["0", "Name 0"] and rows[-1] == ["24", "Name 24"]


def test_quoted_fields_with_commas_and_newlines_are_kept(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text('id,name\n1,"Bakiev, Kurmanbek"\n2,"two\nlines"\n', encoding="utf-8")
    _, rows, _ = read_all(path)
    assert rows == [["1", "Bakiev, Kurmanbek"], ["2", "two\nlines"]]


def test_missing_column_lists_the_columns_and_suggests_one(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("id,full_name\n1,Bakiev\n", encoding="utf-8")
    with open_table(path) as table, pytest.raises(InputError) as error:
        table.require("name")
    assert "column 'name' not found; columns are: id, full_name — pass --column full_name" in str(error.value)


def test_wrong_number_of_fields_names_the_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,name\n1,Bakiev\n2,Omarov,extra\n3,Bishkek\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.csv: line 3: 3 fields, expected 2 \(id, name\).*--on-error skip"):
        read_all(path)


def test_unterminated_quote_names_the_line_where_it_opened(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text('id,name\n1,Bakiev\n2,"Omarov\n3,Bishkek\n4,Taraz\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 3: unterminated quote"):
        read_all(path)


def test_skip_mode_counts_and_reports_skipped_lines(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text('id,name\n1,Bakiev\n2,Omarov,extra\n3,"Bish"kek\n4,Taraz\n', encoding="utf-8")
    _, rows, stats = read_all(path, on_error="skip")
    assert rows == [["1", "Bakiev"], ["4", "Taraz"]]
    assert stats.skipped_count == 2
    assert [line for line, _ in stats.skipped] == [3, 4]


@pytest.mark.parametrize("batch_rows", [1, 2, 3, 50_000])
def test_a_bad_line_after_good_batches_is_found_and_no_row_is_lost_or_repeated(tmp_path, batch_rows):
    path = tmp_path / "bad.csv"
    good = [f"{i},Name {i}" for i in range(1, 6)]
    path.write_text("id,name\n" + "\n".join(good[:4] + ['x,"un"closed', "y,1,2"] + good[4:]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 6: malformed CSV"):
        read_all(path, batch_rows=batch_rows)
    _, rows, stats = read_all(path, batch_rows=batch_rows, on_error="skip")
    assert rows == [line.split(",") for line in good]
    assert [line for line, _ in stats.skipped] == [6, 7] and stats.rows == 5


def test_invalid_utf8_gives_the_byte_offset_and_the_encoding_fix(tmp_path):
    path = tmp_path / "latin.csv"
    data = "id,name\n1,Bakiev\n2,Müller\n".encode("latin-1")
    path.write_bytes(data)
    with pytest.raises(InputError) as error:
        read_all(path)
    message = str(error.value)
    offset = data.index("ü".encode("latin-1"))
    assert f"byte offset {offset}" in message and "line 3" in message and "--encoding" in message
    _, rows, _ = read_all(path, encoding="latin-1")
    assert rows[1] == ["2", "Müller"]


def test_invalid_utf8_far_into_a_large_file_gets_its_true_offset(tmp_path):
    path = tmp_path / "big.csv.gz"
    body = b"id,name\n" + b"".join(b"%d,Name\n" % i for i in range(200_000))
    with gzip.open(path, "wb") as handle:
        handle.write(body + b"x,\xff\n")
    with pytest.raises(InputError, match=f"line 200002: byte offset {len(body) + 2}"):
        read_all(path)


def test_gzip_input_is_recognised_by_its_bytes(tmp_path):
    path = tmp_path / "names.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("name\nBakiev\n\nOmarov\n")
    columns, rows, _ = read_all(path)
    assert columns == ["name"]
    assert rows == [["Bakiev"], [""], ["Omarov"]]  # a blank line in a one-column file is an empty name


def test_a_utf8_byte_order_mark_is_not_part_of_the_first_column(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffname\nBakiev\n".encode("utf-8"))
    columns, _, _ = read_all(path)
    assert columns == ["name"]


def test_jsonl_keys_seen_later_become_columns_and_bad_lines_are_reported(tmp_path):
    path = tmp_path / "names.jsonl"
    path.write_text('{"id": 1, "name": "Bakiev"}\n\n{"id": 2, "name": null, "extra": true}\n', encoding="utf-8")
    with open_table(path) as table:
        batches = list(table.batches())
        assert table.columns == ["id", "name", "extra"]
        assert batches[0].values("name") == ["Bakiev", None]
    path.write_text('{"name": "Bakiev"}\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 2: a JSON list, not an object"):
        read_all(path)


def test_parquet_batches_and_empty_files(tmp_path):
    path = tmp_path / "names.parquet"
    pq.write_table(pa.table({"id": [1, 2, 3], "name": ["Bakiev", None, "Omarov"]}), path)
    with open_table(path, batch_rows=2) as table:
        batches = list(table.batches())
        assert [len(b) for b in batches] == [2, 1]
        assert batches[0].values("name") == ["Bakiev", None]
        assert table.total_rows() == 3
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty.csv: the file is empty"):
        open_table(empty)


def test_missing_file_and_parquet_from_stdin_are_clear_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        open_table(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="Parquet cannot be read from stdin"):
        open_table("-", "parquet")


def test_atomic_output_replaces_the_target_only_on_success(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_output(target) as stream:
            stream.write(b"half written")
            raise RuntimeError("failure midway")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary file left behind
    with atomic_output(target) as stream:
        stream.write(b"new\n")
    assert target.read_text(encoding="utf-8") == "new\n"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl", "parquet"])
def test_writer_appends_columns_in_every_format(tmp_path, fmt):
    source = tmp_path / "in.csv"
    source.write_text("id,name\n1,Bakiev\n2,\n", encoding="utf-8")
    target = tmp_path / f"out.{fmt}"
    with open_table(source) as table, atomic_output(target) as stream:
        writer = TableWriter(stream, fmt, table.columns, [AddedColumn("name_id"), AddedColumn("name_score", "score")])
        for batch in table.batches():
            writer.write(batch, [["kg.bakiev", None], [0.95, None]])
        writer.close()
    columns, rows, _ = read_all(target)
    assert columns == ["id", "name", "name_id", "name_score"]
    if fmt in ("csv", "tsv"):
        assert rows == [["1", "Bakiev", "kg.bakiev", "0.9500"], ["2", "", "", ""]]
    else:
        assert rows == [["1", "Bakiev", "kg.bakiev", 0.95], ["2", "", None, None]]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), fmt=st.sampled_from(["csv", "tsv", "quoted-tsv", "jsonl", "parquet", "txt"]),
       gzipped=st.booleans(), arrow=st.booleans(),
       encoding=st.sampled_from(["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "cp1251", "latin-1"]))
def test_random_bytes_end_in_a_clear_error_never_a_traceback(tmp_path, data, fmt, gzipped, arrow, encoding):
    path = tmp_path / f"random.{fmt}"
    if gzipped:
        data = gzip.compress(data)[: max(10, len(data))]  # sometimes truncated
    path.write_bytes(data)
    try:
        with open_table(path, fmt, encoding=encoding) as table:
            for batch in table.batches(arrow=arrow):
                for column in table.columns:
                    batch.values(column)
    except TranslitnormError as error:
        assert str(path) in str(error)  # the file is named


@pytest.mark.parametrize("encoding, content, message", [
    ("utf-16", "id,name\n1,Bakiev\n".encode("utf-16-le"),
     "byte offset 0: the text does not start with a byte order mark, which utf-16 needs to tell the byte order; "
     "pass --encoding utf-16-le (or utf-16-be)"),
    ("utf-16", "id,name\n1,Bakiev\n".encode("utf-16-be"), "pass --encoding utf-16-be (or utf-16-le)"),
    ("utf-32", "id,name\n1,Bakiev\n".encode("utf-32-le"), "pass --encoding utf-32-le (or utf-32-be)"),
])
def test_utf16_or_utf32_without_a_byte_order_mark_is_a_clear_error_with_the_fix(tmp_path, encoding, content, message):
    path = tmp_path / "names.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        with open_table(path, encoding=encoding) as table:
            list(table.batches())
    assert str(error.value).startswith(f"{path}: ") and message in str(error.value)
    with open_table(path, encoding=message.split("--encoding ")[1].split()[0]) as table:  # the fix works
        assert [row for batch in table.batches() for row in batch.records()] == [["1", "Bakiev"]]


def test_stdin_is_read_once_and_can_be_read_twice(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"name\nBakiev\nOmarov\n")))
    with open_table("-") as table:
        first = [r for b in table.batches() for r in b.records()]
        second = [r for b in table.batches() for r in b.records()]
        spill = table.source
    assert first == second == [["Bakiev"], ["Omarov"]]
    import os
    assert not os.path.exists(spill)


def test_bad_stdin_leaves_no_temporary_file(monkeypatch, tmp_path):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\xff\xfe,broken\n")))
    with pytest.raises(InputError, match="<stdin>: line 1: byte offset 0"):
        open_table("-")
    assert list(tmp_path.iterdir()) == []


def test_json_values_that_are_not_text_are_shown_as_text(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"name": 7, "tags": ["a"]}) + "\n", encoding="utf-8")
    with open_table(path) as table:
        batch = next(table.batches())
        assert batch.values("name") == ["7"] and batch.values("tags") == ['["a"]']


def test_a_carriage_return_inside_a_field_survives_the_round_trip(tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(b'id,name\n1,"Baki\rev"\n2,Omarov\n')
    with open_table(source) as table, atomic_output(target) as stream:
        writer = TableWriter(stream, "csv", table.columns, [AddedColumn("x")])
        for batch in table.batches():
            writer.write(batch, [["a", "b"]])
        writer.close()
    _, rows, _ = read_all(target)
    assert rows == [["1", "Baki\rev", "a"], ["2", "Omarov", "b"]]
