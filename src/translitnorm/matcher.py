"""Resolve a name to an entity: look up each name part, score whole entities, decide.

Evidence comes in tiers, and a name is scored by how loosely it was found:

====== ===== ===================================================================
tier   score what matched
====== ===== ===================================================================
exact  1.00  a romanisation of a lexicon name, as written (or the Cyrillic name itself)
folded 0.95  the same with diacritics folded (Chéjov → Chejov)
key    0.88  the matching key (Bakijew ~ Bakiyev ~ Bakiev)
fuzzy  ≤0.82 rapidfuzz over matching keys, only for parts no tier above found
====== ===== ===================================================================

Person names are scored part by part (surname required, given names may be
initials, patronymics optional, order free); other entities on their whole name.
The decision is precision-first: an ID only when the best entity reaches the
minimum score and leads the runner-up by the margin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from rapidfuzz import fuzz, process

from translitnorm.index import (
    CYRILLIC_SCHEME, GIVEN, LEXICON_SCHEME, OTHER, PATRONYMIC, SCHEME_BITS, SLOT_NAMES, SURNAME, WHOLE,
    CompiledIndex,
)
from translitnorm.keys import exact_form, folded_form, matching_key
from translitnorm.romanise import romanise, schemes
from translitnorm.text import ParsedName, Token, parse_name

TIER_SCORES = {"exact": 1.0, "folded": 0.95, "key": 0.88}
FUZZY_CEILING = 0.82
FUZZY_MIN_RATIO = 85.0
TIER_ORDER = ("exact", "folded", "key", "fuzzy")

SLOT_WEIGHTS = {SURNAME: 0.6, GIVEN: 0.3, PATRONYMIC: 0.15, OTHER: 0.15}
INITIAL_WEIGHT = 0.1
# What a query part that fits no slot of the entity costs: a full given name that
# disagrees ("Maxim Bakiyev" is not Kurmanbek Bakiyev) must sink the score.
UNMATCHED_PART_PENALTY = 0.3
UNMATCHED_INITIAL_PENALTY = 0.3

# Russian-style surname endings: a male and a female form are different names.
_FEMALE_ENDING = re.compile(r"(ова|ева|ёва|ина|ына|ая|ской|ova|eva|ina|yna|aya|aja|aia|skaya|skaja|ska)$")
_MALE_ENDING = re.compile(r"(ов|ев|ёв|ин|ын|ий|ый|ой|ov|ev|in|yn|ow|ew|iy|ij|ii|yi|yj|yy|sky|ski|skij|skiy|skii)$")

# Cyrillic query parts are compared with the lexicon's Cyrillic names first; when
# that fails they are romanised once and looked up like a Latin spelling.
_QUERY_ROMANISATION = "ru-bgn"


@dataclass(frozen=True)
class Candidate:
    """An entity that fits the query, with its score and the evidence for it."""

    id: str
    canonical: str
    score: float
    method: str
    scheme: str | None
    matched_name: str
    matched_form: str
    parts: tuple[tuple[str, str, str, float], ...] = ()  # (query part, slot, tier, score)


@dataclass(frozen=True)
class Resolution:
    """The answer for one name: an entity ID, or no ID and the candidates a person should see.

    ``method`` is ``exact``, ``folded``, ``key``, ``fuzzy`` (the weakest evidence used) or
    ``none``; ``reason`` says why no ID was given (``no-candidates``, ``below-threshold``,
    ``ambiguous``, ``empty``).
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


_SCHEME_MASK = (1 << SCHEME_BITS) - 1


