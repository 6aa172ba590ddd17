"""CSV/TSV through pyarrow: the same rows, errors and output bytes as through the csv module, faster."""

from __future__ import annotations

import csv
import gzip
import io
from contextlib import contextmanager
from unittest import mock

import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import translitnorm.io.arrow_csv as arrow_csv_module
from translitnorm.clean import clean_file
from translitnorm.io import AddedColumn, InputError, Lookup, TableReader, TableWriter, open_table
from translitnorm.io.arrow_csv import _PlainCsvStream

FIXTURE_SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# text that is awkward for CSV: separators, quotes, line ends of every kind, a byte order mark, non-Latin letters
AWKWARD = st.text(alphabet=st.sampled_from(list('ab ,\t"\n\r\x00') + ["\ufeff", "é", "Ж", "𝔸"]), max_size=12)
AWKWARD_CSV = st.text(alphabet=st.sampled_from(list('ab ,\t"\n\r') + ["\ufeff", "é", "Ж"]), max_size=40)


@contextmanager
def csv_module_only():
    """Read with the csv module alone, as before pyarrow was used."""
    with mock.patch.object(TableReader, "_arrow_may_read", lambda self: False):
        yield


def read(path, arrow, passes=1, **options):
    """(rows of each pass, rows read, skipped lines) or the error text."""
    try:
        with open_table(path, **options) as table:
            rows = [[record for batch in table.batches(arrow=arrow) for record in batch.records()]
                    for _ in range(passes)]
            return rows, table.stats.rows, table.stats.skipped
    except InputError as error:
        return str(error)


def arrow_batches(path, **options):
    with open_table(path, **options) as table:
        return [batch.arrow is not None for batch in table.batches(arrow=True)]


def write_table(path, rows, delimiter=",", lineterminator="\r\n"):
    """CSV as csv.writer writes it; with CRLF line ends a lone \r in a field is quoted, so the file reads back."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)


# -- reading ------------------------------------------------------------------------

def test_a_plain_file_comes_as_pyarrow_batches_of_the_same_rows(tmp_path):
    path = tmp_path / "names.csv"
    write_table(path, [["id", "name"], *[[str(i), f"Bakiev, Kurmanbek {i}"] for i in range(25)]])
    with open_table(path, batch_rows=10) as table:
        batches = list(table.batches(arrow=True))
        assert [len(batch) for batch in batches] == [10, 10, 5]
        assert all(batch.arrow is not None for batch in batches)
        assert batches[0].values("name")[:2] == ["Bakiev, Kurmanbek 0", "Bakiev, Kurmanbek 1"]
        assert batches[2].records()[-1] == ["24", "Bakiev, Kurmanbek 24"]
        assert table.stats.rows == 25
    assert read(path, True) == read(path, False)


def test_value_counts_are_in_order_of_first_appearance_in_both_forms(tmp_path):
    path = tmp_path / "names.csv"
    write_table(path, [["name"], ["Omarov"], ["Bakiev"], ["Omarov"], [""], ["Bakiev"], ["Omarov"]])
    for arrow in (True, False):
        with open_table(path) as table:
            batch = next(table.batches(arrow=arrow))
            assert (batch.arrow is not None) == arrow
            counts = batch.value_counts("name")
            assert list(counts.items()) == [("Omarov", 3), ("Bakiev", 2), ("", 1)]


@pytest.mark.parametrize("content, rows", [
    (b"\xef\xbb\xbfid,name\n1,Bakiev\n", [["1", "Bakiev"]]),  # a byte order mark is not text
    (b'id,name\r\n1,"two\r\nlines"\r\n\r\n2,"say ""hi"""\r\n', [["1", "two\r\nlines"], ["2", 'say "hi"']]),
    (b"id,name\r1,Bakiev\r2,Omarov", [["1", "Bakiev"], ["2", "Omarov"]]),  # old Mac line ends, no last one
    (b'id,name\n1,""\n2,\n', [["1", ""], ["2", ""]]),
    (b"id,name\n 1 , Bakiev \n", [[" 1 ", " Bakiev "]]),  # spaces are kept, not trimmed
    (b"id,name\n1,Bak\x00iev\n", [["1", "Bak\x00iev"]]),  # a column not asked for as names: passed as it is
])
def test_awkward_but_valid_csv_is_read_by_pyarrow_as_by_csv(tmp_path, content, rows):
    path = tmp_path / "names.csv"
    path.write_bytes(content)
    assert read(path, True) == read(path, False) == ([rows], len(rows), [])
    assert all(arrow_batches(path))


