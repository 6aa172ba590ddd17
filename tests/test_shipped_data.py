"""The data shipped with the package: lexicons, seed names and labelled test sets."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from translitnorm import lexicon as lex

ROOT = Path(__file__).resolve().parent.parent
LEXICONS = ROOT / "lexicons"
SETS = ROOT / "tests" / "data" / "sets"
SEED_CSV = ROOT / "seeds" / "example-names.csv"
LEXICON_FILES = sorted(LEXICONS.glob("*.tsv"))

# Every person and place named in seeds/kyrgyz-president-on-the-move.txt.
SEED_ARTICLE_ENTITIES = {
    "kg.bakiev.kurmanbek": "person",
    "kg.otunbayeva.roza": "person",
    "kg.baisalov.edil": "person",
    "kz.omarov.ilyas": "person",
    "by.lukashenko.alexander": "person",
    "us.watson.ivan": "person",
    "kg.bishkek": "place",
    "kg.jalal-abad": "place",
    "kz.taraz": "place",
    "kz.astana": "place",
    "ru.moscow": "place",
    "us.washington": "place",
    "kg.country": "place",
    "kz.country": "place",
    "ru.country": "place",
    "by.country": "place",
}

# Heads of state of the eight countries since 1991.
PRESIDENTS = [
    "ru.yeltsin.boris", "ru.putin.vladimir", "ru.medvedev.dmitry",
    "ua.kravchuk.leonid", "ua.kuchma.leonid", "ua.yushchenko.viktor", "ua.yanukovych.viktor",
    "ua.turchynov.oleksandr", "ua.poroshenko.petro", "ua.zelensky.volodymyr",
    "by.shushkevich.stanislav", "by.lukashenko.alexander",
    "kz.nazarbayev.nursultan", "kz.tokayev.kassym-jomart",
    "kg.akayev.askar", "kg.bakiev.kurmanbek", "kg.otunbayeva.roza", "kg.atambayev.almazbek",
    "kg.jeenbekov.sooronbay", "kg.japarov.sadyr",
    "uz.karimov.islam", "uz.mirziyoyev.shavkat",
    "tj.nabiyev.rahmon", "tj.rahmon.emomali",
    "tm.niyazov.saparmurat", "tm.berdimuhamedow.gurbanguly", "tm.berdimuhamedow.serdar",
]

# The national-language Cyrillic source each president must have besides Russian
# (Turkmen is written in Latin script, so Turkmen presidents have only Russian).
NATIONAL_LANG = {"ua": "uk", "by": "be", "kz": "kk", "kg": "ky", "uz": "uz", "tj": "tg"}


@pytest.fixture(scope="module")
def shipped():
    return lex.load_lexicons([LEXICONS])


def test_there_are_lexicon_files():
    names = {p.name for p in LEXICON_FILES}
    assert {"kg.tsv", "kz.tsv", "ru.tsv", "ua.tsv", "by.tsv", "uz.tsv", "tj.tsv", "tm.tsv", "other.tsv"} <= names


def test_shipped_lexicons_validate_without_errors():
    errors = [str(p) for p in lex.validate([LEXICONS]) if p.severity == "error"]
    assert errors == []


def test_shipped_lexicons_warn_only_about_entities_without_cyrillic():
    warnings = [p for p in lex.validate([LEXICONS]) if p.severity == "warning"]
    assert all("has no Cyrillic source name" in p.message for p in warnings), [str(p) for p in warnings]


@pytest.mark.parametrize("path", LEXICON_FILES, ids=lambda p: p.name)
def test_shipped_lexicon_is_in_canonical_form(path):
    problems: list[lex.Problem] = []
    lines = list(lex.read_lexicon(path, problems))
    assert [str(p) for p in problems] == []
    assert lex.format_lines(lines) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", LEXICON_FILES, ids=lambda p: p.name)
def test_ids_follow_the_country_prefix_of_their_file(path):
    prefix = path.stem
    for line in lex.read_lexicon(path):
        if prefix == "other":
            assert line.id.split(".")[0] not in {"kg", "kz", "ru", "ua", "by", "uz", "tj", "tm"}
        else:
            assert line.id.startswith(prefix + "."), line.id


@pytest.mark.parametrize("entity_id", sorted(SEED_ARTICLE_ENTITIES))
def test_seed_article_entities_are_present(shipped, entity_id):
    assert entity_id in shipped
    entity = shipped[entity_id]
    assert entity.type == SEED_ARTICLE_ENTITIES[entity_id]
    assert entity.canonical


def test_seed_article_spellings_are_names_of_their_entities(shipped):
    def names(entity_id):
        return {n.text for n in shipped[entity_id].names}

    assert "Kurmanbek Bakiev" in names("kg.bakiev.kurmanbek")
    assert "Kurmanbek Bakiyev" in names("kg.bakiev.kurmanbek")
    assert "Rosa Otunbaeva" in names("kg.otunbayeva.roza")
    assert "Jalalabad" in names("kg.jalal-abad")
    assert "Фрунзе" in names("kg.bishkek")


@pytest.mark.parametrize("entity_id", PRESIDENTS)
def test_presidents_have_russian_and_national_sources(shipped, entity_id):
    assert entity_id in shipped
    entity = shipped[entity_id]
    assert entity.type == "person"
    assert entity.canonical
    sources = {n.lang for n in entity.names if n.role == "source"}
    assert "ru" in sources
    national = NATIONAL_LANG.get(entity_id.split(".")[0])
    if national:
        assert national in sources


def test_person_names_have_a_surname_last(shipped):
    for entity in shipped:
        if entity.type != "person":
            continue
        for name in entity.names:
            assert "," not in name.text, (entity.id, name.text)
            assert len(name.text.split()) >= 2, (entity.id, name.text)


def read_set(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


SET_FILES = sorted(SETS.glob("*.tsv"))


def test_labelled_sets_exist():
    assert {p.name for p in SET_FILES} >= {"press-spellings.tsv", "name-forms.tsv", "must-not-match.tsv"}


@pytest.mark.parametrize("path", SET_FILES, ids=lambda p: p.name)
def test_labelled_set_rows_are_well_formed(path):
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "query\texpected\tnote\tsource"
    rows = read_set(path)
    assert rows
    queries = [row["query"] for row in rows]
    assert len(queries) == len(set(queries)), "duplicate queries"
    for row in rows:
        assert None not in row and all(row[c] for c in ("query", "expected", "source")), row


# The cross-language sets run on their own Russian-only lexicon (tests/data/crosslang/).
SHIPPED_LEXICON_SETS = [path for path in SET_FILES if not path.name.startswith("crosslang-")]


@pytest.mark.parametrize("path", SHIPPED_LEXICON_SETS, ids=lambda p: p.name)
def test_labelled_set_expected_ids_exist(shipped, path):
    missing = [(row["query"], row["expected"]) for row in read_set(path)
               if row["expected"] != "NONE" and row["expected"] not in shipped]
    assert missing == []


def test_must_not_match_is_all_none():
    assert {row["expected"] for row in read_set(SETS / "must-not-match.tsv")} == {"NONE"}


def test_seed_csv_parses():
    with open(SEED_CSV, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["row", "source", "name"]
        rows = list(reader)
    assert 60 <= len(rows) <= 100
    assert [int(row["row"]) for row in rows] == list(range(1, len(rows) + 1))
    assert all(row["source"] and row["name"] for row in rows)
    article = [row["name"] for row in rows if row["source"] == "cnn-2010-04"]
    assert article[:4] == ["Ivan Watson", "Kazakhstan", "Kyrgyzstan's", "Kurmanbek Bakiev"]
    assert {"Bakiyev", "Ilyas Omarov", "Jalalabad", "Edil Baisalov", "Rosa Otunbaeva", "Alexander Lukashenko"} <= set(article)


def test_devset_copied():
    devset = ROOT / "tests" / "data" / "devset"
    assert (devset / "lexicon.tsv").read_text(encoding="utf-8").startswith("id\tnames\n")
    assert (devset / "queries.tsv").read_text(encoding="utf-8").startswith("query\texpected\tnote\n")
