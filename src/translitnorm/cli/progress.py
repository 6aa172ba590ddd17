"""Progress of long commands on stderr, in human units, wherever the command runs.

The library reports progress through a callback ``(stage, done, total)`` (see
:func:`translitnorm.clean.clean_file`); this module only displays it:

- on a terminal, a live bar per stage with the count, the rate and the time left;
- elsewhere (CI, cron, Airflow logs, ``2> log``), a plain line per stage every few seconds,
  so a log shows that a long run is alive without being flooded.

>>> human_count(1_234_567), human_count(999), human_bytes(29_360_128), human_duration(200)
('1.23M', '999', '28.0 MiB', '3 min 20 s')
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Callable, Iterator, TextIO

#: What each stage of ``clean`` counts: the reading pass goes through the bytes of a text file
#: (its rows are not known before the end) or the rows of a Parquet file.
STAGES = {"reading": "reading", "resolving": "resolving names", "clustering": "clustering", "writing": "writing"}
STAGE_UNITS = {"reading": "bytes", "resolving": "names", "clustering": "names", "writing": "rows"}

#: Seconds between two plain progress lines of one stage: often enough to see a run is alive,
#: rare enough that a log of an hour-long run stays readable (360 lines).
PLAIN_EVERY = 10.0

Callback = Callable[[str, int, "int | None"], None]


def human_count(n: float) -> str:
    """A count as people read it: 999, 9,876, 12.3k, 1.23M."""
    if n < 10_000:
        return f"{n:,.0f}" if n >= 10 or n == int(n) else f"{n:.1f}"
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= 0.9995 * limit or suffix == "k":  # 999,999 is 1M, not 1e+03k
            return f"{n / limit:.3g}{suffix}"
    raise AssertionError("unreachable")


def human_bytes(n: float) -> str:
    """A size in binary units: 512 B, 4.0 KiB, 28.0 MiB, 1.5 GiB."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def human_duration(seconds: float) -> str:
    """A duration: 4 s, 3 min 20 s, 2 h 05 min."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def amount(value: float, unit: str) -> str:
    """``value`` of ``unit`` in human units: '28.0 MiB', '1.23M rows'."""
    return human_bytes(value) if unit == "bytes" else f"{human_count(value)} {unit}"


def done_of_total(done: int, total: int | None, unit: str) -> str:
    """'28.0 MiB of 35.3 MiB', '1,200 of 50k names', '1,200 names'."""
    if not total:
        return amount(done, unit)
    if unit == "bytes":
        return f"{human_bytes(done)} of {human_bytes(total)}"
    return f"{human_count(done)} of {amount(total, unit)}"


def describe(stage: str, done: int, total: int | None, seconds: float, unit: str) -> str:
    """One progress line: 'reading  28.0 MiB of 35.3 MiB (79%), 9.3 MiB/s, 1 s left'."""
    text = f"{STAGES.get(stage, stage):<16} {done_of_total(done, total, unit)}"
    if total:
        text = f"{text} ({100 * done / total:.0f}%)"
    if seconds >= 1 and done:  # a rate over less than a second says nothing
        rate = done / seconds
        per_second = f"{human_bytes(rate)}/s" if unit == "bytes" else f"{human_count(rate)} {unit}/s"
        text = f"{text}, {per_second}"
        if total and total > done:
            text = f"{text}, {human_duration((total - done) / rate)} left"
    return text


class PlainProgress:
    """Progress as plain lines, one per stage every ``every`` seconds (and none for a stage that ends
    sooner), for logs; ``clock`` and ``stream`` are there for tests."""

    def __init__(self, stream: TextIO, *, every: float = PLAIN_EVERY, units: dict[str, str] | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.stream, self.every, self.clock = stream, every, clock
        self.units = {**STAGE_UNITS, **(units or {})}
        self.started: dict[str, float] = {}
        self.last_line: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        now = self.clock()
        started = self.started.setdefault(stage, now)
        finished = total is not None and done >= total
        last = self.last_line.get(stage, started)
        if now - last >= self.every or (finished and stage in self.last_line):
            self.last_line[stage] = now
            self.stream.write(describe(stage, done, total, now - started, self.units.get(stage, "rows")) + "\n")
            self.stream.flush()


@contextmanager
def stderr_progress(enabled: bool, *, units: dict[str, str] | None = None,
                    every: float = PLAIN_EVERY) -> Iterator[Callback | None]:
    """A progress callback ``(stage, done, total)`` for stderr, or ``None`` when disabled: live bars
    on a terminal, plain periodic lines elsewhere. ``units`` overrides what a stage counts."""
    if not enabled:
        yield None
        return
    if not sys.stderr.isatty():
        yield PlainProgress(sys.stderr, every=every, units=units)
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    from rich.text import Text

    stage_units = {**STAGE_UNITS, **(units or {})}

    class AmountColumn(ProgressColumn):
        """Done of total and the rate, in the stage's human units."""

        def render(self, task) -> Text:
            unit = task.fields.get("unit", "rows")
            text = done_of_total(int(task.completed), int(task.total) if task.total else None, unit)
            if task.speed and task.elapsed and task.elapsed >= 1:
                text += f", {human_bytes(task.speed)}/s" if unit == "bytes" else f", {human_count(task.speed)} {unit}/s"
            return Text(text)

    with Progress(TextColumn("{task.description:<16}"), BarColumn(), AmountColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=Console(stderr=True), transient=True) as bars:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(STAGES.get(stage, stage), total=total,
                                             unit=stage_units.get(stage, "rows"))
            bars.update(tasks[stage], completed=done, total=total)

        yield update
