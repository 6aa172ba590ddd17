"""Importing GeoNames and Wikidata dumps into lexicons (fixtures in tests/data/import imitate the real formats)."""

from __future__ import annotations

import bz2
import gzip
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translitnorm import Normaliser, importers
from translitnorm import places as place_lexicons
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


# -- the shipped places lexicons (place_lexicons.assemble_place_lexicons) ------------------------------

Place = place_lexicons.GazetteerPlace


def ids_of(build, file):
    return sorted({line.id for line in build.files.get(file, [])})


@pytest.mark.parametrize("name, country, lang", [
    ("Харків", "UA", "uk"),       # і: Ukrainian, not Russian, in Ukraine
    ("Суми", "UA", "und"),        # written alike in Ukrainian and Russian
    ("Москва", "RU", "und"),      # written alike in Russian, Ukrainian, Bulgarian: no guess
    ("Мінск", "BY", "be"),        # і: Belarusian, not Russian, in Belarus
    ("Қарағанды", "KZ", "kk"),
    ("Љубовија", "RS", "sr"),
    ("Ёшкар-Ола", "RU", "und"),   # Kazakh, Kyrgyz, Belarusian… have every letter too
    ("Гомель", "BY", "und"),
    ("Oktyabrsky", "RU", "und"),  # not Cyrillic at all
])
def test_lang_from_letters_tags_only_what_a_letter_tells(name, country, lang):
    assert place_lexicons.lang_from_letters(name, country) == lang


def test_namesakes_are_separate_entities_suffixed_with_their_geonames_id():
    places = [Place("515854", "Oktyabr'skiy", "RU", "08", 3000, ("Октябрьский",)),
              Place("515867", "Oktyabr'skiy", "RU", "08", 2500, ("Октябрьский",)),
              Place("515879", "Oktyabrsky", "RU", "08", 110000, ("Октябрьский",))]
    build = place_lexicons.assemble_place_lexicons(places, {}, [], countries=["RU"])
    # the town has 10× the people of each village: it keeps the bare ID; the villages are suffixed
    assert ids_of(build, "places-ru") == ["ru.oktyabrskiy.515854", "ru.oktyabrskiy.515867", "ru.oktyabrsky"]
    notes = {(line.id, line.name): line.note for line in build.files["places-ru"]}
    # every line names its source; the entity's first line also its population (the matcher's prominence rule)
    assert notes[("ru.oktyabrskiy.515854", "Oktyabr'skiy")] == "geonames:515854 population:3000"
    assert notes[("ru.oktyabrskiy.515854", "Октябрьский")] == "geonames:515854"
    # each village keeps its own Октябрьский, though a town of 110,000 has the name too
    assert {line.id for line in build.files["places-ru"] if line.name == "Октябрьский"} == {
        "ru.oktyabrskiy.515854", "ru.oktyabrskiy.515867", "ru.oktyabrsky"}
    lexicon = lex.Lexicon.from_lines(build.files["places-ru"])
    assert [lexicon[i].population for i in ("ru.oktyabrsky", "ru.oktyabrskiy.515867")] == [110000, 2500]


def test_close_namesakes_all_get_a_suffix():
    places = [Place("1", "Oktyabr'skiy", "RU", "08", 3000, ()), Place("2", "Oktyabr'skiy", "RU", "09", 2000, ())]
    build = place_lexicons.assemble_place_lexicons(places, {}, [], countries=["RU"])
    assert ids_of(build, "places-ru") == ["ru.oktyabrskiy.1", "ru.oktyabrskiy.2"]


def test_an_id_once_given_is_kept_when_the_source_changes():
    first = place_lexicons.assemble_place_lexicons([Place("7", "Kirov", "RU", "33", 500000, ("Киров",))], {}, [], countries=["RU"])
    assert ids_of(first, "places-ru") == ["ru.kirov"]
    # a later release adds a namesake as large: without the earlier build both would be suffixed
    later = [Place("7", "Kirov", "RU", "33", 500000, ("Киров",)), Place("8", "Kirov", "RU", "40", 400000, ("Киров",))]
    second = place_lexicons.assemble_place_lexicons(later, {}, [], countries=["RU"], previous=first.files["places-ru"])
    assert ids_of(second, "places-ru") == ["ru.kirov", "ru.kirov.8"]


def test_a_curated_place_keeps_its_id_and_gets_only_the_names_it_lacks():
    curated = [lex.LexiconLine("ru.moscow", "place", "en", "Moscow", "canonical"),
               lex.LexiconLine("ru.moscow", "place", "ru", "Москва", "source")]
    places = [Place("524901", "Moscow", "RU", "48", 10_000_000, ("Москва", "Moskva", "Масква")),
              Place("9", "Moskva", "RU", "10", 800, ("Москва",))]
    build = place_lexicons.assemble_place_lexicons(places, {"ru": {"524901": "Москва"}}, [], countries=["RU"], curated=curated)
    lines = [line for line in build.files["places-ru"] if line.id == "ru.moscow"]
    assert {(line.lang, line.name, line.role) for line in lines} == {("und", "Moskva", "alias"), ("und", "Масква", "source")}
    assert "ru.moskva" in ids_of(build, "places-ru")  # the village is a separate place


