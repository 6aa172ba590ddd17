"""Lexicon edits under concurrency, interruption, changed answers and spreadsheet encodings."""

from __future__ import annotations

import contextlib
import csv
import io
import multiprocessing
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from translitnorm import rendering
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from translitnorm import Normaliser
from translitnorm import lexicon as lex
from translitnorm.index import CompiledIndex
from translitnorm.index_store import ReusedForms, build_index
from translitnorm.lexicon import LexiconLine
from translitnorm import maintain
from translitnorm.cli import app

ROOT = Path(__file__).resolve().parent.parent
KG = ROOT / "lexicons" / "kg.tsv"
HEADER = "id\ttype\tlang\tname\trole\tnote\n"
runner = CliRunner()


@pytest.fixture(autouse=True)
def private_cache(cache_dir, monkeypatch):
    monkeypatch.setenv("TRANSLITNORM_CACHE_DIR", str(cache_dir))


@pytest.fixture
def kg(tmp_path) -> Path:
    path = tmp_path / "kg.tsv"
    shutil.copy(KG, path)
    return path


def run(*args):
    return runner.invoke(app, ["lexicon", *map(str, args)])


def review_text(rows: list[dict[str, str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=maintain.REVIEW_HEADER, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(dict.fromkeys(maintain.REVIEW_HEADER, "") | row for row in rows)
    return buffer.getvalue()


def write_names(path: Path, names: list[str]) -> Path:
    path.write_text("row,name\n" + "".join(f"{i},{name}\n" for i, name in enumerate(names, 1)), encoding="utf-8")
    return path


# -- item 2: one writer at a time ------------------------------------------------------------

def _add_in_child(lexicon: str, entity_id: str, name: str, start, output: str) -> None:
    """A forked process running `translitnorm lexicon add` as the command line does, once `start` is set."""
    sys.argv = ["translitnorm", "lexicon", "add", entity_id, "--type", "place", "--name", name, "--lang", "ky",
                "--lexicon", lexicon]
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), encoding="utf-8", line_buffering=True)
    sys.stderr = sys.stdout
    start.wait()
    from translitnorm.cli import main

    main()


PLACES = [("Талас", "talas"), ("Нарын", "naryn"), ("Каракол", "karakol"), ("Баткен", "batken"), ("Токмок", "tokmok"),
          ("Кант", "kant"), ("Балыкчы", "balykchy"), ("Кара-Балта", "kara-balta"), ("Узген", "uzgen"),
          ("Кызыл-Кия", "kyzyl-kiya"), ("Майлуу-Суу", "mailuu-suu"), ("Таш-Көмүр", "tash-komur"),
          ("Чолпон-Ата", "cholpon-ata"), ("Кочкор", "kochkor"), ("Ат-Башы", "at-bashy")]


def test_two_adds_at_once_never_lose_a_line_that_printed_added(tmp_path):
    """15 rounds of two `lexicon add` processes started at the same moment on the same file: every
    line whose command printed "added" and exited 0 is in the file (once, 4 in 15 rounds were lost)."""
    lexicon = tmp_path / "small.tsv"
    lexicon.write_text(HEADER + "kg.osh\tplace\tky\tОш\tsource\t\n", encoding="utf-8")
    build_index([lexicon], use_cache=False)  # the romanisers are made once here, and forked ready-made
    context = multiprocessing.get_context("fork")
    reported = []
    for number, (name, slug) in enumerate(PLACES):
        start = context.Event()
        children = []
        for side in ("a", "b"):
            entity_id = f"kg.{slug}.{side}"
            output = tmp_path / f"out-{number}-{side}.txt"
            child = context.Process(target=_add_in_child, args=(str(lexicon), entity_id, name, start, str(output)))
            child.start()
            children.append((child, entity_id, output))
        time.sleep(0.05)
        start.set()
        for child, entity_id, output in children:
            child.join(120)
            printed = output.read_text(encoding="utf-8")
            assert child.exitcode == 0, printed
            assert f"added to {lexicon}: {entity_id}\t" in printed
            reported.append(entity_id)
    written = [entry.id for entry in lex.read_lexicon(lexicon, [])]
    assert sorted(written) == sorted(reported + ["kg.osh"])
    assert not maintain.lock_path(lexicon).exists()


def test_a_held_lock_makes_another_writer_wait_then_fail_naming_the_file_and_holder(kg):
    before = kg.read_bytes()
    with maintain.locked(kg):
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "translitnorm", "lexicon", "alias", "kg.osh", "Osch", "--lang", "de",
             "--lexicon", str(kg), "--lock-timeout", "1.5"],
            capture_output=True, text=True, env=os.environ | {"PYTHONPATH": str(ROOT / "src")}, timeout=120)
        waited = time.monotonic() - started
    assert result.returncode == 2, result.stderr
    assert f"error: {kg} is being changed by another process (pid {os.getpid()}:" in result.stderr
    assert "gave up after 1.5 s" in result.stderr and "--lock-timeout" in result.stderr
    assert "Traceback" not in result.stderr
    assert waited >= 1.5
    assert kg.read_bytes() == before
    assert not maintain.lock_path(kg).exists()  # released and removed


