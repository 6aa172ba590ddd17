"""``clean`` under faults: output permissions and odd targets, signals, killed runs, early checks."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from translitnorm.clean import clean_file
from translitnorm.io import InputError

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds" / "example-names.csv"


@contextmanager
def umask(mask: int):
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_output_and_review_follow_the_umask(tmp_path, shipped, mask):
    with umask(mask):
        clean_file(SEEDS, tmp_path / "out.csv", ["name"], shipped, review=tmp_path / "review.csv")
    for name in ("out.csv", "review.csv"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~mask, name


def test_output_to_a_fifo_is_written_through(tmp_path, shipped):
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    clean_file(SEEDS, fifo, ["name"], shipped)
    reader.join(30)
    assert received and received[0].splitlines()[0] == "row,source,name,name_id,name_canonical,name_score,name_method"
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_output_to_dev_null_leaves_the_device(shipped):
    before = os.stat("/dev/null")
    clean_file(SEEDS, "/dev/null", ["name"], shipped, output_format="csv")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_output_through_a_symlink_replaces_its_target(tmp_path, shipped):
    (tmp_path / "data").mkdir()
    real = tmp_path / "data" / "clean.csv"
    real.write_text("old\n")
    link = tmp_path / "clean.csv"
    link.symlink_to(real)
    clean_file(SEEDS, link, ["name"], shipped)
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("row,source,name,name_id")
    assert not [p for p in (tmp_path / "data").iterdir() if p.name.endswith(".tmp")]


# -- killing a run: its workers and the resource tracker end with it --------------------------

RUN_WITH_WORKERS = """
import sys, time
import translitnorm.batch as batch
from translitnorm import Normaliser
from translitnorm.clean import clean_file

batch.PARALLEL_MIN_NAMES = 0  # workers whatever the number of names
batch.available_cores = lambda: 2

def progress(stage, done, total):
    if stage == "resolving" and done:
        print("resolving", flush=True)
        time.sleep(120)

normaliser = Normaliser.from_lexicons([sys.argv[3]], cache_dir=sys.argv[4])
clean_file(sys.argv[1], sys.argv[2], ["name"], normaliser, jobs=2, progress=progress)
"""


def descendants(pid: int) -> set[int]:
    found, pending = set(), [pid]
    while pending:
        current = pending.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    children = [int(child) for child in handle.read().split()]
                found.update(children)
                pending.extend(children)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False


def wait_until_ended(pids: set[int], seconds: float = 20) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(running(pid) for pid in pids):
        time.sleep(0.1)
    return {pid for pid in pids if running(pid)}


@pytest.mark.parametrize("signum", ["SIGTERM", "SIGKILL"])
def test_killing_clean_ends_its_workers_and_resource_tracker(tmp_path, cache_dir, shipped, signum):
    import signal

    names = tmp_path / "names.csv"
    names.write_text("name\n" + "".join(f"Name{i} Surname{i % 97}\n" for i in range(3000)), encoding="utf-8")
    temp = tmp_path / "temp"
    temp.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_WITH_WORKERS, str(names), str(tmp_path / "out.csv"), str(ROOT / "lexicons"),
         str(cache_dir)], stdout=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "src"), TMPDIR=str(temp)))
    try:
        assert process.stdout.readline() == "resolving\n"
        children = descendants(process.pid)
        assert len(children) >= 2  # the worker and the resource tracker
        process.send_signal(getattr(signal, signum))
        process.wait(30)
        assert wait_until_ended(children) == set()
    finally:
        process.kill()
        process.wait()
    assert not (tmp_path / "out.csv").exists()
    if signum == "SIGTERM":
        assert process.returncode != 0
        assert os.listdir(temp) == []  # the pickled names and normaliser removed on the way out
