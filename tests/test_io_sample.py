"""--sample N: a random sample of the rows of a whole file, drawn in one pass, the same again with
--seed; unlike --limit, which takes the first rows."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from unittest import mock

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from translitnorm.cli import app
from translitnorm.io import Batch, InputError, ReadOptions, TableReader, open_table
from translitnorm.io.sampling import sample_rows

runner = CliRunner()
NAMES = ["Bakijew", "Otounbaïeva", "Daniyar Usenov", "Akaev", "Omarov"]


def write_input(path, fmt: str, rows: int) -> None:
    """A file of ``rows`` rows ``id, name`` (id = the row's number) in ``fmt``."""
    ids, names = list(range(rows)), [NAMES[i % len(NAMES)] for i in range(rows)]
    if fmt == "parquet":
        pq.write_table(pa.table({"id": ids, "name": names}), path, row_group_size=max(1, rows // 3))
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps({"id": i, "name": n}) + "\n" for i, n in zip(ids, names)), encoding="utf-8")
    else:
        separator = "\t" if fmt == "tsv" else ","
        path.write_text(f"id{separator}name\n" + "".join(f"{i}{separator}{n}\n" for i, n in zip(ids, names)),
                        encoding="utf-8")


def sampled_ids(path, size: int, seed: int, batch_rows: int = 1000, **options) -> list[int]:
    with open_table(path, batch_rows=batch_rows, options=ReadOptions(sample=size, seed=seed, **options)) as table:
        table.require("name")
        ids = [int(row[0]) for batch in table.batches() for row in batch.records()]
        again = [int(row[0]) for batch in table.batches(arrow=True) for row in batch.records()]
        assert again == ids  # a second pass gives the same rows
        assert table.stats.rows == len(ids) and table.stats.seed == seed
        return ids


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl", "parquet"])
def test_a_sample_is_rows_of_the_whole_file_in_order_and_the_same_for_the_same_seed(tmp_path, fmt):
    path = tmp_path / f"names.{fmt}"
    write_input(path, fmt, 5000)
    ids = sampled_ids(path, 50, seed=1)
    assert len(ids) == 50 == len(set(ids)) and ids == sorted(ids) and all(0 <= i < 5000 for i in ids)
    assert max(ids) > 2500  # from the whole file, not its start (the chance of failing: 2**-50)
    assert sampled_ids(path, 50, seed=1, batch_rows=7) == ids  # whatever the batches
    assert sampled_ids(path, 50, seed=2) != ids


def test_a_sample_larger_than_the_file_is_the_whole_file(tmp_path):
    path = tmp_path / "names.csv"
    write_input(path, "csv", 30)
    assert sampled_ids(path, 100, seed=3) == list(range(30))


def test_every_row_is_as_likely_to_be_drawn():
    batches = [Batch(["n"], [[str(i)] for i in range(start, start + 4)]) for start in range(0, 20, 4)]
    drawn = Counter(row[0] for seed in range(4000) for batch in sample_rows(batches, 3, seed) for row in batch.rows)
    expected = 4000 * 3 / 20  # 600 draws of each of the 20 rows
    assert set(drawn) == {str(i) for i in range(20)}
    assert all(abs(count - expected) < 0.15 * expected for count in drawn.values()), drawn


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(0, 30), max_size=8), size=st.integers(1, 40), seed=st.integers(0, 2**32))
def test_a_sample_has_min_of_size_and_rows_distinct_rows_in_order(sizes, size, seed):
    batches, start = [], 0
    for count in sizes:
        batches.append(Batch(["n"], [[start + i] for i in range(count)]))
        start += count
    rows = [row[0] for batch in sample_rows(batches, size, seed) for row in batch.rows]
    assert len(rows) == min(size, start) and rows == sorted(set(rows))