def test_a_nul_byte_in_a_name_is_the_same_malformed_line_for_pyarrow_and_csv(tmp_path):
    path = tmp_path / "names.csv"
    path.write_bytes(b"id,name,note\n1,Bakiev,a\x00b\n2,Bak\x00iev,c\n3,Omarov,d\n")

    def read_names(arrow, **options):
        try:
            with open_table(path, **options) as table:
                table.require("name")
                return [row for batch in table.batches(arrow=arrow) for row in batch.records()], table.stats.skipped
        except InputError as error:
            return str(error)

    assert read_names(True) == read_names(False) == (
        f"{path}: line 3: a NUL byte in the field of column 'name' (binary data?); fix the line or pass --on-error skip")
    assert read_names(True, on_error="skip") == read_names(False, on_error="skip") == (
        [["1", "Bakiev", "a\x00b"], ["3", "Omarov", "d"]], [(3, "a NUL byte in the field of column 'name' (binary data?)")])
    assert read(path, True) == read(path, False)  # a column not asked for passes as it is


def test_a_one_column_file_keeps_blank_lines_as_empty_names(tmp_path):
    path = tmp_path / "names.csv"
    path.write_bytes(b"name\nBakiev\n\r\n\nOmarov\n\n")
    assert read(path, True) == read(path, False) == ([[["Bakiev"], [""], [""], ["Omarov"], [""]]], 5, [])
    assert all(arrow_batches(path))


@pytest.mark.parametrize("content", [
    b'id,name\n1,"Bakiev"ev\n',  # text after a closing quote: an error for csv, "Bakievev" for pyarrow
    b'id,name\n1,"Bakiev\n',  # unterminated quote at the end
    b'id,name\n1,Bak"iev\n',  # a quote inside an unquoted field
    b'"id",name\n1,"x"\n2,3,4\n',
    b"id,name\n1,M\xfcller\n",  # not UTF-8
    b"id,name\n1,\xed\xa0\x80\n",  # an encoded surrogate: not UTF-8 either
    b"id,id\n1,2\n",  # the same name twice
])
def test_text_pyarrow_might_read_otherwise_goes_to_the_csv_module(tmp_path, content):
    path = tmp_path / "names.csv"
    path.write_bytes(content)
    for on_error in ("raise", "skip"):
        assert read(path, True, passes=2, on_error=on_error) == read(path, False, passes=2, on_error=on_error)


@FIXTURE_SETTINGS
@given(text=AWKWARD_CSV, header=st.sampled_from(["a,b", "a", "a\tb", '"a",b']), fmt=st.sampled_from(["csv", "tsv"]),
       bad_byte=st.sampled_from([b"", b"\xff", b"\xed\xa0\x80", b"\xc3"]), on_error=st.sampled_from(["raise", "skip"]))
def test_any_text_reads_the_same_with_pyarrow_and_with_csv(tmp_path, text, header, fmt, bad_byte, on_error):
    path = tmp_path / f"random.{fmt}"
    data = (header + "\n" + text).encode("utf-8")
    middle = len(data) // 2
    path.write_bytes(data[:middle] + bad_byte + data[middle:])
    assert read(path, True, passes=2, on_error=on_error) == read(path, False, passes=2, on_error=on_error)


@FIXTURE_SETTINGS
@given(rows=st.lists(st.tuples(AWKWARD, AWKWARD, AWKWARD), max_size=20), delimiter=st.sampled_from([",", "\t"]),
       lineterminator=st.sampled_from(["\n", "\r\n"]))
def test_any_table_written_by_csv_reads_the_same_and_mostly_through_pyarrow(tmp_path, rows, delimiter, lineterminator):
    # csv.writer with tabs writes quoted TSV (plain TSV has no quoting: see test_plain_tsv_…)
    path = tmp_path / ("table.csv" if delimiter == "," else "table.tsv")
    fmt = "csv" if delimiter == "," else "quoted-tsv"
    write_table(path, [["id", "name", "city"], *rows], delimiter, lineterminator)
    arrow, plain = read(path, True, passes=2, fmt=fmt), read(path, False, passes=2, fmt=fmt)
    assert arrow == plain
    if not any("\r" in value for row in rows for value in row):  # csv.writer leaves a lone \r unquoted
        assert all(arrow_batches(path, fmt=fmt))


