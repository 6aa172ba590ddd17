"""Resolve a name to an entity: look up each name part, score whole entities, decide.

Evidence comes in tiers, and a name is scored by how loosely it was found:

====== ===== ===================================================================
tier   score what matched
====== ===== ===================================================================
exact  1.00  a romanisation of a lexicon name, as written (or the Cyrillic name itself)
folded 0.95  the same with diacritics folded (Chéjov → Chejov)
key    0.88  the matching key (Bakijew ~ Bakiyev ~ Bakiev)
ending 0.86  the word without an ending its language added (Čehovs, Tolstojus);
             ``place-form`` the same for a place's case form or adjective
             (Новосибирске, Krasnodarskiy), for whole place names only
transl 0.80  a given name translated, not transliterated (Leo for Лев), given names only
fuzzy  ≤0.82 rapidfuzz over matching keys, only for parts no tier above found
====== ===== ===================================================================

Person names are scored part by part (surname required, given names may be
initials, patronymics optional, order free); other entities on their whole name.
The decision is precision-first: an ID only when the best entity reaches the
minimum score and leads the runner-up by the margin.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections import Counter
from dataclasses import FrozenInstanceError, dataclass, field
from functools import lru_cache
from typing import Callable, Iterator, NamedTuple, Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from translitnorm.crosslang import detect_lang, plausible_langs, variants
from translitnorm.index import (
    CYRILLIC_SCHEME, GIVEN, LEXICON_SCHEME, OTHER, PATRONYMIC, SLOT_NAMES, SURNAME, WHOLE,
    CompiledIndex, FormTable,
)
from translitnorm.keys import as_latin, exact_form, folded_form, matching_key, surname_genders_differ
from translitnorm.morphology import bare_forms, translated_given_names
from translitnorm.slips import slip_kind
from translitnorm.romanise import schemes
from translitnorm.text import ParsedName, Token, is_cyrillic, parse_name

# "ending" and "place-form" (a host-language ending or a Russian case form taken off) are as
# strong as a cross-language form: below the key tier, so that a name found as written
# wins, and at min_score_single, so that one word with only its ending changed still
# resolves. "translated" (Leo for Лев) sits below the fuzzy ceiling: a misspelt
# transliteration says more than a translation, and with an exact surname it still
# reaches min_score (0.6·1 + 0.3·0.8)/0.9 = 0.93, while alone it cannot carry a name.
TIER_SCORES = {"exact": 1.0, "folded": 0.95, "key": 0.88, "cross": 0.86, "ending": 0.86, "place-form": 0.86,
               "translated": 0.80}
FUZZY_CEILING = 0.82
FUZZY_MIN_RATIO = 85.0
TIER_ORDER = ("exact", "folded", "key", "cross", "ending", "place-form", "translated", "fuzzy")
# A one-word name found only fuzzily gets an ID when its key differs from the entity's by one
# slip of the kinds in slips.py, the key has at least SLIP_MIN_KEY_LENGTH letters (one edit
# in a shorter word makes another name: Lennon/Lenin, Tomar/Tomsk), and no other entity has
# a key within SLIP_RIVAL_DISTANCE edits of it. Both chosen on the one-word dev set
# (benchmarks/slip_curve.py prints precision and recall for each value).
SLIP_MIN_KEY_LENGTH = 6
# A Cyrillic word whose letters do not tell its language is read as each language that can
# spell it only from this length on: shorter words collide with other real names too often
# (Вятка read as Belarusian is Ветка, a town in Belarus; measured on the cross-language
# must-not-match set and the cyrillic recall dev set).
UNSURE_LANGUAGE_MIN_LETTERS = 6
# The work per name is bounded (issue 13): a person has at most a handful of name parts, and
# trying every slot for every part grows as 5^parts; beyond these, parts and initials are
# counted as unmatched (said in explain()), which keeps any cell within milliseconds.
MAX_PARTS_MATCHED = 6
MAX_INITIALS_MATCHED = 4
SLIP_RIVAL_DISTANCE = 2
# Bound on the per-part cache, so a long-running process does not grow without end.
_PART_CACHE_ENTRIES = 200_000

SLOT_WEIGHTS = {SURNAME: 0.6, GIVEN: 0.3, PATRONYMIC: 0.15, OTHER: 0.15}
INITIAL_WEIGHT = 0.1
# What a query part that fits no slot of the entity costs: a full given name that
# disagrees ("Maxim Bakiyev" is not Kurmanbek Bakiyev) must sink the score.
UNMATCHED_PART_PENALTY = 0.3
UNMATCHED_INITIAL_PENALTY = 0.3


_LATER = "…"


_NOT_YET = object()


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
                 parts: "tuple[tuple[str, str, str, float, str], ...] | Callable[[], tuple]" = ()):
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
    def parts(self) -> tuple[tuple[str, str, str, float, str], ...]:
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
    form), ``fuzzy`` (the weakest evidence used), ``none``, or ``empty`` for a name with
    nothing left to match (None, blank, only a title); ``reason`` says why no ID was given
    (``no-candidates``, ``below-threshold``, ``ambiguous``, ``empty``).
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



class PartMatch(NamedTuple):
    """How one query part was found to be one name part of the index (a tuple: made in bulk)."""

    tier: str
    score: float
    schemes: int  # bit set over the index's scheme_ids
    form: str
    note: str = ""  # the cross-language correspondences that produced the form


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


class Matcher:
    """Look-ups and scoring over one compiled index (used through :class:`translitnorm.Normaliser`)."""

    def __init__(self, index: CompiledIndex, rule: DecisionRule | None = None):
        self.index = index
        self.rule = rule or DecisionRule()
        self._part_cache: dict[str, dict[int, PartMatch]] = {}
        self._part_entities: list[frozenset[int]] = []
        self._part_anchors: list[frozenset[int]] = []
        self._scheme_choice: dict[tuple[int, frozenset[str]], str] = {}  # few distinct scheme sets and hints
        self._all_keys: list[str] | None = None  # every matching key, for the one-word slip rule
        # A lexicon of persons only has no whole names to look a query up as (places, organisations…).
        self.has_whole_names = any(entity_type != "person" for entity_type in index.entity_types)
        known = {scheme.id: scheme.target for scheme in schemes()}
        self._scheme_targets = [known.get(scheme_id, "") for scheme_id in index.scheme_ids]
        # Which scheme to name when several produce the same spelling: English-language
        # press spellings first, then international standards (BGN/PCGN first), then the rest.
        self._scheme_base_rank = [
            ({"en": 0, "intl": 1}.get(target, 2), 0 if scheme_id.endswith("-bgn") else 1, scheme_id)
            for scheme_id, target in zip(index.scheme_ids, self._scheme_targets)]

    # -- one name part ----------------------------------------------------------------

    def lookup(self, text: str, fuzzy: bool = True) -> dict[int, PartMatch]:
        """Name parts of the index that ``text`` (one name part, or a whole place name) may be."""
        cache_key = text if fuzzy else "\0" + text
        cached = self._part_cache.get(cache_key)
        if cached is None:
            cached = self._lookup(text, fuzzy)
            if len(self._part_cache) > _PART_CACHE_ENTRIES:
                self._part_cache.clear()
            self._part_cache[cache_key] = cached
        return cached

    def _lookup(self, text: str, fuzzy: bool) -> dict[int, PartMatch]:
        index = self.index
        found: dict[int, PartMatch] = {}

        def file(table: FormTable, form: str, tier: str, score: float, note: str = "") -> None:
            for part, schemes in index.entries(table, form):
                if part not in found or found[part].score < score:
                    found[part] = PartMatch(tier, score, schemes, form, note)

        exact = exact_form(text)
        if not exact:
            return found
        cyrillic = is_cyrillic(exact)
        file("exact", exact, "exact", TIER_SCORES["exact"])
        if cyrillic:
            # A Cyrillic spelling that is not in the lexicon (another language's form)
            # is looked up through one romanisation, no better than the key tier.
            latin = as_latin(text)
            file("folded", folded_form(latin), "key", TIER_SCORES["key"])
            key = matching_key(latin)
        else:
            file("folded", folded_form(text), "folded", TIER_SCORES["folded"])
            key = matching_key(text)
        if not found:
            self._cross_language(text, exact, cyrillic, found)
        file("keys", key, "key", TIER_SCORES["key"])
        if not found:
            self._host_forms(text, found)
        if fuzzy and not found and len(key) >= 5:  # one edit in a short word is another name
            self._fuzzy(key, found)
        return found

    def _host_forms(self, text: str, found: dict[int, PartMatch]) -> None:
        """A word found nowhere as written: the bare name without the ending another language
        added (or a Russian case form), then the given names it translates."""
        index = self.index
        for bare in bare_forms(text):
            tier = "place-form" if bare.places_only else "ending"
            for part, match in self.lookup(bare.text, fuzzy=False).items():
                if match.tier in ("fuzzy", "ending", "place-form", "translated") or part in found:
                    continue
                if bare.places_only and not any(posting.slot == WHOLE for posting in index.postings_of(part)):
                    continue  # a female surname in -a, an adjective in -sky: another person's name
                if bare.people_only and all(posting.slot == WHOLE for posting in index.postings_of(part)):
                    continue  # Latvian -s is added to men's names, not to places: Taras is not Tara
                found[part] = PartMatch(tier, TIER_SCORES[tier], match.schemes, match.form,
                                        f"{bare.rule}: read as {bare.text}")
        if found:
            return
        for given in translated_given_names(text):
            form = exact_form(given)
            for part, schemes in index.entries("exact", form):
                if part not in found:
                    found[part] = PartMatch("translated", TIER_SCORES["translated"], schemes, form,
                                            f"given name translated: {text} = {given}")

    def _cross_language(self, text: str, exact: str, cyrillic: bool, found: dict[int, PartMatch]) -> None:
        """Look a part up among the lexicon names' forms in the other Cyrillic languages,
        and, for a Ukrainian, Belarusian, Kazakh… word, among its own Russian forms."""
        index = self.index
        score = TIER_SCORES["cross"]
        forms = [(exact, None), (folded_form(text), None)]
        if cyrillic:
            lang = detect_lang(text)
            if lang and lang != "ru":
                forms += [(exact_form(variant.text), variant) for variant in variants(text, lang)]
            elif lang is None and len(exact) >= UNSURE_LANGUAGE_MIN_LETTERS:
                # No letter tells the language (Бабруйск, Одеса, Цвер): read it as each
                # language that can spell it; the decision rule's margin keeps a name that
                # two readings give to different entities without an ID.
                forms += [(exact_form(variant.text), variant) for other in plausible_langs(text) if other != "ru"
                          for variant in variants(text, other)]
        for form, variant in forms:
            for table in ("cross", "exact"):
                if table == "exact" and variant is None:
                    continue  # the query's own form was already looked up
                for part, schemes in index.entries(table, form):
                    if part in found:
                        continue
                    if variant is not None:
                        note = f"{variant.lang} word read as its form {variant.text}: " + "; ".join(variant.rules)
                    else:
                        note = _LATER  # worked out only if the match is shown
                    found[part] = PartMatch("cross", score, schemes, form, note)

    def _fuzzy(self, key: str, found: dict[int, PartMatch]) -> None:
        # Only lengths that can reach the cutoff: 2·min(a, b) / (a + b) ≥ c bounds b.
        cutoff = FUZZY_MIN_RATIO / 100.0
        shortest = math.ceil(len(key) * cutoff / (2 - cutoff))
        longest = math.floor(len(key) * (2 - cutoff) / cutoff)
        choices = self.index.key_neighbourhood(key[0], shortest, longest)
        found_keys = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_RATIO, limit=40)
        neighbours = [(choice, score) for choice, score, _ in found_keys]
        for neighbour, ratio in sorted(neighbours, key=lambda item: (-item[1], item[0]))[:20]:
            if surname_genders_differ(key, neighbour):
                continue
            score = FUZZY_CEILING * ratio / 100.0
            for part, schemes in self.index.entries("keys", neighbour):
                if part not in found or found[part].score < score:
                    found[part] = PartMatch("fuzzy", score, schemes, neighbour)

    # -- whole names ------------------------------------------------------------------

    def _split_joined(self, tokens: Sequence[Token]) -> Sequence[Token]:
        """Split a hyphenated word that is two name parts joined (Anna-Akhmatova): only when
        the word as written is unknown and every piece is known (Rimsky-Korsakov, Ivano-Frankivsk
        stay whole)."""
        if not any("-" in token.text for token in tokens):
            return tokens
        split: list[Token] = []
        for token in tokens:
            pieces = token.text.split("-")
            if (len(pieces) > 1 and all(pieces) and not _strong(self.lookup(token.text, fuzzy=False))
                    and all(_strong(self.lookup(piece, fuzzy=False)) for piece in pieces)):
                split += [Token(piece, surname_hint=token.surname_hint) for piece in pieces]
            else:
                split.append(token)
        return split

    def joined_parts(self, tokens: Sequence[Token]) -> tuple[Token, ...]:
        """Join two words that are one hyphenated name part written with a space ("Kassym Jomart").

        Only when one of the words alone is unknown and the joined word is known.
        """
        tokens = self._split_joined(tokens)
        merged: list[Token] = []
        position = 0
        while position < len(tokens):
            token = tokens[position]
            if position + 1 < len(tokens):
                following = tokens[position + 1]
                joined = f"{token.text}-{following.text}"
                alone_known = _strong(self.lookup(token.text)) and _strong(self.lookup(following.text))
                if not alone_known and _strong(self.lookup(joined, fuzzy=False)):
                    merged.append(Token(joined, surname_hint=token.surname_hint))
                    position += 2
                    continue
            merged.append(token)
            position += 1
        return tuple(merged)

    def _options(self, entity: int, token_matches: list[dict[int, PartMatch]]) -> list[list[tuple]]:
        """For each query part, the entity's slots it can fill: [(slot, score, tier, part, name, match)]."""
        parts = self.index.parts_of(entity)
        options = []
        for matches in token_matches:
            best: dict[int, tuple] = {}
            for part, name, slot in parts:
                match = matches.get(part)
                if match is None or slot == WHOLE or match.tier == "place-form" or (match.tier == "translated" and slot != GIVEN):
                    continue
                current = best.get(slot)
                if current is None or (match.score, _romanised(match)) > (current[1], _romanised(current[5])):
                    best[slot] = (slot, match.score, match.tier, part, name, match)
            options.append(list(best.values()))
        return options

    def _initial_letters(self, text: str) -> tuple[str, str]:
        letter = exact_form(text)
        latin = exact_form(as_latin(text))
        return letter, latin

    def _score_person(self, entity: int, initials: Sequence[Token], initial_letters: list[tuple[str, str]],
                      options: list[list[tuple]]) -> tuple | None:
        """(score, entity, chosen option per query part or None, slot per initial or None), or None
        when no assignment gives the entity's surname; described only if shown (``_person_candidate``)."""
        initial_options = (self._initial_options(entity, initial_letters[:MAX_INITIALS_MATCHED])
                           + ((),) * max(0, len(initial_letters) - MAX_INITIALS_MATCHED)) if initial_letters else ()
        signature = tuple(tuple((choice[0], choice[1]) for choice in token_options) for token_options in options)
        best = _best_assignment(signature, initial_options)
        if best is None:
            return None
        total, positions, initial_slots = best
        token_slots = tuple(None if position is None else token_options[position]
                            for position, token_options in zip(positions, options))
        return (total, entity, token_slots, initial_slots)

    def _person_candidate(self, total: float, entity: int, token_slots: tuple, initial_slots: tuple,
                          full: Sequence[Token], initials: Sequence[Token], query: str) -> Candidate:
        chosen = [choice for choice in token_slots if choice]
        surname_choice = next(choice for choice in chosen if choice[0] == SURNAME)
        weakest = max((choice[2] for choice in chosen), key=TIER_ORDER.index)

        def parts() -> tuple:
            described = [(token.text, SLOT_NAMES[choice[0]], choice[2], round(choice[1], 4), self._note(choice[5], choice[3]))
                         if choice else (token.text, "unmatched", "-", 0.0, "")
                         for token, choice in zip(full, token_slots)]
            described += [(token.text + ".", SLOT_NAMES[slot] + " initial", "initial", 1.0, "") if slot is not None
                          else (token.text + ".", "unmatched initial", "initial", 0.0, "")
                          for token, slot in zip(initials, initial_slots)]
            return tuple(described)

        masks = [choice[5].schemes for choice in chosen]
        return self._candidate(total, entity, weakest, surname_choice[4], surname_choice[5], masks, parts, query)

    def _note(self, match: PartMatch, part: int) -> str:
        """The cross-language correspondences behind a match, worked out now if they were left for later."""
        return self.index.cross_language_note(part, match.form) if match.note is _LATER else match.note

    def _initial_options(self, entity: int, initial_letters: list[tuple[str, str]]) -> tuple[tuple[int, ...], ...]:
        """For each initial of the query, the entity's slots (given name, patronymic) it can stand for."""
        index = self.index
        parts = self.index.parts_of(entity)
        fitting = []
        for letter, latin in initial_letters:
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

    def _score_whole(self, entity: int, place_matches: dict[int, PartMatch]) -> tuple | None:
        """(score, entity, (match, name number, part)) of the entity's best-matched whole name, or None."""
        best = None
        for part, name, slot in self.index.parts_of(entity):
            if slot != WHOLE:
                continue
            match = place_matches.get(part)
            if match is not None and (best is None or (match.score, _romanised(match)) > (best[0].score, _romanised(best[0]))):
                best = (match, name, part)
        if best is None:
            return None
        return (best[0].score, entity, best)

    def _whole_candidate(self, entity: int, best: tuple, place_query: str, query: str) -> Candidate:
        match, name, part = best
        described = ((place_query, "whole name", match.tier, round(match.score, 4), self._note(match, part)),)
        return self._candidate(match.score, entity, match.tier, name, match, (match.schemes,), described, query)

    def _explaining_scheme(self, masks: Sequence[int], query: str) -> str | None:
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

    def _candidate(self, score: float, entity: int, tier: str, name: int, match: PartMatch,
                   masks: Sequence[int], parts: "tuple | Callable[[], tuple]", query: str) -> Candidate:
        index = self.index
        lang, text, role = index.entity_names[entity][name]
        return Candidate(index.entity_ids[entity], index.canonicals[entity], round(score, 6), tier,
                         lambda: self._explaining_scheme(masks, query), f"{text} ({lang} {role})", match.form, parts)

    # -- decision ---------------------------------------------------------------------

    def _reason(self, candidates: Sequence[Candidate], parsed: ParsedName) -> str | None:
        """Why the best candidate may not be given as the answer, or None when it may."""
        if not candidates:
            return "no-candidates"
        rule = self.rule
        best = candidates[0]
        runner_up = candidates[1].score if len(candidates) > 1 else 0.0
        threshold = rule.min_score_single if len(parsed.full_tokens) == 1 else rule.min_score
        if best.score < threshold and not (len(parsed.full_tokens) == 1 and self.accepted_slip(parsed, best)):
            return "below-threshold"
        if best.score - runner_up < rule.margin:
            return "ambiguous"
        return None

    def accepted_slip(self, parsed: ParsedName, best: Candidate) -> str | None:
        """For a one-word name found only fuzzily: the slip that explains it (see slips.py), when
        its key is long enough and no other entity of the whole lexicon has a key near it;
        otherwise None. The wider search looks at every key, whatever its first letter or
        length, so that a near name the fuzzy search left out still counts as a rival."""
        if best.method != "fuzzy":
            return None
        text = parsed.full_tokens[0].text
        typed = matching_key(as_latin(text)) if is_cyrillic(text) else matching_key(text)
        if len(typed) < SLIP_MIN_KEY_LENGTH:
            return None
        kind = slip_kind(typed, best.matched_form)
        if kind is None:
            return None
        # The near spelling must be one an English or international scheme gives, or one of a
        # language the query's letters show: Timchenko is one letter from the French rendering
        # of Тимошенко (Timochenko), but nothing in it is French.
        target = dict(zip(self.index.scheme_ids, self._scheme_targets)).get(best.scheme or "", "")
        if best.scheme is not None and target not in ("en", "intl") and target not in language_hints(text):
            return None
        if self._all_keys is None:
            self._all_keys = sorted(self.index.keys)
        index = self.index
        near = process.extract(typed, self._all_keys, scorer=OSA.distance, score_cutoff=SLIP_RIVAL_DISTANCE, limit=None)
        for key, _, _ in near:
            for entry in index.entries("keys", key):
                for posting in index.postings_of(entry.part):
                    # Only what a one-word name can be counts as a rival: a surname or a whole
                    # name (Gagrin is near the given name Garri, but one word is no given name).
                    if posting.slot not in (GIVEN, PATRONYMIC) and index.entity_ids[posting.entity] != best.id:
                        return None
        return kind

    def _decides(self, candidates: Sequence[Candidate], parsed: ParsedName) -> bool:
        return self._reason(candidates, parsed) is None

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
            return Resolution(raw, None, None, 0.0, "empty", reason="empty")
        rule = self.rule
        # The decision needs the best two; more are worked out only when they will be shown.
        limit = max(rule.max_candidates, 2) if explanation is not None else 2
        pool = _CandidatePool(self, parsed)
        if explanation is not None and (pool.cut_parts or len(pool.initials) > MAX_INITIALS_MATCHED):
            explanation.add("bounded", f"only the first {MAX_PARTS_MATCHED} name parts and {MAX_INITIALS_MATCHED} initials are "
                                       f"matched; {pool.cut_parts} parts and {max(0, len(pool.initials) - MAX_INITIALS_MATCHED)} "
                                       "initials more count as unmatched")
        candidates = pool.top(limit)
        if limit < rule.max_candidates and len(candidates) == limit and not self._decides(candidates, parsed):
            candidates = pool.top(rule.max_candidates)
        shown = tuple(candidates[: rule.max_candidates])
        if explanation is not None:
            for candidate in candidates[: rule.max_candidates]:
                parts = "; ".join(f"{q} → {slot} ({tier} {score:.2f}{', ' + note if note else ''})"
                                  for q, slot, tier, score, note in candidate.parts)
                via = f" via {candidate.scheme}" if candidate.scheme else ""
                explanation.add(f"candidate {candidate.id}", f"{candidate.score:.3f}  {candidate.matched_name} as {candidate.matched_form!r}{via}  [{parts}]")
        reason = self._reason(candidates, parsed)
        if not candidates:
            resolution = Resolution(raw, None, None, 0.0, "none", reason=reason)
        elif reason is not None:
            resolution = Resolution(raw, None, None, candidates[0].score, "none", candidates=shown, reason=reason)
        else:
            best = candidates[0]
            resolution = Resolution(raw, best.id, best.canonical, best.score, best.method, best.scheme,
                                    best.matched_name, best.matched_form, shown, None)
        if explanation is not None:
            if parsed.normalised:
                explanation.steps.insert(1, ("normalised", "; ".join(parsed.normalised)))
            slip = (self.accepted_slip(parsed, candidates[0])
                    if resolution.id and len(parsed.full_tokens) == 1 and resolution.score < rule.min_score_single else None)
            explanation.add("decision", _describe_decision(resolution, rule, len(parsed.full_tokens) == 1, slip))
            explanation.resolution = resolution
        return resolution