def test_the_file_is_read_once_for_both_passes(tmp_path):
    path = tmp_path / "names.csv.gz"
    path.write_bytes(gzip.compress(b"id,name\n" + b"".join(f"{i},Bakiev\n".encode() for i in range(100))))
    with open_table(path, options=ReadOptions(sample=10, seed=1)) as table:
        with mock.patch.object(TableReader, "_all_batches", wraps=table._all_batches) as reads:
            first = [row for batch in table.batches() for row in batch.records()]
            second = [row for batch in table.batches() for row in batch.records()]
    assert first == second and len(first) == 10 and reads.call_count == 1


def test_a_sample_keeps_quoted_empty_fields_and_json_lines_as_read(tmp_path):
    path = tmp_path / "names.csv"
    path.write_bytes(b"id,name,note\n" + b"".join(f'{i},Bakiev,""\n'.encode() for i in range(50)))
    with open_table(path, batch_rows=8, options=ReadOptions(sample=5, seed=4)) as table:
        batches = list(table.batches())
    assert sum(len(batch) for batch in batches) == 5
    assert all(sorted(batch.quoted_empty) == [(row, 2) for row in range(len(batch))] for batch in batches)


def test_clean_sample_writes_the_sampled_rows_and_says_so(tmp_path):
    path, summary = tmp_path / "names.csv", tmp_path / "summary.json"
    write_input(path, "csv", 3000)
    args = ["clean", str(path), "-c", "name", "-o", "-", "--sample", "20", "--seed", "9"]
    first, second = runner.invoke(app, args + ["--summary-json", str(summary)]), runner.invoke(app, args + ["-q"])
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    lines = first.stdout.splitlines()
    assert len(lines) == 21 and all(line.split(",")[1] == NAMES[int(line.split(",")[0]) % 5] for line in lines[1:])
    assert "sample          20 of 3,000 rows, drawn at random (--seed 9 draws them again)" in first.stderr
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["rows"] == 20 and data["sample"] == {"of_rows": 3000, "seed": 9}


def test_clean_sample_without_a_seed_reports_the_seed_that_draws_it_again(tmp_path):
    path = tmp_path / "names.jsonl"
    write_input(path, "jsonl", 500)
    result = runner.invoke(app, ["clean", str(path), "-c", "name", "-o", "-", "--sample", "5"])
    assert result.exit_code == 0, result.output
    seed = int(result.stderr.split("--seed ")[1].split()[0])
    again = runner.invoke(app, ["clean", str(path), "-c", "name", "-o", "-", "--sample", "5", "--seed", str(seed), "-q"])
    assert again.stdout == result.stdout


def test_cluster_takes_a_sample_too(tmp_path):
    path = tmp_path / "names.parquet"
    write_input(path, "parquet", 1000)
    result = runner.invoke(app, ["cluster", str(path), "-c", "name", "--sample", "4", "--seed", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert sum(json.loads(line)["count"] for line in result.stdout.splitlines()) == 4


@pytest.mark.parametrize("args, message", [
    (["--sample", "5", "--limit", "5"], "--limit takes the first rows and --sample a random sample of all of them: give one"),
    (["--seed", "5"], "--seed chooses the rows of --sample; give --sample N as well"),
    (["--sample", "0"], "0 is out of range; give a value 1 or more"),
])
def test_sample_options_that_do_not_fit_are_refused(tmp_path, args, message):
    path = tmp_path / "names.csv"
    write_input(path, "csv", 10)
    result = runner.invoke(app, ["clean", str(path), "-c", "name", "-o", "-", *args])
    assert result.exit_code == 2 and message in result.output


@pytest.mark.parametrize("command", ["clean", "cluster"])
def test_sample_and_limit_say_in_help_how_they_differ(command):
    import typer.main
    options = {param.opts[0]: param.help for param in typer.main.get_command(app).commands[command].params}
    assert "unlike --limit" in options["--sample"] and "--seed" in options["--sample"]
    assert options["--limit"].startswith("Read only the first N rows") and "--sample" in options["--seed"]
