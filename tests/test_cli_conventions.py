"""The command line as people who clean data on the command line expect it (csvkit, sqlite-utils):
version, help with examples, one meaning per short option, checked option values, pipes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

import translitnorm
from translitnorm.cli import app

runner = CliRunner()


def walk(group, prefix=()):
    """Every group and command of the app, with its path."""
    yield prefix, group
    for name, command in getattr(group, "commands", {}).items():
        yield from walk(command, prefix + (name,))


def unboxed(text: str) -> str:
    """An error message as one line, without the frame typer draws around it."""
    return " ".join(line.strip(" │╭╮╰╯─") for line in text.splitlines()).replace("  ", " ")


COMMANDS = list(walk(typer.main.get_command(app)))


def test_version_prints_the_package_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"translitnorm {translitnorm.__version__}"


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=lambda path: " ".join(path) or "translitnorm")
def test_every_group_and_command_has_an_example_in_its_help(path):
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example: translitnorm" in result.stdout


def test_usage_lines_show_user_facing_argument_names_not_parameter_names():
    for path, command in COMMANDS:
        for param in command.params:
            if param.param_type_name == "argument":
                assert param.metavar and param.metavar.isupper(), f"{' '.join(path)}: argument '{param.name}'"
        usage = runner.invoke(app, [*path, "--help"]).stdout
        assert "{main}" not in usage and "{input}" not in usage


def test_a_short_option_means_the_same_long_option_in_every_command():
    meaning: dict[str, set[str]] = {}
    for _, command in COMMANDS:
        for param in command.params:
            if param.param_type_name == "option":
                longs = [o for o in param.opts if o.startswith("--")]
                for short in (o for o in param.opts if not o.startswith("--")):
                    meaning.setdefault(short, set()).update(longs)
    assert meaning["-l"] == {"--lexicon"}
    assert meaning["-c"] == {"--column"}
    assert {short: longs for short, longs in meaning.items() if len(longs) > 1} == {}


@pytest.mark.parametrize("args, message", [
    (["resolve", "Bakijew", "--min-score", "2"], "'--min-score': 2 is out of range; give a value from 0 to 1"),
    (["resolve", "Bakijew", "--margin", "-1"], "'--margin': -1 is out of range; give a value from 0 to 1"),
    (["clean", "seeds/example-names.csv", "-c", "name", "--min-score", "1.5"], "1.5 is out of range; give a value from 0 to 1"),
    (["clean", "seeds/example-names.csv", "-c", "name", "--jobs", "0"], "'-j': 0 is out of range; give a value 1 or more"),
    (["clean", "seeds/example-names.csv", "-c", "name", "--on-error", "ignore"], "'ignore' is not one of 'raise', 'skip'"),
    (["cluster", "seeds/example-names.csv", "-c", "name", "--min-members", "0"], "0 is out of range; give a value 1 or more"),
])
def test_option_values_out_of_range_are_refused_with_the_valid_range(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in unboxed(result.output)
    assert "Traceback" not in result.output


def test_min_score_and_margin_accept_the_ends_of_their_range():
    result = runner.invoke(app, ["resolve", "Bakijew", "--min-score", "1", "--margin", "0"])
    assert result.exit_code == 0, result.output
    assert result.stdout.split("\t")[1] == "kg.bakiev.kurmanbek"


def test_cluster_table_is_tab_separated_when_piped_and_long_rows_never_wrap(tmp_path):
    names = tmp_path / "names.txt"
    long_name = "Aleksandr Aleksandrovich Konstantinopolskiy-Zaporozhskiy"
    names.write_text(f"Daniyar Usenov\nDaniar Ussenov\nDaniyar Usenov\n{long_name}\n", encoding="utf-8")
    result = runner.invoke(app, ["cluster", str(names)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "cluster\trepresentative\trows\tmembers"
    rows = [line.split("\t") for line in lines[1:]]
    assert len(rows) == 2 and all(len(row) == 4 for row in rows)
    assert rows[0][1:] == ["Daniyar Usenov", "3", "Daniyar Usenov ×2, Daniar Ussenov ×1"]
    assert rows[1][1:] == [long_name, "1", f"{long_name} ×1"]


# -- pipes ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def index_cache(tmp_path_factory):
    """One index cache for the piped commands: the shipped lexicons compile once, not once a test."""
    return tmp_path_factory.mktemp("cache")


def run_piped(command: str, tmp_path, cache: Path) -> subprocess.CompletedProcess:
    """``command`` (a shell pipeline where ``translitnorm`` is this package) run for real, with pipes."""
    shell = command.replace("translitnorm ", f"{sys.executable} -m translitnorm ")
    return subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True, cwd=tmp_path,
                          env={**os.environ, "TRANSLITNORM_CACHE_DIR": str(cache)})


@pytest.fixture
def long_table(tmp_path):
    """A CSV whose cleaned output (about 400 KB) is far larger than a pipe's buffer."""
    names = ["Bakijew", "Kourmanbek Bakiev", "Roza Otounbaïeva", "Daniyar Usenov", "Daniar Ussenov"]
    rows = "".join(f"{i},{names[i % len(names)]},{'x' * 40}\n" for i in range(6000))
    path = tmp_path / "long.csv"
    path.write_text("row,name,note\n" + rows, encoding="utf-8")
    return path


