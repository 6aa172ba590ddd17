"""``clean`` under faults: output permissions and odd targets, signals, killed runs, early checks."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from translitnorm.clean import clean_file
from translitnorm.io import InputError, ReadOptions

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds" / "example-names.csv"


@contextmanager
def umask(mask: int):
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_output_and_review_follow_the_umask(tmp_path, shipped, mask):
    with umask(mask):
        clean_file(SEEDS, tmp_path / "out.csv", ["name"], shipped, review=tmp_path / "review.csv")
    for name in ("out.csv", "review.csv"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~mask, name


def test_output_to_a_fifo_is_written_through(tmp_path, shipped):
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    clean_file(SEEDS, fifo, ["name"], shipped)
    reader.join(30)
    assert received and received[0].splitlines()[0] == "row,source,name,name_id,name_canonical,name_score,name_method"
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_output_to_dev_null_leaves_the_device(shipped):
    before = os.stat("/dev/null")
    clean_file(SEEDS, "/dev/null", ["name"], shipped, output_format="csv")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_output_through_a_symlink_replaces_its_target(tmp_path, shipped):
    (tmp_path / "data").mkdir()
    real = tmp_path / "data" / "clean.csv"
    real.write_text("old\n")
    link = tmp_path / "clean.csv"
    link.symlink_to(real)
    clean_file(SEEDS, link, ["name"], shipped)
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("row,source,name,name_id")
    assert not [p for p in (tmp_path / "data").iterdir() if p.name.endswith(".tmp")]


# -- killing a run: its workers and the resource tracker end with it --------------------------

RUN_WITH_WORKERS = """
import sys, time
import translitnorm.batch as batch
from translitnorm import Normaliser
from translitnorm.clean import clean_file

batch.PARALLEL_MIN_NAMES = 0  # workers whatever the number of names
batch.available_cores = lambda: 2

def progress(stage, done, total):
    if stage == "resolving" and done:
        print("resolving", flush=True)
        time.sleep(120)