def test_a_village_does_not_keep_an_alternate_name_of_a_far_larger_place():
    village = Place("1495561", "Parizh", "RU", "13", 1600, ("Париж", "Paris", "Parizhskiy"))
    paris = Place("2988507", "Paris", "FR", "11", 2_100_000, ("Paris", "Париж"))
    build = place_lexicons.assemble_place_lexicons([village, paris], {"ru": {"2988507": "Париж"}}, [], countries=["RU"],
                                              capitals={"FR": "2988507"})
    village_names = {line.name for line in build.files["places-ru"]}
    # Paris is left to the French capital; the village keeps its own name, Parizh and Париж (which
    # the matcher's prominence rule gives to Paris when the two tie)
    assert "Paris" not in village_names and {"Parizh", "Parizhskiy", "Париж"} <= village_names
    assert ids_of(build, "places-foreign") == ["fr.paris"]


def test_a_foreign_namesake_of_comparable_size_is_not_shipped():
    odesa = Place("698740", "Odesa", "UA", "17", 1_000_000, ("Odessa", "Одесса"))
    texas = Place("5527554", "Odessa", "US", "TX", 110_000, ("Odessa",))
    build = place_lexicons.assemble_place_lexicons([odesa, texas], {}, [], countries=["UA"], capitals={"US": "0"})
    assert "places-foreign" not in build.files
    assert "Odessa" in {line.name for line in build.files["places-ua"]}


def test_a_city_subdivision_joins_its_city_and_a_region_named_like_a_town_shows_its_code():
    almaty = Place("1526384", "Almaty", "KZ", "02", 2_000_000, ("Алматы",))
    subdivisions = [place_lexicons.Subdivision("KZ-75", "Almaty", "City", {"ru": "Алма-Ата"}),
                    place_lexicons.Subdivision("KZ-19", "Almaty oblysy", "Region", {"ru": "Алматинская область"})]
    build = place_lexicons.assemble_place_lexicons([almaty], {}, subdivisions, countries=["KZ"])
    lines = build.files["places-kz"]
    assert ids_of(build, "places-kz") == ["kz.almaty", "kz.almaty-oblysy"]
    assert ("ru", "Алма-Ата", "iso3166-2:KZ-75") in {(l.lang, l.name, l.note) for l in lines if l.id == "kz.almaty"}
    region = {(l.name, l.role) for l in lines if l.id == "kz.almaty-oblysy"}
    assert region == {("Almaty oblysy (KZ-19)", "canonical"), ("Алматинская область", "source")}


def test_the_places_build_is_valid_lexicon_text(tmp_path):
    places = [Place("1528675", "Bishkek", "KG", "01", 900_000, ("Бишкек", "Frunze", "Фрунзе", "BIS", "pi shi kai ke", "пост № 3"))]
    build = place_lexicons.assemble_place_lexicons(places, {"ky": {"1528675": "Бишкек"}, "de": {"1528675": "Bischkek"}}, [],
                                              countries=["KG"])
    path = tmp_path / "places-kg.tsv"
    path.write_text(lex.format_lines(build.files["places-kg"]), encoding="utf-8")
    assert [p for p in lex.validate([path]) if p.severity == "error"] == []
    names = {(line.lang, line.name, line.role) for line in build.files["places-kg"]}
    assert names == {("und", "Bishkek", "canonical"), ("ky", "Бишкек", "source"), ("de", "Bischkek", "exonym"),
                     ("und", "Frunze", "alias"), ("und", "Фрунзе", "source")}  # no code, no romanised Chinese, no post number


def test_the_matcher_romanises_an_und_cyrillic_name_the_russian_way(tmp_path):
    path = tmp_path / "places-und.tsv"
    path.write_text(lex.format_lines([
        lex.LexiconLine("ru.shchuchye", "place", "und", "Щучье", "source", "geonames:1"),
        lex.LexiconLine("ru.shchuchye", "place", "und", "Shchuch'ye", "canonical", "geonames:1")]), encoding="utf-8")
    assert [p for p in lex.validate([path]) if p.severity == "error" or "Cyrillic source" in p.message] == []
    norm = Normaliser.from_lexicons([path])
    from translitnorm.romanise import romanise

    spellings = [romanise("Щучье", scheme) for scheme in ("ru-de", "ru-fr", "ru-pl", "ru-iso9")] + ["Щучье"]
    assert len(set(spellings)) == 5
    assert {name: norm.resolve(name).id for name in spellings} == dict.fromkeys(spellings, "ru.shchuchye")


def test_a_place_does_not_take_a_name_the_maintainers_gave_another_entity():
    curated = [lex.LexiconLine("kz.country", "place", "en", "Kazakhstan", "canonical"),
               lex.LexiconLine("kz.country", "place", "ru", "Казахстан", "source")]
    village = Place("1522751", "Kazakhstan", "KZ", "10", 900, ("Казахстан", "Qazaqstan"))
    build = place_lexicons.assemble_place_lexicons([village], {}, [], countries=["KZ"], curated=curated)
    names = {(line.name, line.role) for line in build.files["places-kz"]}
    assert names == {("Kazakhstan (geonames 1522751)", "canonical"), ("Qazaqstan", "alias")}