def read_plain(data, read_size):
    """What a plain stream over ``data`` hands on, read ``read_size`` bytes at a time, and why it stopped."""
    with mock.patch.object(_PlainCsvStream, "_PIECE_BYTES", read_size):
        stream = _PlainCsvStream(io.BytesIO(data), ",")
        return b"".join(iter(lambda: stream.read(read_size), b"")), stream.stopped_at


@pytest.mark.parametrize("read_size", [1, 2, 3, 7, 64, 1 << 20])
def test_the_plain_stream_hands_on_every_byte_whatever_the_read_size(read_size):
    data = b'id,name\r\n1,"Bakiev,\r\n ""K"""\r\n2,Omarov\n3,"x\n\ny"\r4,\xd0\x96'
    assert read_plain(data, read_size) == (data, None)
    assert read_plain(b"\xef\xbb\xbf" + data, read_size) == (data, None)


@pytest.mark.parametrize("data, problem", [
    (b'a,b\n1,"x"y\n', "a quote outside a whole quoted field"),
    (b'a,b\n1,"x\n', "a quote outside a whole quoted field"),
    (b'a,b\n1,x"y"\n', "a quote outside a whole quoted field"),
    (b'a,b\n1,"x\n' + b"y\n" * 100, "a quote outside a whole quoted field"),
    (b"a,b\n1,\xff\n", "not valid UTF-8"),
])
@pytest.mark.parametrize("read_size", [1, 5, 1 << 20])
def test_the_plain_stream_ends_before_the_piece_pyarrow_would_read_otherwise(data, problem, read_size):
    passed, stopped_at = read_plain(data, read_size)
    assert stopped_at == problem
    assert passed in (b"", b"a,b\n")  # whole rows only, before the piece with the problem


@FIXTURE_SETTINGS
@given(text=AWKWARD_CSV, read_size=st.integers(1, 50))
def test_what_the_plain_stream_lets_through_pyarrow_reads_as_csv_does(text, read_size):
    data = ("a,b\n" + text).encode("utf-8")
    passed, stopped_at = read_plain(data, read_size)
    assert data.startswith(passed) and (stopped_at is None) == (passed == data)
    if not passed:
        return
    expected = [row for row in csv.reader(io.StringIO(passed.decode("utf-8"), newline=""), strict=True) if row]
    try:
        table = pa_csv.read_csv(io.BytesIO(passed), parse_options=pa_csv.ParseOptions(newlines_in_values=True),
                                convert_options=pa_csv.ConvertOptions(column_types={"a": pa.string(), "b": pa.string()},
                                                                      strings_can_be_null=False))
    except pa.ArrowInvalid:  # e.g. a row of the wrong width: the reader goes back to csv, which reports it
        assert any(len(row) != 2 for row in expected)
        return
    assert [["a", "b"]] + [list(row.values()) for row in table.to_pylist()] == expected


