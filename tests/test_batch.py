"""Batch resolution as ETL code uses it: many names in, results in the same order, each distinct name once."""

from __future__ import annotations

import gc
import pickle
import random
import subprocess
import sys
import textwrap
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, ROOT, read_labelled
from translitnorm import Normaliser, batch, lookup
from translitnorm.batch import RESULT_COLUMNS
from translitnorm.index import CompiledIndex

BAKIEV = "kg.bakiev.kurmanbek"


def labelled_names() -> list[str]:
    names = []
    for path in sorted((DATA / "sets").glob("*.tsv")):
        names += [row["query"] for row in read_labelled(path)]
    return names


REAL_NAMES = labelled_names()


@pytest.fixture
def fresh(shipped) -> Normaliser:
    """A normaliser over the shipped index with empty caches of its own."""
    return Normaliser(shipped.index, shipped.rule)


def expected_row(resolution) -> dict:
    method = "empty" if resolution.reason == "empty" else resolution.method
    score = resolution.score if resolution.id is not None else None
    return {"id": resolution.id, "canonical": resolution.canonical, "score": score, "method": method,
            "scheme": resolution.scheme}


# -- the list contract ----------------------------------------------------------------------


def test_results_are_in_input_order_and_equal_one_by_one_resolution(shipped):
    names = REAL_NAMES + list(reversed(REAL_NAMES[:50]))
    results = shipped.resolve_many(names)
    assert [r.query for r in results] == names
    assert results == [shipped.resolve(name) for name in names]
    assert sum(r.id is not None for r in results) > len(names) // 3  # real answers, not all empty


def test_each_distinct_name_is_resolved_once(fresh, monkeypatch):
    calls = []
    resolve = fresh.resolve
    monkeypatch.setattr(fresh, "resolve", lambda name: calls.append(name) or resolve(name))
    results = fresh.resolve_many(["Bakiev", "Bakijew", "Bakiev", None, "Bakijew", None, "Bakiev"])
    assert sorted(calls, key=str) == sorted(["Bakiev", "Bakijew", None], key=str)
    assert [r.id for r in results] == [BAKIEV, BAKIEV, BAKIEV, None, BAKIEV, None, BAKIEV]


def test_missing_names_give_no_id_and_reason_empty(shipped):
    results = shipped.resolve_many([None, float("nan"), "", "   ", "Mr.", "Bakiev"])
    assert [r.reason for r in results[:5]] == ["empty"] * 5
    assert all(r.id is None and r.method == "empty" for r in results[:5])
    assert results[5].id == BAKIEV


def test_a_generator_is_accepted(shipped):
    assert [r.id for r in shipped.resolve_many(name for name in ["Bakiev", None])] == [BAKIEV, None]


def test_empty_input_gives_empty_output(shipped):
    assert shipped.resolve_many([]) == []
    table = shipped.resolve_many([], as_="arrow")
    assert table.num_rows == 0 and tuple(table.column_names) == RESULT_COLUMNS
    assert len(shipped.resolve_many(pa.array([], pa.string()), as_="pandas")) == 0


@pytest.mark.parametrize("names, message", [
    (["Bakiev", 42], r"names\[1\] is int 42, not a string"),
    ("Bakiev", "not one string"),
    (pa.array([1, 2]), "Arrow string array, not int64"),
])
def test_what_is_not_a_name_is_refused_with_where_and_what(shipped, names, message):
    with pytest.raises(TypeError, match=message):
        shipped.resolve_many(names)


def test_bad_options_are_refused(shipped):
    with pytest.raises(ValueError, match="choose 'list', 'arrow' or 'pandas'"):
        shipped.resolve_many(["Bakiev"], as_="polars")
    with pytest.raises(ValueError, match="jobs=0"):
        shipped.resolve_many(["Bakiev"], jobs=0)


# -- tables -----------------------------------------------------------------------------------


