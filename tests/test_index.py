"""The compiled index read through its accessors, and kept on disk: what a lexicon becomes."""

from __future__ import annotations

import pickle

import pytest

from translitnorm.cache import CacheRefused
from translitnorm.index import (
    GIVEN, OTHER, PATRONYMIC, SLOT_NAMES, SURNAME, WHOLE, CompiledIndex, EntityPart, Posting, _EntityTables, display_name, person_parts,
)
from translitnorm.index_store import build_index, cached_index
from translitnorm.keys import exact_form, folded_form, matching_key
from translitnorm.lexicon import Lexicon, LexiconLine, format_lines
from translitnorm.neighbours import KeyNeighbours
from translitnorm.packed_forms import PackedForms
from translitnorm.romanise import romanise

LINES = [
    LexiconLine("kg.bakiev", "person", "ky", "Курманбек Салиевич Бакиев", "source"),
    LexiconLine("kg.bakiev", "person", "en", "Kurmanbek Bakiyev", "canonical"),
    LexiconLine("kg.bakieva", "person", "ru", "Гульнара Бакиева", "source"),
    LexiconLine("kg.bishkek", "place", "ky", "Бишкек", "source"),
    LexiconLine("kg.bishkek", "place", "ru", "Фрунзе", "former"),
    LexiconLine("ua.kharkiv", "place", "ru", "Харьков", "source"),
]


@pytest.fixture(scope="module")
def index() -> CompiledIndex:
    return CompiledIndex.compile(Lexicon.from_lines(LINES))


def entity(index: CompiledIndex, entity_id: str) -> int:
    return index.entity_ids.index(entity_id)


def part(index: CompiledIndex, text: str) -> int:
    return index.parts.index(text)


def test_every_rendering_is_filed_under_its_exact_form_with_the_schemes_that_give_it(index):
    bakiev = part(index, "Бакиев")
    german = romanise("Бакиев", "ky-de")
    assert german == "Bakijew"
    entries = index.entries("exact", exact_form(german))
    assert [entry.part for entry in entries] == [bakiev]
    assert "ky-de" in index.scheme_names(entries[0].schemes)
    assert "ky-bgn" not in index.scheme_names(entries[0].schemes)  # BGN/PCGN writes Bakiyev
    assert bakiev in {entry.part for entry in index.entries("folded", folded_form("Bakijew"))}
    assert bakiev in {entry.part for entry in index.entries("keys", matching_key("Bakiyev"))}
    assert index.entries("exact", "tschechow") == []  # a form nobody's name gives


def test_the_cyrillic_name_itself_and_a_latin_lexicon_name_are_forms_too(index):
    assert part(index, "Бакиев") in {entry.part for entry in index.entries("exact", exact_form("Бакиев"))}
    assert part(index, "Bakiyev") in {entry.part for entry in index.entries("exact", "bakiyev")}


def test_other_cyrillic_languages_forms_are_a_table_of_their_own(index):
    kharkiv = part(index, "Харьков")
    assert [entry.part for entry in index.entries("cross", exact_form("Харків"))] == [kharkiv]
    assert index.entries("exact", exact_form("Харків")) == []
    note = index.cross_language_note(kharkiv, exact_form("Харків"))
    assert note.startswith("uk form Харків: ")


def test_postings_say_which_entity_which_name_and_which_slot(index):
    bakiev = entity(index, "kg.bakiev")
    names = [text for _, text, _ in index.entity_names[bakiev]]
    for text, slot in [("Бакиев", SURNAME), ("Курманбек", GIVEN), ("Салиевич", PATRONYMIC)]:
        [posting] = index.postings_of(part(index, text))
        assert posting == Posting(bakiev, names.index("Курманбек Салиевич Бакиев"), slot)
    [bishkek] = index.postings_of(part(index, "Фрунзе"))
    assert (index.entity_ids[bishkek.entity], SLOT_NAMES[bishkek.slot]) == ("kg.bishkek", "whole name")