def test_a_writer_waits_for_the_lock_and_then_writes(kg):
    """Within the timeout, a second edit waits for the first and goes ahead (in-process: two threads)."""
    results = {}
    with maintain.locked(kg):
        thread = threading.Thread(target=lambda: results.update(
            added=maintain.add_name(kg, "kg.osh", "Osch", lang="de", lock_timeout=30)))
        thread.start()
        time.sleep(0.5)
        assert thread.is_alive()  # waiting for the lock
    thread.join(60)
    assert results["added"].written and "Osch" in kg.read_text(encoding="utf-8")


@contextlib.contextmanager
def held_by_another_thread(path: Path):
    """The lexicon's lock, held by another thread for as long as the block runs (not re-entrant for this one)."""
    taken, release = threading.Event(), threading.Event()

    def hold():
        with maintain.locked(path):
            taken.set()
            release.wait(120)

    thread = threading.Thread(target=hold)
    thread.start()
    taken.wait(30)
    try:
        yield
    finally:
        release.set()
        thread.join(30)


def test_every_command_that_writes_a_lexicon_takes_the_lock(kg, tmp_path):
    review = tmp_path / "review.csv"
    review.write_text(review_text([{"name": "Osch", "decision": "alias", "target_id": "kg.osh", "lang": "de"}]), encoding="utf-8")
    other = tmp_path / "other.tsv"
    other.write_text(HEADER + "kg.talas\tplace\tky\tТалас\tsource\t\n", encoding="utf-8")
    merged = tmp_path / "merged.tsv"
    unformatted = tmp_path / "unformatted.tsv"
    unformatted.write_text(HEADER + "kg.talas\tplace\tky\tТалас \tsource\t\n", encoding="utf-8")
    commands = {
        kg: [("add", "kg.naryn", "--type", "place", "--name", "Нарын", "--lang", "ky", "--lexicon", kg),
             ("alias", "kg.osh", "Osch", "--lang", "de", "--lexicon", kg),
             ("apply", review, "--lexicon", kg)],
        merged: [("merge", kg, other, "-o", merged)],
        unformatted: [("fmt", unformatted)],
    }
    for target, invocations in commands.items():
        before = target.read_bytes() if target.exists() else None
        with held_by_another_thread(target):
            for args in invocations:
                result = run(*args, "--lock-timeout", "0.2")
                assert result.exit_code != 0, args
                assert f"{target} is being changed by another process" in result.stderr, args
        assert (target.read_bytes() if target.exists() else None) == before


# -- item 6: answers that change ---------------------------------------------------------------

BAKIYEVS = [
    {"name": "Janysh Bakiyev", "decision": "new", "target_id": "kg.bakiev.janysh", "type": "person", "lang": "en"},
    {"name": "Maxim Bakiyev", "decision": "new", "target_id": "kg.bakiev.maxim", "type": "person", "lang": "en"},
]