@dataclass(frozen=True)
class PartMatch:
    tier: str
    score: float
    schemes: int  # bit set over the index's scheme_ids
    form: str


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
        known = {scheme.id: scheme.target for scheme in schemes()}
        self._scheme_targets = {scheme_id: known.get(scheme_id, "") for scheme_id in index.scheme_ids}

    # -- one name part ----------------------------------------------------------------

    def lookup(self, text: str) -> dict[int, PartMatch]:
        """Name parts of the index that ``text`` (one name part, or a whole place name) may be."""
        cached = self._part_cache.get(text)
        if cached is None:
            cached = self._lookup(text)
            if len(self._part_cache) > 200_000:
                self._part_cache.clear()
            self._part_cache[text] = cached
        return cached

    def _lookup(self, text: str) -> dict[int, PartMatch]:
        index = self.index
        found: dict[int, PartMatch] = {}

        def file(table: dict[str, list[int]], form: str, tier: str, score: float) -> None:
            for packed in table.get(form, ()):
                part = packed >> SCHEME_BITS
                if part not in found or found[part].score < score:
                    found[part] = PartMatch(tier, score, packed & _SCHEME_MASK, form)

        exact = exact_form(text)
        if not exact:
            return found
        cyrillic = bool(re.search(r"[\u0400-\u052f]", exact))
        file(index.exact, exact, "exact", TIER_SCORES["exact"])
        if cyrillic:
            # A Cyrillic spelling that is not in the lexicon (another language's form)
            # is looked up through one romanisation, no better than the key tier.
            latin = romanise(text, _QUERY_ROMANISATION)
            file(index.folded, folded_form(latin), "key", TIER_SCORES["key"])
            file(index.keys, matching_key(latin), "key", TIER_SCORES["key"])
            key = matching_key(latin)
        else:
            file(index.folded, folded_form(text), "folded", TIER_SCORES["folded"])
            key = matching_key(text)
            file(index.keys, key, "key", TIER_SCORES["key"])
        if not found and len(key) >= 4:
            self._fuzzy(key, found)
        return found

    def _fuzzy(self, key: str, found: dict[int, PartMatch]) -> None:
        buckets = self.index.key_buckets()
        neighbours: list[tuple[str, float]] = []
        for length in range(len(key) - 2, len(key) + 3):
            choices = buckets.get((key[0], length))
            if choices:
                neighbours.extend((choice, score) for choice, score, _ in process.extract(
                    key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_RATIO, limit=20))
        for neighbour, ratio in sorted(neighbours, key=lambda item: (-item[1], item[0]))[:20]:
            if _gender_differs(key, neighbour):
                continue
            score = FUZZY_CEILING * ratio / 100.0
            for packed in self.index.keys[neighbour]:
                part = packed >> SCHEME_BITS
                if part not in found or found[part].score < score:
                    found[part] = PartMatch("fuzzy", score, packed & _SCHEME_MASK, neighbour)

    # -- whole names ------------------------------------------------------------------

    def candidates(self, parsed: ParsedName) -> list[Candidate]:
        """Every entity the parsed name fits, best first (ties by ID, so results never drift)."""
        index = self.index
        full = self.joined_parts(parsed.full_tokens)
        token_matches = [self.lookup(token.text) for token in full]
        place_text = "".join(parsed.place_words)
        place_matches = self.lookup(place_text) if place_text else {}

        entities: dict[int, None] = {}
        for matches in token_matches:
            for part in matches:
                for posting in index.postings[part]:
                    if posting & 7 in (SURNAME, OTHER):
                        entities.setdefault(posting >> 12)
        for part in place_matches:
            for posting in index.postings[part]:
                if posting & 7 == WHOLE:
                    entities.setdefault(posting >> 12)

        results = []
        for entity in entities:
            if index.entity_types[entity] == "person":
                candidate = self._score_person(entity, parsed, full, token_matches)
            else:
                candidate = self._score_whole(entity, place_matches, " ".join(parsed.place_words))
            if candidate is not None:
                results.append(candidate)
        results.sort(key=lambda c: (-c.score, c.id))
        return results

    def joined_parts(self, tokens: Sequence[Token]) -> tuple[Token, ...]:
        """Join two words that are one hyphenated name part written with a space ("Kassym Jomart").

        Only when one of the words alone is unknown and the joined word is known.
        """
        merged: list[Token] = []
        position = 0
        while position < len(tokens):
            token = tokens[position]
            if position + 1 < len(tokens):
                following = tokens[position + 1]
                joined = f"{token.text}-{following.text}"
                alone_known = _strong(self.lookup(token.text)) and _strong(self.lookup(following.text))
                if not alone_known and _strong(self.lookup(joined)):
                    merged.append(Token(joined, surname_hint=token.surname_hint))
                    position += 2
                    continue
            merged.append(token)
            position += 1
        return tuple(merged)

    def _entity_slots(self, entity: int) -> dict[int, list[tuple[int, int]]]:
        """slot -> [(part, name number)] for one entity."""
        slots: dict[int, list[tuple[int, int]]] = {}
        for part, postings in self._entity_parts(entity):
            for posting in postings:
                slots.setdefault(posting & 7, []).append((part, (posting >> 3) & 511))
        return slots

    def _entity_parts(self, entity: int):
        parts_of = self._parts_by_entity()
        return parts_of.get(entity, ())

    def _parts_by_entity(self) -> dict[int, list[tuple[int, list[int]]]]:
        cached = getattr(self, "_by_entity", None)
        if cached is None:
            cached = {}
            for part, postings in enumerate(self.index.postings):
                for posting in postings:
                    cached.setdefault(posting >> 12, []).append((part, [posting]))
            self._by_entity = cached
        return cached

    def _score_person(self, entity: int, parsed: ParsedName, full: Sequence[Token],
                      token_matches: list[dict[int, PartMatch]]) -> Candidate | None:
        index = self.index
        slots = self._entity_slots(entity)
        # options[i] = [(slot, score, tier, part, name, match)] for query token i
        options: list[list[tuple]] = []
        for matches in token_matches:
            token_options = []
            for slot, parts in slots.items():
                if slot == WHOLE:
                    continue
                best = None
                for part, name in parts:
                    match = matches.get(part)
                    if match and (best is None or (match.score, _romanised(match)) > (best[1], _romanised(best[5]))):
                        best = (slot, match.score, match.tier, part, name, match)
                if best:
                    token_options.append(best)
            options.append(token_options)
        initials = [t for t in parsed.tokens if t.initial]
        initial_options = []
        for token in initials:
            letter = exact_form(token.text)
            letter_latin = exact_form(romanise(token.text, _QUERY_ROMANISATION)) if re.search(r"[\u0400-\u052f]", letter) else letter
            fits = []
            for slot in (GIVEN, PATRONYMIC):
                for part, name in slots.get(slot, ()):
                    part_letters = index.part_initials[part]
                    if letter[:1] in part_letters or letter_latin[:1] in part_letters or exact_form(index.parts[part]).startswith(letter):
                        fits.append(slot)
                        break
            initial_options.append(fits)

        best_total = None
        for assignment in _assignments(options, initial_options):
            token_slots, initial_slots = assignment
            if SURNAME not in [choice[0] for choice in token_slots if choice]:
                continue
            numerator = denominator = 0.0
            for choice in token_slots:
                if choice is None:
                    denominator += UNMATCHED_PART_PENALTY
                else:
                    weight = SLOT_WEIGHTS[choice[0]]
                    numerator += weight * choice[1]
                    denominator += weight
            for slot in initial_slots:
                if slot is None:
                    denominator += UNMATCHED_INITIAL_PENALTY
                else:
                    numerator += INITIAL_WEIGHT
                    denominator += INITIAL_WEIGHT
            total = numerator / denominator if denominator else 0.0
            if best_total is None or total > best_total[0]:
                best_total = (total, token_slots, initial_slots)
        if best_total is None:
            return None
        total, token_slots, initial_slots = best_total
        surname_choice = next(choice for choice in token_slots if choice and choice[0] == SURNAME)
        chosen = [choice for choice in token_slots if choice]
        weakest = max((choice[2] for choice in chosen), key=TIER_ORDER.index)
        scheme = self._explaining_scheme([choice[5].schemes for choice in chosen], parsed.cleaned)
        parts = tuple((token.text, SLOT_NAMES[choice[0]] if choice else "unmatched", choice[2] if choice else "-",
                       round(choice[1], 4) if choice else 0.0) for token, choice in zip(full, token_slots))
        parts += tuple((token.text + ".", SLOT_NAMES[slot] + " initial" if slot is not None else "unmatched initial", "initial", 1.0 if slot is not None else 0.0)
                       for token, slot in zip(initials, initial_slots))
        return self._candidate(entity, total, weakest, surname_choice[4], surname_choice[5], scheme, parts)

    def _score_whole(self, entity: int, place_matches: dict[int, PartMatch], query: str) -> Candidate | None:
        best = None
        for part, postings in self._entity_parts(entity):
            match = place_matches.get(part)
            if match is None:
                continue
            for posting in postings:
                if posting & 7 == WHOLE and (best is None or (match.score, _romanised(match)) > (best[0].score, _romanised(best[0]))):
                    best = (match, part, (posting >> 3) & 511)
        if best is None:
            return None
        match, part, name = best
        parts = ((query, "whole name", match.tier, round(match.score, 4)),)
        scheme = self._explaining_scheme([match.schemes], query)
        return self._candidate(entity, match.score, match.tier, name, match, scheme, parts)

    def _explaining_scheme(self, masks: list[int], query: str) -> str | None:
        """The scheme that produced every matched part (or the most of them), preferring the query's language."""
        common = masks[0]
        for mask in masks[1:]:
            common &= mask
        if not common:
            common = masks[0] if len(masks) == 1 else max(masks, key=lambda m: bin(m).count("1"))
        hinted = language_hints(query)
        best = None
        for number in range(common.bit_length()):
            if common >> number & 1:
                scheme_id = self.index.scheme_ids[number]
                rank = self._scheme_rank(scheme_id, hinted)
                if best is None or rank < best[0]:
                    best = (rank, scheme_id)
        if best is None or best[1] in (LEXICON_SCHEME, CYRILLIC_SCHEME):
            return None
        return best[1]

    def _scheme_rank(self, scheme_id: str, hinted: frozenset[str]) -> tuple:
        target = self._scheme_targets.get(scheme_id, "")
        in_hint = 0 if target in hinted else 1
        popular = {"en": 0, "intl": 1}.get(target, 2)
        bgn = 0 if scheme_id.endswith("-bgn") else 1
        return (in_hint, popular, bgn, scheme_id)

    def _candidate(self, entity: int, score: float, tier: str, name: int, match: PartMatch,
                   scheme: str | None, parts: tuple) -> Candidate:
        index = self.index
        lang, text, role = index.entity_names[entity][name]
        return Candidate(
            id=index.entity_ids[entity], canonical=index.canonicals[entity], score=round(score, 6), method=tier,
            scheme=scheme, matched_name=f"{text} ({lang} {role})", matched_form=match.form, parts=parts)

    # -- decision ---------------------------------------------------------------------

    def resolve(self, raw: str, explanation: Explanation | None = None) -> Resolution:
        """Resolve one raw name (see :meth:`translitnorm.Normaliser.resolve`)."""
        parsed = parse_name(raw if isinstance(raw, str) else "")
        if explanation is not None:
            explanation.add("cleaned", repr(parsed.cleaned) + (f"  (set aside: {', '.join(parsed.dropped)})" if parsed.dropped else ""))
            explanation.add("parts", ", ".join(f"{t.text}{'.' if t.initial else ''}{' (initial)' if t.initial else ''}{' (before comma)' if t.surname_hint else ''}" for t in parsed.tokens) or "-")
            for token in parsed.full_tokens:
                text = token.text
                latin = romanise(text, _QUERY_ROMANISATION) if token.cyrillic else text
                explanation.add(f"  {text}", f"exact {exact_form(text)!r}, folded {folded_form(latin)!r}, key {matching_key(latin)!r}")
        if not parsed.full_tokens:
            return Resolution(raw, None, None, 0.0, "none", reason="empty")
        candidates = self.candidates(parsed)
        rule = self.rule
        shown = tuple(candidates[: rule.max_candidates])
        if explanation is not None:
            for candidate in candidates[: rule.max_candidates]:
                parts = "; ".join(f"{q} → {slot} ({tier} {score:.2f})" for q, slot, tier, score in candidate.parts)
                via = f" via {candidate.scheme}" if candidate.scheme else ""
                explanation.add(f"candidate {candidate.id}", f"{candidate.score:.3f}  {candidate.matched_name} as {candidate.matched_form!r}{via}  [{parts}]")
        if not candidates:
            resolution = Resolution(raw, None, None, 0.0, "none", reason="no-candidates")
        else:
            best = candidates[0]
            runner_up = candidates[1].score if len(candidates) > 1 else 0.0
            single = len(parsed.full_tokens) == 1
            threshold = rule.min_score_single if single else rule.min_score
            if best.score < threshold:
                resolution = Resolution(raw, None, None, best.score, "none", candidates=shown, reason="below-threshold")
            elif best.score - runner_up < rule.margin:
                resolution = Resolution(raw, None, None, best.score, "none", candidates=shown, reason="ambiguous")
            else:
                resolution = Resolution(raw, best.id, best.canonical, best.score, best.method, best.scheme,
                                        best.matched_name, best.matched_form, shown, None)
        if explanation is not None:
            explanation.add("decision", _describe_decision(resolution, rule, len(parsed.full_tokens) == 1))
            explanation.resolution = resolution
        return resolution


