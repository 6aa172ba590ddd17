"""The one atomic writer: permissions, devices and FIFOs, symlinks, failures, signals, killed runs."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from translitnorm.files import Terminated, atomic_writer, remove_stale_temp_files, sigterm_as_interrupt, temp_file, write_atomic

SRC = str(Path(__file__).resolve().parents[1] / "src")


@contextmanager
def umask(mask: int):
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def ended_pid() -> int:
    """The ID of a process that has ended (and, so soon after, not been reused)."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_permissions_the_umask_allows(tmp_path, mask, mode):
    with umask(mask):
        write_atomic(tmp_path / "out.csv", "name\n")
    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == mode


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    with umask(0o022):
        write_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_fifo_is_written_to_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, b"through the pipe\n")
    reader.join(10)
    assert received == [b"through the pipe\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert leftovers(tmp_path) == []


def test_a_character_device_is_written_to_not_replaced():
    # /dev/null exists everywhere; a writer that replaced it would leave a regular file there
    before = os.stat("/dev/null")
    write_atomic("/dev/null", b"discarded\n")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_a_symlink_stays_and_its_target_is_replaced_in_the_targets_directory(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "links").mkdir()
    real = tmp_path / "data" / "out.csv"
    real.write_text("old\n")
    link = tmp_path / "links" / "out.csv"
    link.symlink_to(real)
    write_atomic(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new\n"
    assert leftovers(tmp_path / "data") == [] and leftovers(tmp_path / "links") == []


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(IsADirectoryError):
        write_atomic(tmp_path, "x")


def test_a_failure_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(ZeroDivisionError):
        with atomic_writer(target) as stream:
            stream.write(b"half of the new")
            1 / 0
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_sigterm_raises_terminated_in_the_block_and_the_old_handler_comes_back():
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    with pytest.raises(Terminated):
        with sigterm_as_interrupt():
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(1000):  # the handler runs between bytecodes, at once
                pass
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


WRITE_AND_WAIT = textwrap.dedent("""
    import sys, time
    from translitnorm.files import atomic_writer
    with atomic_writer(sys.argv[1]) as stream:
        stream.write(b"part of the new file")
        stream.flush()
        print("writing", flush=True)
        time.sleep(60)
""")


def start_writer(target: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", WRITE_AND_WAIT, str(target)], stdout=subprocess.PIPE, text=True,
                               env=dict(os.environ, PYTHONPATH=SRC))
    assert process.stdout.readline() == "writing\n"
    return process


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_run_ended_by_sigterm_or_sigint_removes_its_temporary_file(tmp_path, signum):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    process = start_writer(target)
    assert len(leftovers(tmp_path)) == 1
    process.send_signal(signum)
    process.wait(30)
    assert leftovers(tmp_path) == []
    assert target.read_text() == "old\n"


def test_the_temporary_file_of_a_killed_run_is_removed_by_the_next_write(tmp_path):
    target = tmp_path / "out.csv"
    process = start_writer(target)
    process.kill()
    process.wait(30)
    assert len(leftovers(tmp_path)) == 1  # SIGKILL leaves no chance to clean up
    write_atomic(target, "new\n")
    assert leftovers(tmp_path) == []
    assert target.read_text() == "new\n"


def test_the_temporary_file_of_a_running_writer_is_left_alone(tmp_path):
    target = tmp_path / "out.csv"
    process = start_writer(target)
    try:
        write_atomic(target, "new\n")
        assert len(leftovers(tmp_path)) == 1
    finally:
        process.kill()
        process.wait(30)


def test_stale_files_in_the_temporary_directory_are_those_of_ended_processes(tmp_path):
    dead, alive = ended_pid(), os.getppid()
    names = [f"translitnorm-{dead}-names-a1b2c3d4.pickle", f"translitnorm-{dead}-stdin-x_y7z8w9.tmp",
             f"translitnorm-{alive}-names-a1b2c3d4.pickle", "translitnorm-cache", f"other-{dead}-names-a1b2c3d4.pickle"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    removed = remove_stale_temp_files(tmp_path)
    assert sorted(p.name for p in removed) == sorted(names[:2])
    assert sorted(os.listdir(tmp_path)) == sorted(names[2:])


def test_a_sibling_targets_temporary_file_is_not_taken_for_a_stale_one(tmp_path):
    # ".a.csv.<pid>.<random>.tmp" belongs to a.csv; a.csv.7's temporary files start ".a.csv.7."
    dead = ended_pid()
    sibling = tmp_path / f".a.csv.7.{os.getpid()}.abcdefgh.tmp"
    sibling.write_bytes(b"x")
    stale = tmp_path / f".a.csv.{dead}.abcdefgh.tmp"
    stale.write_bytes(b"x")
    assert remove_stale_temp_files(tmp_path, ".a.csv.") == [stale]
    assert sibling.exists()


def test_temp_files_carry_the_process_id(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    descriptor, path = temp_file("names", ".pickle")
    os.close(descriptor)
    assert Path(path).parent == tmp_path and Path(path).name.startswith(f"translitnorm-{os.getpid()}-names-")
    assert remove_stale_temp_files(tmp_path) == []  # ours, and we run