class _CandidatePool:
    """The entities one parsed name may be, best first (ties by ID, so results never drift).

    Only entities reached through a surname (persons) or a whole name (places…) are
    considered; persons are scored lazily, best bound first, so that asking for more
    candidates after the best two did not decide continues the work."""

    def __init__(self, matcher: Matcher, parsed: ParsedName):
        self.matcher = matcher
        self.query = parsed.cleaned
        index = matcher.index
        tokens = parsed.full_tokens
        self.full = full = matcher.joined_parts(tokens[:MAX_PARTS_MATCHED + 1]) + tokens[MAX_PARTS_MATCHED + 1:]
        # Work per name is bounded whatever the cell holds: only the first MAX_PARTS_MATCHED
        # parts are looked up and assigned; the rest count as unmatched parts, so a long text
        # does not become a name by the few words of it that fit one.
        self.cut_parts = max(0, len(full) - MAX_PARTS_MATCHED)
        self.token_matches = token_matches = ([matcher.lookup(token.text) for token in full[:MAX_PARTS_MATCHED]]
                                              + [{} for _ in range(self.cut_parts)])
        self.place_query = place_query = " ".join(parsed.place_words)
        # A name of several words is looked up whole for places too, but not fuzzily:
        # "Nazar Averchenko" run together would otherwise be a fuzzy search per person.
        place_text = place_query.replace(" ", "")
        place_matches = (matcher.lookup(place_text, fuzzy=len(parsed.place_words) == 1)
                         if place_query and matcher.has_whole_names else {})

        self.scored: list[tuple] = []
        places: set[int] = set()
        for part in place_matches:
            places |= index.entities_named(part)
        for entity in sorted(places):
            if index.entity_types[entity] != "person":
                result = matcher._score_whole(entity, place_matches)
                if result is not None:
                    self.scored.append(result)

        entities_of = index.entities_of
        people: set[int] = set()
        for matches in token_matches:
            for part in matches:
                people |= entities_of(part, anchors_only=True)
        self.initials = initials = [token for token in parsed.tokens if token.initial]
        self.initial_letters = [matcher._initial_letters(token.text) for token in initials]
        # How many query parts reach each entity (an entity that fits fewer query parts than
        # another cannot win), and which entities each part score reaches: with the two, the
        # entities are taken best bound first (see _bound_factors) without scoring them all.
        hit_counts: Counter[int] = Counter()
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
            hit_counts.update(reached)
        self.hit_counts = hit_counts
        self.counts = sorted(set(hit_counts.values()), reverse=True)  # groups of entities, most query parts first
        self.levels = sorted(reached_at.items(), reverse=True)  # best part score first
        self.factors = _bound_factors(len(full), len(initials))
        self.next_group = 0
        self.queue: Iterator[tuple[float, int]] = iter(())  # (bound, entity) of the group being scored, best first
        self.next_entity: tuple[float, int] | None = None
        self.person_scores: list[float] = []
        self.shown: dict[int, Candidate] = {}

    def _in_bound_order(self, count: int, members: list[int]) -> Iterator[tuple[float, int]]:
        """The members of one hit-count group as (bound, entity), best bound first, ties by entity
        (ID order); lazily, as usually one or two of a large group are scored."""
        if len(members) == 1 or self.initials:  # with initials the bound does not depend on part scores
            factor = self.factors[count]
            for entity in sorted(members):
                yield factor, entity
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

    def _score_people(self, wanted: int) -> None:
        matcher, scores = self.matcher, self.person_scores
        while True:
            if self.next_entity is None:
                self.next_entity = next(self.queue, None)
            if self.next_entity is None:
                # Entities of a group reached by fewer query parts are scored only while fewer
                # than the wanted candidates are known.
                if self.next_group >= len(self.counts) or (len(scores) >= wanted and self.next_group > 0):
                    return
                count = self.counts[self.next_group]
                members = (list(self.hit_counts) if len(self.counts) == 1
                           else [entity for entity, hits in self.hit_counts.items() if hits == count])
                self.next_group += 1
                self.queue = self._in_bound_order(count, members)
                continue
            bound, entity = self.next_entity
            # An entity whose bound does not beat the last shown score changes no decision:
            # at best it ties, and a tie at the top gives no ID whichever of the two is shown.
            if len(scores) >= wanted and (self.next_group > 1 or bound <= sorted(scores, reverse=True)[wanted - 1]):
                return
            self.next_entity = None
            options = matcher._options(entity, self.token_matches)
            result = matcher._score_person(entity, self.initials, self.initial_letters, options)
            if result is not None:
                self.scored.append(result)
                scores.append(result[0])

    def _described(self, item: tuple) -> Candidate:
        if len(item) == 3:
            return self.matcher._whole_candidate(item[1], item[2], self.place_query, self.query)
        return self.matcher._person_candidate(*item, self.full, self.initials, self.query)

    def top(self, limit: int | None) -> list[Candidate]:
        """The best ``limit`` candidates (all of them for None)."""
        self._score_people(limit if limit is not None else len(self.hit_counts))
        self.scored.sort(key=lambda item: (-item[0], item[1]))
        shown = self.scored if limit is None else self.scored[:limit]
        candidates = []
        for item in shown:
            candidate = self.shown.get(item[1])
            if candidate is None:
                candidate = self.shown[item[1]] = self._described(item)
            candidates.append(candidate)
        return candidates


