"""Importing GeoNames and Wikidata dumps into lexicons (fixtures in tests/data/import imitate the real formats)."""

from __future__ import annotations

import bz2
import gzip
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translitnorm import Normaliser, importers
from translitnorm import lexicon as lex
from translitnorm.cli import app

DATA = Path(__file__).parent / "data" / "import"
GEONAMES = DATA / "geonames-KG.txt"
ALTERNATES = DATA / "alternateNamesV2-KG.txt"
WIKIDATA = DATA / "wikidata-sample.json"
runner = CliRunner()


@pytest.fixture(autouse=True)
def private_cache(cache_dir, monkeypatch):
    monkeypatch.setenv("TRANSLITNORM_CACHE_DIR", str(cache_dir))


def names_of(lines, entity_id):
    return {(e.lang, e.name, e.role, e.note) for e in lines if e.id == entity_id}


def test_fixtures_have_the_published_column_counts():
    for path, width in ((GEONAMES, 19), (ALTERNATES, 10)):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert len(line.split("\t")) == width, (path.name, line)
    text = WIKIDATA.read_text(encoding="utf-8").splitlines()
    assert text[0] == "[" and text[-1] == "]" and all(line.endswith(",") for line in text[1:-2])


def test_geonames_filters_by_country_class_and_population():
    report = importers.import_geonames(GEONAMES, ALTERNATES, countries=["KG"], feature_classes=["P"], min_population=1000)
    assert sorted({e.id for e in report.lines}) == ["gn.1527534", "gn.1528249", "gn.1528675"]  # Osh, Jalal-Abad, Bishkek
    assert report.entities == 3
    everything = importers.import_geonames(GEONAMES)
    assert {e.id for e in everything.lines} >= {"gn.1526384", "gn.1527747", "gn.8199358"}  # Almaty, Kyrgyzstan, Kara-Suu


def test_geonames_maps_languages_and_flags_to_roles():
    report = importers.import_geonames(GEONAMES, ALTERNATES, countries=["kg"], feature_classes=["p"])
    assert names_of(report.lines, "gn.1528675") == {
        ("und", "Bishkek", "canonical", ""),
        ("ky", "Бишкек", "source", ""),
        ("ru", "Бишкек", "source", ""),
        ("ru", "Фрунзе", "former", "1926–1991"),
        ("ru", "Пишпек", "former", "–1926"),
        ("en", "Frunze", "former", "1926–1991"),
        ("de", "Bischkek", "alias", ""),
        ("fr", "Bichkek", "alias", ""),
    }
    assert ("ky", "Жалалабат", "alias", "") in names_of(report.lines, "gn.1528249")  # colloquial
    # a link, an IATA code, a Wikidata ID, a name without language, a postal code
    assert report.skipped["codes, links and names without a language"] == 5
    assert report.skipped["names in languages not imported"] == 1  # zh
    assert report.skipped["names whose script does not fit the lang"] == 2  # ky 'Bishkek', ru 'Jalal-Abad'


def test_geonames_language_filter_and_biscriptal_languages():
    report = importers.import_geonames(GEONAMES, ALTERNATES, countries=["KG"], feature_classes=["P"], langs=["ru"])
    assert {e.lang for e in report.lines} == {"und", "ru"}
    assert importers.fit_lang("uz", "Toshkent") == "uz-Latn"
    assert importers.fit_lang("ky", "Bishkek") is None


def test_geonames_reads_compressed_files_the_same(tmp_path):
    packed_main = tmp_path / "KG.txt.gz"
    packed_main.write_bytes(gzip.compress(GEONAMES.read_bytes()))
    packed_alternates = tmp_path / "alternateNamesV2.txt.bz2"
    packed_alternates.write_bytes(bz2.compress(ALTERNATES.read_bytes()))
    plain = importers.import_geonames(GEONAMES, ALTERNATES, countries=["KG"])
    packed = importers.import_geonames(packed_main, packed_alternates, countries=["KG"])
    assert packed.lines == plain.lines


def test_geonames_rejects_a_file_of_another_format(tmp_path):
    with pytest.raises(importers.ImportFormatError, match=r"alternateNamesV2-KG.txt:1: expected the 19 tab-separated columns"):
        importers.import_geonames(ALTERNATES)


def test_wikidata_streams_entities_of_a_dump_with_trailing_commas():
    ids = [entity["id"] for entity in importers.wikidata_entities(WIKIDATA)]
    assert ids == ["Q9361", "Q192086", "Q239432", "Q90", "P31"]


