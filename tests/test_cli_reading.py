"""Reading options people reach for on the command line (csvkit, sqlite-utils): other delimiters and
quotes, no header, lines before the header, a first part of a big file, JSON Lines read per object;
and what clean writes besides the table: a prefix for the added columns, a JSON summary."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from translitnorm.cli import app
from translitnorm.cluster import cluster_names

runner = CliRunner()


def clean(tmp_path, content: bytes, *args: str, suffix: str = ".csv"):
    path = tmp_path / f"input{suffix}"
    path.write_bytes(content)
    return runner.invoke(app, ["clean", str(path), "-o", "-", *args])


def table(result) -> list[list[str]]:
    assert result.exit_code == 0, result.output
    return [line.split(",") for line in result.stdout.splitlines()]


@pytest.mark.parametrize("delimiter, separator", [(";", b";"), ("|", b"|"), ("tab", b"\t"), ("\\t", b"\t")])
def test_delimiter_reads_other_separators(tmp_path, delimiter, separator):
    content = separator.join([b"id", b"name"]) + b"\n" + separator.join([b"1", b"Bakijew"]) + b"\n"
    rows = table(clean(tmp_path, content, "-c", "name", "--delimiter", delimiter, "-q"))
    assert rows == [["id", "name", "name_id", "name_canonical", "name_score", "name_method"],
                    ["1", "Bakijew", "kg.bakiev.kurmanbek", "Kurmanbek Bakiyev", "1.0000", "exact"]]


def test_quotechar_reads_fields_quoted_otherwise(tmp_path):
    rows = table(clean(tmp_path, b"id;name\n1;'Bakiev; Kurmanbek'\n", "-c", "name", "-d", ";", "--quotechar", "'", "-q"))
    assert rows[1][:3] == ["1", "Bakiev; Kurmanbek", "kg.bakiev.kurmanbek"]


def test_no_header_names_columns_by_position(tmp_path):
    rows = table(clean(tmp_path, b"1,Bakijew\n2,Otounba\xc3\xafeva\n", "--no-header", "-c", "2", "-q"))
    assert rows[0] == ["1", "2", "2_id", "2_canonical", "2_score", "2_method"]
    assert [row[:3] for row in rows[1:]] == [["1", "Bakijew", "kg.bakiev.kurmanbek"],
                                             ["2", "Otounbaïeva", "kg.otunbayeva.roza"]]


def test_skip_lines_passes_over_a_title_and_keeps_true_line_numbers(tmp_path):
    content = b"Export of 1 December\n\nid,name\n1,Bakijew\n2,Osh,extra\n"
    result = clean(tmp_path, content, "-c", "name", "--skip-lines", "2", "-q")
    assert result.exit_code == 2
    assert "line 5: 3 fields, expected 2 (id, name)" in result.output
    rows = table(clean(tmp_path, content, "-c", "name", "--skip-lines", "2", "--on-error", "skip", "-q"))
    assert rows[1][:3] == ["1", "Bakijew", "kg.bakiev.kurmanbek"] and len(rows) == 2


@pytest.mark.parametrize("rows_in_file", [3, 120_000])  # the csv module's path and pyarrow's
def test_limit_reads_only_the_first_rows(tmp_path, rows_in_file):
    names = ["Bakijew", "Otounbaïeva", "Daniyar Usenov"]
    content = "id,name\n" + "".join(f"{i},{names[i % 3]}\n" for i in range(rows_in_file))
    result = clean(tmp_path, content.encode(), "-c", "name", "--limit", "2")
    rows = table(result)
    assert [row[:3] for row in rows[1:]] == [["0", "Bakijew", "kg.bakiev.kurmanbek"],
                                             ["1", "Otounbaïeva", "kg.otunbayeva.roza"]]
    assert "rows            2 (name), 2 distinct names" in result.stderr


def test_prefix_names_the_added_columns_and_needs_one_column(tmp_path):
    rows = table(clean(tmp_path, b"name,city\nBakijew,Och\n", "-c", "name", "--prefix", "person", "-q"))
    assert rows[0] == ["name", "city", "person_id", "person_canonical", "person_score", "person_method"]
    refused = clean(tmp_path, b"name,city\nBakijew,Och\n", "-c", "name", "-c", "city", "--prefix", "x")
    assert refused.exit_code == 2 and "a prefix names the added columns of one name column, not of 2" in refused.output


def test_summary_json_holds_the_summary_for_programs(tmp_path):
    summary = tmp_path / "summary.json"
    result = clean(tmp_path, b"name\nBakijew\nBakijew\nBolot Temirov\n\nMr. X\x00\n", "-c", "name",
                   "--summary-json", str(summary), "--on-error", "skip", "--review", str(tmp_path / "r.csv"))
    assert result.exit_code == 0, result.output
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert {key: data[key] for key in ("rows", "distinct_names", "with_id", "by_method", "clusters", "skipped_lines")} == {
        "rows": 4, "distinct_names": 2, "with_id": 2, "by_method": {"cluster": 1, "empty": 1, "exact": 2},
        "clusters": 1, "skipped_lines": 1}
    assert data["skipped"][0]["line"] == 6 and data["review"] == str(tmp_path / "r.csv")
    assert data["seconds"] > 0


def test_cluster_by_key_is_stricter_than_fuzzy(tmp_path):
    names = {"Kanybek Osmonaliev": 2, "Kanybek Osmonalev": 1}
    assert [len(c.members) for c in cluster_names(names)] == [2]
    assert [len(c.members) for c in cluster_names(names, fuzzy=False)] == [1, 1]
    path = tmp_path / "names.txt"
    path.write_text("Kanybek Osmonaliev\nKanybek Osmonaliev\nKanybek Osmonalev\n", encoding="utf-8")
    fuzzy = runner.invoke(app, ["cluster", str(path)])
    strict = runner.invoke(app, ["cluster", str(path), "--cluster-by", "key"])
    assert len(fuzzy.stdout.splitlines()) == 2 and len(strict.stdout.splitlines()) == 3
    cleaned = clean(tmp_path, b"name\nKanybek Osmonaliev\nKanybek Osmonalev\n", "-c", "name", "--cluster-by", "key", "-q")
    assert len({row[1] for row in table(cleaned)[1:]}) == 2


def test_json_lines_take_the_requested_key_from_every_object(tmp_path):
    content = b'{"id": 1, "nm": "x"}\n{"id": 2, "name": "Bakijew"}\n'
    result = clean(tmp_path, content, "-c", "name", "-q", suffix=".jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(row["id"], row.get("name"), row["name_method"]) for row in rows] == [(1, None, "empty"), (2, "Bakijew", "exact")]
    missing = clean(tmp_path, content, "-c", "nam", "-q", suffix=".jsonl")
    assert missing.exit_code == 2 and "column 'nam' not found" in missing.output


def test_a_json_lines_line_that_is_not_an_object_is_a_malformed_record(tmp_path):
    content = b'[1, 2]\n{"name": "Bakijew"}\n"text"\n{"name": "Otunbayeva"}\n'
    refused = clean(tmp_path, content, "-c", "name", "-q", suffix=".jsonl")
    assert refused.exit_code == 2
    assert "line 1: a JSON list, not an object; each line must be one JSON object (or pass --on-error skip)" in refused.output
    skipped = clean(tmp_path, content, "-c", "name", "--on-error", "skip", suffix=".jsonl")
    assert skipped.exit_code == 0, skipped.output
    assert [json.loads(line)["name_id"] for line in skipped.stdout.splitlines()] == ["kg.bakiev.kurmanbek", "kg.otunbayeva.roza"]
    assert "skipped         2 malformed lines (line 1, 3)" in skipped.stderr
