"""The decision: when the best candidate becomes the answer, and what a resolution says.

The last stage of the matcher (lookup → scoring → decision): :class:`DecisionRule`
holds every threshold; :func:`reason_against` says why the best :class:`Candidate`
may not be given as the ID; a :class:`Resolution` is the answer for one name and an
:class:`Explanation` the steps that led to it: each a :class:`Step` (stage, input, output,
evidence) that a program or a test reads as data and that renders to one line of text.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, field, fields, is_dataclass
from typing import TYPE_CHECKING, Callable, NamedTuple, Sequence

if TYPE_CHECKING:
    from translitnorm.text import ParsedName

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

#: How many times the people of every namesake a place must have to be told apart from them by
#: size alone: the matcher's prominence rule (DecisionRule.prominence_ratio) and the places build's
#: bare IDs (ru.kirov, not ru.kirov.<geonameid>) use this one figure; lexicons/README.md says why 10.
PROMINENCE_RATIO = 10

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
    (``no-candidates``, ``below-threshold``, ``ambiguous``, ``named-elsewhere``, ``common-word``, ``empty``).
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
    - ``prominence_ratio``: of places within the margin of the best (namesakes: Donetsk in
      Ukraine and in Rostov oblast), one with this many times the people of each other one
      is the answer; comparable towns stay ambiguous. Populations come from the lexicon's
      notes (``population:N``); an entity whose notes state none (a person, a country, a
      region, a curated place) is never weighed: it is never outweighed nor outweighs.
    - ``common_word_min_population``: a one-word query that is a common English, German or
      French word (Snow, Oil, Police; :mod:`translitnorm.common_words`) is the name of a place
      with a stated population only on exact evidence of its own name and for a place of at
      least this many people (Paris, Moskau), not for a namesake village.
    - ``uncounted_place_population``: what a gazetteer's place without a figure
      (``population:0``) counts as in both rules, as an upper bound: it can be outweighed,
      never outweigh. GeoNames gives a figure for 14,570 of the 15,550 places of the shipped
      lexicons; those without one are villages and small seats, well below a town of 15,000.

    The figures and how they were chosen: lexicons/README.md (Prominence and common words).
    """

    min_score: float = 0.80
    min_score_single: float = 0.86
    margin: float = 0.04
    max_candidates: int = 5
    prominence_ratio: float = PROMINENCE_RATIO
    common_word_min_population: int = 100_000
    uncounted_place_population: int = 15_000

    def threshold(self, single: bool) -> float:
        """The minimum score for a name of one full part (``single``) or of more."""
        return self.min_score_single if single else self.min_score


