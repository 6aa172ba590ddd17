"""Scoring, the second stage of the matcher: from the part matches of a query to ranked candidates.

Person names are scored part by part: each query part takes a distinct slot of the
entity (surname required, given names may be initials, patronymics optional, order
free), a score is Σ weight · part score / (Σ weight + penalties for parts that fit
nothing). Other entities (places, organisations…) are scored on their whole name.
:class:`CandidatePool` takes the entities best bound first, so most are never scored,
and describes as a :class:`~translitnorm.decision.Candidate` only those that are shown.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Callable, Iterator, NamedTuple, Sequence

from translitnorm.decision import PLACE_FORM, TRANSLATED, Candidate, PartEvidence
from translitnorm.index import (
    CYRILLIC_SCHEME, GIVEN, LEXICON_SCHEME, OTHER, PATRONYMIC, SLOT_NAMES, SURNAME, WHOLE, CompiledIndex,
)
from translitnorm.keys import as_latin, exact_form
from translitnorm.lookup import TIER_ORDER, PartLookup, PartMatch, strong
from translitnorm.romanise import schemes
from translitnorm.text import ParsedName, Token

SLOT_WEIGHTS = {SURNAME: 0.6, GIVEN: 0.3, PATRONYMIC: 0.15, OTHER: 0.15}
INITIAL_WEIGHT = 0.1
# What a query part that fits no slot of the entity costs: a full given name that
# disagrees ("Maxim Bakiyev" is not Kurmanbek Bakiyev) must sink the score.
UNMATCHED_PART_PENALTY = 0.3
UNMATCHED_INITIAL_PENALTY = 0.3
# The work per name is bounded (issue 13): a person has at most a handful of name parts, and
# trying every slot for every part grows as 5^parts; beyond these, parts and initials are
# counted as unmatched (said in explain()), which keeps any cell within milliseconds.
MAX_PARTS_MATCHED = 6
MAX_INITIALS_MATCHED = 4
# How many initials a person's name can take: the given name's and the patronymic's (see _initial_assignments).
MOST_INITIALS_PLACED = 2


class SlotOption(NamedTuple):
    """A slot of an entity that a query part can fill, through which name part and match."""

    slot: int
    part: int
    name: int  # which of the entity's names the part belongs to
    match: PartMatch


class PersonScore(NamedTuple):
    """The best assignment of a query's parts to one person's slots."""

    score: float
    entity: int
    chosen: tuple[SlotOption | None, ...]  # per full query part: the slot it fills, or None
    initial_slots: tuple[int | None, ...]  # per initial: the slot it stands for, or None


class PlaceScore(NamedTuple):
    """The best-matched whole name of a place (or organisation…)."""

    score: float
    entity: int
    match: PartMatch
    name: int
    part: int


class Assignment(NamedTuple):
    """The result of :func:`best_assignment`."""

    score: float
    positions: tuple[int | None, ...]  # per query part: the position of its chosen option, or None
    initial_slots: tuple[int | None, ...]


def initial_letters(text: str) -> tuple[str, str]:
    """An initial as written and in Latin letters (Ж. → ж, zh), as the index's part initials hold them."""
    return exact_form(text), exact_form(as_latin(text))