def test_clean_into_head_ends_quietly_with_the_exit_status_of_sigpipe(tmp_path, long_table, index_cache):
    result = run_piped(f"translitnorm clean {long_table.name} -c name -q -o - | head -2", tmp_path, index_cache)
    assert result.stdout.decode().splitlines()[0] == "row,name,note,name_id,name_canonical,name_score,name_method"
    # nothing but the one-time compile of the index, which a fresh cache announces
    assert [line for line in result.stderr.decode().splitlines()
            if not line.startswith(("compiling the index of", "… ", "compiled in"))] == []
    assert result.returncode == 141  # what `cat big | head` gives under pipefail
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_cluster_and_resolve_into_head_end_quietly(tmp_path, long_table, index_cache):
    names = tmp_path / "names.txt"
    names.write_text("".join(f"Name{i} Surname{i}\n" for i in range(4000)), encoding="utf-8")
    for command in (f"translitnorm cluster {names.name} | head -1", f"translitnorm cluster {names.name} --json | head -1",
                    f"cat {names.name} | translitnorm resolve | head -1"):
        result = run_piped(command, tmp_path, index_cache)
        assert len(result.stdout.splitlines()) == 1, command
        assert b"error" not in result.stderr and b"Traceback" not in result.stderr, (command, result.stderr)
        assert result.returncode == 141, command


def test_resolve_gives_one_output_line_per_input_line_and_strips_crlf():
    result = runner.invoke(app, ["resolve", "--json"], input=b"Bakijew\r\n\r\n  \nMaxim Bakiyev\r\nBakijew")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["query"] for row in rows] == ["Bakijew", "", "  ", "Maxim Bakiyev", "Bakijew"]
    assert [row["method"] for row in rows] == ["exact", "empty", "empty", "none", "exact"]
    plain = runner.invoke(app, ["resolve"], input=b"Bakijew\r\n\r\nBakijew\r\n")
    assert [line.split("\t")[:2] for line in plain.stdout.splitlines()] == [
        ["Bakijew", "kg.bakiev.kurmanbek"], ["", "-"], ["Bakijew", "kg.bakiev.kurmanbek"]]


def test_resolve_reads_stdin_in_the_encoding_given_and_names_undecodable_bytes():
    latin = runner.invoke(app, ["resolve", "--encoding", "cp1252"], input="Otounbaïeva\n".encode("cp1252"))
    assert latin.exit_code == 0, latin.output
    assert latin.stdout.split("\t")[:2] == ["Otounbaïeva", "kg.otunbayeva.roza"]
    bad = runner.invoke(app, ["resolve"], input="Bakijew\nOtounbaïeva\n".encode("cp1252"))
    assert bad.exit_code == 2
    assert "error: <stdin>: line 2: bytes ef are not valid utf-8; pass --encoding" in bad.output
    assert "\udcef" not in bad.output
    unknown = runner.invoke(app, ["resolve", "--encoding", "klingon"], input=b"Bakijew\n")
    assert unknown.exit_code == 2 and "unknown encoding 'klingon'" in unknown.output


# -- progress ---------------------------------------------------------------------------------

def test_progress_lines_for_logs_come_every_few_seconds_in_human_units():
    from translitnorm.cli.progress import PlainProgress

    now = [0.0]
    lines = io.StringIO()
    progress = PlainProgress(lines, every=10, units={"reading": "bytes"}, clock=lambda: now[0])
    for second, done in ((0, 0), (4, 8 << 20), (10, 20 << 20), (15, 28 << 20), (20, 40 << 20)):
        now[0] = second
        progress("reading", done, 40 << 20)
    now[0] = 21
    progress("resolving", 0, 50_000)
    now[0] = 29
    progress("resolving", 50_000, 50_000)  # a stage over before the first line: nothing
    now[0] = 30
    progress("writing", 1_234_567, None)
    now[0] = 41
    progress("writing", 2_500_000, None)
    assert lines.getvalue().splitlines() == [
        "reading          20.0 MiB of 40.0 MiB (50%), 2.0 MiB/s, 10 s left",
        "reading          40.0 MiB of 40.0 MiB (100%), 2.0 MiB/s",
        "writing          2.5M rows, 227k rows/s",
    ]