normaliser = Normaliser.from_lexicons([sys.argv[3]], cache_dir=sys.argv[4])
clean_file(sys.argv[1], sys.argv[2], ["name"], normaliser, jobs=2, progress=progress)
"""


def descendants(pid: int) -> set[int]:
    found, pending = set(), [pid]
    while pending:
        current = pending.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    children = [int(child) for child in handle.read().split()]
                found.update(children)
                pending.extend(children)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False


def wait_until_ended(pids: set[int], seconds: float = 20) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(running(pid) for pid in pids):
        time.sleep(0.1)
    return {pid for pid in pids if running(pid)}


@pytest.mark.parametrize("signum", ["SIGTERM", "SIGKILL"])
def test_killing_clean_ends_its_workers_and_resource_tracker(tmp_path, cache_dir, shipped, signum):
    import signal

    names = tmp_path / "names.csv"
    names.write_text("name\n" + "".join(f"Name{i} Surname{i % 97}\n" for i in range(3000)), encoding="utf-8")
    temp = tmp_path / "temp"
    temp.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_WITH_WORKERS, str(names), str(tmp_path / "out.csv"), str(ROOT / "lexicons"),
         str(cache_dir)], stdout=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "src"), TMPDIR=str(temp)))
    try:
        assert process.stdout.readline() == "resolving\n"
        children = descendants(process.pid)
        assert len(children) >= 2  # the worker and the resource tracker
        process.send_signal(getattr(signal, signum))
        process.wait(30)
        assert wait_until_ended(children) == set()
    finally:
        process.kill()
        process.wait()
    assert not (tmp_path / "out.csv").exists()
    if signum == "SIGTERM":
        assert process.returncode != 0
        assert os.listdir(temp) == []  # the pickled names and normaliser removed on the way out


# -- a stray quote costs one line, not the rest of the file --------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FIXTURE_SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
from typer.testing import CliRunner  # noqa: E402

from translitnorm.cli import app  # noqa: E402
from translitnorm.io import AddedColumn, TableReader, TableWriter, open_table  # noqa: E402

NAMES = ["Bakiev", "Omarov", "Akaev", "Otunbayeva"]


def stray_quote_file(path: Path, rows: int, bad_line: int) -> None:
    lines = ["id,name,country"] + [f"{i},{NAMES[i % 4]},KG" for i in range(1, rows + 1)]
    lines[bad_line - 1] = f'{bad_line - 1},"Bakiev,KG'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("rows", [100, 5000])  # the quote runs to the end / past the bound of 1,000 lines
@pytest.mark.parametrize("arrow", [True, False])
def test_a_stray_quote_skips_its_line_and_reading_resumes_at_the_next(tmp_path, rows, arrow):
    data = tmp_path / "data.csv"
    stray_quote_file(data, rows, bad_line=4)
    with open_table(data, on_error="skip") as table:
        ids = [row[0] for batch in table.batches(arrow=arrow) for row in batch.records()]
        assert table.stats.skipped_count == 1 and table.stats.skipped[0].line == 4
    assert ids == [str(i) for i in range(1, rows + 1) if i != 3]


def test_a_stray_quote_closed_later_is_not_taken_for_one_long_field(tmp_path):
    # the quote on line 4 finds a closing quote 1,500 lines on, in a record of the right width
    lines = ["id,name,country"] + [f"{i},{NAMES[i % 4]},KG" for i in range(1, 2001)]
    lines[3] = '3,"Bakiev,KG'
    lines[1503] = '1503,Omarov",KG'  # a quote inside an unquoted value is the value's own
    data = tmp_path / "data.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for arrow in (True, False):
        with open_table(data, on_error="skip") as table:
            rows = [row for batch in table.batches(arrow=arrow) for row in batch.records()]
            assert [skipped.line for skipped in table.stats.skipped] == [4]
        assert len(rows) == 1999 and all(len(row[1]) < 20 for row in rows)
        assert ["1503", 'Omarov"', "KG"] in rows


def test_a_long_multi_line_field_is_read_when_the_bound_allows_it(tmp_path):
    note = "\n".join(f"line {i}" for i in range(1500))
    data = tmp_path / "data.csv"
    data.write_text(f'id,name,note\n1,Bakiev,"{note}"\n2,Omarov,x\n', encoding="utf-8")
    for arrow in (True, False):
        with open_table(data, on_error="skip", max_field_lines=0) as table:
            rows = [row for batch in table.batches(arrow=arrow) for row in batch.records()]
        assert rows == [["1", "Bakiev", note], ["2", "Omarov", "x"]]
        with open_table(data, on_error="skip") as table:
            rows = [row for batch in table.batches(arrow=arrow) for row in batch.records()]
            assert table.stats.skipped[0].line == 2
        assert rows == [["2", "Omarov", "x"]]  # the note's own lines are no records of three fields


def test_clean_skips_reports_rejects_and_counts_the_malformed_records(tmp_path, cache_dir):
    data, output, rejects = tmp_path / "data.csv", tmp_path / "out.csv", tmp_path / "rejects.csv"
    stray_quote_file(data, 3000, bad_line=3)
    env = {"TRANSLITNORM_CACHE_DIR": str(cache_dir)}
    result = CliRunner().invoke(app, ["clean", str(data), "-c", "name", "-o", str(output), "--on-error", "skip",
                                      "--rejects", str(rejects), "-q"], env=env)
    assert result.exit_code == 0, result.output
    assert "warning: skipped 1 malformed lines (line 3)" in result.output  # even with --quiet
    assert len(output.read_text(encoding="utf-8").splitlines()) == 1 + 2999
    assert rejects.read_text(encoding="utf-8") == 'id,name,country\n2,"Bakiev,KG\n'

    result = CliRunner().invoke(app, ["clean", str(data), "-c", "name", "-o", str(tmp_path / "again.csv"),
                                      "--max-errors", "0"], env=env)
    assert result.exit_code == 2 and "more than 0 malformed records (line 3" in result.output
    assert not (tmp_path / "again.csv").exists()
    result = CliRunner().invoke(app, ["clean", str(data), "-c", "name", "-o", str(tmp_path / "again.csv"),
                                      "--max-errors", "1", "-q"], env=env)
    assert result.exit_code == 0


QUOTE_FUZZ = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])


@QUOTE_FUZZ
@given(rows=st.lists(st.tuples(st.text(alphabet='ab "', max_size=6), st.text(alphabet='ab "', max_size=6)),
                     min_size=1, max_size=30),
       fmt=st.sampled_from(["csv", "tsv"]))
def test_random_quotes_never_lose_a_row_silently(tmp_path, rows, fmt):
    # every line is accounted for: a row of its own, a line of a row's multi-line quoted field,
    # or a skipped line (nothing here writes a line end inside a value)
    delimiter = "," if fmt == "csv" else "\t"
    data = tmp_path / f"data.{fmt}"
    data.write_text("first" + delimiter + "second\n" + "".join(delimiter.join(row) + "\n" for row in rows), encoding="utf-8")
    for arrow in (True, False):
        with open_table(data, on_error="skip") as table:
            read = [row for batch in table.batches(arrow=arrow) for row in batch.records()]
            lines = sum(1 + sum(value.count("\n") for value in row) for row in read)
            assert lines + table.stats.skipped_count == len(rows)


# -- what can be checked before the work starts -------------------------------------------------

def test_an_output_directory_or_an_added_column_in_the_input_fails_before_reading(tmp_path, shipped, monkeypatch):
    data = tmp_path / "data.csv"
    data.write_text("name,name_id\nBakiev,x\n", encoding="utf-8")
    read = []
    real_batches = __import__("translitnorm.io.reader", fromlist=["TableReader"]).TableReader.batches
    monkeypatch.setattr("translitnorm.io.reader.TableReader.batches",
                        lambda self, *a, **k: read.append(1) or real_batches(self, *a, **k))
    with pytest.raises(InputError, match="already has column.*name_id"):
        clean_file(data, tmp_path / "out.csv", ["name"], shipped)
    with pytest.raises(InputError, match="is a directory; give a file name"):
        clean_file(SEEDS, tmp_path, ["name"], shipped)
    with pytest.raises(InputError, match="the review file .* is a directory"):
        clean_file(SEEDS, tmp_path / "out.csv", ["name"], shipped, review=tmp_path)
    assert read == []


@pytest.mark.parametrize("array, held", [
    (pa.array([b"Bakiev", b"Omarov"]), "binary"),
    (pa.array([1, 2]), "int64"),
    (pa.array([True, False]), "bool"),
])
def test_a_parquet_name_column_that_is_not_text_is_refused(tmp_path, shipped, array, held):
    data = tmp_path / "data.parquet"
    pq.write_table(pa.table({"id": [1, 2], "name": array}), data)
    with pytest.raises(InputError, match=f"column 'name' holds {held}, not text"):
        clean_file(data, tmp_path / "out.parquet", ["name"], shipped)
    assert not (tmp_path / "out.parquet").exists()


def test_a_binary_name_column_is_refused_with_the_option_that_reads_it(tmp_path):
    data = tmp_path / "data.parquet"
    pq.write_table(pa.table({"name": pa.array([b"Bakiev"])}), data)
    for command in (["clean", str(data), "-c", "name", "-o", str(tmp_path / "out.csv")], ["cluster", str(data), "-c", "name"]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2 and "pass --binary-encoding utf-8" in result.output


@pytest.mark.parametrize("encoding, data_type", [("utf-8", pa.binary()), ("utf-8", pa.large_binary()),
                                                 ("cp1251", pa.binary())])
def test_a_binary_name_column_is_decoded_when_asked_and_keeps_its_type_in_parquet(tmp_path, shipped, encoding, data_type):
    data = tmp_path / "data.parquet"
    names = ["Bakiev", "Бакиев", None]
    pq.write_table(pa.table({"id": [1, 2, 3], "name": pa.array([None if n is None else n.encode(encoding) for n in names],
                                                                type=data_type)}), data)
    options = ReadOptions(binary_encoding=encoding)
    summary = clean_file(data, tmp_path / "out.parquet", ["name"], shipped, read_options=options)
    assert summary.matched == 2
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.schema.field("name").type == data_type  # the input column as it was
    assert table.column("name_id").to_pylist() == ["kg.bakiev.kurmanbek", "kg.bakiev.kurmanbek", None]
    clean_file(data, tmp_path / "out.csv", ["name"], shipped, read_options=options)
    assert [line.split(",")[:3] for line in (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()[1:]] == [
        ["1", "Bakiev", "kg.bakiev.kurmanbek"], ["2", "Бакиев", "kg.bakiev.kurmanbek"], ["3", "", ""]]


def test_a_binary_value_that_does_not_decode_is_named_by_row_group_and_row(tmp_path, shipped):
    data = tmp_path / "data.parquet"
    names = [b"Bakiev"] * 5 + [b"Omarov", b"M\xfcller"]
    pq.write_table(pa.table({"name": pa.array(names)}), data, row_group_size=5)
    with pytest.raises(InputError) as error:
        clean_file(data, tmp_path / "out.parquet", ["name"], shipped, read_options=ReadOptions(binary_encoding="utf-8"))
    assert str(error.value) == (
        f"{data}: row 7 (row group 1, its row 1, counting from 0): column 'name': bytes fc at offset 1 are not "
        f"valid utf-8; pass the encoding of the column's text with --binary-encoding (e.g. cp1251, latin-1)")
    assert not (tmp_path / "out.parquet").exists()
    assert clean_file(data, tmp_path / "out.parquet", ["name"], shipped,
                      read_options=ReadOptions(binary_encoding="latin-1")).rows == 7


def test_a_dictionary_encoded_text_column_is_text(tmp_path, shipped):
    data = tmp_path / "data.parquet"
    pq.write_table(pa.table({"name": pa.array(["Bakiev", "Bakiev"]).dictionary_encode()}), data)
    summary = clean_file(data, tmp_path / "out.parquet", ["name"], shipped)
    assert summary.matched == 2


def test_a_multi_line_quoted_field_is_read_in_linear_time(tmp_path):
    # the search for a line end outside quotes once went back over the whole open field with each
    # piece read: 5.2 MB in one field took 13 s of CPU where 2.6 MB took 0.7 s
    def seconds(megabytes: float) -> float:
        note = "\n".join("x" * 49 for _ in range(int(megabytes * 1e6 / 50)))
        data = tmp_path / f"note-{megabytes}.csv"
        data.write_text(f'id,name,note\n1,Bakiev,ok\n2,Omarov,"{note}"\n3,Akaev,ok\n', encoding="utf-8")
        started = time.process_time()
        with open_table(data, max_field_lines=0) as table:
            assert sum(len(batch) for batch in table.batches(arrow=True)) == 3
        return time.process_time() - started

    small, large = seconds(1.3), seconds(5.2)
    assert large < 8 * max(small, 0.05)  # four times the data: quadratic would be sixteen times


def test_tsv_is_plain_tab_separated_lines_and_quoted_tsv_is_read_on_request(tmp_path, shipped):
    data = tmp_path / "data.tsv"
    data.write_text('id\tname\tnote\n1\tBakiev\t5" floppy\n2\t"quoted" word\tx\n', encoding="utf-8")
    summary = clean_file(data, tmp_path / "out.tsv", ["name"], shipped)
    assert summary.rows == 2 and summary.skipped_count == 0
    lines = (tmp_path / "out.tsv").read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[:3] for line in lines[1:]] == [["1", "Bakiev", '5" floppy'], ["2", '"quoted" word', "x"]]
    quoted = tmp_path / "quoted.tsv"
    quoted.write_text('id\tname\n1\t"Bakiev, K"\n2\t"Say ""hi"""\n', encoding="utf-8")
    clean_file(quoted, tmp_path / "out2.tsv", ["name"], shipped, input_format="quoted-tsv")  # written as plain TSV
    lines = (tmp_path / "out2.tsv").read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[:2] for line in lines[1:]] == [["1", "Bakiev, K"], ["2", 'Say "hi"']]
    clean_file(quoted, tmp_path / "out3.tsv", ["name"], shipped, input_format="quoted-tsv", output_format="quoted-tsv")
    assert (tmp_path / "out3.tsv").read_text(encoding="utf-8").splitlines()[2].startswith('2\t"Say ""hi"""\t')


