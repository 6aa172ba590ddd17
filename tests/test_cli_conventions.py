"""The command line as people who clean data on the command line expect it (csvkit, sqlite-utils):
version, help with examples, one meaning per short option, checked option values, pipes."""

from __future__ import annotations

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