def test_wikidata_import_by_ids_maps_labels_and_aliases():
    report = importers.import_wikidata(WIKIDATA, langs=["ru", "ky", "en", "de", "uz", "kk"], ids=["Q9361", "Q192086"])
    assert sorted({e.id for e in report.lines}) == ["wd.q192086", "wd.q9361"]
    bishkek = names_of(report.lines, "wd.q9361")
    assert {("en", "Bishkek", "canonical", ""), ("ru", "Бишкек", "source", ""), ("kk", "Бішкек", "source", ""),
            ("de", "Bischkek", "exonym", ""), ("uz-Latn", "Bishkek", "exonym", ""),
            ("ky", "Бишкек", "source", ""), ("ru", "Фрунзе", "alias", ""), ("ru", "Пишпек", "alias", ""),
            ("en", "Frunze", "alias", "")} == bishkek
    bakiyev = names_of(report.lines, "wd.q192086")
    assert ("de", "Kurmanbek Bakijew", "alias", "") in bakiyev  # a person's foreign label is a spelling, not an exonym
    assert ("ru", "Бакиев, Курманбек Салиевич", "alias", "") in bakiyev
    assert {e.type for e in report.lines if e.id == "wd.q192086"} == {"person"}


def test_wikidata_import_by_type_with_script_variants():
    report = importers.import_wikidata(WIKIDATA, langs=["ru", "en", "tg", "sr"], instance_of=["Q5"])
    assert sorted({e.id for e in report.lines}) == ["wd.q192086", "wd.q239432"]
    otunbayeva = names_of(report.lines, "wd.q239432")
    assert ("tg", "Роза Отунбаева", "source", "") in otunbayeva  # tg-cyrl
    assert ("sr-Latn", "Roza Otunbajeva", "alias", "") in otunbayeva  # sr-el
    assert report.skipped["names whose script does not fit the lang"] == 1  # a Latin 'ru' alias
    places = importers.import_wikidata(WIKIDATA, langs=["ru", "en"], instance_of=["Q515"], type_map={"Q515": "place"})
    assert {(e.id, e.type) for e in places.lines} == {("wd.q9361", "place"), ("wd.q90", "place")}


def test_import_commands_write_a_valid_lexicon_that_resolves(tmp_path, cache_dir):
    out = tmp_path / "kg-import.tsv"
    result = runner.invoke(app, ["lexicon", "import", "geonames", str(GEONAMES), "--alternates", str(ALTERNATES),
                                 "--country", "KG", "--feature-class", "P", "--min-population", "1000", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "3 entities, 19 names" in result.stderr
    packed = tmp_path / "dump.json.bz2"
    packed.write_bytes(bz2.compress(WIKIDATA.read_bytes()))
    result = runner.invoke(app, ["lexicon", "import", "wikidata", str(packed), "--lang", "ru,ky,en,de",
                                 "--instance-of", "Q5", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert not [p for p in lex.validate([out]) if p.severity == "error"]
    assert lex.format_lines(lex.read_lexicon(out)) == out.read_text(encoding="utf-8")
    norm = Normaliser.from_lexicons([out], cache_dir=cache_dir)
    assert norm.resolve("Frunze").id == "gn.1528675"
    assert norm.resolve("Dzhalal-Abad").id == "gn.1528249"
    assert norm.resolve("Kourmanbek Bakiev").id == "wd.q192086"
    # importing again changes nothing
    before = out.read_bytes()
    again = runner.invoke(app, ["lexicon", "import", "wikidata", str(WIKIDATA), "--lang", "ru,ky,en,de",
                                "--instance-of", "Q5", "-o", str(out)])
    assert again.exit_code == 0 and out.read_bytes() == before


def test_import_refuses_a_type_conflict_with_the_lexicon_it_extends(tmp_path):
    out = tmp_path / "ours.tsv"
    out.write_text("id\ttype\tlang\tname\trole\tnote\nwd.q9361\tperson\tru\tБишкек\tsource\t\n", encoding="utf-8")
    before = out.read_bytes()
    result = runner.invoke(app, ["lexicon", "import", "wikidata", str(WIKIDATA), "--id", "Q9361",
                                 "--type-map", "Q515=place", "-o", str(out)])
    assert result.exit_code == 2
    assert "wd.q9361 has type 'place' here but 'person'" in result.stderr or "has type 'person' here but 'place'" in result.stderr
    assert out.read_bytes() == before


def test_wikidata_rejects_a_file_that_is_not_a_dump(tmp_path):
    with pytest.raises(importers.ImportFormatError, match="not a Wikidata JSON dump"):
        importers.import_wikidata(GEONAMES)
    shutil.copy(WIKIDATA, tmp_path / "x.json")
    bad = runner.invoke(app, ["lexicon", "import", "wikidata", str(tmp_path / "x.json"), "--type-map", "Q5", "-o", str(tmp_path / "o.tsv")])
    assert bad.exit_code == 2 and "must be CLASS=TYPE" in bad.stderr