def test_a_person_is_reached_through_the_surname_and_a_place_through_its_whole_name(index):
    bakiev, bishkek = entity(index, "kg.bakiev"), entity(index, "kg.bishkek")
    assert index.entities_of(part(index, "Курманбек")) == {bakiev}
    assert index.entities_of(part(index, "Курманбек"), anchors_only=True) == frozenset()  # a given name is no anchor
    assert index.entities_of(part(index, "Бакиев"), anchors_only=True) == {bakiev}
    assert index.entities_named(part(index, "Фрунзе")) == {bishkek}  # a former name names the place
    assert index.entities_named(part(index, "Бакиев")) == frozenset()


def test_the_parts_of_an_entity(index):
    bishkek = entity(index, "kg.bishkek")
    assert {(index.parts[row.part], row.slot) for row in index.parts_of(bishkek)} == {("Бишкек", WHOLE), ("Фрунзе", WHOLE)}
    bakieva = index.parts_of(entity(index, "kg.bakieva"))
    assert all(isinstance(row, EntityPart) for row in bakieva)
    assert {(index.parts[row.part], SLOT_NAMES[row.slot]) for row in bakieva} == {("Бакиева", "surname"), ("Гульнара", "given name")}


@pytest.mark.parametrize("vector_from", [_EntityTables.VECTOR_FROM, 0])  # 0: every part by the numpy path
def test_entities_and_parts_derived_on_demand_agree_with_the_postings(index, monkeypatch, vector_from):
    # Asked in a scattered order, twice: the rows worked out as asked for are the postings read the other way round.
    monkeypatch.setattr(_EntityTables, "VECTOR_FROM", vector_from)
    fresh = pickle.loads(pickle.dumps(index))  # nothing derived yet
    for _ in range(2):
        for part_id in reversed(range(len(fresh.parts))):
            postings = fresh.postings_of(part_id)
            assert fresh.entities_of(part_id) == {p.entity for p in postings}
            assert fresh.entities_of(part_id, anchors_only=True) == {p.entity for p in postings if p.slot in (SURNAME, OTHER)}
            assert fresh.entities_named(part_id) == {p.entity for p in postings if p.slot == WHOLE}
        for entity_id in (2, 0, 3, 1):
            expected = [(part_id, p.name, p.slot) for part_id in range(len(fresh.parts))
                        for p in fresh.postings_of(part_id) if p.entity == entity_id]
            assert [tuple(row) for row in fresh.parts_of(entity_id)] == expected


def test_a_mans_and_a_womans_surname_are_different_parts(index):
    assert part(index, "Бакиев") != part(index, "Бакиева")
    assert index.entities_of(part(index, "Бакиева")) == {entity(index, "kg.bakieva")}


def test_person_names_split_by_position_or_by_a_comma():
    assert person_parts("Бакиев, Курманбек Салиевич") == person_parts("Курманбек Салиевич Бакиев")
    assert [SLOT_NAMES[slot] for slot, _ in person_parts("Дмитрий Шостакович")] == ["surname", "given name"]


def test_the_display_name_is_the_canonical_or_the_popular_english_spelling():
    lexicon = Lexicon.from_lines(LINES)
    assert display_name(lexicon.entities["kg.bakiev"]) == "Kurmanbek Bakiyev"
    assert display_name(lexicon.entities["ua.kharkiv"]) == "Kharkov"


def test_saved_and_loaded_the_index_reads_the_same(tmp_path, index):
    path = tmp_path / "index.marshal"
    index.save(path)
    loaded = CompiledIndex.load(path)
    assert loaded.entity_ids == index.entity_ids and loaded.parts == index.parts
    for number in range(len(index.parts)):
        assert loaded.postings_of(number) == index.postings_of(number)
        assert loaded.entities_of(number) == index.entities_of(number)
    for form in ("bakijew", "bakiyev", exact_form("Бишкек")):
        assert loaded.entries("exact", form) == index.entries("exact", form)
    with pytest.raises(CacheRefused, match="compiled from other lexicons"):
        CompiledIndex.load(path, digest="another digest")


def test_a_loaded_index_reads_its_cross_language_forms_as_compiled(tmp_path, index):
    index.save(tmp_path / "index.marshal")
    loaded = CompiledIndex.load(tmp_path / "index.marshal")
    assert isinstance(loaded.cross, PackedForms)  # flat buffers, read with the rest: no marshal pass on first use
    assert loaded.entries("cross", exact_form("Харків")) == index.entries("cross", exact_form("Харків")) != []
    assert sorted(loaded.form_table("cross").items()) == sorted(index.form_table("cross").items())
    loaded.save(tmp_path / "again.marshal")  # saved again, it is the same index
    again = CompiledIndex.load(tmp_path / "again.marshal")
    assert again._state() == index._state()


