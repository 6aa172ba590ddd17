"""``clean``: every row and column kept, IDs and stable cluster IDs added, review file, bad input, formats."""

from __future__ import annotations

import csv
import gzip
import json
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import translitnorm.clean as clean_module
from translitnorm import Normaliser, batch
from translitnorm.backtranslit import likely_cyrillic
from translitnorm.clean import REVIEW_HEADER, clean_file
from translitnorm.cluster import name_keys
from translitnorm.cli import app, clean_cmd  # noqa: F401  (registers the command)
from translitnorm.io import InputError
from translitnorm.lexicon import LexiconLine, format_lines
from translitnorm.review import resolve_distinct
from translitnorm.script import is_cyrillic

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds" / "example-names.csv"
ADDED = ["name_id", "name_canonical", "name_score", "name_method"]
FIXTURE_SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def read_csv(path, delimiter=","):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def write_csv(path, rows, delimiter=","):
    """CSV with CRLF line ends, as RFC 4180 has them (and so a lone \r in a field is quoted)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\r\n").writerows(rows)


def by_name(path):
    header, *rows = read_csv(path)
    return {row[header.index("name")]: dict(zip(header, row)) for row in rows}


@pytest.fixture()
def seeds_output(tmp_path, shipped):
    output, review = tmp_path / "out" / "clean.csv", tmp_path / "review.csv"
    summary = clean_file(SEEDS, output, ["name"], shipped, review=review)
    return summary, output, review


def test_seeds_keep_every_row_and_column_and_gain_ids(seeds_output):
    summary, output, _ = seeds_output
    source = read_csv(SEEDS)
    cleaned = read_csv(output)
    assert cleaned[0] == source[0] + ADDED
    assert [row[:3] for row in cleaned] == source
    rows = by_name(output)
    assert rows["Bakiev's"]["name_id"] == "kg.bakiev.kurmanbek"
    assert rows["Bakiev's"]["name_canonical"] == "Kurmanbek Bakiyev"
    assert rows["Bakiev's"]["name_score"] == "1.0000" and rows["Bakiev's"]["name_method"] == "exact"
    # GeoNames' Polish name of Bishkek (places-kg.tsv) makes Biszkek exact; a key match before
    assert rows["Biszkek"]["name_id"] == "kg.bishkek" and rows["Biszkek"]["name_method"] == "exact"
    unknown = rows["Azimbek Beknazarov"]
    assert unknown["name_id"].startswith("~") and unknown["name_method"] == "cluster"
    assert unknown["name_canonical"] == "Azimbek Beknazarov" and unknown["name_score"] == ""
    assert summary.rows == len(source) - 1
    assert summary.methods["cluster"] == sum(1 for r in cleaned[1:] if r[-1] == "cluster")
    assert sum(summary.methods.values()) == summary.rows


def test_review_file_lists_names_a_person_should_decide(seeds_output):
    _, output, review = seeds_output
    header, *lines = read_csv(review)
    assert tuple(header) == REVIEW_HEADER
    assert ",".join(header) == "column,name,count,reason,suggested_id,score,candidates,cluster,suggested_source,decision,target_id,type,lang"
    janysh = next(dict(zip(header, line)) for line in lines if line[1] == "Janysh Bakiyev")
    assert janysh["reason"] == "below-threshold" and janysh["suggested_id"] == "kg.bakiev.kurmanbek"
    assert janysh["candidates"] == "kg.bakiev.kurmanbek 0.67" and janysh["score"] == "0.6667"
    assert janysh["cluster"] == by_name(output)["Janysh Bakiyev"]["name_id"]
    assert janysh["decision"] == janysh["target_id"] == janysh["type"] == janysh["lang"] == ""


def test_review_has_ambiguous_names_and_big_new_clusters_sorted_by_count(tmp_path, cache_dir):
    lexicon = tmp_path / "two-petrovs.tsv"
    lexicon.write_text(format_lines([
        LexiconLine("ru.petrov.ivan", "person", "ru", "Иван Петров", "source"),
        LexiconLine("ru.petrov.pyotr", "person", "ru", "Пётр Петров", "source")]), encoding="utf-8")
    normaliser = Normaliser.from_lexicons([lexicon], cache_dir=cache_dir)
    data = tmp_path / "data.csv"
    write_csv(data, [["name"], ["Petrov"], ["Ivan Petrov"], *[["Felix Kulov"]] * 3, ["Feliks Kulow"], ["Olga Sidorova"]])
    review = tmp_path / "review.csv"
    clean_file(data, tmp_path / "out.csv", ["name"], normaliser, review=review)
    header, *lines = read_csv(review)
    found = [(line[1], line[2], line[3], line[4]) for line in lines]
    assert found == [("Felix Kulov", "3", "new-cluster", ""), ("Feliks Kulow", "1", "new-cluster", ""),
                     ("Petrov", "1", "ambiguous", "ru.petrov.ivan")]
    petrov = dict(zip(header, lines[2]))
    assert petrov["candidates"] == "ru.petrov.ivan 1.00; ru.petrov.pyotr 1.00"
    assert lines[0][7] == lines[1][7] != ""  # the two spellings share one cluster


def test_empty_and_null_names_stay_empty_and_no_cluster_leaves_unknowns_without_id(tmp_path, shipped):
    data = tmp_path / "data.jsonl"
    data.write_text('{"name": ""}\n{"name": null}\n{"other": 1}\n{"name": "Azimbek Beknazarov"}\n', encoding="utf-8")
    output = tmp_path / "out.jsonl"
    summary = clean_file(data, output, ["name"], shipped, cluster=False)
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [r["name_method"] for r in rows] == ["empty", "empty", "empty", "none"]
    assert rows[0] == {"name": "", "name_id": None, "name_canonical": None, "name_score": None, "name_method": "empty"}
    assert rows[2]["other"] == 1 and "name" not in rows[2]
    assert summary.methods == {"empty": 3, "none": 1}


ROW_VALUES = st.lists(st.sampled_from(list("abz ,\"'\r\n\tБк-") + ["Bakiev", "Kulov", "Omarov"]), max_size=6).map("".join)


@FIXTURE_SETTINGS
@given(rows=st.lists(st.tuples(ROW_VALUES, ROW_VALUES), max_size=25), batch_rows=st.integers(1, 7))
def test_output_rows_equal_input_rows_in_order(tmp_path_factory, shipped, rows, batch_rows):
    folder = tmp_path_factory.mktemp("rows")
    data, output = folder / "in.csv", folder / "out.csv"
    write_csv(data, [["name", "note"], *rows])
    summary = clean_file(data, output, ["name"], shipped, batch_rows=batch_rows)
    header, *cleaned = read_csv(output)
    assert header == ["name", "note"] + ADDED
    assert [tuple(row[:2]) for row in cleaned] == [tuple(r) for r in rows]
    assert summary.rows == len(rows)
    assert all(row[5] == "empty" for row, source in zip(cleaned, rows) if not source[0].strip())


VARIANTS = ["Daniyar Usenov", "Daniar Ussenov", "Felix Kulov", "Feliks Kulow", "Olga Ivanova", "Olga Ivanov",
            "Temir Sariyev", "Temir Sarijew", "Bakiev", "Janysh Bakiyev", "Tomsk-7", "Tomsk-8"]


@FIXTURE_SETTINGS
@given(names=st.lists(st.sampled_from(VARIANTS), min_size=1, max_size=30), random=st.randoms(),
       batch_rows=st.integers(1, 10))
def test_cluster_ids_do_not_depend_on_row_order_or_batch_size(tmp_path_factory, shipped, names, random, batch_rows):
    folder = tmp_path_factory.mktemp("order")
    shuffled = list(names)
    random.shuffle(shuffled)
    ids = []
    for order, rows in ((0, names), (1, shuffled)):
        data, output = folder / f"in{order}.csv", folder / f"out{order}.csv"
        write_csv(data, [["name"], *[[n] for n in rows]])
        clean_file(data, output, ["name"], shipped, batch_rows=batch_rows if order else 50_000)
        ids.append({name: (row["name_id"], row["name_canonical"]) for name, row in by_name(output).items()})
    assert ids[0] == ids[1]


def test_failure_midway_leaves_no_output_and_an_existing_output_untouched(tmp_path, shipped, monkeypatch):
    data, output = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(data, [["name"], *[["Bakiev"]] * 10])
    output.write_text("previous result\n", encoding="utf-8")
    calls = []

    def failing_write(self, batch, keys, lookup):
        calls.append(len(batch))
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return original(self, batch, keys, lookup)

    original = clean_module.TableWriter.write_looked_up
    monkeypatch.setattr(clean_module.TableWriter, "write_looked_up", failing_write)
    with pytest.raises(OSError):
        clean_file(data, output, ["name"], shipped, batch_rows=3)
    assert output.read_text(encoding="utf-8") == "previous result\n"
    fresh = tmp_path / "fresh.csv"
    calls.clear()
    with pytest.raises(OSError):
        clean_file(data, fresh, ["name"], shipped, batch_rows=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_a_malformed_line_stops_before_any_output_or_is_skipped_and_reported(tmp_path, shipped):
    data, output = tmp_path / "in.csv", tmp_path / "out.csv"
    data.write_text("id,name\n1,Bakiev\n2,Omarov,extra\n3,Bishkek\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3: 3 fields, expected 2"):
        clean_file(data, output, ["name"], shipped)
    assert not output.exists()
    summary = clean_file(data, output, ["name"], shipped, on_error="skip")
    assert [row[1] for row in read_csv(output)[1:]] == ["Bakiev", "Bishkek"]
    assert summary.skipped_count == 1 and summary.skipped[0][0] == 3
    assert any("skipped         1 malformed lines (line 3)" in line for line in summary.lines())


def test_the_input_is_never_overwritten(tmp_path, shipped):
    data = tmp_path / "in.csv"
    write_csv(data, [["name"], ["Bakiev"]])
    before = data.read_bytes()
    with pytest.raises(InputError, match="is the input file"):
        clean_file(data, tmp_path / "." / "in.csv", ["name"], shipped)
    with pytest.raises(InputError, match="is the input file"):
        clean_file(data, tmp_path / "out.csv", ["name"], shipped, review=data)
    assert data.read_bytes() == before


def test_added_columns_that_already_exist_are_refused(tmp_path, shipped):
    data = tmp_path / "in.csv"
    write_csv(data, [["name", "name_id"], ["Bakiev", "x"]])
    with pytest.raises(InputError, match="already has column"):
        clean_file(data, tmp_path / "out.csv", ["name"], shipped)


def test_formats_round_trip_and_parquet_keeps_types(tmp_path, shipped):
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"row": pa.array([1, 2, 3], pa.int64()), "name": ["Bakijew", None, "Azimbek Beknazarov"],
                             "when": pa.array([1.5, 2.5, None])}), source)
    as_parquet = tmp_path / "out.parquet"
    clean_file(source, as_parquet, ["name"], shipped)
    table = pq.read_table(as_parquet)
    assert table.column_names == ["row", "name", "when"] + ADDED
    assert table.schema.field("row").type == pa.int64() and table.schema.field("name_score").type == pa.float64()
    assert table.column("name_id").to_pylist()[:2] == ["kg.bakiev.kurmanbek", None]
    assert table.column("name_method").to_pylist() == ["exact", "empty", "cluster"]
    as_jsonl, as_tsv, as_csv = tmp_path / "out.jsonl", tmp_path / "out.tsv.gz", tmp_path / "out.csv"
    clean_file(source, as_jsonl, ["name"], shipped)
    records = [json.loads(line) for line in as_jsonl.read_text(encoding="utf-8").splitlines()]
    assert records[0]["row"] == 1 and records[0]["name_score"] == 1.0 and records[1]["name"] is None
    clean_file(source, as_tsv, ["name"], shipped)
    with gzip.open(as_tsv, "rt", encoding="utf-8", newline="") as handle:
        tsv = list(csv.reader(handle, delimiter="\t"))
    assert tsv[1] == ["1", "Bakijew", "1.5", "kg.bakiev.kurmanbek", "Kurmanbek Bakiyev", "1.0000", "exact"]
    # and back: the TSV output cleaned again (other column) keeps everything
    clean_file(as_tsv, as_csv, ["name_canonical"], shipped)
    again = read_csv(as_csv)
    assert [row[:7] for row in again] == tsv and again[0][7:] == [f"name_canonical{s}" for s in clean_module.ADDED_SUFFIXES]


def test_gzip_input_two_columns_and_stdout(tmp_path, shipped, capsysbinary):
    data = tmp_path / "in.csv.gz"
    with gzip.open(data, "wt", encoding="utf-8", newline="") as handle:
        handle.write("a,b\nBakiev,Bishkek\nBichkek,\n")
    clean_file(data, "-", ["a", "b"], shipped)
    lines = capsysbinary.readouterr().out.decode("utf-8").splitlines()
    assert lines[0] == "a,b,a_id,a_canonical,a_score,a_method,b_id,b_canonical,b_score,b_method"
    assert lines[2] == "Bichkek,,kg.bishkek,Bishkek,1.0000,exact,,,,empty"


@pytest.mark.parametrize("enough_names", [True, False])
def test_workers_started_before_reading_give_the_same_output(tmp_path, shipped, monkeypatch, enough_names):
    monkeypatch.setattr(clean_module, "EARLY_WORKERS_MIN_BYTES", 0)
    monkeypatch.setattr(batch, "PARALLEL_MIN_NAMES", 0 if enough_names else 10**6)
    monkeypatch.setattr(batch, "available_cores", lambda: 2)  # whatever the machine running the test has
    monkeypatch.setattr(clean_module, "available_cores", lambda: 2)
    monkeypatch.setattr(batch, "CHUNK_SIZE", 7)
    pools = []
    monkeypatch.setattr(clean_module, "WorkerPool", lambda *args: pools.append(batch.WorkerPool(*args)) or pools[-1])
    used = []
    resolve = batch.WorkerPool.resolve
    monkeypatch.setattr(batch.WorkerPool, "resolve", lambda self, *a, **k: used.append(self) or resolve(self, *a, **k))
    clean_file(SEEDS, tmp_path / "one.csv", ["name"], shipped, jobs=1)
    assert pools == []  # one process: nothing started
    clean_file(SEEDS, tmp_path / "two.csv", ["name"], shipped, jobs=2)
    assert len(pools) == 1 and used == (pools if enough_names else [])
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()


def test_the_command_uses_a_process_per_core_for_many_names_unless_told(tmp_path, cache_dir, monkeypatch):
    asked = []
    worker_count = batch._worker_count
    monkeypatch.setattr(batch, "_worker_count", lambda jobs, distinct: asked.append(jobs) or worker_count(jobs, distinct))
    common = ["clean", str(SEEDS), "--column", "name", "--lexicon", str(ROOT / "lexicons"), "--quiet"]
    monkeypatch.setenv("TRANSLITNORM_CACHE_DIR", str(cache_dir))
    for extra, output in (([], "auto.csv"), (["--jobs", "1"], "one.csv")):
        result = CliRunner().invoke(app, common + extra + ["-o", str(tmp_path / output)])
        assert result.exit_code == 0, result.output
    assert asked == [None, 1]  # None: one per core once there are PARALLEL_MIN_NAMES distinct names
    assert batch._worker_count(None, 10) == 1  # a file as small as the seeds stays in one process
    assert (tmp_path / "auto.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()


def test_jobs_2_gives_the_same_output_as_jobs_1(tmp_path, shipped, monkeypatch):
    monkeypatch.setattr(batch, "PARALLEL_MIN_NAMES", 0)  # the small file still goes to worker processes
    monkeypatch.setattr(batch, "CHUNK_SIZE", 7)
    rows = [[name] for name in read_csv(SEEDS)[1:] for name in name[2:]] * 2
    data = tmp_path / "in.csv"
    write_csv(data, [["name"], *rows, ["Daniar Ussenov"], ["Olga Ivanov"]])
    clean_file(data, tmp_path / "one.csv", ["name"], shipped, jobs=1, review=tmp_path / "r1.csv")
    clean_file(data, tmp_path / "two.csv", ["name"], shipped, jobs=2, review=tmp_path / "r2.csv")
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
    assert (tmp_path / "r1.csv").read_bytes() == (tmp_path / "r2.csv").read_bytes()


def test_names_with_no_id_are_read_where_they_are_resolved_as_clustering_and_the_review_read_them(shipped):
    names = [row[2] for row in read_csv(SEEDS)[1:]] + ["Daniar Ussenov", "Tschechow", "Чехов", "Zzyx Qwrt"]
    plain = resolve_distinct(shipped, names)
    outcomes = resolve_distinct(shipped, names, cluster_lang="ru", source_min_score=0.6)
    unknown = [name for name in plain if plain[name].method == "none"]
    assert len(unknown) >= 5
    for name, outcome in outcomes.items():
        assert replace(outcome, cluster_keys=None, source=None) == plain[name]
        if name not in unknown:
            assert outcome.cluster_keys is None and outcome.source is None
            continue
        assert outcome.cluster_keys == name_keys(name, "ru")
        assert outcome.cluster_keys.reading.alternatives == name_keys(name, "ru").reading.alternatives
        may_be_new_cluster = outcome.reason != "ambiguous" and not (outcome.reason == "below-threshold"
                                                                     and outcome.score >= 0.6)
        expected = likely_cyrillic(name) if may_be_new_cluster and not is_cyrillic(name) else None
        assert outcome.source == expected
    assert any(outcomes[name].source for name in unknown)


def test_cli_reads_stdin_writes_stdout_and_prints_a_summary(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["clean", "-", "--column", "name", "--lexicon", str(ROOT / "lexicons")],
                           input="name\nKurmanbek Bakijew\nAzimbek Beknazarov\n")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "name," + ",".join(ADDED)
    assert lines[1] == "Kurmanbek Bakijew,kg.bakiev.kurmanbek,Kurmanbek Bakiyev,1.0000,exact"
    assert "rows            2 (name), 2 distinct names" in result.stderr
    assert "with an ID      1 50%" in result.stderr


@pytest.mark.parametrize("content, args, message", [
    (b"id,full_name\n1,Bakiev\n", [], "column 'name' not found; columns are: id, full_name — pass --column full_name"),
    (b"name\nBakiev\n\"Omarov\n", [], "line 3: unterminated quote"),
    (b"name\nM\xfcller\n", [], "byte offset 6"),
    (b"name\nBakiev\n", ["--format", "xlsx"], "unknown format 'xlsx'"),
    (b"name\nBakiev\n", ["--encoding", "klingon"], "unknown encoding 'klingon'"),
])
def test_cli_bad_input_is_a_one_line_error_with_exit_2(tmp_path, content, args, message):
    data = tmp_path / "in.csv"
    data.write_bytes(content)
    result = CliRunner().invoke(app, ["clean", str(data), "-c", "name", "-o", str(tmp_path / "out.csv"),
                                      "--lexicon", str(ROOT / "lexicons"), *args])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out.csv").exists()


def test_cli_latin1_input_with_encoding_option(tmp_path):
    data = tmp_path / "in.csv"
    data.write_bytes("name\nMüller\nBichkek\n".encode("latin-1"))
    result = CliRunner().invoke(app, ["clean", str(data), "-c", "name", "--encoding", "latin-1", "-q",
                                      "--lexicon", str(ROOT / "lexicons")])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("Müller,~")


def test_progress_reports_each_stage_up_to_its_total(tmp_path, shipped):
    data = tmp_path / "in.csv"
    write_csv(data, [["name"], *[["Bakiev"], ["Azimbek Beknazarov"], ["Bolot Temirow"]] * 5])
    seen: dict[str, tuple[int, int | None]] = {}
    clean_file(data, tmp_path / "out.csv", ["name"], shipped, batch_rows=4,
               progress=lambda stage, done, total: seen.__setitem__(stage, (done, total)))
    assert seen["reading"] == (data.stat().st_size, data.stat().st_size)
    assert seen["resolving"] == (3, 3)
    assert seen["clustering"] == (2, 2)
    assert seen["writing"] == (15, 15)


def test_cli_progress_can_be_turned_off_and_quiet_silences_the_summary(tmp_path):
    from translitnorm.cli.progress import stderr_progress

    with stderr_progress(False) as progress:
        assert progress is None
    with stderr_progress(True) as progress:
        progress("reading", 1, 2)
        progress("reading", 2, 2)
    data = tmp_path / "in.csv"
    write_csv(data, [["name"], ["Bakiev"]])
    result = CliRunner().invoke(app, ["clean", str(data), "-c", "name", "-q", "-o", str(tmp_path / "o.csv"),
                                      "--lexicon", str(ROOT / "lexicons")])
    assert result.exit_code == 0 and result.stderr == ""