# -- untouched columns keep their values and types ------------------------------------------------

JSONL = ('{"id": 1, "name": "Bakiev", "price": 1.10, "big": 1e400, "n": null, "tags": ["a", 1.5]}\n'
         '{"id":2,"name":"Omarov","price":1e5}\r\n'
         '{}\n')


def test_json_lines_to_json_lines_keeps_every_untouched_byte(tmp_path, shipped):
    data = tmp_path / "in.jsonl"
    data.write_text(JSONL, encoding="utf-8")
    clean_file(data, tmp_path / "out.jsonl", ["name"], shipped)
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith('{"id": 1, "name": "Bakiev", "price": 1.10, "big": 1e400, "n": null, "tags": ["a", 1.5], '
                               '"name_id": "kg.bakiev.kurmanbek"')
    assert lines[1].startswith('{"id":2,"name":"Omarov","price":1e5, "name_id": ')
    assert lines[2] == '{"name_id": null, "name_canonical": null, "name_score": null, "name_method": "empty"}'
    assert [json.loads(line)["name_method"] for line in lines] == ["exact", "exact", "empty"]


def test_json_lines_to_parquet_keeps_nulls_missing_keys_and_numbers(tmp_path, shipped):
    data = tmp_path / "in.jsonl"
    data.write_text(JSONL, encoding="utf-8")
    clean_file(data, tmp_path / "out.parquet", ["name"], shipped)
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.schema.field("id").type == pa.int64() and table.schema.field("price").type == pa.float64()
    assert table.column("id").to_pylist() == [1, 2, None]
    assert table.column("price").to_pylist() == [1.1, 100000.0, None]
    assert table.column("n").to_pylist() == [None, None, None]
    assert table.column("name").to_pylist() == ["Bakiev", "Omarov", None]