def test_the_cross_table_answers_as_the_dict_it_was_made_from(index):
    table = index.form_table("cross")
    as_dict = dict(table.items())
    assert len(as_dict) == len(table) > 0
    for form, entries in as_dict.items():
        assert table.get(form) == entries and form in table
        assert table.get(form + "x") == as_dict.get(form + "x")
    assert table.get("") is None and table.get("\U0010ffff") is None
    assert PackedForms.from_dict(as_dict) == table


# What each packed table of a cache file loses or gains, and what the refusal says: (position in
# the saved state, damage, message).
_DAMAGED_TABLES = {
    "cross table": (13, lambda t: (t[0], t[1][:-1]) + t[2:], "do not fit"),  # forms one byte short of their offsets
    "key neighbours": (17, lambda t: (t[0] + b"\xff\xff\xff\x7f",) + t[1:], "key-neighbour"),  # one key more than the index has
    "entity tables": (18, lambda t: t[:4] + (t[4][:-8],), "entity tables"),  # the entity starts one short
}


@pytest.mark.parametrize("table", list(_DAMAGED_TABLES))
def test_a_cache_file_with_a_damaged_packed_table_is_refused(tmp_path, index, table):
    import marshal

    from translitnorm import cache

    position, damage, message = _DAMAGED_TABLES[table]
    state = list(index._state())
    state[position] = damage(state[position])
    cache.write_entry(tmp_path / "index.marshal", marshal.dumps(tuple(state)))
    with pytest.raises(CacheRefused, match=message):
        CompiledIndex.load(tmp_path / "index.marshal")


def test_a_pickled_index_reads_the_same(index):
    index.entities_of(0)  # derived tables built: they are not shipped, but built again on use
    copy = pickle.loads(pickle.dumps(index))
    assert copy.parts_of(entity(copy, "kg.bakiev")) == index.parts_of(entity(index, "kg.bakiev"))
    assert copy.entries("keys", "bakiev") == index.entries("keys", "bakiev")


def test_the_cache_holds_the_index_of_exactly_these_lexicon_bytes(tmp_path):
    lexicon = tmp_path / "kg.tsv"
    lexicon.write_text(format_lines(LINES), encoding="utf-8")
    cache = tmp_path / "cache"
    assert cached_index([lexicon], cache_dir=cache) is None
    compiled = build_index([lexicon], cache_dir=cache)
    from_cache = cached_index([lexicon], cache_dir=cache)
    assert from_cache is not None and from_cache.digest == compiled.digest
    assert from_cache.cache_file == compiled.cache_file
    lexicon.write_text(format_lines(LINES[:-1]), encoding="utf-8")  # one line less: another index
    assert cached_index([lexicon], cache_dir=cache) is None
    assert "ua.kharkiv" not in build_index([lexicon], cache_dir=cache).entity_ids


def test_a_loaded_index_finds_the_same_key_neighbours(tmp_path, index):
    index.save(tmp_path / "index.marshal")
    loaded = CompiledIndex.load(tmp_path / "index.marshal")
    assert loaded._neighbours is None  # filed into buckets on first use, not at load
    for key in ("bakiev", "bakiyev", "otunbaeva", "bishkek"):
        assert loaded.key_neighbours().by_edits(key, 2) == KeyNeighbours(index.keys).by_edits(key, 2)


def test_a_loaded_index_reads_its_entity_tables_from_the_file(tmp_path, index):
    index.save(tmp_path / "index.marshal")
    loaded = CompiledIndex.load(tmp_path / "index.marshal")
    assert loaded._entity_table_state is not None and loaded._entity_tables is None
    fresh = pickle.loads(pickle.dumps(index))
    fresh._entity_table_state = None  # worked out from the postings
    for part_id in range(len(index.parts)):
        assert loaded.entities_of(part_id) == fresh.entities_of(part_id)
        assert loaded.entities_of(part_id, anchors_only=True) == fresh.entities_of(part_id, anchors_only=True)
    for entity_id in range(len(index.entity_ids)):
        assert loaded.parts_of(entity_id) == fresh.parts_of(entity_id)
