"""The heads of state and of government since 1991 of the 21 countries of the shipped lexicons
(issue 18, item 5): every one that tests/data/people/heads-since-1991.tsv cites is in the curated
lexicons, with a source, and resolves by its own names."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from translitnorm.lexicon import load_lexicons

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import heads_roll_call  # noqa: E402

HEADS = ROOT / "tests" / "data" / "people" / "heads-since-1991.tsv"
# Two heads of government share a name: Andris Bērziņš, president of Latvia 2011–2015, and
# Andris Bērziņš, its prime minister 2000–2002.  Their name alone must give no ID.
NAMESAKES = {"lv.berzins.andris", "lv.berzins.andris.1951"}
# Two acting heads have no Russian form that a source gives: Serbia's acting president of
# 2004 (no ru.wikipedia article; his Serbian Cyrillic name is cited from en.wikipedia) and
# Azerbaijan's acting prime minister of 1993 (cited in Azerbaijani from RFE/RL).  They carry
# the names their sources give, and their notes say that no Russian form was found.
WITHOUT_RUSSIAN_FORM = {"rs.mihailovic.vojislav": "sr", "az.masimli.ali": None}


def heads() -> list[dict[str, str]]:
    with HEADS.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t"))


@pytest.fixture(scope="module")
def entities():
    return load_lexicons(heads_roll_call.curated_lexicon_files()).entities


def test_every_country_has_its_heads_and_each_listed_head_is_in_the_lexicon():
    found = heads_roll_call.roll_call()
    assert set(found) == {"am", "az", "ba", "bg", "by", "ee", "ge", "kg", "kz", "lt", "lv", "md", "me", "mk",
                          "mn", "rs", "ru", "tj", "tm", "ua", "uz"}
    problems = [f"{row['id']}: {state}" for people in found.values() for row, state in people if state != "ok"]
    assert problems == []
    assert heads_roll_call.main([]) == 0


def test_the_heads_named_in_issue_18_are_there():
    listed = {row["id"] for row in heads()}
    assert {"kg.kulov.felix", "kg.sariyev.temir", "kg.usenov.daniyar", "kz.massimov.karim", "kg.isakov.sapar",
            "ba.dodik.milorad", "ba.komsic.zeljko", "ba.izetbegovic.bakir", "ba.spiric.nikola",
            "ba.kristo.borjana", "ua.turchynov.oleksandr", "kg.mamytov.talant", "uz.yuldashev.nigmatilla"} <= listed


def test_each_head_cites_the_article_its_russian_or_ukrainian_name_is_taken_from(entities):
    for row in heads():
        if row["id"] in WITHOUT_RUSSIAN_FORM:
            assert "no Russian" in row["source"], row
        else:
            assert row["source"].startswith(("ru.wikipedia: ", "uk.wikipedia: ")), row
        canonical = next(name for name in entities[row["id"]].names if name.role == "canonical")
        assert canonical.note == f"{row['offices']}; {row['source']}"


def test_each_head_has_a_cyrillic_source_name_in_russian_or_ukrainian(entities):
    for row in heads():
        langs = {name.lang for name in entities[row["id"]].names if name.role == "source"}
        if row["id"] in WITHOUT_RUSSIAN_FORM:
            own = WITHOUT_RUSSIAN_FORM[row["id"]]
            assert langs == ({own} if own else set()), row["id"]
        else:
            assert langs & {"ru", "uk"}, row["id"]


@pytest.mark.parametrize("form", ["canonical", "source"])
def test_each_head_resolves_by_its_display_name_and_by_its_cyrillic_names(shipped, entities, form):
    wrong = []
    for row in heads():
        for name in entities[row["id"]].names:
            if name.role != form:
                continue
            got = shipped.resolve(name.text)
            if row["id"] in NAMESAKES:
                if got.id is not None or {c.id for c in got.candidates} < NAMESAKES:
                    wrong.append(f"{name.text} → {got.id} (namesakes must stay undecided)")
            elif got.id != row["id"]:
                wrong.append(f"{name.text} → {got.id}, expected {row['id']}")
    assert wrong == []