class Scorer:
    """Scores entities of one index against a query's part matches, and describes the shown ones."""

    def __init__(self, index: CompiledIndex, lookup: PartLookup):
        self.index = index
        self.lookup = lookup
        self._scheme_choice: dict[tuple[int, frozenset[str]], str] = {}  # few distinct scheme sets and hints
        known = {scheme.id: scheme.target for scheme in schemes()}
        self._scheme_targets = [known.get(scheme_id, "") for scheme_id in index.scheme_ids]
        # Which scheme to name when several produce the same spelling: English-language
        # press spellings first, then international standards (BGN/PCGN first), then the rest.
        self._scheme_base_rank = [
            ({"en": 0, "intl": 1}.get(target, 2), 0 if scheme_id.endswith("-bgn") else 1, scheme_id)
            for scheme_id, target in zip(index.scheme_ids, self._scheme_targets)]

    def scheme_target(self, scheme_id: str) -> str:
        """The language a scheme writes for ("en", "fr", "intl" …), "" when unknown."""
        return dict(zip(self.index.scheme_ids, self._scheme_targets)).get(scheme_id, "")

    # -- persons ----------------------------------------------------------------------

    def options(self, entity: int, token_matches: list[dict[int, PartMatch]]) -> list[list[SlotOption]]:
        """For each query part, the entity's slots it can fill (the best match per slot)."""
        parts = self.index.parts_of(entity)
        options = []
        for matches in token_matches:
            best: dict[int, SlotOption] = {}
            for part, name, slot in parts:
                match = matches.get(part)
                if match is None or slot == WHOLE or match.tier == PLACE_FORM or (match.tier == TRANSLATED and slot != GIVEN):
                    continue
                current = best.get(slot)
                if current is None or (match.score, match.romanised) > (current.match.score, current.match.romanised):
                    best[slot] = SlotOption(slot, part, name, match)
            options.append(list(best.values()))
        return options

    def score_person(self, entity: int, letters: list[tuple[str, str]], options: list[list[SlotOption]],
                     fitting: tuple[tuple[int, ...], ...] | None = None) -> PersonScore | None:
        """The entity's score for the query (its initials' ``letters``, its parts' ``options``), or None
        when no assignment gives the entity's surname; described only if shown (:meth:`person_candidate`).
        ``fitting``: :meth:`initial_options` of the first MAX_INITIALS_MATCHED letters, when known."""
        if fitting is None and letters:
            fitting = self.initial_options(entity, letters[:MAX_INITIALS_MATCHED])
        initial_options = (fitting + ((),) * max(0, len(letters) - MAX_INITIALS_MATCHED)) if letters else ()
        signature = tuple(tuple((option.slot, option.match.score) for option in token_options) for token_options in options)
        best = best_assignment(signature, initial_options)
        if best is None:
            return None
        chosen = tuple(None if position is None else token_options[position]
                       for position, token_options in zip(best.positions, options))
        return PersonScore(best.score, entity, chosen, best.initial_slots)

    def initial_options(self, entity: int, letters: list[tuple[str, str]]) -> tuple[tuple[int, ...], ...]:
        """For each initial of the query, the entity's slots (given name, patronymic) it can stand for."""
        index = self.index
        parts = index.parts_of(entity)
        fitting = []
        for letter, latin in letters:
            fits = []
            for slot in (GIVEN, PATRONYMIC):
                for part, _, part_slot in parts:
                    if part_slot != slot:
                        continue
                    part_letters = index.part_initials[part]
                    if letter[:1] in part_letters or latin[:1] in part_letters or exact_form(index.parts[part]).startswith(letter):
                        fits.append(slot)
                        break
            fitting.append(tuple(fits))
        return tuple(fitting)

    def person_candidate(self, scored: PersonScore, full: Sequence[Token], initials: Sequence[Token], query: str) -> Candidate:
        chosen = [option for option in scored.chosen if option]
        surname = next(option for option in chosen if option.slot == SURNAME)
        weakest = max((option.match.tier for option in chosen), key=TIER_ORDER.index)

        def parts() -> tuple[PartEvidence, ...]:
            described = [PartEvidence(token.text, SLOT_NAMES[option.slot], option.match.tier, round(option.match.score, 4),
                                      self.lookup.note(option.match, option.part))
                         if option else PartEvidence(token.text, "unmatched", "-", 0.0, "")
                         for token, option in zip(full, scored.chosen)]
            described += [PartEvidence(token.text + ".", SLOT_NAMES[slot] + " initial", "initial", 1.0, "") if slot is not None
                          else PartEvidence(token.text + ".", "unmatched initial", "initial", 0.0, "")
                          for token, slot in zip(initials, scored.initial_slots)]
            return tuple(described)

        masks = [option.match.schemes for option in chosen]
        return self._candidate(scored.score, scored.entity, weakest, surname.name, surname.match, masks, parts, query)

    # -- places and other whole names -------------------------------------------------

    def score_place(self, entity: int, place_matches: dict[int, PartMatch]) -> PlaceScore | None:
        """The entity's best-matched whole name, or None."""
        best = None
        for part, name, slot in self.index.parts_of(entity):
            if slot != WHOLE:
                continue
            match = place_matches.get(part)
            if match is not None and (best is None or (match.score, match.romanised) > (best.score, best.match.romanised)):
                best = PlaceScore(match.score, entity, match, name, part)
        return best

    def place_candidate(self, scored: PlaceScore, place_query: str, query: str) -> Candidate:
        match = scored.match
        described = (PartEvidence(place_query, "whole name", match.tier, round(match.score, 4),
                                  self.lookup.note(match, scored.part)),)
        return self._candidate(match.score, scored.entity, match.tier, scored.name, match, (match.schemes,), described, query)

    # -- evidence ---------------------------------------------------------------------

    def explaining_scheme(self, masks: Sequence[int], query: str) -> str | None:
        """The scheme that produced every matched part (or the most of them), preferring the query's language."""
        common = masks[0]
        for mask in masks[1:]:
            common &= mask
        if not common:
            common = max(masks, key=lambda m: bin(m).count("1"))
        hinted = language_hints(query)
        cached = self._scheme_choice.get((common, hinted))
        if cached is None:
            best = None
            for number in range(common.bit_length()):
                if common >> number & 1:
                    rank = (0 if self._scheme_targets[number] in hinted else 1, self._scheme_base_rank[number])
                    if best is None or rank < best[0]:
                        best = (rank, number)
            scheme_id = self.index.scheme_ids[best[1]] if best else LEXICON_SCHEME
            cached = self._scheme_choice[(common, hinted)] = scheme_id
        return None if cached in (LEXICON_SCHEME, CYRILLIC_SCHEME) else cached

    def _candidate(self, score: float, entity: int, tier: str, name: int, match: PartMatch, masks: Sequence[int],
                   parts: "tuple[PartEvidence, ...] | Callable[[], tuple[PartEvidence, ...]]", query: str) -> Candidate:
        index = self.index
        lang, text, role = index.name_row(entity, name)
        return Candidate(index.entity_ids[entity], index.canonicals[entity], round(score, 6), tier,
                         lambda: self.explaining_scheme(masks, query), f"{text} ({lang} {role})", match.form, parts)