def _describe_decision(resolution: Resolution, rule: DecisionRule, single: bool, slip: str | None = None) -> str:
    threshold = rule.min_score_single if single else rule.min_score
    if resolution.id and slip:
        return (f"{resolution.id} ({resolution.canonical}), score {resolution.score:.3f}: one word found fuzzily, "
                f"one slip ({slip}) from it, and no other entity's key within {SLIP_RIVAL_DISTANCE} edits")
    if resolution.id:
        return f"{resolution.id} ({resolution.canonical}), score {resolution.score:.3f} ≥ {threshold} and leads by ≥ {rule.margin}"
    reasons = {
        "empty": "no name left after cleaning",
        "no-candidates": "no entity fits",
        "below-threshold": f"best score {resolution.score:.3f} is below {threshold}" + (" (one-word names need key-level evidence)" if single else ""),
        "ambiguous": f"the best two are within {rule.margin} of each other: " + ", ".join(c.id for c in resolution.candidates[:3]),
    }
    return "no ID: " + reasons[resolution.reason or "no-candidates"]


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


def _romanised(match: PartMatch) -> bool:
    """Whether a romanisation scheme produced the form (rather than a Latin lexicon name only):
    of two equal matches, the one a scheme explains says more."""
    return match.schemes != 1 << 0  # bit 0 is the lexicon's own Latin names


