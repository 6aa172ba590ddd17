"""Every shell example of README.md and docs/*.md runs, and the output it shows is the output it gives.

How the documents mark their examples (see docs/cli.md, "Examples in the documentation"):

- a fenced block tagged ``console`` is a shell session: each ``$ command`` runs, and the lines
  below it (up to the next ``$``) are its output (stdout and stderr together); a command with no
  lines below it is run but its output not compared; ``…`` alone on a line stands for any lines;
- a block tagged ``sh`` holds commands that run without output to compare;
- ``<!-- docs-test: skip REASON -->`` right before a block leaves it out, for commands that need
  what a test cannot have (a GeoNames dump, a Spark cluster, minutes of benchmark); the reason is
  required;
- any other block is not run (program output, file contents, Python), but a line in it that
  starts with ``translitnorm `` is an error here: tag the block, so that no example goes untested.

The commands of one document run in order, in one fresh temporary copy of the repository's
data (lexicons/, seeds/, tests/data/) and of the files the examples read (tests/data/docs/), with
``translitnorm`` on the PATH; a command must exit 0 unless the output it shows starts with
``error:``. What must vary from run to run is normalised on both sides: timings and rates.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DATA = ("lexicons", "seeds", "tests/data")
EXAMPLE_FILES = ROOT / "tests" / "data" / "docs"
SKIP = re.compile(r"<!--\s*docs-test:\s*skip\b\s*(.*?)\s*-->")
FENCE = re.compile(r"^(\s*)```(\S*)\s*$")


@dataclass
class Command:
    """One example command, where it is written, and the output the document shows (None: not shown)."""

    document: str
    line: int
    text: str
    output: list[str] | None = None
    compare: bool = True


@dataclass
class Block:
    document: str
    line: int
    tag: str
    lines: list[str]
    skip_reason: str | None = None
    commands: list[Command] = field(default_factory=list)


def blocks(path: Path) -> list[Block]:
    """The fenced code blocks of a Markdown document."""
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name
    number = 0
    while number < len(lines):
        opening = FENCE.match(lines[number])
        if not opening:
            number += 1
            continue
        indent, tag = opening.groups()
        before = next((lines[i] for i in range(number - 1, -1, -1) if lines[i].strip()), "")
        skip = SKIP.search(before)
        end = number + 1
        while end < len(lines) and not FENCE.match(lines[end]):
            end += 1
        body = [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in lines[number + 1:end]]
        found.append(Block(name, number + 1, tag, body, skip.group(1) if skip else None))
        number = end + 1
    return found


def commands(block: Block) -> list[Command]:
    """The commands of a ``console`` or ``sh`` block (backslash continuations joined)."""
    result: list[Command] = []
    pending = ""
    for offset, line in enumerate(block.lines, block.line + 1):
        if block.tag == "console":
            if line.startswith("$ "):
                pending, start = line[2:], offset
            elif pending:
                pending += "\n" + line
            elif result:
                result[-1].output = (result[-1].output or []) + [line]
                continue
            else:
                raise AssertionError(f"{block.document}:{offset}: output before any '$ command'")
        else:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if not pending:
                start = offset
            pending = pending + "\n" + line if pending else line
        if pending.endswith("\\"):
            continue
        result.append(Command(block.document, start, pending, compare=block.tag == "console"))
        pending = ""
    return result


def examples(path: Path) -> list[Command]:
    """Every command the document's examples run, in order."""
    found = []
    for block in blocks(path):
        if block.skip_reason is not None:
            assert block.skip_reason, f"{block.document}:{block.line}: docs-test: skip needs a reason"
            continue
        if block.tag in ("console", "sh"):
            found.extend(commands(block))
    return found


#: Timings and rates, which differ from run to run and machine to machine.
VARYING = [
    (re.compile(r"\b\d+(\.\d+)? (s|ms)\b"), "<time>"),
    (re.compile(r"\b[\d,.]+k? (rows|names)/s\b"), "<rate>"),
]


#: Progress lines, which a slow run prints and a quick one does not (and the one-time compile
#: of the index, which only the first command of a fresh cache prints).
PROGRESS = re.compile(r"^((reading|resolving names|clustering|writing) {2,}\S"
                      r"|compiling the index of [\d,]+ lexicon lines|… [\d,]+ of [\d,]+ name parts$|compiled in \S+ s$)")