class HitCounts:
    """How many query parts reach each entity, grouped by that number.

    Held as the largest part's set of entities plus counts over the other parts' sets, not
    counted entity by entity: a common surname reaches thousands of people, and counting
    each of them was most of the time of a name with such a surname, though only the few
    that other parts reach too are usually scored.

    >>> hits = HitCounts([{1, 2, 3, 4}, {2, 5}, {2}])
    >>> hits.counts, sorted(hits.members(3)), sorted(hits.members(1)), len(hits)
    ([3, 1], [2], [1, 3, 4, 5], 5)
    """

    def __init__(self, reached_by_part: Sequence[set[int]]):
        sets = [reached for reached in reached_by_part if reached]
        largest = max(range(len(sets)), key=lambda at: len(sets[at])) if sets else -1
        self._largest: set[int] = sets[largest] if sets else set()
        others: dict[int, int] = {}
        for at, reached in enumerate(sets):
            if at != largest:
                for entity in reached:
                    others[entity] = others.get(entity, 0) + 1
        largest_set = self._largest
        # Every entity some other part reaches, with its whole count; the rest of the largest
        # set is reached by one part only.
        self._counted = {entity: hits + (entity in largest_set) for entity, hits in others.items()}
        self._reached_once = len(largest_set) - sum(1 for entity in self._counted if entity in largest_set)
        counts = set(self._counted.values())
        if self._reached_once:
            counts.add(1)
        self.counts = sorted(counts, reverse=True)

    def __len__(self) -> int:
        return len(self._counted) + self._reached_once

    def members(self, count: int) -> list[int]:
        """The entities that exactly ``count`` query parts reach (in no particular order)."""
        members = [entity for entity, hits in self._counted.items() if hits == count]
        if count == 1 and self._reached_once:
            counted = self._counted
            members += [entity for entity in self._largest if entity not in counted]
        return members


