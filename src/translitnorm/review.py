"""The review file: the distinct names a person should decide on, and what each resolved to.

``translitnorm clean --review`` writes it and ``translitnorm lexicon suggest`` prints it
(:mod:`translitnorm.clean`, :mod:`translitnorm.maintain`); ``lexicon apply`` reads the
decisions back. Its columns are :data:`REVIEW_HEADER`; one line per name with no ID that is
ambiguous, below the threshold by a score worth showing, or in a new cluster of several rows.
"""

from __future__ import annotations

import csv
import functools
import io
import os
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from translitnorm.backtranslit import likely_cyrillic
from translitnorm.batch import WorkerPool, resolve_each
from translitnorm.cluster import Cluster, NameKeys, name_keys
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
    #: What clustering needs of a name with no ID (:func:`translitnorm.cluster.name_keys`), when asked
    #: for: worked out by the process that resolved it, so reading the name into Cyrillic, most of the
    #: cost of clustering, is shared among the processes as the resolving is.
    cluster_keys: NameKeys | None = None
    #: The Cyrillic source the review file suggests for the name (:func:`~translitnorm.backtranslit.likely_cyrillic`), when asked
    #: for and the name may be listed as a new cluster's, for the same reason.
    source: str | None = None

    @classmethod
    def of(cls, resolution: Resolution) -> "Outcome":
        candidates = tuple((c.id, round(c.score, 4)) for c in resolution.candidates)
        if resolution.id:
            return cls(resolution.id, resolution.canonical, resolution.score, resolution.method, None, candidates)
        method = EMPTY if resolution.reason == "empty" else NONE
        return cls(None, None, resolution.score, method, resolution.reason, candidates)


def resolve_distinct(normaliser: "Normaliser", names: Iterable[str], *, jobs: int | None = 1,
                     progress: Progress | None = None, pool: WorkerPool | None = None,
                     cluster_lang: str | None = None, source_min_score: float | None = None) -> dict[str, Outcome]:
    """Resolve each distinct name once, in up to ``jobs`` processes (None: one per core) when there
    are enough names (see :data:`translitnorm.batch.PARALLEL_MIN_NAMES`).

    With ``cluster_lang``, each name that gets no ID is also read for clustering in that language
    (:attr:`Outcome.cluster_keys`); with ``source_min_score`` (the review's ``min_score``), each that may be
    listed as a new cluster's gets its suggested source (:attr:`Outcome.source`).

    The result does not depend on ``jobs``: every name is resolved (and read) on its own.

    >>> resolve_distinct(Normaliser.default(), ["Bakiev", "Bakijew"])["Bakijew"].id   # doctest: +SKIP
    'kg.bakiev.kurmanbek'
    """
    ordered = sorted(set(names))  # neighbouring names share parts: warm look-up caches per task
    report = (lambda done, total: progress("resolving", done, total)) if progress else None
    convert = Outcome.of
    if cluster_lang is not None or source_min_score is not None:
        convert = functools.partial(_outcome_read, cluster_lang=cluster_lang, source_min_score=source_min_score)
    outcomes = resolve_each(normaliser, ordered, jobs=jobs, progress=report, convert=convert, pool=pool)
    return dict(zip(ordered, outcomes))


def _outcome_read(resolution: Resolution, *, cluster_lang: str | None, source_min_score: float | None) -> Outcome:
    """The outcome of a resolution, and for a name with no ID its reading and suggested source (see
    :func:`resolve_distinct`): the same, name by name, whichever process makes it."""
    outcome = Outcome.of(resolution)
    if outcome.method != NONE:
        return outcome
    name = resolution.query
    keys = name_keys(name, cluster_lang) if cluster_lang is not None else None
    may_be_listed = source_min_score is not None and _reason(outcome, source_min_score, True) == "new-cluster"
    source = likely_cyrillic(name) if may_be_listed and not is_cyrillic(name) else None
    return replace(outcome, cluster_keys=keys, source=source)


def _reason(outcome: Outcome, min_score: float, in_big_cluster: bool) -> str | None:
    """Why a name with no ID is listed for review (one of :data:`REVIEW_REASONS`), or None."""
    if outcome.reason == "ambiguous":
        return "ambiguous"
    if outcome.reason == "below-threshold" and outcome.score >= min_score:
        return "below-threshold"
    return "new-cluster" if in_big_cluster else None


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
            reason = _reason(outcome, min_score, group is not None and group.count >= min_rows)
            if reason is None:
                continue
            suggested = outcome.candidates[0] if outcome.candidates and reason != "new-cluster" else None
            lines.append({
                "column": column, "name": name, "count": str(count), "reason": reason,
                "suggested_id": suggested[0] if suggested else "",
                "score": f"{outcome.score:.4f}" if outcome.candidates else "",
                "candidates": "; ".join(f"{cid} {score:.2f}" for cid, score in outcome.candidates),
                "cluster": group.id if group else "",
                # the Cyrillic name a new entity would have as its source (lexicon apply writes it)
                "suggested_source": _suggested_source(name, outcome) if reason == "new-cluster" else "",
                "decision": "", "target_id": "", "type": "", "lang": "",
            })
    lines.sort(key=lambda line: (-int(line["count"]), line["name"], line["column"]))
    return lines


def _suggested_source(name: str, outcome: Outcome) -> str:
    if is_cyrillic(name):
        return ""
    return outcome.source if outcome.source is not None else likely_cyrillic(name)


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