def _big_csv(path, rows, bad_at=None, bad_line="x,\"un\"closed"):
    lines = ["id,name"] + [f'{i},"Name, {i}"' for i in range(rows)]
    if bad_at is not None:
        lines.insert(bad_at, bad_line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("bad_line, problem", [('x,"un"closed', "malformed CSV"), ("x,1,2", "3 fields, expected 2")])
def test_a_malformed_line_deep_in_a_big_file_is_reported_with_its_line(tmp_path, monkeypatch, bad_line, problem):
    # many small blocks, so pyarrow has read many before the one with the line
    monkeypatch.setattr(arrow_csv_module, "ARROW_BLOCK_BYTES", 1 << 14)
    monkeypatch.setattr(_PlainCsvStream, "_PIECE_BYTES", 1 << 14)
    path = tmp_path / "big.csv"
    _big_csv(path, 30_000, bad_at=25_000, bad_line=bad_line)
    with open_table(path, batch_rows=1000) as table, pytest.raises(InputError) as error:
        arrow_rows = 0
        for batch in table.batches(arrow=True):
            arrow_rows += len(batch) if batch.arrow is not None else 0
    assert f"big.csv: line 25001: {problem}" in str(error.value)
    assert 24_000 < arrow_rows < 25_000  # pyarrow had read the rows before the line's block
    skipped = read(path, True, passes=2, on_error="skip", batch_rows=1000)
    assert skipped == read(path, False, passes=2, on_error="skip", batch_rows=1000)
    rows, count, lines = skipped
    assert count == 30_000 and [line for line, _ in lines] == [25001]
    assert rows[0] == rows[1] == [[str(i), f"Name, {i}"] for i in range(30_000)]


def test_invalid_utf8_deep_in_a_big_gzip_file_gets_its_true_offset(tmp_path, monkeypatch):
    monkeypatch.setattr(arrow_csv_module, "ARROW_BLOCK_BYTES", 1 << 14)
    monkeypatch.setattr(_PlainCsvStream, "_PIECE_BYTES", 1 << 14)
    path = tmp_path / "big.csv.gz"
    body = b"id,name\n" + b"".join(b'%d,"Name, %d"\n' % (i, i) for i in range(50_000))
    path.write_bytes(gzip.compress(body + b"x,\xff\n" + b"1,2\n" * 10))
    with open_table(path) as table, pytest.raises(InputError, match=f"line 50002: byte offset {len(body) + 2}: bytes ff"):
        list(table.batches(arrow=True))


def test_gzip_tsv_and_stdin_come_through_pyarrow(tmp_path, monkeypatch):
    path = tmp_path / "names.tsv.gz"
    path.write_bytes(gzip.compress(b"id\tname\n1\tBakiev, K\n2\t\"Omarov\"\"s\"\n"))
    # plain TSV keeps quotes as text; quoted TSV reads them as CSV does
    assert read(path, True) == read(path, False) == ([[["1", "Bakiev, K"], ["2", '"Omarov""s"']]], 2, [])
    assert all(arrow_batches(path))
    assert (read(path, True, fmt="quoted-tsv") == read(path, False, fmt="quoted-tsv")
            == ([[["1", "Bakiev, K"], ["2", 'Omarov"s']]], 2, []))
    assert all(arrow_batches(path, fmt="quoted-tsv"))
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"name\nBakiev\nOmarov\n")))
    assert read("-", True, passes=2) == ([[["Bakiev"], ["Omarov"]]] * 2, 2, [])