class CandidatePool:
    """The entities one parsed name may be, best first (ties by ID, so results never drift).

    Only entities reached through a surname (persons) or a whole name (places…) are
    considered; persons are scored lazily, best bound first, so that asking for more
    candidates after the best two did not decide continues the work."""

    def __init__(self, scorer: Scorer, parsed: ParsedName, has_whole_names: bool):
        self.scorer = scorer
        self.query = parsed.cleaned
        lookup, index = scorer.lookup, scorer.index
        tokens = parsed.full_tokens
        self.full = full = lookup.joined_parts(tokens[:MAX_PARTS_MATCHED + 1]) + tokens[MAX_PARTS_MATCHED + 1:]
        # Work per name is bounded whatever the cell holds: only the first MAX_PARTS_MATCHED
        # parts are looked up and assigned; the rest count as unmatched parts, so a long text
        # does not become a name by the few words of it that fit one.
        self.cut_parts = max(0, len(full) - MAX_PARTS_MATCHED)
        self.token_matches = token_matches = ([lookup.lookup(token.text) for token in full[:MAX_PARTS_MATCHED]]
                                              + [{} for _ in range(self.cut_parts)])
        self.place_query = place_query = " ".join(parsed.place_words)
        # A name of several words is looked up whole for places too, but not fuzzily:
        # "Nazar Averchenko" run together would otherwise be a fuzzy search per person.
        place_text = place_query.replace(" ", "")
        place_matches = (lookup.lookup(place_text, fuzzy=len(parsed.place_words) == 1)
                         if place_query and has_whole_names else {})
        if parsed.later_titles and has_whole_names:
            # A title word after the first part may belong to a place's name ("Rostow am Don"):
            # that reading wins when it finds a place as written; else the title is a title
            # ("Bishkek mayor" is Bishkek).
            titled = " ".join(parsed.place_words_with_titles)
            titled_matches = lookup.lookup(titled.replace(" ", ""), fuzzy=False)
            if strong(titled_matches):
                self.place_query, place_matches = titled, titled_matches

        self.scored: list[PersonScore | PlaceScore] = []
        places: set[int] = set()
        for part in place_matches:
            places |= index.entities_named(part)
        for entity in sorted(places):
            if index.entity_types[entity] != "person":
                place = scorer.score_place(entity, place_matches)
                if place is not None:
                    self.scored.append(place)

        entities_of = index.entities_of
        people: set[int] = set()
        for matches in token_matches:
            for part in matches:
                people |= entities_of(part, anchors_only=True)
        self.initials = initials = [token for token in parsed.tokens if token.initial]
        self.initial_letters = [initial_letters(token.text) for token in initials]
        # How many query parts reach each entity (an entity that fits fewer query parts than
        # another cannot win), and which entities each part score reaches: with the two, the
        # entities are taken best bound first (see bound_factors) without scoring them all.
        reached_by_part: list[set[int]] = []
        reached_at: dict[float, set[int]] = {}
        for matches in token_matches:
            reached: set[int] = set()
            for part, match in matches.items():
                found = people & entities_of(part)  # the small set drives the intersection
                if found:
                    reached |= found
                    level = reached_at.get(match.score)
                    if level is None:
                        reached_at[match.score] = set(found)
                    else:
                        level |= found
            reached_by_part.append(reached)
        self.hits = HitCounts(reached_by_part)
        self.levels = sorted(reached_at.items(), reverse=True)  # best part score first
        self.factors = bound_factors(len(full), len(initials))
        # with initials, the factors by how many of them an entity's given name and patronymic can fit
        self.factors_fitting = [bound_factors(len(full), len(initials), fitting)
                                for fitting in range(min(len(initials), MOST_INITIALS_PLACED) + 1)]
        self.fitting: dict[int, tuple[tuple[int, ...], ...]] = {}  # entity -> its initial_options, once known
        self.next_group = 0
        self.queue: Iterator[tuple[float, int]] = iter(())  # (bound, entity) of the group being scored, best first
        self.next_entity: tuple[float, int] | None = None
        self.person_scores: list[float] = []
        self.shown: dict[int, Candidate] = {}

    def _in_bound_order(self, count: int, members: list[int]) -> Iterator[tuple[float, int]]:
        """The members of one hit-count group as (bound, entity), best bound first, ties by entity
        (ID order); lazily, as usually one or two of a large group are scored."""
        if len(members) == 1:
            yield self.factors[count], members[0]
            return
        remaining = set(members)
        for score, reached in self.levels:
            at_level = remaining & reached
            if at_level:
                remaining -= at_level
                bound = score * self.factors[count]
                for entity in sorted(at_level):
                    yield bound, entity
                if not remaining:
                    return

    def _by_initials(self) -> Iterator[tuple[float, int]]:
        """With initials: every entity reached, of every hit-count group, as (bound, entity), best
        bound first, ties by entity (ID order). The bound does not depend on part scores here but on
        the hits and on how many of the initials the entity's given name and patronymic can take:
        at 1,000,000 people an initial and a common surname reach hundreds of entities, and those
        that fit the initials come first."""
        letters, fitting, factors = self.initial_letters[:MAX_INITIALS_MATCHED], self.fitting, self.factors_fitting
        initial_options, other_parts = self.scorer.initial_options, min(len(self.full) - 1, 1)
        ranked = []
        for count in self.hits.counts:
            for entity in self.hits.members(count):
                options = fitting[entity] = initial_options(entity, letters)
                ranked.append((-factors[most_initials_placed(options, other_parts)][count], entity))
        ranked.sort()
        for bound, entity in ranked:
            yield -bound, entity

    def _score_people(self, wanted: int) -> None:
        scorer, scores = self.scorer, self.person_scores
        if self.initials and self.next_group == 0:
            self.queue = self._by_initials()
            self.next_group = len(self.hits.counts)  # every group is in that one queue
        while True:
            if self.next_entity is None:
                self.next_entity = next(self.queue, None)
            if self.next_entity is None:
                # Entities of a group reached by fewer query parts are scored only while fewer
                # than the wanted candidates are known.
                if self.next_group >= len(self.hits.counts) or (len(scores) >= wanted and self.next_group > 0):
                    return
                count = self.hits.counts[self.next_group]  # groups of entities, most query parts first
                members = self.hits.members(count)
                self.next_group += 1
                self.queue = self._in_bound_order(count, members)
                continue
            bound, entity = self.next_entity
            # An entity whose bound does not beat the last shown score changes no decision:
            # at best it ties, and a tie at the top gives no ID whichever of the two is shown.
            # With initials, every entity reached is in one queue by its own bound, and one that
            # can only tie is scored too: the candidates shown are those a full scoring ranks first.
            if len(scores) >= wanted:
                last_shown = sorted(scores, reverse=True)[wanted - 1]
                if bound < last_shown if self.initials else (self.next_group > 1 or bound <= last_shown):
                    return
            self.next_entity = None
            person = scorer.score_person(entity, self.initial_letters, scorer.options(entity, self.token_matches),
                                         self.fitting.get(entity))
            if person is not None:
                self.scored.append(person)
                scores.append(person.score)

    def _described(self, scored: PersonScore | PlaceScore) -> Candidate:
        if isinstance(scored, PlaceScore):
            return self.scorer.place_candidate(scored, self.place_query, self.query)
        return self.scorer.person_candidate(scored, self.full, self.initials, self.query)

    def top(self, limit: int | None) -> list[Candidate]:
        """The best ``limit`` candidates (all of them for None)."""
        self._score_people(limit if limit is not None else len(self.hits))
        self.scored.sort(key=lambda scored: (-scored.score, scored.entity))
        shown = self.scored if limit is None else self.scored[:limit]
        candidates = []
        for scored in shown:
            candidate = self.shown.get(scored.entity)
            if candidate is None:
                candidate = self.shown[scored.entity] = self._described(scored)
            candidates.append(candidate)
        return candidates