def test_apply_lists_names_that_would_lose_their_id_and_writes_nothing(kg, tmp_path):
    """Two more Bakiyevs made "Bakiyev" ambiguous, though the docs promised every ID stays."""
    review = tmp_path / "review.csv"
    review.write_text(review_text(BAKIYEVS), encoding="utf-8")
    sample = write_names(tmp_path / "data.csv", ["Bakiyev", "Kurmanbek Bakiyev", "Bishkek", "Bakiyev"])
    before = kg.read_bytes()
    refused = run("apply", review, "--lexicon", kg, "--check-names", sample, "--names-column", "name")
    assert refused.exit_code == 1, refused.stderr
    assert "'Bakiyev': kg.bakiev.kurmanbek → no ID (lost)" in refused.stderr
    assert "nothing written" in refused.stderr and "--allow-id-changes" in refused.stderr
    assert "Kurmanbek Bakiyev" not in refused.stderr.split("nothing written")[1]  # it keeps its ID
    assert kg.read_bytes() == before

    dry = run("apply", review, "--lexicon", kg, "--check-names", sample, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "'Bakiyev': kg.bakiev.kurmanbek → no ID (lost)" in dry.stderr
    assert "'Janysh Bakiyev': no ID → kg.bakiev.janysh (gained)" in dry.stderr
    assert "5 name(s) checked, 3 change their answer" in dry.stderr
    assert "apply would refuse" in dry.stderr
    assert kg.read_bytes() == before

    allowed = run("apply", review, "--lexicon", kg, "--check-names", sample, "--allow-id-changes")
    assert allowed.exit_code == 0, allowed.stderr
    assert "'Bakiyev': kg.bakiev.kurmanbek → no ID (lost)" in allowed.stderr
    assert "kg.bakiev.janysh" in kg.read_text(encoding="utf-8")


def test_apply_checks_the_review_files_own_names_without_a_sample(kg, tmp_path):
    rows = [{"name": "Jalalabat", "decision": "accept", "suggested_id": "kg.jalal-abad", "lang": "en"},
            {"name": "Bakiyev", "decision": ""}, *BAKIYEVS]
    review = tmp_path / "review.csv"
    review.write_text(review_text(rows), encoding="utf-8")
    refused = maintain.apply_decisions(review, kg, dry_run=True)
    kinds = {change.name: change.kind for change in refused.changes}
    assert kinds == {"Jalalabat": "gained", "Janysh Bakiyev": "gained", "Maxim Bakiyev": "gained", "Bakiyev": "lost"}
    with pytest.raises(maintain.IDsWouldChange) as caught:
        maintain.apply_decisions(review, kg)
    assert [str(c) for c in caught.value.changes if c.kind == "lost"] == ["'Bakiyev': kg.bakiev.kurmanbek → no ID (lost)"]


def test_gained_ids_are_written_without_asking(kg, tmp_path):
    review = tmp_path / "review.csv"
    review.write_text(review_text([{"name": "Jalalabat", "decision": "accept", "suggested_id": "kg.jalal-abad"}]), encoding="utf-8")
    result = run("apply", review, "--lexicon", kg)
    assert result.exit_code == 0, result.stderr
    assert "1 name(s) checked, 1 change their answer" in result.stderr
    assert "'Jalalabat': no ID → kg.jalal-abad (gained)" in result.stderr


def test_add_alias_and_merge_report_changed_answers_of_a_sample(kg, tmp_path):
    sample = write_names(tmp_path / "data.csv", ["Bakiyev", "Jalalabat"])
    before = kg.read_bytes()
    refused = run("add", "kg.bakiev.janysh", "--type", "person", "--name", "Жаныш Бакиев", "--lang", "ky",
                  "--lexicon", kg, "--check-names", sample)
    assert refused.exit_code == 1 and "'Bakiyev': kg.bakiev.kurmanbek → no ID (lost)" in refused.stderr
    assert kg.read_bytes() == before
    dry = run("alias", "kg.jalal-abad", "Jalalabat", "--lang", "en", "--lexicon", kg, "--check-names", sample, "--dry-run")
    assert dry.exit_code == 0 and "would add to" in dry.stdout and "'Jalalabat': no ID → kg.jalal-abad (gained)" in dry.stderr
    assert kg.read_bytes() == before
    other = tmp_path / "more.tsv"
    other.write_text(HEADER + "kg.bakiev.janysh\tperson\tky\tЖаныш Бакиев\tsource\t\n", encoding="utf-8")
    merged = tmp_path / "merged.tsv"
    refused = run("merge", kg, other, "-o", merged, "--check-names", sample)
    assert refused.exit_code == 1 and "'Bakiyev': kg.bakiev.kurmanbek → no ID (lost)" in refused.stderr
    assert not merged.exists()
    assert run("merge", kg, other, "-o", merged, "--check-names", sample, "--allow-id-changes").exit_code == 0
    assert merged.exists()


def test_the_maintenance_doc_promises_what_apply_does():
    doc = (ROOT / "docs" / "lexicon-maintenance.md").read_text(encoding="utf-8")
    assert "every ID given before stays" not in doc
    for option in ("--check-names", "--allow-id-changes", "--dry-run", "--lock-timeout", "--encoding"):
        assert option in doc, option
        assert option in run("apply", "--help").stdout


# -- item 9: review files as spreadsheets save them ------------------------------------------------

JALALABAT = [{"name": "Jalalabat", "decision": "accept", "suggested_id": "kg.jalal-abad"},
             {"name": "Ош шаары", "decision": "alias", "target_id": "kg.osh", "lang": "ky"}]


@pytest.mark.parametrize("encoding, delimiter, option", [
    ("utf-16", "\t", None),          # Excel "Unicode text": UTF-16 with a BOM, tab-separated
    ("utf-16", ",", None),
    ("utf-8-sig", ",", None),        # Excel "CSV UTF-8"
    ("cp1251", ";", "cp1251"),       # Excel "CSV" on a Russian-locale Windows
    ("cp1251", ",", "cp1251"),
])
def test_apply_and_suggest_read_review_files_saved_by_spreadsheets(kg, tmp_path, encoding, delimiter, option):
    review = tmp_path / "review.csv"
    review.write_bytes(review_text(JALALABAT, delimiter).encode(encoding))
    extra = ["--encoding", option] if option else []
    suggested = run("suggest", review, "--lexicon", kg, *extra)
    assert suggested.exit_code == 0, suggested.stderr
    assert "Ош шаары" in suggested.stdout or "Jalalabat" in suggested.stdout
    applied = run("apply", review, "--lexicon", kg, *extra)
    assert applied.exit_code == 0, applied.stderr
    assert "added: kg.osh\tplace\tky\tОш шаары\talias" in applied.stdout
    assert "added: kg.jalal-abad\tplace\tund\tJalalabat\talias" in applied.stdout


def test_a_review_file_in_another_encoding_gets_the_same_message_as_clean_gives(kg, tmp_path):
    review = tmp_path / "review.csv"
    review.write_bytes(review_text(JALALABAT).encode("cp1251"))
    out = tmp_path / "out.csv"
    cleaned = runner.invoke(app, ["clean", str(review), "--column", "name", "--lexicon", str(kg), "-o", str(out)])
    applied = run("apply", review, "--lexicon", kg)
    suggested = run("suggest", review, "--lexicon", kg)
    message = cleaned.stderr.strip()
    assert cleaned.exit_code == 2 and "line 3: byte offset" in message and "pass --encoding" in message
    assert (applied.exit_code, applied.stderr.strip()) == (2, message)
    assert (suggested.exit_code, suggested.stderr.strip()) == (2, message)
    assert run("apply", review, "--lexicon", kg, "--encoding", "cp1252x").stderr.startswith("error: unknown encoding 'cp1252x'")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), encoding=st.sampled_from(["utf-8", "cp1251", "utf-16"]))