def test_arrow_table_has_the_result_columns_in_input_order(shipped):
    names = ["Kurmanbek Bakiev", None, "Tschechow", "Bakijew", "Nobody Atall", "Kurmanbek Bakiev"]
    table = shipped.resolve_many(names, as_="arrow")
    assert isinstance(table, pa.Table)
    assert table.schema == batch.RESULT_SCHEMA
    assert table.to_pylist() == [expected_row(r) for r in shipped.resolve_many(names)]
    assert table.column("id").to_pylist()[:2] == [BAKIEV, None]
    assert table.column("method").to_pylist()[1] == "empty"
    assert table.column("score").to_pylist()[:2] == [1.0, None]  # a score only for an ID


def test_chunked_and_dictionary_arrow_input(shipped):
    chunked = pa.chunked_array([["Bakiev", None], [], ["Bakijew", "Bakiev"]])
    assert shipped.resolve_many(chunked, as_="arrow").column("id").to_pylist() == [BAKIEV, None, BAKIEV, BAKIEV]
    encoded = pa.array(["Bakijew", None, "Bakijew"]).dictionary_encode()
    assert [r.id for r in shipped.resolve_many(encoded)] == [BAKIEV, None, BAKIEV]
    large = pa.array(["Bakiev"], pa.large_string())
    assert shipped.resolve_many(large, as_="arrow").column("id").to_pylist() == [BAKIEV]


def test_pandas_series_keeps_its_index_and_missing_values_stay_empty(shipped):
    series = pd.Series(["Bakiev", None, pd.NA, "Tschechow"], index=[10, 20, 30, 40], dtype=object)
    frame = shipped.resolve_many(series, as_="pandas")
    assert list(frame.index) == [10, 20, 30, 40]
    assert list(frame.columns) == list(RESULT_COLUMNS)
    assert frame.loc[10, "id"] == BAKIEV
    assert frame.loc[20, "method"] == frame.loc[30, "method"] == "empty"
    assert frame["id"].isna().tolist() == [False, True, True, shipped.resolve("Tschechow").id is None]
    string_series = pd.Series(["Bakijew", None], dtype="string")
    assert [r.id for r in shipped.resolve_many(string_series)] == [BAKIEV, None]


NAME_POOL = REAL_NAMES[:40] + [None, "", "Mr.", "Bakiev", "Бакиев", "Zzyzx Qwerty"]


@settings(max_examples=40, deadline=None)
@given(names=st.lists(st.one_of(st.sampled_from(NAME_POOL), st.text(max_size=12)), max_size=30),
       as_arrow=st.booleans())
def test_any_batch_gives_what_one_by_one_resolution_gives(shipped, names, as_arrow):
    expected = [shipped.resolve(name) for name in names]
    source = pa.array(names, pa.string()) if as_arrow else names
    assert shipped.resolve_many(source) == expected
    assert shipped.resolve_many(source, as_="arrow").to_pylist() == [expected_row(r) for r in expected]


# -- processes, threads, pickling, memory -----------------------------------------------------


def test_several_processes_give_the_serial_results_and_report_progress(shipped, monkeypatch):
    monkeypatch.setattr(batch, "PARALLEL_MIN_NAMES", 0)
    monkeypatch.setattr(batch, "CHUNK_SIZE", 100)
    names = REAL_NAMES + [None] + [f"{name} Jr" for name in REAL_NAMES]
    seen = []
    parallel = shipped.resolve_many(names, jobs=2, progress=lambda done, total: seen.append((done, total)))
    assert parallel == shipped.resolve_many(names, jobs=1)
    assert shipped.resolve_many(names, jobs=2, as_="arrow").equals(shipped.resolve_many(names, jobs=1, as_="arrow"))
    distinct = len(set(names))
    assert seen[-1] == (distinct, distinct) and len(seen) >= 8  # several tasks for each of the 2 workers
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_this_process_and_the_workers_share_the_chunks(shipped, monkeypatch):
    monkeypatch.setattr(batch, "PARALLEL_MIN_NAMES", 0)
    monkeypatch.setattr(batch, "available_cores", lambda: 2)  # whatever the machine running the test has
    monkeypatch.setattr(batch, "CHUNK_SIZE", 10)
    names = REAL_NAMES + [f"{name} Jr" for name in REAL_NAMES]
    here = []
    resolve_here = batch._resolve_here

    def slow_here(normaliser, chunk, convert=None):  # slow enough that the worker starts and takes its share
        here.append(len(chunk))
        time.sleep(0.4)
        return resolve_here(normaliser, chunk, convert)

    monkeypatch.setattr(batch, "_resolve_here", slow_here)
    parallel = shipped.resolve_many(names, jobs=2)
    monkeypatch.setattr(batch, "_resolve_here", resolve_here)
    assert parallel == shipped.resolve_many(names, jobs=1)
    assert 0 < sum(here) < len(set(names))  # both this process and the worker resolved some