def reason_against(candidates: Sequence[Candidate], rule: DecisionRule, single: bool, slip: str | None = None,
                   elsewhere: bool = False, prominent: str | None = None, common_word: str | None = None) -> str | None:
    """Why the best candidate may not be given as the answer, or None when it may. ``slip``: the
    best of a one-word name is one slip of typing from it and no other entity is near (see
    ``PartLookup.accepted_slip``), which stands in for the single-word threshold. ``elsewhere``:
    the one word is the name of a town elsewhere and was found only loosely (see
    :mod:`translitnorm.elsewhere`). ``prominent``:
    the best is a place far more populous than every namesake within the margin (why, in words),
    which stands in for the margin. ``common_word``: the query is a common word and the best a
    small place (why, in words): no ID, reason ``common-word``.

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
    if best.score - runner_up < rule.margin and not prominent:
        return "ambiguous"
    if common_word:
        return "common-word"
    return None


def decided(query: str, candidates: Sequence[Candidate], rule: DecisionRule, single: bool,
            slip: str | None = None, elsewhere: bool = False, prominent: str | None = None,
            common_word: str | None = None) -> Resolution:
    """The resolution of ``query`` given its candidates, best first (see :func:`reason_against`)."""
    reason = reason_against(candidates, rule, single, slip, elsewhere, prominent, common_word)
    shown = tuple(candidates[: rule.max_candidates])
    if not candidates:
        return Resolution(query, None, None, 0.0, NONE, reason=reason)
    if reason is not None:
        return Resolution(query, None, None, candidates[0].score, NONE, candidates=shown, reason=reason)
    best = candidates[0]
    return Resolution(query, best.id, best.canonical, best.score, best.method, best.scheme,
                      best.matched_name, best.matched_form, shown, None)


# The stages of an explanation, in the order their steps come: what cleaning kept and set aside,
# the token noise it repaired, the name parts, each full part's matching forms, the bound on
# parts matched, each candidate shown, and the decision.
CLEANING, NORMALISING, PARTS, FORMS, BOUNDING, CANDIDATE, DECISION = (
    "cleaning", "normalising", "parts", "forms", "bounding", "candidate", "decision")
STAGES = (CLEANING, NORMALISING, PARTS, FORMS, BOUNDING, CANDIDATE, DECISION)


class QueryForms(NamedTuple):
    """The forms one query part is looked up by (see :mod:`translitnorm.keys`), strictest first."""

    exact: str
    folded: str
    key: str


@dataclass(frozen=True)
class Step:
    """One step of an explanation: the ``stage``, what it was given (``input``), what it gave
    (``output``) and the ``evidence`` for it, as fields a program or a test reads; :attr:`title`
    and :attr:`detail` render it as a line of ``translitnorm resolve --explain``.

    ============  ====================  ===============================  =====================================
    stage         input                 output                           evidence
    ============  ====================  ===============================  =====================================
    cleaning      the name as given     the cleaned text                 set_aside: titles, acronyms…
    normalising   the name as given     the cleaned text                 repairs: the token noise undone
    parts         the cleaned text      the parts (:class:`~translitnorm.text.Token`)
    forms         one full name part    its :class:`QueryForms`          latin: the part read in Latin letters
    bounding      the full name parts   those matched                    max_parts, max_initials, parts_cut,
                                                                         initials_cut
    candidate     the cleaned text      the entity ID                    canonical, score, method, scheme,
                                                                         matched_name, matched_form, parts
                                                                         (:class:`PartEvidence` each)
    decision      the candidates' IDs   the ID given, or None            canonical, score, method, reason,
                  shown, best first                                      threshold, margin, single, slip,
                                                                         prominent, common_word
    ============  ====================  ===============================  =====================================

    >>> step = Step(FORMS, "Bakijew", QueryForms("bakijew", "bakijew", "bakiev"), {"latin": "Bakijew"})
    >>> step.output.key, step.title, step.detail
    ('bakiev', '  Bakijew', "exact 'bakijew', folded 'bakijew', key 'bakiev'")
    """

    stage: str
    input: object
    output: object
    evidence: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        """The step's name in the text of an explanation."""
        if self.stage == FORMS:
            return f"  {self.input}"
        if self.stage == CANDIDATE:
            return f"candidate {self.output}"
        return _TITLES[self.stage]

    @property
    def detail(self) -> str:
        """What the step found, as the text of an explanation says it."""
        return _DETAILS[self.stage](self)

    def as_dict(self) -> dict:
        """A JSON-ready dict: the fields (named tuples and dataclasses as objects) and the text's ``step`` and ``detail``.

        >>> Step(CLEANING, "Mr. Bakiev", "Bakiev", {"set_aside": ("Mr",)}).as_dict()["evidence"]
        {'set_aside': ['Mr']}
        """
        return {"stage": self.stage, "input": _plain(self.input), "output": _plain(self.output),
                "evidence": _plain(self.evidence), "step": self.title, "detail": self.detail}


def _plain(value):
    """``value`` as JSON holds it: named tuples and dataclasses as objects, tuples as lists."""
    if hasattr(value, "_asdict"):
        value = value._asdict()
    elif is_dataclass(value) and not isinstance(value, type):
        value = {item.name: getattr(value, item.name) for item in fields(value)}
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


def cleaning_steps(parsed: ParsedName, forms: Callable[[str], tuple[str, QueryForms]]) -> list[Step]:
    """The steps of cleaning ``parsed`` and reading its full parts; ``forms(part)`` gives the part
    in Latin letters and the forms it is looked up by. A name with no part left ends here, and its
    repairs are not shown (nothing was looked up)."""
    steps = [Step(CLEANING, parsed.original, parsed.cleaned, {"set_aside": parsed.dropped})]
    if parsed.normalised and parsed.full_tokens:
        steps.append(Step(NORMALISING, parsed.original, parsed.cleaned, {"repairs": parsed.normalised}))
    steps.append(Step(PARTS, parsed.cleaned, parsed.tokens))
    for token in parsed.full_tokens:
        latin, query_forms = forms(token.text)
        steps.append(Step(FORMS, token.text, query_forms, {"latin": latin}))
    return steps


def bounding_step(parts: Sequence[str], matched: int, initials: int, max_initials: int) -> Step:
    """The step saying that only the first ``matched`` of the full ``parts`` and ``max_initials``
    of the ``initials`` were matched."""
    return Step(BOUNDING, tuple(parts), tuple(parts[:matched]),
                {"max_parts": matched, "max_initials": max_initials, "parts_cut": max(0, len(parts) - matched),
                 "initials_cut": max(0, initials - max_initials)})


def candidate_step(candidate: Candidate, query: str) -> Step:
    """The step showing one candidate for the cleaned ``query``: its score and evidence."""
    return Step(CANDIDATE, query, candidate.id, {
        "canonical": candidate.canonical, "score": candidate.score, "method": candidate.method,
        "scheme": candidate.scheme, "matched_name": candidate.matched_name, "matched_form": candidate.matched_form,
        "parts": candidate.parts})


def decision_step(resolution: Resolution, rule: DecisionRule, single: bool, slip: str | None = None,
                  prominent: str | None = None, common_word: str | None = None) -> Step:
    """The step of the decision: the ID given and why, or why none was. ``prominent`` says why a far
    larger namesake place won a tie; ``common_word`` why a common word got no small place's ID."""
    return Step(DECISION, tuple(c.id for c in resolution.candidates), resolution.id, {
        "canonical": resolution.canonical, "score": resolution.score, "method": resolution.method,
        "reason": resolution.reason, "threshold": rule.threshold(single), "margin": rule.margin, "single": single,
        "slip": slip, "prominent": prominent, "common_word": common_word})