def test_random_bytes_as_a_review_file_end_in_a_clear_error_never_a_traceback(tmp_path_factory, data, encoding):
    folder = tmp_path_factory.mktemp("random")
    lexicon = folder / "ours.tsv"
    lexicon.write_text(HEADER + "kg.osh\tplace\tky\tОш\tsource\t\n", encoding="utf-8")
    review = folder / "review.csv"
    review.write_bytes(data)
    for command in (("apply", review, "--lexicon", lexicon, "--dry-run"), ("suggest", review, "--lexicon", lexicon)):
        result = run(*command, "--encoding", encoding)
        assert result.exit_code in (0, 2), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        if result.exit_code == 2:
            assert result.stderr.startswith("error: ") and str(review) in result.stderr, result.stderr


# -- #19 item 10: an edit compiles only what it adds ---------------------------------------------

def decoded(index: CompiledIndex) -> tuple:
    """Everything an index says, with packed numbers decoded (scheme sets may be numbered differently)."""
    def part(number: int) -> tuple:
        return index.parts[number], index.part_langs[number]

    tables = {table: {form: [(part(entry.part), entry.schemes) for entry in index.entries(table, form)]
                      for form in getattr(index, table)} for table in ("exact", "folded", "keys", "cross")}
    return (index.entity_ids, index.entity_types, index.canonicals, [list(names) for names in index.entity_names],
            [part(number) for number in range(len(index.parts))], index.part_initials,
            [index.postings_of(number) for number in range(len(index.parts))], index.scheme_ids, tables)


EDIT = [LexiconLine("kg.ala-buka", "place", "ky", "Ала-Бука", "source"),  # sorts first: every entity moves
        LexiconLine("kg.bakiev.kurmanbek", "person", "de", "Kurmanbek Bakijew", "alias"),
        LexiconLine("kg.bakiev.janysh", "person", "ky", "Жаныш Салиевич Бакиев", "source"),
        LexiconLine("kg.osh", "place", "ru", "Ош", "former")]