def normalised(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if PROGRESS.match(line):
            continue
        for pattern, placeholder in VARYING:
            line = pattern.sub(placeholder, line)
        out.append(line.rstrip())
    while out and not out[-1]:
        out.pop()
    return out


def matches(shown: list[str], got: list[str]) -> bool:
    """True when ``got`` is ``shown``, where a line ``…`` in ``shown`` stands for any lines."""
    if not shown:
        return not got
    if shown[0] == "…":
        return any(matches(shown[1:], got[start:]) for start in range(len(got) + 1))
    return bool(got) and shown[0] == got[0] and matches(shown[1:], got[1:])


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    """The examples' own index cache (one for all documents): `cache clear` must not empty the user's."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def bin_dir(tmp_path_factory):
    """A directory with a ``translitnorm`` that runs this checkout's package with this interpreter."""
    directory = tmp_path_factory.mktemp("bin")
    script = directory / "translitnorm"
    script.write_text(f"#!/bin/sh\nexec {sys.executable} -m translitnorm \"$@\"\n", encoding="utf-8")
    script.chmod(0o755)
    return directory


def workspace(tmp_path: Path) -> Path:
    for part in DATA:
        shutil.copytree(ROOT / part, tmp_path / part)
    for item in EXAMPLE_FILES.iterdir():
        (shutil.copytree if item.is_dir() else shutil.copy)(item, tmp_path / item.name)
    return tmp_path


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_shell_example_runs_and_shows_its_real_output(document, tmp_path, bin_dir, cache_dir):
    root = workspace(tmp_path)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "COLUMNS": "200", "NO_COLOR": "1",
           "TRANSLITNORM_CACHE_DIR": str(cache_dir)}
    env.pop("PYTHONPATH", None)
    failures = []
    for command in examples(document):
        run = subprocess.run(["bash", "-c", command.text], cwd=root, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=300)
        got = normalised(run.stdout.splitlines())
        where = f"{command.document}:{command.line}: $ {command.text}"
        shows_error = bool(command.output) and any(line.startswith("error:") for line in command.output)
        if run.returncode != 0 and not shows_error:
            failures.append(f"{where}\nexit {run.returncode}:\n{run.stdout}")
        elif command.compare and command.output is not None and not matches(normalised(command.output), got):
            failures.append(f"{where}\nthe document shows:\n" + "\n".join(command.output)
                            + "\nthe command printed:\n" + run.stdout)
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_no_shell_example_escapes_the_test(document):
    untagged = [f"{block.document}:{block.line + offset + 1}: {line}"
                for block in blocks(document) if block.tag not in ("console", "sh") and block.skip_reason is None
                for offset, line in enumerate(block.lines)
                if line.startswith(("translitnorm ", "$ translitnorm "))]
    assert not untagged, "tag these blocks ```console or ```sh (or mark them docs-test: skip REASON):\n" + "\n".join(untagged)


def test_the_example_reader_understands_sessions_continuations_and_skips(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text("\n".join([
        "```console", "$ translitnorm resolve Bakijew", "Bakijew\tkg.x", "$ translitnorm cluster a \\", "    --json",
        "```", "", "<!-- docs-test: skip needs a GeoNames dump -->", "```sh", "translitnorm lexicon import geonames KG.txt",
        "```", "```sh", "# a comment", "translitnorm clean a.csv -c name \\", "  -o b.csv", "```", ""]), encoding="utf-8")
    found = [(c.text, c.output, c.compare) for c in examples(doc)]
    assert found == [("translitnorm resolve Bakijew", ["Bakijew\tkg.x"], True),
                     ("translitnorm cluster a \\\n    --json", None, True),
                     ("translitnorm clean a.csv -c name \\\n  -o b.csv", None, False)]
    assert matches(["a", "…", "d"], ["a", "b", "c", "d"]) and not matches(["a", "…", "d"], ["a", "b"])
    assert normalised(["time            0.1 s, 744 rows/s → out.csv"]) == ["time            <time>, <rate> → out.csv"]