def test_other_encodings_are_read_by_the_csv_module(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("id,name\n1,Müller\n".encode("latin-1"))
    assert arrow_batches(path, encoding="latin-1") == [False]
    assert read(path, True, encoding="latin-1") == ([[["1", "Müller"]]], 1, [])


# -- writing ------------------------------------------------------------------------

ADDED = [AddedColumn("name_id"), AddedColumn("name_canonical"), AddedColumn("name_score", "score"),
         AddedColumn("name_method")]


def written(path, fmt, lookup, arrow, keys=("name",), added=ADDED):
    out = io.BytesIO()
    with open_table(path, fmt) as table:
        writer = TableWriter(out, fmt, table.columns, added)
        for batch in table.batches(arrow=arrow):
            writer.write_looked_up(batch, list(keys), lookup)
        writer.close()
    return out.getvalue()


LOOKUP_VALUES = st.tuples(st.none() | AWKWARD, st.none() | AWKWARD, st.none() | st.floats(0, 1),
                          st.sampled_from(["exact", "cluster", "a,b", 'q"', "none"]))


@FIXTURE_SETTINGS
@given(rows=st.lists(st.tuples(AWKWARD, st.sampled_from(["Bakiev", "Omarov, A", 'Say "hi"', "", "x\ny"])), max_size=20),
       values=st.lists(LOOKUP_VALUES, min_size=5, max_size=5), default=LOOKUP_VALUES,
       fmt=st.sampled_from(["csv", "quoted-tsv"]), batch_rows=st.integers(1, 7))
def test_looked_up_values_are_written_byte_for_byte_as_csv_writes_them(tmp_path, rows, values, default, fmt, batch_rows):
    path = tmp_path / "in.txt"
    write_table(path, [["city", "name"], *rows], "\t" if fmt == "quoted-tsv" else ",")
    lookup = Lookup(dict(zip(["Bakiev", "Omarov, A", 'Say "hi"', "x\ny", "unused"], values)), default)
    fast = written(path, fmt, lookup, arrow=True)
    assert fast == written(path, fmt, lookup, arrow=False)
    with csv_module_only():
        assert fast == written(path, fmt, lookup, arrow=True)


def test_written_lines_are_quoted_as_csv_writer_quotes_them(tmp_path):
    path = tmp_path / "in.csv"
    write_table(path, [["city", "name"], ["Osh, Kyrgyzstan", "Bakiev"], ['The "Capital"', "Omarov"], ["", "Nobody"]])
    lookup = Lookup({"Bakiev": ("kg.bakiev", "Bakiev, K", 0.97126, "exact"), "Omarov": ("x\ny", None, 1.0, "fuzzy")},
                    (None, None, None, "none"))
    assert written(path, "csv", lookup, arrow=True) == (
        b"city,name,name_id,name_canonical,name_score,name_method\n"
        b'"Osh, Kyrgyzstan",Bakiev,kg.bakiev,"Bakiev, K",0.9713,exact\n'
        b'"The ""Capital""",Omarov,"x\ny",,1.0000,fuzzy\n'
        b",Nobody,,,,none\n")


def test_a_carriage_return_in_a_batch_or_a_value_leaves_that_to_csv_writer(tmp_path):
    path = tmp_path / "in.csv"
    write_table(path, [["city", "name"], ["Osh", "Bakiev"], ["Bish\rkek", "Omarov"]])
    lookup = Lookup({"Bakiev": ("kg\rbakiev", None, 0.5, "exact")}, (None, None, None, "none"))
    out = written(path, "csv", lookup, arrow=True)
    assert out == written(path, "csv", lookup, arrow=False)
    # a field with a \r is quoted (csv.writer would not); an empty field stays empty, not "" (a quoted empty text)
    assert b'Osh,Bakiev,"kg\rbakiev",,0.5000,exact\n"Bish\rkek",Omarov,,,,none\n' in out


def test_two_key_columns_get_their_own_looked_up_values(tmp_path):
    path = tmp_path / "in.csv"
    write_table(path, [["a", "b"], ["Bakiev", "Omarov"], ["Omarov", "zzz"]])
    added = [AddedColumn(f"{key}_{suffix}") for key in "ab" for suffix in ("id", "method")]
    lookup = Lookup({"Bakiev": ("kg.bakiev", "exact"), "Omarov": ("kg.omarov", "key")}, (None, "none"))
    out = written(path, "csv", lookup, arrow=True, keys=("a", "b"), added=added)
    assert out == written(path, "csv", lookup, arrow=False, keys=("a", "b"), added=added)
    assert out.decode().splitlines()[1:] == ["Bakiev,Omarov,kg.bakiev,exact,kg.omarov,key",
                                             "Omarov,zzz,kg.omarov,key,,none"]


def test_a_lookup_that_does_not_fit_the_added_columns_is_refused(tmp_path):
    path = tmp_path / "in.csv"
    write_table(path, [["name"], ["Bakiev"]])
    with pytest.raises(ValueError, match="1 key column"):
        written(path, "csv", Lookup({}, (None,)), arrow=True)


# -- clean, end to end -----------------------------------------------------------------

NAMES = ["Kurmanbek Bakiev", "Bakiyev, Kurmanbek", "Omarov", 'Nursultan "N" Nazarbayev', "Zzyzx Qwerty",
         "Zzyzx Kwerty", "", "  ", "Bishkek\nline", "Tokayev"]


@FIXTURE_SETTINGS
@given(rows=st.lists(st.tuples(AWKWARD, st.sampled_from(NAMES), st.sampled_from(NAMES)), max_size=25),
       fmt=st.sampled_from(["csv", "quoted-tsv"]), batch_rows=st.integers(1, 9))
def test_clean_writes_the_same_bytes_with_and_without_pyarrow(tmp_path_factory, shipped, rows, fmt, batch_rows):
    folder = tmp_path_factory.mktemp("clean")
    source = folder / f"in.{fmt}"
    write_table(source, [["id", "name", "other"], *rows], "\t" if fmt == "quoted-tsv" else ",")

    def run(tag):
        (folder / tag).mkdir()
        output, review = folder / tag / f"out.{fmt}", folder / tag / "review.csv"
        summary = clean_file(source, output, ["name", "other"], shipped, review=review, batch_rows=batch_rows,
                             input_format=fmt)
        return output.read_bytes(), review.read_bytes(), [line.replace(tag, "") for line in summary.lines()[:-1]]

    fast = run("fast")
    with csv_module_only():
        assert run("slow") == fast


def test_clean_of_a_big_file_with_a_bad_line_reports_it_or_skips_it_like_before(tmp_path, shipped, monkeypatch):
    monkeypatch.setattr(arrow_csv_module, "ARROW_BLOCK_BYTES", 1 << 14)
    monkeypatch.setattr(_PlainCsvStream, "_PIECE_BYTES", 1 << 14)
    source = tmp_path / "big.csv"
    _big_csv(source, 5_000, bad_at=4_000)
    with pytest.raises(InputError, match="big.csv: line 4001: malformed CSV"):
        clean_file(source, tmp_path / "out.csv", ["name"], shipped)
    assert not (tmp_path / "out.csv").exists()
    fast = clean_file(source, tmp_path / "fast.csv", ["name"], shipped, on_error="skip", batch_rows=700)
    with csv_module_only():
        slow = clean_file(source, tmp_path / "slow.csv", ["name"], shipped, on_error="skip", batch_rows=700)
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "slow.csv").read_bytes()
    assert fast.skipped == slow.skipped == [(4001, "malformed CSV (',' expected after '\"')")]
    assert fast.rows == slow.rows == 5_000