def _parts_detail(step: Step) -> str:
    return ", ".join(f"{t.text}{'.' if t.initial else ''}{' (initial)' if t.initial else ''}"
                     f"{' (before comma)' if t.surname_hint else ''}" for t in step.output) or "-"


def _candidate_detail(step: Step) -> str:
    found = step.evidence
    parts = "; ".join(f"{q} → {slot} ({tier} {score:.2f}{', ' + note if note else ''})"
                      for q, slot, tier, score, note in found["parts"])
    via = f" via {found['scheme']}" if found["scheme"] else ""
    return f"{found['score']:.3f}  {found['matched_name']} as {found['matched_form']!r}{via}  [{parts}]"


def _decision_detail(step: Step) -> str:
    found, given = step.evidence, step.output
    threshold, margin, score = found["threshold"], found["margin"], found["score"]
    if given and found["prominent"]:
        slip = f"; one word found fuzzily, one slip ({found['slip']}) from it" if found["slip"] and score < threshold else ""
        return f"{given} ({found['canonical']}), score {score:.3f}: {found['prominent']}{slip}"
    if given and found["slip"] and score < threshold:
        return (f"{given} ({found['canonical']}), score {score:.3f}: one word found fuzzily, "
                f"one slip ({found['slip']}) from it, and no other surname or place near it in the lexicon")
    if given:
        return f"{given} ({found['canonical']}), score {score:.3f} ≥ {threshold} and leads by ≥ {margin}"
    reasons = {
        "empty": "no name left after cleaning",
        "no-candidates": "no entity fits",
        "below-threshold": f"best score {score:.3f} is below {threshold}" + (" (one-word names need key-level evidence)" if found["single"] else ""),
        "named-elsewhere": "one word found only loosely, and written as the name of a town elsewhere "
                           "(names_elsewhere.txt): another place, not a spelling of this one",
        "ambiguous": f"the best two are within {margin} of each other: " + ", ".join(step.input[:3]),
        "common-word": found["common_word"] or "a common word, and the place a small one",
    }
    return "no ID: " + reasons[found["reason"] or "no-candidates"]


_TITLES = {CLEANING: "cleaned", NORMALISING: "normalised", PARTS: "parts", BOUNDING: "bounded", DECISION: "decision"}
_DETAILS: dict[str, Callable[[Step], str]] = {
    CLEANING: lambda step: repr(step.output) + (f"  (set aside: {', '.join(step.evidence['set_aside'])})"
                                                 if step.evidence["set_aside"] else ""),
    NORMALISING: lambda step: "; ".join(step.evidence["repairs"]),
    PARTS: _parts_detail,
    FORMS: lambda step: f"exact {step.output.exact!r}, folded {step.output.folded!r}, key {step.output.key!r}",
    BOUNDING: lambda step: (f"only the first {step.evidence['max_parts']} name parts and {step.evidence['max_initials']} "
                            f"initials are matched; {step.evidence['parts_cut']} parts and "
                            f"{step.evidence['initials_cut']} initials more count as unmatched"),
    CANDIDATE: _candidate_detail,
    DECISION: _decision_detail,
}


@dataclass
class Explanation:
    """The steps of one resolution (:class:`Step`: stage, input, output, evidence), its
    :class:`Resolution`, and their text: one line per step, as ``translitnorm resolve --explain``
    prints it (``str(explanation)``).

    >>> explanation = Explanation("Mr. Bakiev", [Step(CLEANING, "Mr. Bakiev", "Bakiev", {"set_aside": ("Mr",)})])
    >>> [step.output for step in explanation.of_stage(CLEANING)]
    ['Bakiev']
    >>> print(explanation)
    cleaned  'Bakiev'  (set aside: Mr)
    """

    query: str
    steps: list[Step] = field(default_factory=list)
    resolution: Resolution | None = None

    def add(self, *steps: Step) -> None:
        """Append steps, in the order they were taken."""
        self.steps.extend(steps)

    def of_stage(self, stage: str) -> list[Step]:
        """The steps of one stage (one of :data:`STAGES`), in order."""
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}; stages are: {', '.join(STAGES)}")
        return [step for step in self.steps if step.stage == stage]

    def as_dict(self) -> dict:
        """A JSON-ready dict: the query, every step (see :meth:`Step.as_dict`) and the resolution."""
        return {"query": self.query, "steps": [step.as_dict() for step in self.steps],
                "resolution": self.resolution.as_dict() if self.resolution is not None else None}

    def __str__(self) -> str:
        lines = [(step.title, step.detail) for step in self.steps]
        width = max((len(title) for title, _ in lines), default=0)
        return "\n".join(f"{title.ljust(width)}  {detail}" for title, detail in lines)