def test_workers_read_the_cached_index_file_rather_than_a_pickled_copy(shipped, tmp_path):
    assert shipped.index.cache_file is not None and shipped.index.cache_file.exists()
    shipped_form = batch._shippable(shipped)
    assert shipped_form == (Normaliser, CompiledIndex, str(shipped.index.cache_file), shipped.index.digest, shipped.rule)
    rebuilt = batch._rebuilt(pickle.loads(pickle.dumps(shipped_form)))
    assert rebuilt.index.digest == shipped.index.digest
    assert rebuilt.resolve_many(REAL_NAMES) == shipped.resolve_many(REAL_NAMES)

    uncached = Normaliser.from_lexicons([ROOT / "lexicons" / "kg.tsv"], use_cache=False)  # small: compiles in a second
    assert uncached.index.cache_file is None and batch._shippable(uncached) is uncached
    assert pickle.loads(pickle.dumps(shipped)).index.cache_file is None  # a pickle names no local file

    changed = tmp_path / "other.marshal"
    uncached.index.digest = "not the same"
    uncached.index.save(changed)
    with pytest.raises(RuntimeError, match="changed"):
        batch._rebuilt((Normaliser, CompiledIndex, str(changed), shipped.index.digest, shipped.rule))


def test_small_batches_stay_in_process_whatever_jobs_says(shipped, monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("a process pool was started for a small batch")

    monkeypatch.setattr(batch, "ProcessPoolExecutor", no_pool)
    assert shipped.resolve_many(REAL_NAMES, jobs=8) == shipped.resolve_many(REAL_NAMES, jobs=1)
    assert batch._worker_count(None, batch.PARALLEL_MIN_NAMES - 1) == 1
    assert batch._worker_count(1, 10 * batch.PARALLEL_MIN_NAMES) == 1
    assert 1 <= batch._worker_count(None, 10 * batch.PARALLEL_MIN_NAMES) <= batch.available_cores()


def test_a_script_without_main_guard_fails_fast_with_the_fix(tmp_path, cache_dir):
    script = tmp_path / "unguarded.py"
    script.write_text(textwrap.dedent(f"""
        from translitnorm import Normaliser, batch
        batch.PARALLEL_MIN_NAMES = 0
        norm = Normaliser.from_lexicons([{str(ROOT / 'lexicons')!r}], cache_dir={str(cache_dir)!r})
        # Long names: a chunk of them is more than a pipe holds, which must not hang the exit either.
        norm.resolve_many(["Bakiev", "Bakijew", "Tschechow"] + ["Bakiev" + "a" * 200 + str(n) for n in range(4000)], jobs=2)
    """))
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert run.returncode != 0
    assert 'if __name__ == "__main__":' in run.stderr and "jobs=1" in run.stderr


def test_threads_resolving_at_once_give_the_serial_results(fresh):
    names = REAL_NAMES + [f"{name}a" for name in REAL_NAMES[:100]] + ["Бакиев", "Путин", "Курманбек Бакиев"]
    serial = Normaliser(fresh.index, fresh.rule).resolve_many(names)
    orders = [random.Random(seed).sample(names, len(names)) for seed in range(4)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to shake out races
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            outcomes = list(pool.map(lambda order: fresh.resolve_many(order, jobs=1), orders))
    finally:
        sys.setswitchinterval(interval)
    expected = dict(zip(names, serial))
    for order, outcome in zip(orders, outcomes):
        assert outcome == [expected[name] for name in order]


def test_a_pickled_normaliser_resolves_alike(shipped):
    copy = pickle.loads(pickle.dumps(shipped))
    assert copy.resolve_many(REAL_NAMES, as_="arrow").equals(shipped.resolve_many(REAL_NAMES, as_="arrow"))


def _random_names(rng: random.Random, count: int) -> list[str]:
    """Names no lexicon has: random words, and real names with one letter changed."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    names = []
    for _ in range(count // 2):
        names.append(" ".join("".join(rng.choice(letters) for _ in range(rng.randint(4, 9))).title() for _ in range(2)))
        real = rng.choice(REAL_NAMES)
        position = rng.randrange(len(real))
        names.append(real[:position] + rng.choice(letters) + real[position + 1:] + rng.choice(letters))
    return names


def _clear_bounded_caches() -> int:
    """Empty the size-bounded lru caches of translitnorm (bounded by design; a test of their bound is below)."""
    cleared = 0
    for name, module in list(sys.modules.items()):
        if name.startswith("translitnorm"):
            for value in vars(module).values():
                if hasattr(value, "cache_parameters") and value.cache_parameters()["maxsize"] is not None:
                    value.cache_clear()
                    cleared += 1
    return cleared


def test_memory_stays_bounded_while_new_names_keep_coming(fresh, monkeypatch):
    """Resolve rounds of never-seen names: apart from the size-bounded lru caches (emptied between
    rounds), nothing may keep growing: no per-name state in the batch layer, and a matcher cache
    that holds no more than its bound (lowered here, so the test reaches it)."""
    monkeypatch.setattr(lookup, "_PART_CACHE_ENTRIES", 300)
    rng = random.Random(7)
    fresh.resolve_many(_random_names(rng, 600))
    # What the index derives as it is asked for (the key neighbours, each part's entities, each
    # entity's parts) grows with the parts and entities reached, up to the index's own size: reach
    # them all first, so that what is measured below is what grows with the names.
    index = fresh.index
    for part in range(len(index.parts)):
        index.entities_of(part), index.entities_of(part, anchors_only=True), index.entities_named(part)
    for entity in range(len(index.entity_ids)):
        index.parts_of(entity)
    assert _clear_bounded_caches() >= 4
    gc.collect()
    tracemalloc.start()
    try:
        sizes = []
        for _ in range(5):
            fresh.resolve_many(_random_names(rng, 1200))
            _clear_bounded_caches()
            gc.collect()
            sizes.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    growth = max(sizes[1:]) - sizes[0]
    assert growth < 1_000_000, f"memory grew by {growth:,} bytes over 4 rounds of new names: {sizes}"


def test_lru_caches_on_names_are_bounded():
    import translitnorm.keys
    import translitnorm.text

    for function in (translitnorm.keys.exact_form, translitnorm.keys.folded_form, translitnorm.keys.matching_key,
                     translitnorm.text.parse_name):
        assert function.cache_parameters()["maxsize"] is not None, function


def test_resolving_a_list_does_not_load_pyarrow():
    """Importing pyarrow takes about a second: a process that resolves plain lists never pays it,
    and a table output or an Arrow input still works (they load it)."""
    script = textwrap.dedent("""
        import sys
        from translitnorm import Normaliser
        from translitnorm.index import CompiledIndex
        from translitnorm.lexicon import Lexicon, LexiconLine
        lexicon = Lexicon.from_lines([LexiconLine("kg.osh", "place", "ky", "Ош", "source")])
        normaliser = Normaliser(CompiledIndex.compile(lexicon))
        ids = [r.id for r in normaliser.resolve_many(["Osh", None, "Osh"])]
        print(ids, "pyarrow" in sys.modules)
        table = normaliser.resolve_many(["Osh", None], as_="arrow")
        from translitnorm.batch import RESULT_SCHEMA
        print(table.schema == RESULT_SCHEMA, table.column("method").to_pylist())
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["['kg.osh', None, 'kg.osh'] False", "True ['exact', 'empty']"]