def test_json_numbers_keep_their_text_in_csv(tmp_path, shipped):
    data = tmp_path / "in.jsonl"
    data.write_text(JSONL, encoding="utf-8")
    clean_file(data, tmp_path / "out.csv", ["name"], shipped)
    rows = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert rows[1].startswith("1,Bakiev,1.10,1e400,,")
    assert rows[2].startswith("2,Omarov,1e5,,,")


# -- a quoted empty field is not an empty field ------------------------------------------------------

# "" (text that is empty) and nothing between the delimiters (no value) in every position, beside
# doubled quotes, a multi-line field and a carriage return
QUOTED_EMPTY_CSV = (b'id,name,note,city\n'
                    b'1,"",,Osh\n'
                    b'2,Bakiev,"",\n'
                    b'3,"",""," ""Bishkek"" "\n'
                    b'4,Omarov,"two\nlines",""\n'
                    b'5,,"a\rb",""\n')


@pytest.mark.parametrize("arrow", [True, False], ids=["pyarrow", "csv-module"])
def test_a_quoted_empty_field_and_an_empty_field_keep_apart_through_clean(tmp_path, shipped, arrow, monkeypatch):
    if not arrow:
        monkeypatch.setattr(TableReader, "_arrow_may_read", lambda self: False)
    data, out = tmp_path / "in.csv", tmp_path / "out.csv"
    data.write_bytes(QUOTED_EMPTY_CSV)
    clean_file(data, out, ["name"], shipped, cluster=False)
    assert out.read_bytes() == (b'id,name,note,city,name_id,name_canonical,name_score,name_method\n'
                                b'1,"",,Osh,,,,empty\n'
                                b'2,Bakiev,"",,kg.bakiev.kurmanbek,Kurmanbek Bakiyev,1.0000,exact\n'
                                b'3,"",""," ""Bishkek"" ",,,,empty\n'
                                b'4,Omarov,"two\nlines","",kz.omarov.ilyas,Ilyas Omarov,1.0000,exact\n'
                                b'5,,"a\rb","",,,,empty\n')


