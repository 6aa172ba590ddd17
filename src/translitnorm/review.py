"""The review file: the distinct names a person should decide on, and what each resolved to.

``translitnorm clean --review`` writes it and ``translitnorm lexicon suggest`` prints it
(:mod:`translitnorm.clean`, :mod:`translitnorm.maintain`); ``lexicon apply`` reads the
decisions back. Its columns are :data:`REVIEW_HEADER`; one line per name with no ID that is
ambiguous, below the threshold by a score worth showing, or in a new cluster of several rows.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from translitnorm.backtranslit import best_cyrillic
from translitnorm.batch import WorkerPool, resolve_each
from translitnorm.cluster import Cluster
from translitnorm.decision import EMPTY, NONE, Resolution
from translitnorm.io import atomic_output
from translitnorm.script import is_cyrillic

if TYPE_CHECKING:  # pragma: no cover
    from translitnorm.normaliser import Normaliser

REVIEW_HEADER = ("column", "name", "count", "reason", "suggested_id", "score", "candidates", "cluster",
                 "suggested_source", "decision", "target_id", "type", "lang")
REVIEW_REASONS = ("ambiguous", "below-threshold", "new-cluster")

Progress = Callable[[str, int, "int | None"], None]  # (stage, done, total)


@dataclass(frozen=True)
class Outcome:
    """What one distinct name resolved to, kept compact (one per distinct name for the whole run)."""

    id: str | None
    canonical: str | None
    score: float
    method: str
    reason: str | None = None
    candidates: tuple[tuple[str, float], ...] = ()

    @classmethod
    def of(cls, resolution: Resolution) -> "Outcome":
        candidates = tuple((c.id, round(c.score, 4)) for c in resolution.candidates)
        if resolution.id:
            return cls(resolution.id, resolution.canonical, resolution.score, resolution.method, None, candidates)
        method = EMPTY if resolution.reason == "empty" else NONE
        return cls(None, None, resolution.score, method, resolution.reason, candidates)


def resolve_distinct(normaliser: "Normaliser", names: Iterable[str], *, jobs: int | None = 1,
                     progress: Progress | None = None, pool: WorkerPool | None = None) -> dict[str, Outcome]:
    """Resolve each distinct name once, in up to ``jobs`` processes (None: one per core) when there
    are enough names (see :data:`translitnorm.batch.PARALLEL_MIN_NAMES`).

    The result does not depend on ``jobs``: every name is resolved on its own.

    >>> resolve_distinct(Normaliser.default(), ["Bakiev", "Bakijew"])["Bakijew"].id   # doctest: +SKIP
    'kg.bakiev.kurmanbek'
    """
    ordered = sorted(set(names))  # neighbouring names share parts: warm look-up caches per task
    report = (lambda done, total: progress("resolving", done, total)) if progress else None
    outcomes = resolve_each(normaliser, ordered, jobs=jobs, progress=report, convert=Outcome.of, pool=pool)
    return dict(zip(ordered, outcomes))


def review_lines(counts: dict[str, Counter], outcomes: dict[str, Outcome], cluster_of: dict[str, Cluster], *,
                 min_score: float = 0.6, min_rows: int = 2) -> list[dict[str, str]]:
    """The review file's lines (dicts keyed by :data:`REVIEW_HEADER`), by count (desc), then name."""
    lines = []
    for column, counter in counts.items():
        for name, count in counter.items():
            outcome = outcomes.get(name)
            if outcome is None or outcome.id is not None or outcome.method == EMPTY:
                continue
            group = cluster_of.get(name)
            if outcome.reason == "ambiguous":
                reason = "ambiguous"
            elif outcome.reason == "below-threshold" and outcome.score >= min_score:
                reason = "below-threshold"
            elif group is not None and group.count >= min_rows:
                reason = "new-cluster"
            else:
                continue
            suggested = outcome.candidates[0] if outcome.candidates and reason != "new-cluster" else None
            lines.append({
                "column": column, "name": name, "count": str(count), "reason": reason,
                "suggested_id": suggested[0] if suggested else "",
                "score": f"{outcome.score:.4f}" if outcome.candidates else "",
                "candidates": "; ".join(f"{cid} {score:.2f}" for cid, score in outcome.candidates),
                "cluster": group.id if group else "",
                # the Cyrillic name a new entity would have as its source (lexicon apply writes it)
                "suggested_source": best_cyrillic(name) if reason == "new-cluster" and not is_cyrillic(name) else "",
                "decision": "", "target_id": "", "type": "", "lang": "",
            })
    lines.sort(key=lambda line: (-int(line["count"]), line["name"], line["column"]))
    return lines


def write_review(path: str | os.PathLike, lines: Sequence[dict[str, str]]) -> None:
    """Write the review CSV (header :data:`REVIEW_HEADER`) atomically."""
    with atomic_output(path) as stream:
        stream.write(review_csv(lines).encode("utf-8"))


def review_csv(rows: Iterable[dict[str, str]]) -> str:
    """Render review lines as CSV text with the review header."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REVIEW_HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
