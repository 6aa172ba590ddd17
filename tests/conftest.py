"""Shared fixtures: normalisers over the shipped lexicons and over the devset, built once per run."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from translitnorm import Normaliser
from translitnorm.lexicon import LexiconLine, format_lines

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"

# Letters that only some Cyrillic languages use tell which language a devset name is in.
_LANG_MARKERS = (("uk", "іїєґ"), ("kk", "әғқңөұүһ"), ("be", "ў"))


def devset_lang(name: str) -> str:
    for lang, letters in _LANG_MARKERS:
        if any(letter in name.casefold() for letter in letters):
            return lang
    return "ru"


def devset_lexicon_lines() -> list[LexiconLine]:
    """The devset's `id, names` table in the project's lexicon format (forms split on '|')."""
    lines = []
    with open(DATA / "devset" / "lexicon.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            forms = row["names"].split("|")
            kind = "person" if " " in forms[0] else "place"
            for form in forms:
                lines.append(LexiconLine(row["id"], kind, devset_lang(form), form, "source"))
    return lines


def read_labelled(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """A private index cache for the session, holding from the start the compiled index of the
    shipped lexicons: they take about a minute to compile, so they are compiled once per
    machine, in the default cache (keyed by the lexicons' bytes and the package's code; `make
    run` before `make test`, as CI runs them, leaves nothing to compile), and copied here."""
    folder = tmp_path_factory.mktemp("index-cache")
    compiled = Normaliser.from_lexicons([ROOT / "lexicons"]).index.cache_file
    if compiled is not None:
        shutil.copy2(compiled, folder / compiled.name)
    return folder


@pytest.fixture(scope="session")
def shipped(cache_dir) -> Normaliser:
    return Normaliser.from_lexicons([ROOT / "lexicons"], cache_dir=cache_dir)


@pytest.fixture(scope="session")
def devset_lexicon_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("devset") / "devset.tsv"
    path.write_text(format_lines(devset_lexicon_lines()), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def devset(devset_lexicon_path, cache_dir) -> Normaliser:
    return Normaliser.from_lexicons([devset_lexicon_path], cache_dir=cache_dir)
