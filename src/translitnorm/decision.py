"""The decision: when the best candidate becomes the answer, and what a resolution says.

The last stage of the matcher (lookup → scoring → decision): :class:`DecisionRule`
holds every threshold; :func:`reason_against` says why the best :class:`Candidate`
may not be given as the ID; a :class:`Resolution` is the answer for one name and an
:class:`Explanation` the steps that led to it.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, field
from typing import Callable, NamedTuple, Sequence

# The methods of a resolution (Resolution.method, the method column of every output), one place
# for batch tables, clean's files, Spark columns and the review file.
EXACT, FOLDED, KEY, CROSS, FUZZY = "exact", "folded", "key", "cross", "fuzzy"
# A host-language ending taken off (Čehovs), a place's Russian case form or adjective
# (Новосибирске, Krasnodarskiy), a given name translated (Leo for Лев): see lookup.py.
ENDING, PLACE_FORM, TRANSLATED = "ending", "place-form", "translated"
#: The evidence tiers, strongest first: the method of a resolution with an ID is its weakest.
TIERS = (EXACT, FOLDED, KEY, CROSS, ENDING, PLACE_FORM, TRANSLATED, FUZZY)
#: No ID (``reason`` says why), and nothing to resolve (None, blank, only a title).
NONE, EMPTY = "none", "empty"
METHODS = TIERS + (NONE, EMPTY)

#: What every output carries for a name, in order: a result table all of them; the columns that
#: ``translitnorm clean`` and :mod:`translitnorm.spark` add for a name column (``<column>_id``…)
#: all but the scheme.
RESULT_FIELDS = ("id", "canonical", "score", "method", "scheme")
ADDED_FIELDS = tuple(name for name in RESULT_FIELDS if name != "scheme")


class PartEvidence(NamedTuple):
    """How one part of the query was matched to a candidate (see :attr:`Candidate.parts`)."""

    query: str  # the query part as written ("K." for an initial)
    slot: str  # the slot it fills: "surname", "given name initial", "whole name", "unmatched"…
    tier: str  # one of TIERS; "initial" for an initial; "-" when unmatched
    score: float
    note: str  # the cross-language correspondences that produced the form, if any


class Candidate:
    """An entity that fits the query, with its score and the evidence for it.

    Immutable, compared and hashed by its fields like a frozen dataclass. ``scheme`` (the
    convention that explains the spelling) and ``parts`` (per query part: slot, tier, score,
    correspondence) may be given as functions that work them out when first read: most
    candidates of a large batch are never looked at beyond their ID and score.

    >>> Candidate("kg.bishkek", "Bishkek", 1.0, "exact", "ky-bgn", "Бишкек (ky source)", "bishkek").scheme
    'ky-bgn'
    """

    __slots__ = ("id", "canonical", "score", "method", "_scheme", "matched_name", "matched_form", "_parts")
    _FIELDS = ("id", "canonical", "score", "method", "scheme", "matched_name", "matched_form", "parts")

    id: str
    canonical: str
    score: float
    method: str
    matched_name: str
    matched_form: str

    def __init__(self, id: str, canonical: str, score: float, method: str,
                 scheme: "str | None | Callable[[], str | None]", matched_name: str, matched_form: str,
                 parts: "tuple[PartEvidence, ...] | Callable[[], tuple[PartEvidence, ...]]" = ()):
        set_field = object.__setattr__
        set_field(self, "id", id)
        set_field(self, "canonical", canonical)
        set_field(self, "score", score)
        set_field(self, "method", method)
        set_field(self, "_scheme", scheme)
        set_field(self, "matched_name", matched_name)
        set_field(self, "matched_form", matched_form)
        set_field(self, "_parts", parts)

    def __setattr__(self, name: str, value) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    @property
    def scheme(self) -> str | None:
        """The romanisation scheme that produced the matched spelling (None: a Cyrillic or Latin lexicon name as written)."""
        return self._worked_out("_scheme")

    @property
    def parts(self) -> tuple[PartEvidence, ...]:
        """(query part, slot, tier, score, correspondence) for each part of the query."""
        return self._worked_out("_parts")

    def _worked_out(self, slot: str):
        value = object.__getattribute__(self, slot)
        if callable(value):
            value = value()
            object.__setattr__(self, slot, value)
        return value

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._FIELDS)

    def __eq__(self, other) -> bool:
        if other.__class__ is not Candidate:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return "Candidate(" + ", ".join(f"{name}={value!r}" for name, value in zip(self._FIELDS, self._values())) + ")"

    def __reduce__(self):
        return (Candidate, self._values())


@dataclass(frozen=True)
class Resolution:
    """The answer for one name: an entity ID, or no ID and the candidates a person should see.

    ``method`` is ``exact``, ``folded``, ``key``, ``cross`` (another Cyrillic language's
    form), ``ending`` (a host-language ending taken off), ``place-form`` (a place's Russian
    case form or adjective), ``translated`` (a translated given name), ``fuzzy`` (the
    weakest evidence used), ``none``, or ``empty`` for a name with
    nothing left to match (None, blank, only a title); ``reason`` says why no ID was given
    (``no-candidates``, ``below-threshold``, ``ambiguous``, ``named-elsewhere``, ``empty``).
    ``candidates`` ranks up to ``DecisionRule.max_candidates`` entities when no ID was
    given, and the winner with its runner-up when one was.
    """

    query: str
    id: str | None
    canonical: str | None
    score: float
    method: str
    scheme: str | None = None
    matched_name: str | None = None
    matched_form: str | None = None
    candidates: tuple[Candidate, ...] = ()
    reason: str | None = None

    @property
    def matched(self) -> bool:
        return self.id is not None

    def result_row(self) -> tuple:
        """The :data:`RESULT_FIELDS` of the resolution as tables and files carry them: a score only
        with an ID (the candidates of a name without one, and their scores, stay in the Resolution).

        >>> Resolution("", None, None, 0.0, EMPTY, reason="empty").result_row()
        (None, None, None, 'empty', None)
        """
        return self.id, self.canonical, self.score if self.id is not None else None, self.method, self.scheme

    @classmethod
    def empty(cls, query: str) -> "Resolution":
        """The resolution of a name with nothing left to match."""
        return cls(query, None, None, 0.0, EMPTY, reason="empty")

    def as_dict(self) -> dict:
        """A JSON-ready dict of the resolution and its candidates."""
        return {
            "query": self.query, "id": self.id, "canonical": self.canonical, "score": round(self.score, 4),
            "method": self.method, "scheme": self.scheme, "matched_name": self.matched_name,
            "matched_form": self.matched_form, "reason": self.reason,
            "candidates": [{"id": c.id, "canonical": c.canonical, "score": round(c.score, 4), "method": c.method,
                            "scheme": c.scheme, "matched_name": c.matched_name} for c in self.candidates],
        }


@dataclass(frozen=True)
class DecisionRule:
    """When an ID is given. Precision first: a wrong ID is worse than no ID.

    - ``min_score``: the best entity must score at least this (names of two or more parts);
    - ``min_score_single``: the same for a name with one full part ("Bakiev", "Almaty"),
      stricter because one fuzzy word is where false answers come from: the default
      lies above the fuzzy ceiling, so a single word needs key-level evidence or better;
    - ``margin``: the best must lead the runner-up (another entity) by at least this.
      Kept below the gap between evidence tiers, so an exact match beats a key match.
    """

    min_score: float = 0.80
    min_score_single: float = 0.86
    margin: float = 0.04
    max_candidates: int = 5

    def threshold(self, single: bool) -> float:
        """The minimum score for a name of one full part (``single``) or of more."""
        return self.min_score_single if single else self.min_score


def reason_against(candidates: Sequence[Candidate], rule: DecisionRule, single: bool, slip: str | None = None,
                   elsewhere: bool = False) -> str | None:
    """Why the best candidate may not be given as the answer, or None when it may. ``slip``: the
    best of a one-word name is one slip of typing from it and no other entity is near (see
    ``PartLookup.accepted_slip``), which stands in for the single-word threshold. ``elsewhere``:
    the one word is the name of a town elsewhere and was found only loosely (see
    :mod:`translitnorm.elsewhere`).

    >>> best, close = Candidate("a", "A", 0.9, "key", None, "", ""), Candidate("b", "B", 0.88, "key", None, "", "")
    >>> reason_against([best, close], DecisionRule(), single=False), reason_against([best], DecisionRule(), single=False)
    ('ambiguous', None)
    """
    if not candidates:
        return "no-candidates"
    best = candidates[0]
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    if best.score < rule.threshold(single) and not (single and slip):
        return "below-threshold"
    if single and elsewhere and best.method not in (EXACT, FOLDED):
        return "named-elsewhere"
    if best.score - runner_up < rule.margin:
        return "ambiguous"
    return None


def decided(query: str, candidates: Sequence[Candidate], rule: DecisionRule, single: bool,
            slip: str | None = None, elsewhere: bool = False) -> Resolution:
    """The resolution of ``query`` given its candidates, best first."""
    reason = reason_against(candidates, rule, single, slip, elsewhere)
    shown = tuple(candidates[: rule.max_candidates])
    if not candidates:
        return Resolution(query, None, None, 0.0, NONE, reason=reason)
    if reason is not None:
        return Resolution(query, None, None, candidates[0].score, NONE, candidates=shown, reason=reason)
    best = candidates[0]
    return Resolution(query, best.id, best.canonical, best.score, best.method, best.scheme,
                      best.matched_name, best.matched_form, shown, None)


@dataclass
class Explanation:
    """The steps of one resolution, readable by a person and checkable by a test."""

    query: str
    steps: list[tuple[str, str]] = field(default_factory=list)
    resolution: Resolution | None = None

    def add(self, title: str, detail: str) -> None:
        self.steps.append((title, detail))

    def __str__(self) -> str:
        width = max((len(title) for title, _ in self.steps), default=0)
        lines = [f"{title.ljust(width)}  {detail}" for title, detail in self.steps]
        return "\n".join(lines)


def describe_candidate(candidate: Candidate) -> str:
    """One candidate as a line of an explanation: score, matched name and form, scheme, parts."""
    parts = "; ".join(f"{q} → {slot} ({tier} {score:.2f}{', ' + note if note else ''})"
                      for q, slot, tier, score, note in candidate.parts)
    via = f" via {candidate.scheme}" if candidate.scheme else ""
    return f"{candidate.score:.3f}  {candidate.matched_name} as {candidate.matched_form!r}{via}  [{parts}]"


def describe_decision(resolution: Resolution, rule: DecisionRule, single: bool, slip: str | None = None) -> str:
    """The decision as a line of an explanation: the ID and why, or why no ID."""
    threshold = rule.threshold(single)
    if resolution.id and slip and resolution.score < threshold:
        return (f"{resolution.id} ({resolution.canonical}), score {resolution.score:.3f}: one word found fuzzily, "
                f"one slip ({slip}) from it, and no other surname or place near it in the lexicon")
    if resolution.id:
        return f"{resolution.id} ({resolution.canonical}), score {resolution.score:.3f} ≥ {threshold} and leads by ≥ {rule.margin}"
    reasons = {
        "empty": "no name left after cleaning",
        "no-candidates": "no entity fits",
        "below-threshold": f"best score {resolution.score:.3f} is below {threshold}" + (" (one-word names need key-level evidence)" if single else ""),
        "named-elsewhere": "one word found only loosely, and written as the name of a town elsewhere "
                           "(names_elsewhere.txt): another place, not a spelling of this one",
        "ambiguous": f"the best two are within {rule.margin} of each other: " + ", ".join(c.id for c in resolution.candidates[:3]),
    }
    return "no ID: " + reasons[resolution.reason or "no-candidates"]
