"""Compiling the index in several processes gives the same index as compiling it in one."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from translitnorm import rendering
from translitnorm.index import CompiledIndex
from translitnorm.rendering import part_forms
from translitnorm.lexicon import load_lexicons

LEXICONS = Path(__file__).resolve().parent.parent / "lexicons"
# Every shipped lexicon of people and seed entities (all its languages and scripts) and four small
# gazetteers (Kyrgyz, Tajik, Montenegrin and Moldovan places): what set order or a helper could
# change shows here as well as in the whole 7 MB, which takes seconds rather than a minute to compile.
SAMPLE = [*sorted(path for path in LEXICONS.glob("*.tsv") if not path.name.startswith("places-")),
          *(LEXICONS / f"places-{country}.tsv" for country in ("kg", "tj", "me", "md"))]


@pytest.fixture(scope="module")
def shipped():
    return load_lexicons(SAMPLE)


@pytest.fixture(scope="module")
def compiled_in_one_process(shipped):
    return CompiledIndex.compile(shipped, "digest", jobs=1)


def test_helper_processes_give_the_same_index(monkeypatch, shipped, compiled_in_one_process):
    monkeypatch.setattr(rendering, "PARALLEL_MIN_PARTS", 10)  # the sample is small
    monkeypatch.setattr(rendering, "CHUNK_PARTS", 50)
    started, delivered = [], []
    real_start, real_deliver = rendering._start_render_helper, rendering._SharedRendering._deliver
    monkeypatch.setattr(rendering, "_start_render_helper", lambda: started.append(1) or real_start())
    monkeypatch.setattr(rendering._SharedRendering, "_deliver",
                        lambda self, number, forms: delivered.append(len(forms)) or real_deliver(self, number, forms))
    parallel = CompiledIndex.compile(shipped, "digest", jobs=3)
    assert len(started) == 2 and 0 < sum(delivered) < len(parallel.parts)  # the helpers rendered a share
    assert parallel._state() == compiled_in_one_process._state()


@pytest.mark.parametrize("failure", ["exits at once", "dies after reading a little", "answers garbage"])
def test_a_failing_helper_costs_time_not_correctness(monkeypatch, shipped, compiled_in_one_process, caplog, failure):
    monkeypatch.setattr(rendering, "PARALLEL_MIN_PARTS", 10)
    monkeypatch.setattr(rendering, "CHUNK_PARTS", 50)
    code = {"exits at once": "import sys; sys.exit(3)",
            "dies after reading a little": "import sys; sys.stdin.buffer.read(100); sys.exit(3)",
            "answers garbage": "import sys; sys.stdin.buffer.read(100); sys.stdout.write('garbage'); sys.stdout.flush()"}[failure]

    def broken_helper():
        return subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    monkeypatch.setattr(rendering, "_start_render_helper", broken_helper)
    parallel = CompiledIndex.compile(shipped, "digest", jobs=2)
    assert parallel._state() == compiled_in_one_process._state()
    assert "compiling its chunks here" in caplog.text


def test_the_worker_module_gives_the_forms_the_library_does():
    import pickle

    chunks = [[("Бакиев", "ky"), ("Харьков", "ru")], [("Bishkek", "")]]
    done = subprocess.run([sys.executable, "-m", "translitnorm.render_worker"],
                          input=b"".join(pickle.dumps(chunk) for chunk in chunks), capture_output=True, check=True)
    output = io.BytesIO(done.stdout)
    assert [pickle.load(output) for _ in chunks] == [[tuple(part_forms(*part)) for part in chunk] for chunk in chunks]
    assert output.read() == b""  # one answer per chunk, and the helper ended with its input


_STATE_DIGEST = """
import hashlib, json, sys
from translitnorm.index import CompiledIndex
from translitnorm.lexicon import load_lexicons
state = CompiledIndex.compile(load_lexicons(sys.argv[1:]), "digest", jobs=1)._state()
as_lists = [list(item.items()) if isinstance(item, dict)
            else [b.hex() if isinstance(b, bytes) else b for b in item] if isinstance(item, tuple)
            else item for item in state]  # keep dict order; the packed tables' byte strings as hex
print(hashlib.sha256(json.dumps(as_lists, ensure_ascii=False).encode()).hexdigest())
"""


def test_the_index_is_the_same_in_every_run_whatever_the_hash_seed():
    # Set iteration order changes with the hash seed; the tables (and the cache bytes) must not.
    digests = set()
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", _STATE_DIGEST, *map(str, SAMPLE)], capture_output=True, text=True,
                              check=True, env={**__import__("os").environ, "PYTHONHASHSEED": seed})
        digests.add(done.stdout.strip())
    assert len(digests) == 1