def test_a_fast_clean_into_gzip_is_complete(tmp_path, shipped):
    source = tmp_path / "in.csv"
    write_table(source, [["name"], *[["Bakiev, Kurmanbek"], ["Omarov"]] * 500])
    summary = clean_file(source, tmp_path / "out.csv.gz", ["name"], shipped, batch_rows=64)
    lines = gzip.decompress((tmp_path / "out.csv.gz").read_bytes()).decode().splitlines()
    assert summary.rows == 1000 and len(lines) == 1001
    assert lines[1].startswith('"Bakiev, Kurmanbek",') and lines[2].startswith("Omarov,")


# -- plain TSV: no quoting ------------------------------------------------------------------------

PLAIN_TSV_VALUE = st.text(alphabet=st.sampled_from(list('ab ,"\'') + ["é", "Ж"]), max_size=8)


@FIXTURE_SETTINGS
@given(rows=st.lists(st.tuples(PLAIN_TSV_VALUE, st.sampled_from(["Bakiev", '"Bakiev"', '5" floppy', "", 'a"b'])),
                     max_size=20), batch_rows=st.integers(1, 7))
def test_plain_tsv_is_lines_split_at_tabs_and_written_back_byte_for_byte(tmp_path, rows, batch_rows):
    path = tmp_path / "in.tsv"
    text = "city\tname\n" + "".join("\t".join(row) + "\n" for row in rows)
    path.write_text(text, encoding="utf-8")
    expected = [list(row) for row in rows]
    for arrow in (True, False):
        with open_table(path, batch_rows=batch_rows) as table:
            assert [record for batch in table.batches(arrow=arrow) for record in batch.records()] == expected
    lookup = Lookup({"Bakiev": ("kg.bakiev", "Bakiev", 1.0, "exact")}, (None, None, None, "none"))
    fast, slow = written(path, "tsv", lookup, arrow=True), written(path, "tsv", lookup, arrow=False)
    assert fast == slow
    assert [line.split("\t")[:2] for line in fast.decode("utf-8").splitlines()] == [["city", "name"], *expected]


def test_a_value_tsv_cannot_hold_is_refused_with_the_way_out(tmp_path):
    path = tmp_path / "in.csv"
    write_table(path, [["city", "name"], ["Osh\tcentre", "Bakiev"]])
    for arrow in (True, False):
        with open_table(path) as table, pytest.raises(InputError, match="column 'city' holds a tab or a line end.*quoted-tsv"):
            writer = TableWriter(io.BytesIO(), "tsv", table.columns, ADDED)
            for batch in table.batches(arrow=arrow):
                writer.write_looked_up(batch, ["name"], Lookup({}, (None, None, None, "none")))