def _strong(matches: dict[int, PartMatch]) -> bool:
    """True when a look-up found something better than a fuzzy neighbour."""
    return any(match.tier != "fuzzy" for match in matches.values())


# Slot weights from the heaviest down: the most that k query parts on distinct slots can weigh.
_HEAVIEST_FIRST = sorted((SLOT_WEIGHTS[slot] for slot in (SURNAME, GIVEN, PATRONYMIC, OTHER)), reverse=True)


@lru_cache(maxsize=256)
def _bound_factors(parts: int, initials: int) -> tuple[float, ...]:
    """For each number of hits, what bounds the whole-name score of an entity that many query
    parts (of ``parts``) reach: times its best part score without initials, as it is with them.

    A score is Σ weight·part score / (Σ weight + penalties): at most ``a`` parts fill distinct
    slots (a ≤ hits, a ≤ 4), each scores at most the best part score, the others pay the
    unmatched penalty, and this only grows with ``a``. Initials score 1, so with initials the
    part scores are bounded by 1 instead. The same few name shapes recur, hence the cache.

    >>> [round(factor, 4) for factor in _bound_factors(2, 0)]
    [0.0, 0.6667, 1.0]
    """
    factors = []
    for hits in range(parts + 1):
        assigned = min(hits, len(_HEAVIEST_FIRST))
        weight = sum(_HEAVIEST_FIRST[:assigned]) + INITIAL_WEIGHT * initials
        penalty = UNMATCHED_PART_PENALTY * (parts - assigned)
        factors.append(weight / (weight + penalty) if weight + penalty else 0.0)
    return tuple(factors)


@lru_cache(maxsize=65536)
def _best_assignment(options: tuple[tuple[tuple[int, float], ...], ...],
                     initial_options: tuple[tuple[int, ...], ...]) -> tuple | None:
    """The best way to give query parts distinct slots of one entity.

    ``options[i]`` lists (slot, score) that query part i can fill; ``initial_options[j]``
    the slots initial j can stand for. Returns (score, chosen option position per part
    or None, slot per initial or None), or None when no assignment gives a surname.
    Of equal scores the first found wins, parts left unassigned before assigned ones.
    Many entities share a signature (everyone called Иванов), hence the cache.

    >>> score, positions, initial_slots = _best_assignment((((SURNAME, 1.0),), ((GIVEN, 0.88), (SURNAME, 0.5))), ())
    >>> round(score, 4), positions, initial_slots
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
                if best is None or total > best[0]:
                    best = (total, tuple(None if p < 0 else p for p in positions), initial_slots)
    return best


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

    # The order of the former enumeration over picks (True before False), so ties resolve alike.
    for first in range(count):
        for second in range(first + 1, count):
            found = assigned((first, second))
            if found is not None:
                yield found
        found = assigned((first,))
        if found is not None:
            yield found
    yield (None,) * count