def _describe_decision(resolution: Resolution, rule: DecisionRule, single: bool) -> str:
    threshold = rule.min_score_single if single else rule.min_score
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


def language_hints(text: str) -> frozenset[str]:
    """Target languages whose conventions the spelling shows (ß, ł, ő, ç, sz, tsch…).

    >>> sorted(language_hints("Tschechow")), sorted(language_hints("Łukaszenka"))
    (['de'], ['hu', 'pl'])
    """
    lowered = text.casefold()
    return frozenset(lang for mark, lang in _HINTS if mark in lowered)


def _romanised(match: PartMatch) -> bool:
    """Whether a romanisation scheme produced the form (rather than a Latin lexicon name only):
    of two equal matches, the one a scheme explains says more."""
    return match.schemes != 1 << 0  # bit 0 is the lexicon's own Latin names


def _strong(matches: dict[int, PartMatch]) -> bool:
    """True when a look-up found something better than a fuzzy neighbour."""
    return any(match.tier != "fuzzy" for match in matches.values())


def _gender_differs(first: str, second: str) -> bool:
    """True when one key has a female and the other a male surname ending (Bakiev vs Bakieva)."""
    return bool((_FEMALE_ENDING.search(first) and _MALE_ENDING.search(second))
                or (_MALE_ENDING.search(first) and _FEMALE_ENDING.search(second)))


def _assignments(options: list[list[tuple]], initial_options: list[list[int]]):
    """Every way to give query parts distinct slots (or none), initials only given/patronymic."""

    def tokens(position: int, used: frozenset):
        if position == len(options):
            yield [], used
            return
        for rest, rest_used in tokens(position + 1, used):
            yield [None] + rest, rest_used
        for choice in options[position]:
            if choice[0] not in used:
                for rest, rest_used in tokens(position + 1, used | {choice[0]}):
                    yield [choice] + rest, rest_used

    def initial_slots(position: int, used: frozenset, after: int):
        # Initials fill the given name, then the patronymic, in writing order
        # ("В.В. Путин"): one initial next to a full surname is the given name.
        if position == len(initial_options):
            yield []
            return
        for rest in initial_slots(position + 1, used, after):
            yield [None] + rest
        for slot in initial_options[position]:
            first_free = GIVEN if GIVEN not in used else PATRONYMIC
            if slot not in used and slot > after and slot == first_free:
                for rest in initial_slots(position + 1, used | {slot}, slot):
                    yield [slot] + rest

    for token_slots, used in tokens(0, frozenset()):
        for slots in initial_slots(0, used, -1):
            yield token_slots, slots
