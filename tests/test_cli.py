"""The command line as users run it: help for every command, resolve, error messages."""

from __future__ import annotations

import json
import subprocess
import sys

import typer.main
from typer.testing import CliRunner

from translitnorm import Normaliser
from translitnorm.cli import app

runner = CliRunner()


def all_commands(group, prefix=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # a command group
            yield from all_commands(command, prefix + (name,))
        else:
            yield prefix + (name,), command


def test_every_command_has_help_with_an_example():
    commands = list(all_commands(typer.main.get_command(app)))
    assert {"resolve", "translit"} <= {path[-1] for path, _ in commands}
    for path, command in commands:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Example" in (command.help or ""), f"'{' '.join(path)}' --help has no example"


def test_resolve_prints_id_canonical_score_and_method():
    result = runner.invoke(app, ["resolve", "Kourmanbek Bakiev", "Bakieva"])
    assert result.exit_code == 0
    first, second = result.stdout.strip().splitlines()
    assert first.split("\t") == ["Kourmanbek Bakiev", "kg.bakiev.kurmanbek", "Kurmanbek Bakiyev", "1.00", "exact via ru-fr"]
    assert second.split("\t")[:2] == ["Bakieva", "-"]


def test_resolve_reads_names_from_stdin_and_prints_json():
    result = runner.invoke(app, ["resolve", "--json"], input="Bakijew\n\nMaxim Bakiyev\n")
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"] for row in rows] == ["kg.bakiev.kurmanbek", None, None]
    assert rows[1]["reason"] == "empty"  # the blank line keeps its place
    assert rows[2]["reason"] == "below-threshold"
    assert rows[2]["candidates"][0]["id"] == "kg.bakiev.kurmanbek"


def test_resolve_explain_prints_the_steps_of_the_library_explanation():
    names = ["President K. Bakijew", "Klitschko", "Mr."]
    result = runner.invoke(app, ["resolve", *names, "--explain"])
    assert result.exit_code == 0
    normaliser = Normaliser.default()
    assert result.stdout == "".join(f"== {name}\n{normaliser.explain(name)}\n\n" for name in names)


def test_resolve_with_a_custom_lexicon_and_rule(tmp_path):
    lexicon = tmp_path / "mine.tsv"
    lexicon.write_text("id\ttype\tlang\tname\trole\tnote\nx.chekhov\tperson\tru\tАнтон Павлович Чехов\tsource\t\n", encoding="utf-8")
    result = runner.invoke(app, ["resolve", "Anton Tschechow", "Bakijew", "--lexicon", str(lexicon)], env={"TRANSLITNORM_CACHE_DIR": str(tmp_path)})
    lines = result.stdout.strip().splitlines()
    assert lines[0].split("\t")[1] == "x.chekhov"
    assert lines[1].split("\t")[1] == "-"


def test_a_broken_lexicon_gives_file_line_errors_not_a_traceback(tmp_path):
    lexicon = tmp_path / "broken.tsv"
    lexicon.write_text("id\ttype\tlang\tname\trole\tnote\nx.osh\tcity\tru\tОш\tsource\t\n", encoding="utf-8")
    result = runner.invoke(app, ["resolve", "Osh", "--lexicon", str(lexicon)])
    assert result.exit_code == 2
    assert "broken.tsv:2: error: unknown type 'city'" in result.output
    assert "Traceback" not in result.output


def test_lexicon_validate_reports_the_shipped_lexicons_clean():
    result = runner.invoke(app, ["lexicon", "validate", "lexicons/", "--quiet"])
    assert result.exit_code == 0, result.output


def test_module_entry_point_runs():
    completed = subprocess.run([sys.executable, "-m", "translitnorm", "--help"], capture_output=True, text=True, check=False)
    assert completed.returncode == 0
    assert "resolve" in completed.stdout and "translit" in completed.stdout
