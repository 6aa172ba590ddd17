"""Lexicon files: loading, validation (file:line messages), canonical formatting."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translitnorm import lexicon as lex

DATA = Path(__file__).parent / "data" / "lexicon"


def messages(problems, severity="error"):
    return {(Path(p.path).name, p.line): p.message for p in problems if p.severity == severity}


def test_good_file_loads_into_entities():
    lexicon = lex.load_lexicons([DATA / "good.tsv"])
    assert list(lexicon.entities) == ["kg.bakiev.kurmanbek", "kg.bishkek"]
    bishkek = lexicon["kg.bishkek"]
    assert bishkek.type == "place"
    assert bishkek.canonical == "Bishkek"
    assert [(n.lang, n.text, n.role) for n in bishkek.names] == [
        ("en", "Bishkek", "canonical"), ("ky", "Бишкек", "source"), ("ru", "Фрунзе", "former")]
    assert bishkek.names[2].note == "1926–1991"


def test_good_file_has_no_problems_and_is_canonical():
    assert lex.validate([DATA / "good.tsv"]) == []
    lines = list(lex.read_lexicon(DATA / "good.tsv"))
    assert lex.format_lines(lines) == (DATA / "good.tsv").read_text(encoding="utf-8")


def test_every_seeded_error_is_reported_with_its_line():
    found = messages(lex.validate([DATA / "broken.tsv"]))
    expected_fragments = {
        3: "duplicate of line 2",
        4: "empty 'name' field",
        5: "unknown type 'city'",
        6: "unknown role 'origin'",
        7: "unknown lang 'kyr'",
        8: "not written in Cyrillic",
        9: "does not fit the pattern",
        11: "already has a canonical name on line 10",
        12: "has type 'person' here but 'place'",
        13: "expected 6 tab-separated fields",
    }
    for line, fragment in expected_fragments.items():
        assert fragment in found.get(("broken.tsv", line), ""), (line, found.get(("broken.tsv", line)))
    assert set(line for _, line in found) == set(expected_fragments)


def test_errors_come_with_suggestions():
    found = messages(lex.validate([DATA / "broken.tsv"]))
    assert "did you mean 'ky'" in found[("broken.tsv", 7)]
    assert "did you mean 'person'" not in found[("broken.tsv", 5)]  # 'city' is close to nothing
    assert "roles: canonical, source, former, exonym, alias" in found[("broken.tsv", 6)]


def test_loading_a_broken_file_raises_with_every_error():
    with pytest.raises(lex.LexiconError) as info:
        lex.load_lexicons([DATA / "broken.tsv"])
    assert len([p for p in info.value.problems if p.severity == "error"]) == 10
    assert "broken.tsv:7:" in str(info.value)


def write(tmp_path, name, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


GOOD_BYTES = (DATA / "good.tsv").read_bytes()


def test_bom_is_an_error_at_line_1(tmp_path):
    path = write(tmp_path, "bom.tsv", b"\xef\xbb\xbf" + GOOD_BYTES)
    found = messages(lex.validate([path]))
    assert "byte order mark" in found[("bom.tsv", 1)]
    assert len(found) == 1  # the rest of the file still parses


def test_crlf_is_reported_once_with_count(tmp_path):
    path = write(tmp_path, "crlf.tsv", GOOD_BYTES.replace(b"\n", b"\r\n"))
    found = messages(lex.validate([path]))
    assert found == {("crlf.tsv", 1): "Windows line ending (CRLF) on 7 line(s), first here; lexicons use LF (translitnorm lexicon fmt converts)"}


def test_invalid_utf8_reports_line_and_byte_offset(tmp_path):
    lines = GOOD_BYTES.split(b"\n")
    lines[3] = lines[3].replace("Бакиев".encode(), b"\xff\xfe")
    data = b"\n".join(lines)
    path = write(tmp_path, "bad-utf8.tsv", data)
    found = messages(lex.validate([path]))
    offset = data.index(b"\xff")
    assert found[("bad-utf8.tsv", 4)] == f"invalid UTF-8 at byte offset {offset} (byte 0xff); lexicons must be UTF-8"


def test_wrong_header_and_empty_file(tmp_path):
    bad_header = write(tmp_path, "header.tsv", b"id,type,lang,name,role\n")
    empty = write(tmp_path, "empty.tsv", b"")
    found = messages(lex.validate([bad_header, empty]))
    assert "header must be" in found[("header.tsv", 1)]
    assert "empty file" in found[("empty.tsv", 1)]


def test_type_conflict_across_files_names_both_places(tmp_path):
    other = write(tmp_path, "other.tsv", "id\ttype\tlang\tname\trole\tnote\nkg.bishkek\tperson\tru\tБишкек\talias\t\n".encode())
    problems = lex.validate([DATA / "good.tsv", other])
    conflict = [p for p in problems if "an ID has one type" in p.message]
    assert len(conflict) == 1
    assert conflict[0].line == 2 and "good.tsv:5" in conflict[0].message


def test_directories_load_all_tsv_files(tmp_path):
    (tmp_path / "a.tsv").write_bytes(GOOD_BYTES)
    (tmp_path / "b.tsv").write_text("id\ttype\tlang\tname\trole\tnote\nkz.taraz\tplace\tkk\tТараз\tsource\t\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("not a lexicon")
    lexicon = lex.load_lexicons([tmp_path])
    assert sorted(lexicon.entities) == ["kg.bakiev.kurmanbek", "kg.bishkek", "kz.taraz"]


def test_warnings_do_not_stop_loading(tmp_path):
    text = "id\ttype\tlang\tname\trole\tnote\nkz.taraz\tplace\tkk\tТараз\tsource\t\nkg.osh\tplace\tru\tОш\tsource\t\n"
    path = write(tmp_path, "unsorted.tsv", text.encode())
    warnings = messages(lex.validate([path]), "warning")
    assert "not in canonical order" in warnings[("unsorted.tsv", 3)]
    assert len(lex.load_lexicons([path])) == 2


def test_entity_without_cyrillic_source_is_a_warning(tmp_path):
    path = write(tmp_path, "latin.tsv", "id\ttype\tlang\tname\trole\tnote\nus.watson.ivan\tperson\ten\tIvan Watson\tcanonical\t\n".encode())
    warnings = messages(lex.validate([path]), "warning")
    assert "no Cyrillic source name" in warnings[("latin.tsv", 2)]


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path):
    target = write(tmp_path, "lex.tsv", GOOD_BYTES)
    with pytest.raises(TypeError):  # the text cannot be written half way through
        lex.write_atomic(target, object())  # type: ignore[arg-type]
    assert target.read_bytes() == GOOD_BYTES
    assert [p.name for p in tmp_path.iterdir()] == ["lex.tsv"]  # no temporary file left


# --- fmt round trip (property) -------------------------------------------------

cyrillic_words = st.text(alphabet="абвгдежзийклмнопрстуфхцчшщыэюяёәғқңөұүһі-", min_size=1, max_size=12).filter(lambda w: w.strip("-"))
names = st.lists(cyrillic_words, min_size=1, max_size=3).map(lambda ws: "  ".join(w.capitalize() for w in ws))
lines_strategy = st.lists(
    st.builds(
        lex.LexiconLine,
        id=st.sampled_from(["kg.osh", "kz.taraz", "ru.putin.vladimir"]),
        type=st.just("place"),
        lang=st.sampled_from(["ru", "ky", "kk", "uk"]),
        name=names,
        role=st.sampled_from(["source", "former", "alias"]),
        note=st.sampled_from(["", " 1991 ", "см. также"]),
    ),
    max_size=25,
    unique_by=lambda line: (line.id, line.lang, " ".join(line.name.split())),  # one role per name
)


@settings(max_examples=150, deadline=None)
@given(lines_strategy)
def test_fmt_is_idempotent_and_round_trips(tmp_path_factory, lines):
    text = lex.format_lines(lines)
    path = tmp_path_factory.mktemp("fmt") / "lex.tsv"
    path.write_text(text, encoding="utf-8")
    problems = []
    reread = list(lex.read_lexicon(path, problems))
    assert [p for p in problems if p.severity == "error"] == []
    assert not [p for p in problems if "canonical order" in p.message or "stray" in p.message]
    assert lex.format_lines(reread) == text
    assert lex.format_lines(reversed(lines)) == text  # input order does not matter


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_end_in_problems_never_a_traceback(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "random.tsv"
    path.write_bytes(data)
    problems = lex.validate([path])
    assert all(isinstance(p, lex.Problem) and p.line >= 0 for p in problems)
    if not data.startswith("\t".join(lex.REQUIRED_COLUMNS).encode()):
        assert any(p.severity == "error" for p in problems)