def test_a_quoted_empty_field_after_a_malformed_line_is_kept_by_the_careful_reading(tmp_path, shipped):
    data, out = tmp_path / "in.csv", tmp_path / "out.csv"
    data.write_bytes(b'id,name,note\n1,Bakiev,""\n2,"Om"x,\n3,"",\n4,,""\n')
    summary = clean_file(data, out, ["name"], shipped, cluster=False, on_error="skip")
    assert summary.skipped_count == 1
    assert out.read_bytes().split(b"\n")[1:4] == [
        b'1,Bakiev,"",kg.bakiev.kurmanbek,Kurmanbek Bakiyev,1.0000,exact', b'3,"",,,,,empty', b'4,,"",,,,empty']


@pytest.mark.parametrize("arrow", [True, False], ids=["pyarrow", "csv-module"])
@FIXTURE_SETTINGS
@given(rows=st.lists(st.lists(st.sampled_from(['', '""', 'a', '"a,b"', '"x""y"', '"two\nlines"']),
                              min_size=3, max_size=3), min_size=1, max_size=30))
def test_any_mix_of_empty_and_quoted_empty_fields_is_written_back_byte_for_byte(tmp_path, rows, arrow):
    data = tmp_path / "in.csv"
    text = b"a,b,c\n" + b"".join(",".join(row).encode() + b"\n" for row in rows)
    data.write_bytes(text)
    out = io.BytesIO()
    with open_table(data, batch_rows=7) as table:
        writer = TableWriter(out, "csv", table.columns, [AddedColumn("x")])
        for batch in table.batches(arrow=arrow):
            writer.write(batch, [[""] * len(batch)])
        writer.close()
    assert out.getvalue() == b"a,b,c,x\n" + b"".join(",".join(row).encode() + b",\n" for row in rows)
