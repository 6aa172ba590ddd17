"""The process the package runs in: the cores it may use, and the cyclic garbage collector
kept away from the index (a loaded index is millions of small acyclic objects that the
collector would otherwise walk again and again for nothing; reference counting still frees
everything as usual).
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from typing import Iterator


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's core count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the collector while building or loading an index: creating millions of objects
    otherwise triggers thousands of collections. Restores the collector's state after.

    >>> with collector_paused():
    ...     gc.isenabled()
    False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_frozen_depth = 0
_frozen_lock = threading.Lock()


@contextlib.contextmanager
def index_out_of_gc() -> Iterator[None]:
    """Keep the objects that exist already (above all the loaded index: millions of them) out of the
    cyclic garbage collector while resolving: otherwise every full collection walks the whole index.

    Nests (and may be entered from several threads): only the outermost exit lets the collector
    see those objects again.
    """
    global _frozen_depth
    with _frozen_lock:
        _frozen_depth += 1
        gc.freeze()
    try:
        yield
    finally:
        with _frozen_lock:
            _frozen_depth -= 1
            if not _frozen_depth:
                gc.unfreeze()
