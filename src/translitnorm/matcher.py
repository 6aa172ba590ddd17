"""Resolve a name to an entity, in three stages over one compiled index:

1. **lookup** (:mod:`translitnorm.lookup`): each name part of the query to the name parts
   of the index it may be, by tier: exact (1.00) > folded (0.95) > key (0.88) > cross
   (0.86) > fuzzy (≤ 0.82, only for parts no other tier found);
2. **scoring** (:mod:`translitnorm.scoring`): whole entities, persons part by part
   (surname required, given names may be initials, patronymics optional, order free),
   other entities on their whole name;
3. **decision** (:mod:`translitnorm.decision`): precision first, an ID only when the best
   entity reaches the minimum score and leads the runner-up by the margin.
"""

from __future__ import annotations

from translitnorm.decision import (
    Candidate, DecisionRule, Explanation, PartEvidence, Resolution, decided, describe_candidate, describe_decision,
    reason_against,
)
from translitnorm.index import CompiledIndex
from translitnorm.keys import as_latin, exact_form, folded_form, matching_key
from translitnorm.lookup import FUZZY_CEILING, FUZZY_MIN_RATIO, TIER_ORDER, TIER_SCORES, PartLookup, PartMatch
from translitnorm.scoring import CandidatePool, Scorer, language_hints
from translitnorm.text import parse_name

__all__ = [
    "FUZZY_CEILING", "FUZZY_MIN_RATIO", "TIER_ORDER", "TIER_SCORES", "Candidate", "DecisionRule", "Explanation",
    "Matcher", "PartEvidence", "PartMatch", "Resolution", "language_hints",
]


class Matcher:
    """The three stages over one compiled index (used through :class:`translitnorm.Normaliser`)."""

    def __init__(self, index: CompiledIndex, rule: DecisionRule | None = None):
        self.index = index
        self.rule = rule or DecisionRule()
        self.parts = PartLookup(index)
        self.scorer = Scorer(index, self.parts)
        # A lexicon of persons only has no whole names to look a query up as (places, organisations…).
        self.has_whole_names = any(entity_type != "person" for entity_type in index.entity_types)

    def lookup(self, text: str, fuzzy: bool = True) -> dict[int, PartMatch]:
        """Name parts of the index that ``text`` (one name part, or a whole place name) may be."""
        return self.parts.lookup(text, fuzzy)

    def resolve(self, raw: str, explanation: Explanation | None = None) -> Resolution:
        """Resolve one raw name (see :meth:`translitnorm.Normaliser.resolve`)."""
        parsed = parse_name(raw if isinstance(raw, str) else "")
        if explanation is not None:
            explanation.add("cleaned", repr(parsed.cleaned) + (f"  (set aside: {', '.join(parsed.dropped)})" if parsed.dropped else ""))
            explanation.add("parts", ", ".join(f"{t.text}{'.' if t.initial else ''}{' (initial)' if t.initial else ''}{' (before comma)' if t.surname_hint else ''}" for t in parsed.tokens) or "-")
            for token in parsed.full_tokens:
                text = token.text
                latin = as_latin(text)
                explanation.add(f"  {text}", f"exact {exact_form(text)!r}, folded {folded_form(latin)!r}, key {matching_key(latin)!r}")
        if not parsed.full_tokens:
            return Resolution.empty(raw)
        rule = self.rule
        single = len(parsed.full_tokens) == 1
        # The decision needs the best two; more are worked out only when they will be shown.
        limit = max(rule.max_candidates, 2) if explanation is not None else 2
        pool = CandidatePool(self.scorer, parsed, self.has_whole_names)
        candidates = pool.top(limit)
        if limit < rule.max_candidates and len(candidates) == limit and reason_against(candidates, rule, single) is not None:
            candidates = pool.top(rule.max_candidates)
        if explanation is not None:
            for candidate in candidates[: rule.max_candidates]:
                explanation.add(f"candidate {candidate.id}", describe_candidate(candidate))
        resolution = decided(raw, candidates, rule, single)
        if explanation is not None:
            explanation.add("decision", describe_decision(resolution, rule, single))
            explanation.resolution = resolution
        return resolution