# Letters and letter groups that show which language's convention a Latin spelling follows.
_HINTS: tuple[tuple[str, str], ...] = (
    ("ß", "de"), ("tsch", "de"), ("sch", "de"), ("ł", "pl"), ("ż", "pl"), ("ś", "pl"), ("ń", "pl"), ("ć", "pl"),
    ("szcz", "pl"), ("cz", "pl"), ("rz", "pl"), ("ő", "hu"), ("ű", "hu"), ("cs", "hu"), ("zs", "hu"), ("gy", "hu"),
    ("sz", "hu"), ("ç", "tr"), ("ş", "tr"), ("ğ", "tr"), ("ı", "tr"), ("ř", "cs"), ("ě", "cs"), ("ů", "cs"),
    ("č", "cs"), ("š", "cs"), ("ž", "cs"), ("tsj", "nl"), ("oe", "nl"), ("sj", "nl"), ("ou", "fr"), ("tch", "fr"),
    ("ï", "fr"), ("ñ", "es"), ("å", "sv"), ("tš", "fi"), ("kh", "en"), ("zh", "en"), ("ă", "ro"), ("ș", "ro"),
)


@lru_cache(maxsize=4096)
def language_hints(text: str) -> frozenset[str]:
    """Target languages whose conventions the spelling shows (ß, ł, ő, ç, sz, tsch…).

    >>> sorted(language_hints("Tschechow")), sorted(language_hints("Łukaszenka"))
    (['de'], ['hu', 'pl'])
    """
    lowered = text.casefold()
    return frozenset([lang for mark, lang in _HINTS if mark in lowered])