def test_an_index_compiled_from_the_one_before_an_edit_equals_a_full_compile():
    before = lex.load_lexicons([KG])
    base = CompiledIndex.compile(before)
    after = lex.Lexicon.from_lines([entry for path in [KG] for entry in lex.read_lexicon(path, [])] + EDIT)
    full = CompiledIndex.compile(after)
    reused = CompiledIndex.compile(after, reuse=ReusedForms(base))
    assert decoded(reused) == decoded(full)
    names = ["Kurmanbek Bakijew", "Bakiyev", "Janysh Bakiev", "Ala-Buka", "Osch", "Bishkek", "Frunze", "Tokmok"]
    assert Normaliser(reused).resolve_many(names, jobs=1) == Normaliser(full).resolve_many(names, jobs=1)


def test_alias_romanises_only_the_parts_it_adds_when_the_index_is_cached(kg, monkeypatch):
    build_index([kg])  # as `clean --lexicon kg.tsv` leaves it
    romanised = []
    real = rendering.render_part

    def counting(text, lang):
        romanised.append(text)
        return real(text, lang)

    monkeypatch.setattr(rendering, "render_part", counting)
    maintain.add_name(kg, "kg.bakiev.kurmanbek", "Kurmanbek Bakijew", lang="de")
    assert romanised == ["Bakijew"]  # "Kurmanbek" (Latin, lang de) is already a part of the index
    romanised.clear()
    maintain.add_name(kg, "kg.osh", "Osch", lang="de")  # the next edit starts from the index the last one cached
    assert romanised == ["Osch"]
    assert Normaliser.from_lexicons([kg]).resolve("Kurmanbek Bakijew").id == "kg.bakiev.kurmanbek"


def _romanised_parts(monkeypatch) -> list[str]:
    romanised: list[str] = []
    real = rendering.render_part
    monkeypatch.setattr(rendering, "render_part", lambda text, lang: romanised.append(text) or real(text, lang))
    return romanised


def test_a_lexicon_edited_by_hand_compiles_from_its_earlier_cached_index(kg, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    build_index([kg], cache_dir=cache_dir)  # as a run over the lexicon before the edit leaves it
    with open(kg, "a", encoding="utf-8") as handle:  # an editor, not `lexicon add`
        handle.write("kg.test.person\tperson\tky\tАсанбек Тестович Жумабаев\tsource\t\n")
    romanised = _romanised_parts(monkeypatch)
    edited = build_index([kg], cache_dir=cache_dir)
    assert sorted(romanised) == ["Асанбек", "Жумабаев", "Тестович"]  # only the parts the edit adds
    assert decoded(edited) == decoded(CompiledIndex.compile(lex.load_lexicons([kg])))
    assert Normaliser(edited).resolve("Asanbek Zhumabaev").id == "kg.test.person"


def test_an_index_of_other_files_is_not_compiled_from(kg, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    build_index([kg], cache_dir=cache_dir)
    other = tmp_path / "other.tsv"
    other.write_text("id\ttype\tlang\tname\trole\tnote\nkg.bishkek\tplace\tky\tБишкек\tsource\t\n",
                     encoding="utf-8")  # a part kg.tsv has too
    romanised = _romanised_parts(monkeypatch)
    build_index([other], cache_dir=cache_dir)
    assert romanised == ["Бишкек"]


def test_a_new_lexicon_beside_cached_ones_compiles_from_their_index(kg, tmp_path, monkeypatch):
    build_index([kg])  # as `clean --lexicon kg.tsv` leaves it
    ours = tmp_path / "ours.tsv"  # does not exist yet: apply creates it
    romanised = _romanised_parts(monkeypatch)
    decisions = tmp_path / "decisions.csv"
    row = dict.fromkeys(maintain.REVIEW_HEADER, "") | {
        "name": "Асанбек Тестович Жумабаев", "decision": "new", "target_id": "kg.test.person", "type": "person",
        "lang": "ky"}
    with open(decisions, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=maintain.REVIEW_HEADER)
        writer.writeheader()
        writer.writerow(row)
    maintain.apply_decisions(decisions, ours, context=[kg])
    assert sorted(set(romanised)) == ["Асанбек", "Жумабаев", "Тестович"]  # kg.tsv's parts are filed again
    assert Normaliser.from_lexicons([ours, kg]).resolve("Asanbek Zhumabaev").id == "kg.test.person"
