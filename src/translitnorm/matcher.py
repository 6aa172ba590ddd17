"""Resolve a name to an entity, in three stages over one compiled index:

1. **lookup** (:mod:`translitnorm.lookup`): each name part of the query to the name parts
   of the index it may be, by tier: exact (1.00) > folded (0.95) > key (0.88) > cross
   (0.86) = a host-language ending or Russian case form taken off (0.86) > fuzzy (≤ 0.82,
   only for parts no other tier found) > a translated given name (0.80);
2. **scoring** (:mod:`translitnorm.scoring`): whole entities, persons part by part
   (surname required, given names may be initials, patronymics optional, order free),
   other entities on their whole name;
3. **decision** (:mod:`translitnorm.decision`): precision first, an ID only when the best
   entity reaches the minimum score and leads the runner-up by the margin.
"""

from __future__ import annotations

from translitnorm.decision import (
    EXACT, FOLDED, Candidate, DecisionRule, Explanation, PartEvidence, Resolution, decided, describe_candidate, describe_decision,
    reason_against,
)
from translitnorm.elsewhere import named_elsewhere
from translitnorm.index import CompiledIndex
from translitnorm.keys import as_latin, exact_form, folded_form, matching_key
from translitnorm.lookup import FUZZY_CEILING, FUZZY_MIN_RATIO, TIER_ORDER, TIER_SCORES, PartLookup, PartMatch
from translitnorm.scoring import MAX_INITIALS_MATCHED, MAX_PARTS_MATCHED, CandidatePool, Scorer, language_hints
from translitnorm.text import ParsedName, parse_name

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

    def _slip(self, parsed: ParsedName, candidates: list[Candidate], single: bool) -> str | None:
        """The slip that lets a one-word name found only fuzzily have its best candidate (see
        ``PartLookup.accepted_slip``), or None."""
        if not (single and candidates and candidates[0].method == "fuzzy"
                and candidates[0].score < self.rule.threshold(single)):
            return None
        best = candidates[0]
        text = parsed.full_tokens[0].text
        # The near spelling must be one an English or international scheme gives, or one of a
        # language the query's letters show: Timchenko is one letter from the French rendering
        # of Тимошенко (Timochenko), but nothing in it is French.
        target = self.scorer.scheme_target(best.scheme) if best.scheme else None
        if target is not None and target not in ("en", "intl") and target not in language_hints(text):
            return None
        return self.parts.accepted_slip(text, best.id, best.matched_form)

    @staticmethod
    def _elsewhere(parsed: ParsedName, candidates: list[Candidate], single: bool) -> bool:
        """Whether a one-word name found only loosely is the name of a town elsewhere (Samarra)."""
        return (single and bool(candidates) and candidates[0].method not in (EXACT, FOLDED)
                and named_elsewhere(parsed.full_tokens[0].text))

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
        if explanation is not None:
            if parsed.normalised:
                explanation.steps.insert(1, ("normalised", "; ".join(parsed.normalised)))
            cut_initials = max(0, len(pool.initials) - MAX_INITIALS_MATCHED)
            if pool.cut_parts or cut_initials:
                explanation.add("bounded", f"only the first {MAX_PARTS_MATCHED} name parts and {MAX_INITIALS_MATCHED} initials are "
                                           f"matched; {pool.cut_parts} parts and {cut_initials} initials more count as unmatched")
        candidates = pool.top(limit)
        slip = self._slip(parsed, candidates, single)
        elsewhere = self._elsewhere(parsed, candidates, single)
        if (limit < rule.max_candidates and len(candidates) == limit
                and reason_against(candidates, rule, single, slip, elsewhere) is not None):
            candidates = pool.top(rule.max_candidates)
            slip = self._slip(parsed, candidates, single)
        if explanation is not None:
            for candidate in candidates[: rule.max_candidates]:
                explanation.add(f"candidate {candidate.id}", describe_candidate(candidate))
        resolution = decided(raw, candidates, rule, single, slip, elsewhere)
        if explanation is not None:
            explanation.add("decision", describe_decision(resolution, rule, single, slip))
            explanation.resolution = resolution
        return resolution