# Slot weights from the heaviest down: the most that k query parts on distinct slots can weigh.
_HEAVIEST_FIRST = sorted((SLOT_WEIGHTS[slot] for slot in (SURNAME, GIVEN, PATRONYMIC, OTHER)), reverse=True)


@lru_cache(maxsize=256)
def bound_factors(parts: int, initials: int, fitting: int | None = None) -> tuple[float, ...]:
    """For each number of hits, what bounds the whole-name score of an entity that many query
    parts (of ``parts``) reach: times its best part score without initials, as it is with them.

    A score is Σ weight·part score / (Σ weight + penalties): at most ``a`` parts fill distinct
    slots (a ≤ hits, a ≤ 4), each scores at most the best part score, the others pay the
    unmatched penalty, and this only grows with ``a``. Initials score 1, so with initials the
    part scores are bounded by 1 instead. ``fitting``: how many of the ``initials`` can be
    matched at most (all when None); the others pay their penalty, and the score grows with
    the matched ones. The same few name shapes recur, hence the cache.

    >>> [round(factor, 4) for factor in bound_factors(2, 0)]
    [0.0, 0.6667, 1.0]
    >>> [round(factor, 4) for factor in bound_factors(1, 2)], [round(factor, 4) for factor in bound_factors(1, 2, 1)]
    ([0.4, 1.0], [0.1429, 0.7])
    """
    matched = initials if fitting is None else fitting
    factors = []
    for hits in range(parts + 1):
        assigned = min(hits, len(_HEAVIEST_FIRST))
        weight = sum(_HEAVIEST_FIRST[:assigned]) + INITIAL_WEIGHT * matched
        penalty = UNMATCHED_PART_PENALTY * (parts - assigned) + UNMATCHED_INITIAL_PENALTY * (initials - matched)
        factors.append(weight / (weight + penalty) if weight + penalty else 0.0)
    return tuple(factors)


