"""The index cache is a speed-up, never a source of answers: a doubtful cache file is compiled again."""

from __future__ import annotations

import doctest
import hashlib
import logging
import marshal
import os
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import translitnorm.cache as cache
from translitnorm import Normaliser
from translitnorm.cli import app
from translitnorm.index import CompiledIndex
from translitnorm.index_store import build_index

ROOT = Path(__file__).resolve().parent.parent
KG = ROOT / "lexicons" / "kg.tsv"
BAKIEV, OTUNBAYEVA = "kg.bakiev.kurmanbek", "kg.otunbayeva.roza"
runner = CliRunner()


@pytest.fixture
def lexicon(tmp_path) -> Path:
    path = tmp_path / "kg.tsv"
    shutil.copy(KG, path)
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "cache"


def only_cache_file(folder: Path) -> Path:
    (path,) = folder.glob("index-*.marshal")
    return path


def swap_ids_keeping_the_digest(path: Path) -> None:
    """Exchange two entity IDs in the cached index, as an edit of the file would, leaving the stored digest."""
    data = path.read_bytes()
    head = len(cache.MAGIC) + 32
    state = list(marshal.loads(data[head:]))
    ids = state[2]
    first, second = ids.index(BAKIEV), ids.index(OTUNBAYEVA)
    ids[first], ids[second] = ids[second], ids[first]
    path.write_bytes(data[:head] + marshal.dumps(tuple(state)))


def plant(path: Path, state: tuple) -> None:
    """A cache file whose own digest is right (as another user, or other code, could write it)."""
    cache.write_entry(path, marshal.dumps(state))


def swapped_state(path: Path) -> tuple:
    state = list(marshal.loads(cache.read_entry(path)))
    ids = state[2]
    first, second = ids.index(BAKIEV), ids.index(OTUNBAYEVA)
    ids[first], ids[second] = ids[second], ids[first]
    return tuple(state)


def resolves_right(lexicon: Path, folder: Path) -> bool:
    return Normaliser.from_lexicons([lexicon], cache_dir=folder).resolve("Kurmanbek Bakiev").id == BAKIEV


def test_swapped_ids_in_the_cache_file_are_noticed_and_the_index_rebuilt(lexicon, folder, caplog):
    assert resolves_right(lexicon, folder)
    cached = only_cache_file(folder)
    swap_ids_keeping_the_digest(cached)
    with caplog.at_level(logging.WARNING, "translitnorm.cache"):
        assert resolves_right(lexicon, folder)  # before: kg.otunbayeva.roza, from the edited file
    assert "damaged" in caplog.text
    assert CompiledIndex.load(cached).entity_ids.index(BAKIEV) < CompiledIndex.load(cached).entity_ids.index(OTUNBAYEVA)


