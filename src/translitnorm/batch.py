"""Resolve many names at once: each distinct name once, results in input order, several cores when it pays.

Names come as a list (or any iterable), a pandas Series, or a pyarrow Array /
ChunkedArray; results come back as a list of :class:`~translitnorm.Resolution`
or as a table (pyarrow or pandas) with the columns of :data:`RESULT_COLUMNS`.
This is the engine behind :meth:`translitnorm.Normaliser.resolve_many` and
:mod:`translitnorm.spark`.

Worker processes are started with ``spawn`` (safe in programs that run threads,
such as a Spark driver or a web server) and each loads the pickled normaliser
once, when it starts; after that only names and results cross process boundaries.
Starting workers costs 0.6 s (shipped lexicons) to 3 s (100,000 entities), so small
batches stay in-process (see :data:`PARALLEL_MIN_NAMES` and docs/etl.md).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import math
import multiprocessing
import os
import pickle
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, Callable, Literal, Sequence

from translitnorm.runtime import available_cores, collector_paused, index_out_of_gc
from translitnorm.decision import EMPTY, RESULT_FIELDS, Resolution
from translitnorm.files import temp_file

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

    from translitnorm.normaliser import Normaliser

OutputKind = Literal["list", "arrow", "pandas"]

RESULT_COLUMNS = RESULT_FIELDS


# pyarrow is imported only where a table is made or read: importing it takes about a second, which
# every process resolving a plain list of names would otherwise pay on its first call.
@functools.cache
def _result_schema() -> "pa.Schema":
    import pyarrow as pa

    return pa.schema([pa.field(name, pa.float64() if name == "score" else pa.string()) for name in RESULT_FIELDS])


def __getattr__(name: str) -> Any:
    if name == "RESULT_SCHEMA":
        # The columns of a result table, in order (translitnorm.decision.RESULT_FIELDS), with their
        # Arrow types: the score a number, the rest text (made on first use, see above).
        return _result_schema()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: ``method`` in a result table for a name with nothing to resolve (null, empty, only a title).
EMPTY_METHOD = EMPTY

#: Fewer distinct names than this are resolved in-process whatever ``jobs`` says: below it, a
#: second process saves little time for much more CPU (measured with benchmarks/etl_speed.py,
#: figures in docs/etl.md).
PARALLEL_MIN_NAMES = 20_000

#: Distinct names per task sent to a worker (at most): large enough that sending is cheap, small
#: enough that the workers finish together and progress is reported often.
CHUNK_SIZE = 2_000

#: Names resolved between moves of the matcher's new cache entries out of the collector's view
#: (see ``_resolve_here``); a divisor of :data:`CHUNK_SIZE`.
FREEZE_EVERY = 500

Progress = Callable[[int, int], Any]


def resolve_many(normaliser: "Normaliser", names: Any, *, as_: OutputKind = "list", jobs: int | None = None,
                 progress: Progress | None = None):
    """Resolve ``names`` with ``normaliser``; each distinct name once, results in input order.

    ``names``: an iterable of ``str`` / ``None``, a pandas Series or a pyarrow (Chunked)Array of
    strings; nulls (``None``, NaN, ``pd.NA``) give no ID.  ``as_``: ``"list"`` of
    :class:`Resolution`, or a table of :data:`RESULT_COLUMNS`, ``"arrow"`` (``pyarrow.Table``) or
    ``"pandas"`` (``DataFrame`` with the index of an input Series).  In a table, a name without an ID
    has a null score, and a name with nothing to resolve has method ``empty``.  ``jobs``: worker processes at most (``None``: one per core);
    fewer than :data:`PARALLEL_MIN_NAMES` distinct names are always resolved in-process.
    ``progress(done, total)`` is called as distinct names are resolved.

    >>> from translitnorm import Normaliser
    >>> norm = Normaliser.default()
    >>> [r.id for r in resolve_many(norm, ["Bakiev", "Bakijew", None])]
    ['kg.bakiev.kurmanbek', 'kg.bakiev.kurmanbek', None]
    >>> resolve_many(norm, ["Bakijew", None], as_="arrow").column("method").to_pylist()
    ['exact', 'empty']
    """
    if as_ not in ("list", "arrow", "pandas"):
        raise ValueError(f"as_={as_!r}: choose 'list', 'arrow' or 'pandas'")
    if as_ == "pandas":
        try:
            import pandas  # noqa: F401  (checked before the work, not after it)
        except ImportError:
            raise ImportError("as_='pandas' needs pandas: pip install pandas (or use as_='arrow')") from None
    distinct, codes, pandas_index = _factorize(names)
    # A table needs five fields of each resolution: only those cross from the worker processes.
    resolved = _resolve_distinct(normaliser, distinct, jobs=_worker_count(jobs, len(distinct)),
                                 progress=progress, convert=None if as_ == "list" else Resolution.result_row)
    if as_ == "list":
        return [resolved[code] for code in (codes if isinstance(codes, list) else codes.to_pylist())]
    table = _take(_table_of_rows(resolved), codes)
    if as_ == "arrow":
        return table
    frame = table.to_pandas()
    if pandas_index is not None:
        frame.index = pandas_index
    return frame


def _table_of_rows(rows: Sequence[tuple]) -> "pa.Table":
    import pyarrow as pa

    schema = _result_schema()
    columns = list(zip(*rows)) if rows else [()] * len(RESULT_COLUMNS)
    return pa.Table.from_arrays([pa.array(values, type=field.type) for values, field in zip(columns, schema)],
                                schema=schema)



# -- input: distinct names and where each row finds its own ------------------------------


def _factorize(names: Any) -> tuple[list[str | None], "list[int] | pa.Array", Any]:
    """(distinct names, their code for each input row, the pandas index if the input had one)."""
    if type(names).__module__.startswith("pyarrow"):  # an Arrow input: pyarrow is loaded already
        import pyarrow as pa

        if isinstance(names, (pa.Array, pa.ChunkedArray)):
            return _factorize_arrow(names)
    pandas_index = None
    if _is_pandas_series(names):
        pandas_index = names.index
        names = names.astype(object).where(names.notna(), None).tolist()
    elif isinstance(names, (str, bytes)):
        raise TypeError("names must be a collection of names, not one string: pass [name] or use resolve()")
    code_of: dict[str | None, int] = {}
    codes = []
    for position, name in enumerate(names):
        if name is not None and not isinstance(name, str):
            if isinstance(name, float) and math.isnan(name):
                name = None
            else:
                raise TypeError(f"names[{position}] is {type(name).__name__} {name!r}, not a string or None")
        code = code_of.get(name)
        if code is None:
            code = code_of[name] = len(code_of)
        codes.append(code)
    return list(code_of), codes, pandas_index


def _factorize_arrow(names: "pa.Array | pa.ChunkedArray") -> tuple[list[str | None], "pa.Array", None]:
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(names.type):
        names = names.cast(names.type.value_type)
    if pa.types.is_null(names.type):
        names = names.cast(pa.string())
    is_string_view = getattr(pa.types, "is_string_view", lambda _: False)  # pyarrow 16 and later
    if not (pa.types.is_string(names.type) or pa.types.is_large_string(names.type) or is_string_view(names.type)):
        raise TypeError(f"names must be an Arrow string array, not {names.type}: cast it with .cast(pa.string())")
    distinct = pc.unique(names)
    codes = pc.index_in(names, value_set=distinct, skip_nulls=False)
    if isinstance(codes, pa.ChunkedArray):
        codes = codes.combine_chunks()
    return distinct.to_pylist(), codes, None


def _is_pandas_series(value: Any) -> bool:
    # pandas is optional: only look at it when the caller may have passed a Series.
    module = type(value).__module__
    if not module.startswith("pandas"):
        return False
    import pandas

    return isinstance(value, pandas.Series)


def _take(table: "pa.Table", codes: "list[int] | pa.Array") -> "pa.Table":
    if isinstance(codes, list):
        import pyarrow as pa

        codes = pa.array(codes, type=pa.int64())
    return table.take(codes) if len(codes) else table.slice(0, 0)


# -- resolving the distinct names --------------------------------------------------------


def resolve_each(normaliser: "Normaliser", names: Sequence[str | None], *, jobs: int | None = None,
                 progress: Progress | None = None, convert: Callable[[Resolution], Any] | None = None,
                 pool: "WorkerPool | None" = None) -> list:
    """Resolve every name of a list of distinct names, in order, in worker processes when there are
    enough of them (:data:`PARALLEL_MIN_NAMES`); the one parallel path that ``resolve_many`` and
    ``translitnorm clean`` share. ``convert``, a module-level function, turns each resolution into
    what the caller keeps, in the process that made it: only that crosses between processes.
    ``pool``: workers started earlier (:class:`WorkerPool`), used if the names are enough for several.

    >>> from translitnorm import Normaliser
    >>> [r.id for r in resolve_each(Normaliser.default(), ["Bakijew", "Bakieva"])]
    ['kg.bakiev.kurmanbek', None]
    """
    return _resolve_distinct(normaliser, list(names), jobs=_worker_count(jobs, len(names)), progress=progress,
                             convert=convert, pool=pool)


def _worker_count(jobs: int | None, distinct: int) -> int:
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise ValueError(f"jobs={jobs!r}: give a number of processes ≥ 1, or None for one per core")
    if distinct < PARALLEL_MIN_NAMES or multiprocessing.current_process().daemon:
        return 1  # few names, or inside a worker process, which may not start processes of its own
    cores = available_cores()
    return max(1, cores if jobs is None else min(jobs, cores))


def _resolve_distinct(normaliser: "Normaliser", distinct: list[str | None], *, jobs: int,
                      progress: Progress | None, convert: Callable[[Resolution], Any] | None = None,
                      pool: "WorkerPool | None" = None) -> list:
    total = len(distinct)
    if jobs <= 1:
        results: list[Resolution] = []
        with index_out_of_gc():
            for start in range(0, total, CHUNK_SIZE):
                results.extend(_resolve_here(normaliser, distinct[start:start + CHUNK_SIZE], convert))  # None: reason 'empty'
                if progress is not None:
                    progress(len(results), total)
        return results
    if pool is not None:
        return pool.resolve(distinct, progress=progress, convert=convert)
    with WorkerPool(normaliser, jobs) as started:
        return started.resolve(distinct, progress=progress, convert=convert)


class WorkerPool:
    """``jobs`` processes resolving names with one normaliser: this one and ``jobs - 1`` spawned
    workers, which can be started before the names are known (``translitnorm clean`` starts them
    while it reads the file), since loading the index is most of their start-up.

    >>> with WorkerPool(Normaliser.default(), jobs=2) as pool:                 # doctest: +SKIP
    ...     resolutions = pool.resolve(names)
    """

    def __init__(self, normaliser: "Normaliser", jobs: int):
        if getattr(multiprocessing.current_process(), "_inheriting", False):
            # A worker that is importing the main script again, whose top-level code resolves names: the
            # script lacks its main guard.  Fail here, before a pool that could never start hangs the run.
            raise RuntimeError(_MAIN_GUARD_HELP)
        self.normaliser, self.jobs = normaliser, jobs
        self._files: list[str] = []
        # What the workers need goes to them through files, and a task is only a file name and the
        # bounds of a chunk: a worker that dies while starting would otherwise leave a large write
        # to its pipe blocked for ever, and the program hanging when it exits.
        shipped = self._file("normaliser", _shippable(normaliser))
        self._pool = ProcessPoolExecutor(max_workers=jobs - 1, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_start_worker, initargs=(shipped, os.getpid()))
        try:
            self._pool.submit(int)  # starts the workers now, not at the first names
        except BaseException:
            self.close()
            raise

    def _file(self, what: str, value: Any) -> str:
        descriptor, path = temp_file(what, ".pickle")
        self._files.append(path)
        with os.fdopen(descriptor, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        return path

    def resolve(self, distinct: Sequence[str | None], *, progress: Progress | None = None,
                convert: Callable[[Resolution], Any] | None = None) -> list:
        """Resolve each of ``distinct`` (see :func:`resolve_each`), in order."""
        total = len(distinct)
        names_file = self._file("names", list(distinct))
        size = max(1, min(CHUNK_SIZE, math.ceil(total / (4 * self.jobs))))  # several tasks per process, none idle
        chunks = [(start, min(start + size, total)) for start in range(0, total, size)]
        chunk_results: list[list | None] = [None] * len(chunks)
        resolved = 0
        try:
            futures = [self._pool.submit(_resolve_chunk, names_file, start, stop, convert) for start, stop in chunks]
            # This process is one of the ``jobs``: it resolves chunks from the back of the queue
            # while the workers start and then take chunks from the front. One copy of the index
            # fewer in memory, and no core idle while the workers load theirs.
            with index_out_of_gc():
                for position in reversed(range(len(chunks))):
                    if not futures[position].cancel():
                        break  # the workers have reached it: the rest is theirs
                    start, stop = chunks[position]
                    chunk_results[position] = _resolve_here(self.normaliser, distinct[start:stop], convert)
                    resolved += stop - start
                    if progress is not None:
                        progress(resolved, total)
            for position, future in enumerate(futures):
                if chunk_results[position] is None:
                    chunk_results[position] = future.result()
                    start, stop = chunks[position]
                    resolved += stop - start
                    if progress is not None:
                        progress(resolved, total)
        except BrokenProcessPool as exc:
            raise BrokenProcessPool(f"the worker processes resolving names stopped. {_MAIN_GUARD_HELP}") from exc
        return [resolution for results in chunk_results for resolution in results]  # type: ignore[union-attr]

    def close(self) -> None:
        """Stop the workers and remove the files they read."""
        try:
            self._pool.shutdown(wait=True, cancel_futures=True)
        finally:
            for path in self._files:
                with contextlib.suppress(OSError):
                    os.unlink(path)
            self._files.clear()

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None and issubclass(kind, KeyboardInterrupt):  # Ctrl-C or SIGTERM: stop at once
            self._terminate_workers()
        self.close()

    def _terminate_workers(self) -> None:
        # ProcessPoolExecutor has no public way to stop tasks already running (until Python 3.14's
        # terminate_workers); without it, shutdown waits for every running chunk to finish
        for process in list((getattr(self._pool, "_processes", None) or {}).values()):
            with contextlib.suppress(Exception):
                process.terminate()


def _resolve_here(normaliser: "Normaliser", names: Sequence[str | None],
                  convert: Callable[[Resolution], Any] | None = None) -> list:
    """Resolve names in this process, inside :func:`index_out_of_gc` (or a worker that froze its index).

    What the matcher caches as it goes (and the results) would otherwise stay in the collector's
    view and be walked again by every full collection, more often as they grow: a fifth or more of
    the time of a long run (benchmarks/speed.py). So every :data:`FREEZE_EVERY` names they join
    the frozen objects. Nothing leaks: they are freed by reference counting as before, and the
    matcher makes no reference cycles that outlive a call.
    """
    results: list[Resolution] = []
    for start in range(0, len(names), FREEZE_EVERY):
        resolved = [normaliser.resolve(name) for name in names[start:start + FREEZE_EVERY]]  # type: ignore[arg-type]
        results.extend(map(convert, resolved) if convert is not None else resolved)
        gc.freeze()
    return results


_MAIN_GUARD_HELP = ("Resolving in several processes needs a script's code under `if __name__ == \"__main__\":` "
                    "(each worker process imports the script again); or pass jobs=1.")

def _shippable(normaliser: "Normaliser") -> Any:
    """What a worker needs to rebuild the normaliser: the index's cache file when it has one (reading
    it is several times faster than pickling the index here and unpickling it there), else itself."""
    cache_file = normaliser.index.cache_file
    if cache_file is not None and os.path.exists(cache_file):
        # The normaliser's and the index's classes go along (pickled by name), so this module need
        # not import translitnorm.normaliser or translitnorm.index, which import it.
        return (type(normaliser), type(normaliser.index), str(cache_file), normaliser.index.digest, normaliser.rule)
    return normaliser


def _rebuilt(shipped: Any) -> "Normaliser":
    if not isinstance(shipped, tuple):
        return shipped
    normaliser_class, index_class, path, digest, rule = shipped
    index = index_class.load(path)
    if index.digest != digest:
        raise RuntimeError(f"{path}: the cached index changed while names were being resolved; run again")
    return normaliser_class(index, rule)


_worker_normaliser: "Normaliser | None" = None
_worker_names: tuple[str, list[str | None]] = ("", [])  # (file, names) of the batch being resolved


#: How often a worker checks that the process that started it still runs (seconds).
PARENT_CHECK_SECONDS = 0.5


def _end_with_parent(parent: int) -> None:
    """End this worker soon after ``parent`` ends, however it ended (even by SIGKILL, which gives it
    no chance to stop its workers): an orphaned worker would otherwise wait for tasks for ever,
    holding its copy of the index, and keep the resource tracker alive with it. A thread that
    polls, since Linux's parent-death signal follows the thread that started the worker, which
    need not live as long as the pool."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="translitnorm-parent-watch", daemon=True).start()


def _start_worker(path: str, parent: int) -> None:
    global _worker_normaliser
    _end_with_parent(parent)  # passed in: by now the parent may have ended, and the worker been adopted
    # Ctrl-C reaches the whole process group: the parent stops the pool; a worker that raised
    # KeyboardInterrupt mid-task would only add a traceback of its own
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with collector_paused(), open(path, "rb") as handle:
        _worker_normaliser = _rebuilt(pickle.load(handle))
    gc.freeze()  # the worker lives for this one job: its index need never be collected


def _resolve_chunk(names_file: str, start: int, stop: int, convert: Callable[[Resolution], Any] | None) -> list:
    global _worker_names
    assert _worker_normaliser is not None, "worker started without a normaliser"
    if _worker_names[0] != names_file:
        with open(names_file, "rb") as handle:
            _worker_names = (names_file, pickle.load(handle))
    return _resolve_here(_worker_normaliser, _worker_names[1][start:stop], convert)