@lru_cache(maxsize=65536)
def best_assignment(options: tuple[tuple[tuple[int, float], ...], ...],
                    initial_options: tuple[tuple[int, ...], ...]) -> Assignment | None:
    """The best way to give query parts distinct slots of one entity.

    ``options[i]`` lists (slot, score) that query part i can fill; ``initial_options[j]``
    the slots initial j can stand for. Returns the score, the chosen option position per
    part (or None) and the slot per initial (or None); None when no assignment gives a surname.
    Of equal scores the first found wins, parts left unassigned before assigned ones.
    Many entities share a signature (everyone called Иванов), hence the cache.

    >>> best = best_assignment((((SURNAME, 1.0),), ((GIVEN, 0.88), (SURNAME, 0.5))), ())
    >>> round(best.score, 4), best.positions, best.initial_slots
    (0.96, (0, 0), ())
    """
    best = None
    # Names have few parts and each part few options: trying every combination is cheap.
    for positions in itertools.product(*(range(-1, len(token_options)) for token_options in options)):
        used: set[int] = set()
        numerator = denominator = 0.0
        for token_options, position in zip(options, positions):
            if position < 0:
                denominator += UNMATCHED_PART_PENALTY
                continue
            slot, score = token_options[position]
            if slot in used:
                break
            used.add(slot)
            numerator += SLOT_WEIGHTS[slot] * score
            denominator += SLOT_WEIGHTS[slot]
        else:
            if SURNAME not in used:
                continue
            for initial_slots in _initial_assignments(initial_options, used):
                matched = sum(slot is not None for slot in initial_slots)
                total_numerator = numerator + INITIAL_WEIGHT * matched
                total_denominator = (denominator + INITIAL_WEIGHT * matched
                                     + UNMATCHED_INITIAL_PENALTY * (len(initial_slots) - matched))
                total = total_numerator / total_denominator if total_denominator else 0.0
                if best is None or total > best.score:
                    best = Assignment(total, tuple(None if p < 0 else p for p in positions), initial_slots)
    return best


@lru_cache(maxsize=4096)
def most_initials_placed(initial_options: tuple[tuple[int, ...], ...], other_parts: int) -> int:
    """How many initials can be placed at most (:func:`_initial_assignments`) when the query has
    ``other_parts`` full parts besides the surname: where an initial goes depends on the slots they
    take (a lone initial is the given name, or the patronymic after a full given name).

    >>> most_initials_placed(((GIVEN,), (PATRONYMIC,)), 0), most_initials_placed(((PATRONYMIC,), (GIVEN,)), 0)
    (2, 1)
    >>> most_initials_placed(((PATRONYMIC,),), 0), most_initials_placed(((PATRONYMIC,),), 1)  # "Anna B. Petrova"
    (0, 1)
    """
    taken = ((),) if other_parts == 0 else ((), (GIVEN,), (PATRONYMIC,))  # both taken: no initial placed
    return max(sum(slot is not None for slot in slots)
               for used in taken for slots in _initial_assignments(initial_options, set(used)))


def _initial_assignments(initial_options: tuple[tuple[int, ...], ...], used: set[int]):
    """Every way to give the initials slots, earlier initials matched first. Initials fill the
    given name, then the patronymic, in writing order ("В.В. Путин"): one initial next to a full
    surname is the given name. At most two initials can be placed (given name, patronymic), so
    the ways are the pairs and singles of initials — O(k²) for k initials, not 2^k."""
    count = len(initial_options)

    def assigned(chosen: tuple[int, ...]) -> tuple[int | None, ...] | None:
        taken = set(used)
        after = -1
        slots: list[int | None] = [None] * count
        for position in chosen:
            slot = GIVEN if GIVEN not in taken else PATRONYMIC
            if slot in taken or slot <= after or slot not in initial_options[position]:
                return None
            taken.add(slot)
            after = slot
            slots[position] = slot
        return tuple(slots)

    # The order of the former enumeration over picks (True before False), so ties resolve alike;
    # an initial that can stand for no slot is never picked.
    pickable = [position for position, allowed in enumerate(initial_options) if allowed]
    for number, first in enumerate(pickable):
        for second in pickable[number + 1:]:
            found = assigned((first, second))
            if found is not None:
                yield found
        found = assigned((first,))
        if found is not None:
            yield found
    yield (None,) * count
