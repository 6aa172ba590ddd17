"""Resolve a name to an entity, in three stages over one compiled index:

1. **lookup** (:mod:`translitnorm.lookup`): each name part of the query to the name parts
   of the index it may be, by tier: exact (1.00) > folded (0.95) > key (0.88) > cross
   (0.86) = a host-language ending or Russian case form taken off (0.86) > fuzzy (≤ 0.82,
   only for parts no other tier found) > a translated given name (0.80);
2. **scoring** (:mod:`translitnorm.scoring`): whole entities, persons part by part
   (surname required, given names may be initials, patronymics optional, order free),
   other entities on their whole name;
3. **decision** (:mod:`translitnorm.decision`): precision first, an ID only when the best
   entity reaches the minimum score and leads the runner-up by the margin; of namesake places
   within the margin, one far more populous than the others is the answer; a one-word common
   word is not taken for a small place (see :class:`~translitnorm.decision.DecisionRule`).
"""

from __future__ import annotations

from translitnorm.common_words import is_common_word
from translitnorm.decision import (
    EXACT, FOLDED, FUZZY, Candidate, DecisionRule, Explanation, PartEvidence, QueryForms, Resolution, bounding_step,
    candidate_step, cleaning_steps, decided, decision_step, reason_against,
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
        self.has_whole_names = index.entity_types.count("person") != len(index.entity_types)
        self._stated_population: dict[str, int] | None = None

    def population(self, entity_id: str) -> int:
        """The people of a place as the lexicon's notes state it; for a gazetteer's place without a
        figure (``population:0``), ``DecisionRule.uncounted_place_population``; 0 for an entity whose
        notes state none (a person, a country, a region, a curated place): never weighed."""
        stated = self.stated_population(entity_id)
        if stated is None:
            return 0
        return stated or self.rule.uncounted_place_population

    def stated_population(self, entity_id: str) -> int | None:
        """The people of a place as the lexicon's notes state it (0: the gazetteer has no figure);
        None when they state none."""
        if self._stated_population is None:
            index = self.index
            # by the populations first: most entities state none (every person), and a million of
            # them are read here on a first ambiguous name
            ids, types = index.entity_ids, index.entity_types
            self._stated_population = {ids[number]: population for number, population in enumerate(index.populations)
                                       if population >= 0 and types[number] == "place"}
        return self._stated_population.get(entity_id)

    def _prominent(self, pool: CandidatePool, candidates: list[Candidate], single: bool,
                   below_threshold: bool = False) -> tuple[list[Candidate], str | None]:
        """When the best candidates are namesake places within the margin and one has
        ``prominence_ratio`` times the people of each other one (Donetsk, Ukraine, and the town in
        Rostov oblast), the candidates with that one first and why; else as they were and None.
        ``below_threshold``: the winner may score below the threshold (the caller then requires
        a slip that explains it)."""
        rule = self.rule
        if len(candidates) < 2 or not (self.population(candidates[0].id) and self.population(candidates[1].id)):
            return candidates, None
        every = pool.top(None)
        tied = [c for c in every if every[0].score - c.score < rule.margin]
        if len(tied) < 2:
            return candidates, None  # no namesake within the margin: nothing to weigh
        populations = [self.population(c.id) for c in tied]
        if not all(populations):
            return candidates, None
        largest = max(range(len(tied)), key=lambda number: (populations[number], -number))
        winner = tied[largest]
        others = [(population, c) for population, c in zip(populations, tied) if c is not winner]
        runner_people, runner = max(others, key=lambda item: item[0])
        # A place without a stated figure is counted at most uncounted_place_population: enough to be
        # outweighed by a city, never to outweigh anything itself.
        if not self._outweighs(winner.id, runner_people) or (winner.score < rule.threshold(single) and not below_threshold):
            return candidates, None
        why = (f"{len(others)} namesake(s) within {rule.margin} of it, but it has {self._people(winner.id)}, "
               f"≥ {rule.prominence_ratio:g}× the largest other ({runner.id}: {self._people(runner.id)})")
        return [winner] + [c for c in every if c is not winner], why

    def _common_word(self, parsed: ParsedName, candidates: list[Candidate], single: bool) -> str | None:
        """Why the best candidate of a one-word query that is a common English, German or French
        word is not given, or None. Such a word is a place's name only when it is exactly one of
        the place's own names (its display name, an exonym, a rendering of its Cyrillic name; not
        an untagged alias: Turn, of Angren) and the place has ``common_word_min_population``
        people (Paris, Moskau); never for a village (Snow: Сноў) nor by key (Bein: Beijing)."""
        word = parsed.full_tokens[0].text if single and len(parsed.tokens) == 1 else ""
        best = candidates[0] if candidates else None
        if best is None or not word or not is_common_word(word) or not self.population(best.id):
            return None
        # matched_name is "text (lang role)" (Scorer._candidate)
        role = best.matched_name.rpartition(" ")[2].rstrip(")")
        people = self.population(best.id)
        minimum = self.rule.common_word_min_population
        if best.method == EXACT and role != "alias" and people >= minimum:
            return None
        if people < minimum:
            why = f"a place of {self._people(best.id)} (< {minimum:,})"
        elif best.method != EXACT:
            why = f"found only by {best.method} evidence"
        else:
            why = "found only through an untagged alias"
        return f"'{word}' is a common word, and {best.id} {why}: the word is far likelier"

    def _people(self, entity_id: str) -> str:
        """A place's population as an explanation states it."""
        stated = self.stated_population(entity_id)
        return f"{stated:,} people" if stated else f"no population figure (counted as {self.population(entity_id):,})"

    def lookup(self, text: str, fuzzy: bool = True) -> dict[int, PartMatch]:
        """Name parts of the index that ``text`` (one name part, or a whole place name) may be."""
        return self.parts.lookup(text, fuzzy)

    def _slip(self, parsed: ParsedName, candidates: list[Candidate], single: bool) -> str | None:
        """The slip that lets a one-word name found only fuzzily have its best candidate (see
        ``PartLookup.accepted_slip``), or None."""
        if not (single and candidates and candidates[0].method == FUZZY
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
        return self.parts.accepted_slip(text, best.id, best.matched_form,
                                        lambda rival_id: self._slip_rival_set_aside(best, rival_id))

    def _slip_rival_set_aside(self, best: Candidate, rival_id: str) -> bool:
        """Whether a near name of another entity leaves a slip of the best's name unambiguous: the
        best is a place of at least ``prominence_ratio`` times the people of the rival place (a
        place without a figure counted as ``uncounted_place_population``, as in :meth:`_prominent`):
        Krasnojarks is Krasnoyarsk, not the village Krasnoyarka. Never over a person or a region
        (whose population no lexicon states)."""
        rival_people = self.population(rival_id)
        return rival_people > 0 and self._outweighs(best.id, rival_people)

    def _outweighs(self, winner_id: str, rival_people: int) -> bool:
        """The prominence test: ``winner_id`` is a place of a stated population of at least
        ``prominence_ratio`` times ``rival_people``."""
        stated = self.stated_population(winner_id)
        return bool(stated) and stated >= self.rule.prominence_ratio * rival_people

    @staticmethod
    def _elsewhere(parsed: ParsedName, candidates: list[Candidate], single: bool) -> bool:
        """Whether a one-word name found only loosely is the name of a town elsewhere (Samarra)."""
        return (single and bool(candidates) and candidates[0].method not in (EXACT, FOLDED)
                and named_elsewhere(parsed.full_tokens[0].text))

    def resolve(self, raw: str, explanation: Explanation | None = None) -> Resolution:
        """Resolve one raw name (see :meth:`translitnorm.Normaliser.resolve`); the steps are added to
        ``explanation`` when one is given (and worked out only then)."""
        parsed = parse_name(raw if isinstance(raw, str) else "")
        if explanation is not None:
            explanation.add(*cleaning_steps(parsed, _query_forms))
        if not parsed.full_tokens:
            resolution = Resolution.empty(raw)
            if explanation is not None:
                explanation.resolution = resolution
            return resolution
        rule = self.rule
        single = len(parsed.full_tokens) == 1
        # The decision needs the best two; more are worked out only when they will be shown.
        limit = max(rule.max_candidates, 2) if explanation is not None else 2
        pool = CandidatePool(self.scorer, parsed, self.has_whole_names)
        if explanation is not None and (pool.cut_parts or len(pool.initials) > MAX_INITIALS_MATCHED):
            explanation.add(bounding_step([token.text for token in pool.full], MAX_PARTS_MATCHED, len(pool.initials),
                                          MAX_INITIALS_MATCHED))
        candidates = pool.top(limit)
        slip = self._slip(parsed, candidates, single)
        elsewhere = self._elsewhere(parsed, candidates, single)
        if (limit < rule.max_candidates and len(candidates) == limit
                and reason_against(candidates, rule, single, slip, elsewhere) is not None):
            candidates = pool.top(rule.max_candidates)
            slip = self._slip(parsed, candidates, single)
        prominent = None
        reason = reason_against(candidates, rule, single, slip, elsewhere)
        if reason == "ambiguous":
            # A slip accepted for the best stands in for the threshold here too.
            candidates, prominent = self._prominent(pool, candidates, single, below_threshold=bool(slip))
        elif reason == "below-threshold" and single and len(candidates) > 1 and candidates[0].method == FUZZY:
            # One word a slip away from namesakes (Krasnojarks: Krasnoyarsk and the village
            # Krasnoyarka score alike): the far larger one, only if a slip explains it.
            reordered, why = self._prominent(pool, candidates, single, below_threshold=True)
            winner_slip = self._slip(parsed, reordered, single) if why else None
            if winner_slip:
                candidates, prominent, slip = reordered, why, winner_slip
        common_word = self._common_word(parsed, candidates, single)
        resolution = decided(raw, candidates, rule, single, slip, elsewhere, prominent, common_word)
        if explanation is not None:
            explanation.add(*(candidate_step(candidate, parsed.cleaned) for candidate in candidates[: rule.max_candidates]))
            explanation.add(decision_step(resolution, rule, single, slip, prominent, common_word))
            explanation.resolution = resolution
        return resolution


def _query_forms(text: str) -> tuple[str, QueryForms]:
    """A query part in Latin letters and the forms it is looked up by, for an explanation."""
    latin = as_latin(text)
    return latin, QueryForms(exact_form(text), folded_form(latin), matching_key(latin))
