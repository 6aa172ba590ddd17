"""`translitnorm lexicon …`: validate, fmt, add, alias, merge, stats, suggest, apply — as maintainers use them."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest
import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from translitnorm import Normaliser, maintain
from translitnorm import lexicon as lex
from translitnorm.cli import app
from translitnorm.errors import TranslitnormError

ROOT = Path(__file__).resolve().parent.parent
KG = ROOT / "lexicons" / "kg.tsv"
HEADER = "id\ttype\tlang\tname\trole\tnote\n"
runner = CliRunner()


@pytest.fixture(autouse=True)
def private_cache(cache_dir, monkeypatch):
    """Commands that compile an index cache it in the test run's cache, not the user's."""
    monkeypatch.setenv("TRANSLITNORM_CACHE_DIR", str(cache_dir))


def run(*args: str):
    return runner.invoke(app, ["lexicon", *map(str, args)])


def tsv(*rows: str) -> str:
    return HEADER + "".join(row.replace(" | ", "\t") + "\n" for row in rows)


@pytest.fixture
def kg(tmp_path) -> Path:
    """A private copy of the shipped Kyrgyz lexicon."""
    path = tmp_path / "kg.tsv"
    shutil.copy(KG, path)
    return path


def test_every_lexicon_command_has_help_with_an_example():
    group = typer.main.get_command(app).commands["lexicon"]
    names = set()

    def walk(group, prefix):
        for name, command in group.commands.items():
            if hasattr(command, "commands"):
                yield from walk(command, prefix + [name])
            else:
                yield prefix + [name], command

    for path, command in walk(group, []):
        names.add(" ".join(path))
        result = run(*path, "--help")
        assert result.exit_code == 0, path
        assert "Example: translitnorm lexicon " + path[0] in (command.help or ""), path
    assert names == {"validate", "fmt", "add", "alias", "merge", "stats", "suggest", "apply",
                     "import geonames", "import wikidata", "import places"}


# -- validate ------------------------------------------------------------------------------

# Every kind of problem, one per line, with the words its message must contain.
BROKEN = [
    (b"\xef\xbb\xbfid\ttype\tlang\tname\trole\tnote", "byte order mark"),
    (b"kg.bishkek\tplace\ten\tBishkek\tcanonical\t", None),
    (b"kg.bishkek\tplace\tky\t\xd0\x91\xd0\xb8\xd1\x88\xd0\xba\xd0\xb5\xd0\xba\tsource\t", None),
    (b"kg.bishkek\tplace\tky\t\xd0\x91\xd0\xb8\xd1\x88\xd0\xba\xd0\xb5\xd0\xba\tsource\t", "duplicate of line 3"),
    (b"kg.osh\tplace\tky\t\tsource\t", "empty 'name' field"),
    (b"kg.osh\tcity\tky\t\xd0\x9e\xd1\x88\tsource\t", "unknown type 'city'"),
    (b"kg.osh\tplace\tky\t\xd0\x9e\xd1\x88\torigin\t", "unknown role 'origin'"),
    (b"kg.osh\tplace\tkyr\t\xd0\x9e\xd1\x88\tsource\t", "unknown lang 'kyr'; did you mean 'ky'?"),
    (b"kg.osh\tplace\tru\tOsh\tsource\t", "is not written in Cyrillic"),
    (b"KG Osh\tplace\tru\t\xd0\x9e\xd1\x88\tsource\t", "does not fit the pattern"),
    (b"kg.osh\tplace\ten\tOsh\tcanonical\t", "warning: kg.osh has no Cyrillic source name"),
    (b"kg.osh\tplace\ten\tOs\xc3\xa1\tcanonical\t", "already has a canonical name on line 11"),
    (b"kg.osh\tperson\tru\t\xd0\x9e\xd1\x88\talias\t", "has type 'person' here but 'place'"),
    (b"kg.osh\tplace\tru", "expected 6 tab-separated fields"),
    (b"kg.osh\tplace\tru\t\xff\xfe\tsource\t", "invalid UTF-8"),
    (b"kg.osh\tplace\tru\t\xd0\x9e\xd1\x88\tsource\t\r", "Windows line ending (CRLF)"),  # and: listed twice
    (b"kg.osh\tplace\tru\t\xd0\x9e\xd1\x88\tformer\t", "is listed for kg.osh twice"),
    (b"kg.talas\tplace\ten\tBishkek\talias\t", "warning: 'Bishkek' is also a name of kg.bishkek"),
    (b"kg.talas\tplace\ten\t Talas\tcanonical\t", "warning: 'name' has stray spaces"),  # and: not in order
    (b"# a remark", "warning: comment lines are not part of the format"),
    (b"kg.frunze\tplace\tru\t\xd0\x91\xd0\xb8\xd1\x88\xd0\xba\xd0\xb5\xd0\xba\tsource\t",
     "warning: kg.frunze ('Бишкек') and kg.bishkek ('Бишкек', "),
]


def test_validate_reports_every_kind_of_problem_at_its_line(tmp_path):
    path = tmp_path / "broken.tsv"
    path.write_bytes(b"\n".join(line for line, _ in BROKEN) + b"\n")
    result = run("validate", path)
    assert result.exit_code == 1
    reported = result.stdout.splitlines()
    for number, (_, fragment) in enumerate(BROKEN, start=1):
        at_line = [line for line in reported if line.startswith(f"{path}:{number}: ")]
        if fragment is None:
            assert not at_line, at_line
        else:
            assert any(fragment in line for line in at_line), (number, fragment, at_line)
    # more than one problem on some lines
    assert f"{path}:18: warning: kg.talas has no Cyrillic source name; only its Latin spellings can match" in reported
    assert f"{path}:19: warning: lines are not in canonical order (id, role, lang, name) from here on; run translitnorm lexicon fmt" in reported
    assert any(line.startswith(f"{path}:16: error: 'Ош' (ru) is listed for kg.osh twice") for line in reported)
    assert "15 error(s)" in result.stderr


def test_validate_passes_the_shipped_lexicons():
    result = run("validate", ROOT / "lexicons")
    assert result.exit_code == 0, result.stdout
    assert "0 error(s)" in result.stderr


def test_warnings_fail_only_with_strict(tmp_path):
    path = tmp_path / "warn.tsv"
    path.write_text(tsv("kg.x | place | en | Talas | canonical | "), encoding="utf-8")
    assert run("validate", path).exit_code == 0
    assert run("validate", path, "--strict").exit_code == 1


def test_key_collisions_of_persons_need_surname_and_given_name(tmp_path):
    path = tmp_path / "people.tsv"
    path.write_text(tsv(
        "kg.bakiev.janysh | person | ru | Жаныш Бакиев | source | ",
        "kg.bakiev.kurmanbek | person | ru | Курманбек Бакиев | source | ",
        "kg.bakiyev.kurmanbek | person | ru | Курманбек Бакиев | source | ",
    ), encoding="utf-8")
    warnings = [str(p) for p in maintain.validate_lexicons([path]) if "matching key" in p.message]
    assert len(warnings) == 1
    assert "kg.bakiyev.kurmanbek ('Курманбек Бакиев') and kg.bakiev.kurmanbek" in warnings[0]
    assert warnings[0].startswith(f"{path}:4: warning:")


# -- fmt --------------------------------------------------------------------------------------

def test_fmt_fixes_bom_crlf_order_and_spacing(tmp_path):
    path = tmp_path / "messy.tsv"
    messy = ("\ufeff" + HEADER + "kg.osh\tplace\tru\tОш\tsource\t\n"
             "kg.osh\tplace\ten\t Osh \tcanonical\t\n" + "kg.bishkek\tplace\tky\tБишкек\tsource\n").replace("\n", "\r\n")
    path.write_bytes(messy.encode("utf-8"))
    check = run("fmt", path, "--check")
    assert check.exit_code == 1
    assert "+kg.osh\tplace\ten\tOsh\tcanonical\t" in check.stdout
    assert path.read_bytes() == messy.encode("utf-8")  # --check changes nothing
    assert run("fmt", path).exit_code == 0
    assert path.read_text(encoding="utf-8") == tsv(
        "kg.bishkek | place | ky | Бишкек | source | ",
        "kg.osh | place | en | Osh | canonical | ",
        "kg.osh | place | ru | Ош | source | ")
    assert Path(str(path) + ".bak").read_bytes() == messy.encode("utf-8")
    assert lex.validate([path]) == []
    assert run("fmt", path, "--check").exit_code == 0


def test_fmt_refuses_a_file_with_errors(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text(tsv("kg.osh | city | ru | Ош | source | "), encoding="utf-8")
    before = path.read_bytes()
    result = run("fmt", path)
    assert result.exit_code == 1
    assert "unknown type 'city'" in result.stderr
    assert path.read_bytes() == before


_cyrillic = st.text(alphabet="абвгдежзийклмнопрстуфхцчшщыэюяАБВГДЕЖЗКЛМН -", min_size=1, max_size=12)
_latin = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ -'éüš", min_size=1, max_size=12)
_row = st.one_of(
    st.tuples(st.sampled_from(["kg.osh", "kg.bishkek", "ru.moscow", "kz.almaty-2"]), st.just("place"),
              st.sampled_from(["ru", "ky", "uk"]), _cyrillic, st.sampled_from(["source", "former", "alias"])),
    st.tuples(st.sampled_from(["kg.osh", "kg.bishkek", "ru.moscow", "kz.almaty-2"]), st.just("place"),
              st.sampled_from(["en", "de", "und"]), _latin, st.sampled_from(["exonym", "alias"])),
).filter(lambda row: row[3].strip(" -'"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_row, st.sampled_from(["", " ", "note"]), st.booleans()), max_size=12),
       bom=st.booleans(), crlf=st.booleans())
def test_fmt_is_idempotent_on_generated_files(tmp_path_factory, rows, bom, crlf):
    """Whatever order, spacing, BOM or line endings a file has, fmt makes it canonical, and a second fmt changes nothing."""
    folder = tmp_path_factory.mktemp("fmt")
    path = folder / "gen.tsv"
    body = "".join("\t".join(fields) + "\t" + note + "\n" for fields, note, _ in rows)
    text = ("\ufeff" if bom else "") + HEADER + body
    path.write_bytes(text.replace("\n", "\r\n" if crlf else "\n").encode("utf-8"))
    problems: list = []
    list(lex.read_lexicon(path, problems))
    if any(p.severity == "error" and not p.fixable for p in problems):
        return  # e.g. one name under two roles: fmt rightly refuses; other tests cover that
    assert run("fmt", path).exit_code == 0
    once = path.read_bytes()
    assert run("fmt", path).exit_code == 0
    assert path.read_bytes() == once
    assert run("fmt", path, "--check").exit_code == 0
    assert not [p for p in lex.validate([path]) if p.fixable]


# -- add and alias -------------------------------------------------------------------------

def test_add_entity_writes_formatted_validated_lines_and_a_backup(kg):
    before = kg.read_bytes()
    result = run("add", "kg.tokmok", "--type", "place", "--name", "Токмок", "--lang", "ky", "--canonical", "Tokmok",
                 "--lexicon", kg)
    assert result.exit_code == 0, result.stderr
    assert "added to" in result.stdout and "kg.tokmok\tplace\tky\tТокмок\tsource" in result.stdout
    lines = {(e.id, e.lang, e.name, e.role) for e in lex.read_lexicon(kg)}
    assert {("kg.tokmok", "ky", "Токмок", "source"), ("kg.tokmok", "en", "Tokmok", "canonical")} <= lines
    assert lex.format_lines(lex.read_lexicon(kg)) == kg.read_text(encoding="utf-8")
    assert Path(str(kg) + ".bak").read_bytes() == before


def test_add_refuses_an_existing_id_and_a_bad_line(kg):
    before = kg.read_bytes()
    result = run("add", "kg.osh", "--type", "place", "--name", "Ош", "--lang", "ky", "--lexicon", kg)
    assert result.exit_code == 2
    assert "id 'kg.osh' already exists" in result.stderr and "translitnorm lexicon alias kg.osh" in result.stderr
    result = run("add", "kg.uzgen", "--type", "place", "--name", "Uzgen", "--lang", "ky", "--lexicon", kg)
    assert result.exit_code == 2
    assert "name 'Uzgen' is not written in Cyrillic, but lang 'ky'" in result.stderr
    result = run("add", "kg.uzgen", "--type", "town", "--name", "Өзгөн", "--lang", "ky", "--lexicon", kg)
    assert "unknown type 'town'" in result.stderr
    assert kg.read_bytes() == before


def test_alias_adds_a_name_and_refuses_unknown_ids_and_duplicates(kg):
    result = run("alias", "kg.bakiev.kurmanbek", "Bakijew", "--lang", "de", "--lexicon", kg)
    assert result.exit_code == 0, result.stderr
    assert ("kg.bakiev.kurmanbek", "de", "Bakijew", "alias") in {(e.id, e.lang, e.name, e.role) for e in lex.read_lexicon(kg)}
    again = run("alias", "kg.bakiev.kurmanbek", "Bakijew", "--lang", "de", "--lexicon", kg)
    assert again.exit_code == 2 and "'Bakijew' (de) is already a name of kg.bakiev.kurmanbek" in again.stderr
    unknown = run("alias", "kg.bakiev", "Bakijew", "--lang", "de", "--lexicon", kg)
    assert unknown.exit_code == 2
    assert "unknown id 'kg.bakiev'" in unknown.stderr and "did you mean kg.bakiev.kurmanbek?" in unknown.stderr


def test_alias_warns_when_the_name_belongs_to_another_entity(kg):
    result = run("alias", "kg.bakiev.kurmanbek", "Askar Akayev", "--lang", "de", "--lexicon", kg)
    assert result.exit_code == 0
    assert "is also a name of kg.akayev.askar" in result.stderr
    assert "share the matching key" in result.stderr


# -- nothing is lost -----------------------------------------------------------------------

@pytest.mark.parametrize("interruption", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_write_leaves_the_original_and_its_previous_backup_intact(kg, monkeypatch, interruption):
    """Once the backup was replaced first: an interrupted write left FILE.bak equal to the unchanged file."""
    previous_backup = "id\ttype\tlang\tname\trole\tnote\n# the backup of an earlier edit\n".encode("utf-8")
    backup = kg.with_name("kg.tsv.bak")
    backup.write_bytes(previous_backup)
    before = kg.read_bytes()
    real_replace = os.replace

    def failing_replace(source, target):
        if Path(target) == kg:
            raise interruption
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(type(interruption)):
        maintain.add_name(kg, "kg.bakiev.kurmanbek", "Bakijew", lang="de")
    assert kg.read_bytes() == before
    assert backup.read_bytes() == previous_backup
    assert sorted(p.name for p in kg.parent.iterdir()) == ["kg.tsv", "kg.tsv.bak"]  # no temporary file left
    monkeypatch.setattr(os, "replace", real_replace)
    maintain.add_name(kg, "kg.bakiev.kurmanbek", "Bakijew", lang="de")  # a write that completes: now the backup moves on
    assert backup.read_bytes() == before and b"Bakijew" in kg.read_bytes()


def test_a_failed_write_is_a_clear_error_on_the_command_line(kg, monkeypatch):
    before = kg.read_bytes()
    real_replace = os.replace

    def failing_replace(source, target):
        if Path(target) == kg:
            raise OSError(28, "No space left on device", str(target))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    result = run("alias", "kg.bakiev.kurmanbek", "Bakijew", "--lang", "de", "--lexicon", kg)
    assert result.exit_code == 2
    assert "No space left on device" in result.stderr
    assert kg.read_bytes() == before
    assert sorted(p.name for p in kg.parent.iterdir()) == ["kg.tsv"]  # no backup of a write that did not happen


def test_temporary_files_of_a_killed_write_are_removed_by_the_next_edit(kg):
    ended = 999_999_999  # the process ID of a run that was killed while writing
    leftovers = [kg.with_name(f".kg.tsv.{ended}.k3j_x9a2.tmp"), kg.with_name(f".kg.tsv.bak.{ended}.0abc_def.tmp")]
    unrelated = [kg.with_name(f".kg.tsv.x.{ended}.k3j_x9a2.tmp"), kg.with_name("notes.tmp"),
                 kg.with_name(f".kg.tsv.{os.getpid()}.k3j_x9a2.tmp")]  # another file's; a running process's
    for path in leftovers + unrelated:
        path.write_bytes(b"half a file")
    maintain.add_name(kg, "kg.bakiev.kurmanbek", "Bakijew", lang="de")
    assert not any(path.exists() for path in leftovers)
    assert all(path.exists() for path in unrelated)


def test_a_failed_backup_stops_the_write(kg, monkeypatch):
    before = kg.read_bytes()

    def failing_copy(source, target):
        Path(target).write_bytes(b"half")
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(shutil, "copy2", failing_copy)
    with pytest.raises(OSError):
        maintain.add_name(kg, "kg.osh", "Osch", lang="de")
    assert kg.read_bytes() == before
    assert sorted(p.name for p in kg.parent.iterdir()) == ["kg.tsv"]


def test_a_file_changed_meanwhile_is_not_overwritten(kg):
    lines, original = maintain.read_for_edit(kg)
    kg.write_bytes(original + "kg.osh\tplace\tde\tOsch\talias\t\n".encode("utf-8"))  # someone else's edit
    changed = kg.read_bytes()
    with pytest.raises(maintain.ConflictError, match="changed on disk"):
        maintain.save_lines(kg, lines, original)
    assert kg.read_bytes() == changed


# -- merge and stats -------------------------------------------------------------------------

def test_merge_combines_files(tmp_path):
    out = tmp_path / "all.tsv"
    result = run("merge", ROOT / "lexicons" / "kg.tsv", ROOT / "lexicons" / "kz.tsv", "-o", out)
    assert result.exit_code == 0, result.stderr
    ids = {e.id for e in lex.read_lexicon(out)}
    assert {"kg.osh", "kz.almaty"} <= ids
    assert lex.format_lines(lex.read_lexicon(out)) == out.read_text(encoding="utf-8")


def test_merge_lists_conflicts_and_writes_nothing(tmp_path):
    first, second = tmp_path / "a.tsv", tmp_path / "b.tsv"
    first.write_text(tsv("kg.osh | place | ky | Ош | source | ", "kg.talas | place | ky | Талас | source | "), encoding="utf-8")
    second.write_text(tsv("kg.osh | org | ky | Ош | source | ", "kg.talas-city | place | ky | Талас | source | "), encoding="utf-8")
    out = tmp_path / "merged.tsv"
    result = run("merge", first, second, "-o", out)
    assert result.exit_code == 1
    assert f"{second}:2: error: conflict: kg.osh is a org here but a place at {first}:2" in result.stderr
    assert f"{second}:3: error: conflict: 'Талас' (ky) is a name of kg.talas-city here and of kg.talas at {first}:3" in result.stderr
    assert not out.exists()


def test_stats_counts_and_shared_keys(tmp_path):
    path = tmp_path / "s.tsv"
    path.write_text(tsv(
        "kg.bakiev.janysh | person | ru | Жаныш Бакиев | source | ",
        "kg.bakiev.kurmanbek | person | en | Kurmanbek Bakiyev | canonical | ",
        "kg.bakiev.kurmanbek | person | ru | Курманбек Бакиев | source | ",
        "kg.osh | place | ky | Ош | source | ",
    ), encoding="utf-8")
    result = run("stats", path, "--json")
    assert result.exit_code == 0
    stats = json.loads(result.stdout)
    assert (stats["entities"], stats["names"]) == (3, 4)
    assert stats["by_type"] == {"person": 2, "place": 1}
    assert stats["by_lang"] == {"ru": 2, "en": 1, "ky": 1}
    assert stats["by_role"] == {"source": 3, "canonical": 1}
    top = stats["ambiguous_keys"][0]
    assert (top["key"], top["ids"]) == ("bakiev", ["kg.bakiev.janysh", "kg.bakiev.kurmanbek"])
    table = run("stats", path)
    assert table.exit_code == 0 and "bakiev" in table.stdout and "person" in table.stdout


# -- suggest and apply: the maintainer's loop ------------------------------------------------

def write_names(path: Path, names: list[str]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "name"])
        writer.writerows((i, name) for i, name in enumerate(names, start=1))
    return path


def read_review(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_review(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=maintain.REVIEW_HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


KNOWN = ["Kurmanbek Bakiev", "Bishkek", "Osh", "Almazbek Atambayev", "Askar Akaev"]


def test_suggest_then_apply_makes_unmatched_spellings_resolve(kg, tmp_path, cache_dir):
    before = Normaliser.from_lexicons([kg], cache_dir=cache_dir)
    assert before.resolve("Jalalabat").id is None
    assert before.resolve("Tokmok").id is None
    ids_before = {name: before.resolve(name).id for name in KNOWN}
    assert all(ids_before.values())

    data = write_names(tmp_path / "names.csv", KNOWN + ["Jalalabat", "Jalalabat", "Tokmok", "Tokmok", "Tokmok"])
    review = tmp_path / "review.csv"
    result = run("suggest", data, "--column", "name", "--lexicon", kg, "-o", review)
    assert result.exit_code == 0, result.stderr
    rows = read_review(review)
    assert tuple(rows[0]) == maintain.REVIEW_HEADER
    by_name = {row["name"]: row for row in rows}
    assert set(by_name) == {"Jalalabat", "Tokmok"}  # the known names need no review
    assert (by_name["Jalalabat"]["reason"], by_name["Jalalabat"]["suggested_id"], by_name["Jalalabat"]["count"]) == (
        "below-threshold", "kg.jalal-abad", "2")
    assert (by_name["Tokmok"]["reason"], by_name["Tokmok"]["count"], by_name["Tokmok"]["suggested_id"]) == ("new-cluster", "3", "")
    assert by_name["Tokmok"]["cluster"].startswith("~")
    assert all(row["decision"] == "" for row in rows)

    by_name["Jalalabat"]["decision"] = "accept"
    by_name["Tokmok"].update(decision="new", target_id="kg.tokmok", type="place", lang="en")
    write_review(review, list(by_name.values()))
    applied = run("apply", review, "--lexicon", kg)
    assert applied.exit_code == 0, applied.stderr
    assert "added: kg.jalal-abad\tplace\tund\tJalalabat\talias" in applied.stdout
    assert "added: kg.tokmok\tplace\ten\tTokmok\tcanonical" in applied.stdout
    assert lex.validate([kg]) == [p for p in lex.validate([kg]) if p.severity == "warning"]

    after = Normaliser.from_lexicons([kg], cache_dir=cache_dir)  # the changed file recompiles
    assert after.resolve("Jalalabat").id == "kg.jalal-abad"
    assert after.resolve("Tokmok").id == "kg.tokmok"
    assert {name: after.resolve(name).id for name in KNOWN} == ids_before

    again = run("apply", review, "--lexicon", kg)  # applying twice adds nothing
    assert again.exit_code == 0 and "0 line(s) added" in again.stderr


def test_suggest_reads_a_review_csv_and_reports_a_wrong_column(kg, tmp_path):
    review = write_review(tmp_path / "review.csv", [dict.fromkeys(maintain.REVIEW_HEADER, "") | {
        "column": "person", "name": "Jalalabat", "count": "7", "reason": "below-threshold"}])
    result = run("suggest", review, "--lexicon", kg)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert [(r["column"], r["name"], r["count"], r["suggested_id"]) for r in rows] == [("person", "Jalalabat", "7", "kg.jalal-abad")]
    data = write_names(tmp_path / "names.csv", ["Osh"])
    wrong = run("suggest", data, "--column", "nmae", "--lexicon", kg)
    assert wrong.exit_code == 2
    assert "column 'nmae' not found; columns are: row, name — pass --column name" in wrong.stderr


def test_apply_reports_every_bad_line_and_writes_nothing(kg, tmp_path):
    blank = dict.fromkeys(maintain.REVIEW_HEADER, "")
    rows = [
        blank | {"name": "Jalalabat", "decision": "accept", "suggested_id": "kg.jalal-abad"},         # line 2: fine
        blank | {"name": "Tokmok", "decision": "new", "target_id": "kg.tokmok"},                      # 3: no type
        blank | {"name": "Tokmok", "decision": "nwe", "target_id": "kg.tokmok", "type": "place"},     # 4: typo
        blank | {"name": "Jalal-Abat", "decision": "alias", "target_id": "kg.jalal-abd"},             # 5: unknown id
        blank | {"name": "Oshh", "decision": "alias", "target_id": "kg.osh", "lang": "ky"},           # 6: script
        blank | {"name": "Karakol", "decision": "new", "target_id": "kg.osh", "type": "place"},       # 7: id exists
        blank | {"name": "Oshh", "decision": "reject"},                                               # 8: nothing
        blank | {"name": "Osh city", "decision": ""},                                                 # 9: nothing
    ]
    decisions = write_review(tmp_path / "decisions.csv", rows)
    before = kg.read_bytes()
    result = run("apply", decisions, "--lexicon", kg)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith(f"{decisions}:")]
    assert [int(line.split(":")[1]) for line in errors] == [3, 4, 5, 6, 7]
    assert "decision 'new' needs type" in errors[0]
    assert "unknown decision 'nwe'; did you mean new?" in errors[1]
    assert "unknown id 'kg.jalal-abd' in target_id — did you mean kg.jalal-abad?" in errors[2]
    assert "not written in Cyrillic, but lang 'ky'" in errors[3]
    assert "id 'kg.osh' already exists" in errors[4]
    assert kg.read_bytes() == before
    assert not Path(str(kg) + ".bak").exists()


def test_apply_takes_ids_from_other_lexicons_and_creates_entities_from_cyrillic(tmp_path):
    other = ROOT / "lexicons" / "kg.tsv"  # defines kg.bishkek (one file: apply compiles its context twice)
    ours = tmp_path / "ours.tsv"
    blank = dict.fromkeys(maintain.REVIEW_HEADER, "")
    decisions = write_review(tmp_path / "d.csv", [
        blank | {"name": "Bischkeck", "decision": "alias", "target_id": "kg.bishkek", "lang": "de"},
        blank | {"name": "Арсланбоб", "decision": "new", "target_id": "kg.arslanbob", "type": "place", "lang": "ky"},
        blank | {"name": "Арсланбоб", "decision": "new", "target_id": "kg.arslanbob2", "type": "place"},
    ])
    result = run("apply", decisions, "--lexicon", ours, "--also", other)
    assert result.exit_code == 2
    assert "d.csv:4: a Cyrillic name of a new entity needs a Cyrillic-script lang" in result.stderr
    rows = read_review(decisions)[:2]
    write_review(decisions, rows)
    dry = run("apply", decisions, "--lexicon", ours, "--also", other, "--dry-run")
    assert dry.exit_code == 0 and "would add" in dry.stdout and not ours.exists()
    result = run("apply", decisions, "--lexicon", ours, "--also", other)
    assert result.exit_code == 0, result.stderr
    assert ours.read_text(encoding="utf-8") == tsv(
        "kg.arslanbob | place | ky | Арсланбоб | source | ",
        "kg.bishkek | place | de | Bischkeck | alias | ")


def test_suggest_proposes_a_cyrillic_source_that_apply_writes(kg, tmp_path):
    data = write_names(tmp_path / "names.csv", ["Tschechow", "Tschechow", "Chekhov"])
    result = run("suggest", data, "--lexicon", kg)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert [(r["name"], r["reason"], r["suggested_source"]) for r in rows] == [
        ("Tschechow", "new-cluster", "Чехов"), ("Chekhov", "new-cluster", "Чехов")]
    rows[0] |= {"decision": "new", "target_id": "ru.chekhov", "type": "person", "lang": "de"}
    rows[1] |= {"decision": "alias", "target_id": "ru.chekhov", "lang": "en"}
    decisions = write_review(tmp_path / "decisions.csv", rows)
    ours = tmp_path / "ours.tsv"
    applied = run("apply", decisions, "--lexicon", ours)
    assert applied.exit_code == 0, applied.stderr
    assert ours.read_text(encoding="utf-8") == tsv(
        "ru.chekhov | person | de | Tschechow | canonical | ",
        "ru.chekhov | person | ru | Чехов | source | ",
        "ru.chekhov | person | en | Chekhov | alias | ")


def test_edits_refuse_a_lexicon_with_errors(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text(tsv("kg.osh | city | ky | Ош | source | "), encoding="utf-8")
    with pytest.raises(TranslitnormError, match="unknown type 'city'"):
        maintain.add_name(path, "kg.osh", "Osch", lang="de")