def test_clean_shows_progress_lines_when_stderr_is_not_a_terminal_and_no_progress_turns_them_off(tmp_path, long_table):
    args = ["clean", str(long_table), "-c", "name", "-o", str(tmp_path / "out.csv"), "--progress-every", "0"]
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0, shown.output
    stages = [line.split("  ")[0] for line in shown.stderr.splitlines()]
    assert {"reading", "resolving names", "writing"} <= set(stages)
    assert "writing          6,000 of 6,000 rows (100%)" in shown.stderr
    assert "rows            6,000 (name), 5 distinct names" in shown.stderr  # the summary follows
    hidden = runner.invoke(app, [*args, "--no-progress"])
    assert hidden.exit_code == 0
    assert hidden.stderr.splitlines()[0].startswith("rows ")
    forced = runner.invoke(app, [*args, "--quiet", "--progress"])
    assert forced.stderr and "rows            6,000" not in forced.stderr


def test_summary_of_a_tiny_or_empty_run_has_no_zero_rate_and_no_dash(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("name\n", encoding="utf-8")
    result = runner.invoke(app, ["clean", str(empty), "-c", "name", "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 0, result.output
    assert "with an ID      0\n" in result.stderr
    assert "0 rows/s" not in result.stderr and " -" not in result.stderr
    from translitnorm.clean import CleanSummary

    slow = CleanSummary(input="a.csv", output="b.csv", columns=["name"], rows=2, seconds=4.0)
    assert slow.lines()[-1] == "time            4.0 s → b.csv"
    quick = CleanSummary(input="a.csv", output="b.csv", columns=["name"], rows=98, seconds=0.1)
    assert quick.lines()[-1] == "time            0.1 s, 980 rows/s → b.csv"


# -- messages that name the user's input -----------------------------------------------------

@pytest.mark.parametrize("content, args, message", [
    (b"id;name;city\n1;Bakiev;Osh\n", ["clean", "{file}", "-c", "name"],
     "column 'name' not found; the header is one column, 'id;name;city': the file looks ;-separated"),
    (b"", ["clean", "{file}.jsonl", "-c", "name"], "the file is empty; one JSON object per line is needed"),
    (b"name,city,name\nBakiev,Osh,Bakijew\n", ["clean", "{file}", "-c", "name"],
     "line 1: column 'name' appears twice in the header (columns 1 and 3); rename one"),
    (b"name,city\nBakiev,Osh\nBak\0iev,Osh\n", ["clean", "{file}", "-c", "name"],
     "line 3: a NUL byte in the field of column 'name' (binary data?); fix the line or pass --on-error skip"),
    (b"name,city\nBak\0iev,Osh\n", ["cluster", "{file}", "-c", "name"], "line 2: a NUL byte in the field of column 'name'"),
    (b"name\tdecision\nBakijew\taccept\n", ["lexicon", "apply", "{file}", "--lexicon", "{dir}/ours.tsv"],
     "missing; the header found is: name,decision; a review file's header is: column,name,count"),
])
def test_messages_name_what_the_users_file_holds(tmp_path, content, args, message):
    suffix = ".jsonl" if "{file}.jsonl" in args else ".csv"
    path = tmp_path / f"input{suffix}"
    path.write_bytes(content)
    args = [a.replace("{file}.jsonl", str(path)).replace("{file}", str(path)).replace("{dir}", str(tmp_path)) for a in args]
    result = runner.invoke(app, [*args, "-o", str(tmp_path / "out.csv")] if args[0] == "clean" else args)
    assert result.exit_code == 2, result.output
    assert f"error: {path}" in result.output
    assert message in result.output
    assert not (tmp_path / "out.csv").exists()


def test_a_nul_byte_line_can_be_skipped_like_any_malformed_line(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b"name,city\nBakiev,Osh\nBak\0iev,Osh\nOtunbayeva,Osh\n")
    result = runner.invoke(app, ["clean", str(path), "-c", "name", "--on-error", "skip", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert [line.split(",")[0] for line in result.stdout.splitlines()[1:]] == ["Bakiev", "Otunbayeva"]
    assert "skipped         1 malformed lines (line 3)" in result.stderr


def test_a_lexicon_directory_without_lexicons_is_named(tmp_path):
    empty = tmp_path / "my-lexicons"
    empty.mkdir()
    result = runner.invoke(app, ["resolve", "Bakiev", "--lexicon", str(empty)])
    assert result.exit_code == 2
    assert f"{empty}: error: no lexicon files here: a directory is searched for *.tsv files" in result.output