def test_clean_and_resolve_commands_answer_right_after_the_cache_file_was_edited(lexicon, folder, tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSLITNORM_CACHE_DIR", str(folder))
    first = runner.invoke(app, ["resolve", "Kurmanbek Bakiev", "--lexicon", str(lexicon)])
    assert first.stdout.split("\t")[1] == BAKIEV
    swap_ids_keeping_the_digest(only_cache_file(folder))
    again = runner.invoke(app, ["resolve", "Kurmanbek Bakiev", "--lexicon", str(lexicon)])
    assert again.exit_code == 0 and again.stdout.split("\t")[1] == BAKIEV
    swap_ids_keeping_the_digest(only_cache_file(folder))
    data = tmp_path / "people.csv"
    data.write_text("name\nKurmanbek Bakiev\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    cleaned = runner.invoke(app, ["clean", str(data), "--column", "name", "--lexicon", str(lexicon), "-o", str(out)])
    assert cleaned.exit_code == 0, cleaned.stderr
    assert BAKIEV in out.read_text(encoding="utf-8") and OTUNBAYEVA not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("damage", ["truncated", "one byte flipped", "empty", "old format", "not marshal"])
def test_a_damaged_cache_file_is_rebuilt_whatever_the_damage(lexicon, folder, damage):
    assert resolves_right(lexicon, folder)
    cached = only_cache_file(folder)
    data = cached.read_bytes()
    head = len(cache.MAGIC) + 32
    damaged = {
        "truncated": data[: len(data) // 2],
        "one byte flipped": data[:len(data) // 2] + bytes([data[len(data) // 2] ^ 0x20]) + data[len(data) // 2 + 1:],
        "empty": b"",
        "old format": data[head:],  # a file as the previous format wrote it: no header, no digest
        "not marshal": cache.MAGIC + hashlib.sha256(b"\xff\xff").digest() + b"\xff\xff",
    }[damage]
    cached.write_bytes(damaged)
    assert resolves_right(lexicon, folder)
    assert cached.read_bytes() != damaged  # replaced by a good file
    CompiledIndex.load(cached)


@pytest.mark.parametrize("state", [
    "tables of the wrong type", "lengths that do not fit", "a shorter tuple", "another lexicon's digest"])
def test_a_cache_file_with_a_right_digest_but_a_wrong_shape_is_rebuilt(lexicon, folder, state):
    """Content that unmarshals but is not this lexicon's index (once an AttributeError failed every run)."""
    assert resolves_right(lexicon, folder)
    cached = only_cache_file(folder)
    good = marshal.loads(cache.read_entry(cached))
    bad = {
        "tables of the wrong type": good[:10] + (None, None, None) + good[13:],
        "lengths that do not fit": good[:2] + (good[2] + ["kg.extra"],) + good[3:],
        "a shorter tuple": good[:5],
        "another lexicon's digest": good[:1] + ("0" * 64,) + good[2:],
    }[state]
    plant(cached, bad)
    assert resolves_right(lexicon, folder)


def test_any_exception_while_loading_means_compiling_again(lexicon, folder, monkeypatch):
    assert resolves_right(lexicon, folder)

    def broken_load(*args, **kwargs):
        raise AttributeError("'NoneType' object has no attribute 'get'")

    monkeypatch.setattr(CompiledIndex, "load", classmethod(lambda cls, *a, **k: broken_load()))
    assert resolves_right(lexicon, folder)


def test_the_cache_directory_is_created_private(lexicon, tmp_path):
    folder = tmp_path / "a" / "new" / "cache"
    old = os.umask(0o022)
    try:
        build_index([lexicon], cache_dir=folder)
    finally:
        os.umask(old)
    assert folder.stat().st_mode & 0o777 == 0o700
    assert only_cache_file(folder).stat().st_mode & 0o777 == 0o600


def test_a_cache_file_writable_by_others_is_refused(lexicon, folder, caplog):
    assert resolves_right(lexicon, folder)
    cached = only_cache_file(folder)
    plant(cached, swapped_state(cached))  # as another user with write access could
    os.chmod(cached, 0o666)
    with caplog.at_level(logging.WARNING, "translitnorm.cache"):
        assert resolves_right(lexicon, folder)
    assert "writable by other users" in caplog.text
    assert cached.stat().st_mode & 0o777 == 0o600  # rebuilt


def test_a_symlinked_cache_file_is_refused(lexicon, folder, tmp_path):
    assert resolves_right(lexicon, folder)
    cached = only_cache_file(folder)
    elsewhere = tmp_path / "planted.marshal"
    plant(elsewhere, swapped_state(cached))
    cached.unlink()
    cached.symlink_to(elsewhere)
    assert resolves_right(lexicon, folder)
    assert not cached.is_symlink()


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_cache_file_owned_by_another_user_is_refused(lexicon, folder, caplog):
    assert resolves_right(lexicon, folder)
    cached = only_cache_file(folder)
    plant(cached, swapped_state(cached))
    os.chown(cached, 4242, 4242)
    with caplog.at_level(logging.WARNING, "translitnorm.cache"):
        assert resolves_right(lexicon, folder)
    assert "belongs to another user (uid 4242)" in caplog.text
    assert cached.stat().st_uid == os.geteuid()


def test_a_cache_directory_of_another_user_or_open_to_others_is_not_used(lexicon, folder, monkeypatch, caplog):
    assert resolves_right(lexicon, folder)
    cached = only_cache_file(folder)
    plant(cached, swapped_state(cached))
    before = cached.read_bytes()
    os.chmod(folder, 0o777)  # e.g. /tmp/translitnorm-cache made by someone else first
    with caplog.at_level(logging.WARNING, "translitnorm.cache"):
        assert resolves_right(lexicon, folder)
    assert "is writable by other users" in caplog.text and "compiling in memory" in caplog.text
    os.chmod(folder, 0o700)
    monkeypatch.setattr(os, "geteuid", lambda: os.stat(folder).st_uid + 1)
    caplog.clear()
    with caplog.at_level(logging.WARNING, "translitnorm.cache"):
        assert resolves_right(lexicon, folder)
    assert "belongs to another user" in caplog.text
    assert cached.read_bytes() == before  # neither read nor written


def test_old_cache_files_are_pruned_least_recently_used_first(lexicon, folder):
    folder.mkdir(mode=0o700)
    now = time.time()
    for age in range(12):  # older files from earlier versions of the lexicon
        old = folder / f"index-{age:032x}.marshal"
        cache.write_entry(old, b"x" * 1000)
        os.utime(old, (now - 3600 - age * 60, now - 3600 - age * 60))
    temporary = folder / ".index-0.marshal.abc.tmp"  # left by an interrupted write
    temporary.write_bytes(b"half")
    os.utime(temporary, (now - 7200, now - 7200))
    build_index([lexicon], cache_dir=folder)
    left = sorted(p.name for p in folder.iterdir())
    assert len(left) == cache.KEEP_FILES
    assert [f"index-{age:032x}.marshal" for age in range(cache.KEEP_FILES - 1)] == [
        name for name in left if name.startswith("index-0000")]  # the most recently used old ones stay
    assert not temporary.exists()
    removed = cache.prune(folder, max_bytes=5000)
    assert len(removed) == cache.KEEP_FILES - 1 and len(list(folder.iterdir())) == 1  # the index just used stays


def test_cache_info_and_clear_commands(lexicon, folder, monkeypatch):
    monkeypatch.setenv("TRANSLITNORM_CACHE_DIR", str(folder))
    build_index([lexicon])
    info = runner.invoke(app, ["cache", "info"])
    assert info.exit_code == 0, info.stderr
    assert f"directory: {folder}" in info.stdout
    assert "files: 1," in info.stdout and only_cache_file(folder).name in info.stdout
    assert f"beyond {cache.KEEP_FILES} files" in info.stdout
    os.chmod(folder, 0o755 | 0o002)
    assert "not used: cache directory" in runner.invoke(app, ["cache", "info"]).stdout
    os.chmod(folder, 0o700)
    cleared = runner.invoke(app, ["cache", "clear"])
    assert cleared.exit_code == 0 and "removed 1 file(s)" in cleared.stderr
    assert list(folder.iterdir()) == []
    assert "files: 0," in runner.invoke(app, ["cache", "info", "--cache-dir", str(folder)]).stdout


def test_docstring_examples():
    assert doctest.testmod(cache).failed == 0


def test_channel_files_of_earlier_versions_are_pruned_and_cleared(folder):
    folder.mkdir(mode=0o700)
    now = time.time()
    for age in range(cache.KEEP_CHANNEL_FILES + 4):  # one per language and code version
        old = folder / f"channel-ru-{age:024x}.marshal"
        cache.write_entry(old, b"x" * 100)
        os.utime(old, (now - 3600 - age * 60, now - 3600 - age * 60))
    index = folder / f"index-{0:032x}.marshal"
    cache.write_entry(index, b"x" * 100)
    removed = cache.prune(folder)
    assert sorted(path.name for path in removed) == [
        f"channel-ru-{age:024x}.marshal" for age in range(cache.KEEP_CHANNEL_FILES, cache.KEEP_CHANNEL_FILES + 4)]
    assert index.exists()  # indexes follow their own policy
    size = index.stat().st_size  # each file is the same size: the same content under the same header
    assert cache.clear_cache(folder) == (cache.KEEP_CHANNEL_FILES + 1, (cache.KEEP_CHANNEL_FILES + 1) * size)
    assert list(folder.iterdir()) == []
