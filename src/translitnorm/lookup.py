"""Lookup, the first stage of the matcher: from one name part of a query to the name parts of the index it may be.

Evidence comes in tiers, and a part is scored by how loosely it was found:

====== ===== ===================================================================
tier   score what matched
====== ===== ===================================================================
exact  1.00  a romanisation of a lexicon name, as written (or the Cyrillic name itself)
folded 0.95  the same with diacritics folded (Chéjov → Chejov)
key    0.88  the matching key (Bakijew ~ Bakiyev ~ Bakiev)
cross  0.86  a form of the name in another Cyrillic language (Харків ~ Харьков)
ending 0.86  the word without an ending its language added (Čehovs, Tolstojus);
             ``place-form`` the same for a place's case form or adjective
             (Новосибирске, Krasnodarskiy), for whole place names only
transl 0.80  a given name translated, not transliterated (Leo for Лев), given names only
fuzzy  ≤0.82 rapidfuzz over matching keys, only for parts no tier above found
====== ===== ===================================================================

The result of a look-up is a dict part → :class:`PartMatch`, cached per text.
"""

from __future__ import annotations

import functools
from typing import Callable, NamedTuple, Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from translitnorm.crosslang import detect_lang, plausible_langs, variants
from translitnorm.decision import CROSS, ENDING, EXACT, FOLDED, FUZZY, KEY, PLACE_FORM, TIERS, TRANSLATED
from translitnorm.index import GIVEN, PATRONYMIC, SURNAME, WHOLE, CompiledIndex, FormTable
from translitnorm.keys import as_latin, exact_form, folded_form, matching_key, surname_genders_differ
from translitnorm.neighbours import length_span
from translitnorm.morphology import bare_forms, translated_given_names
from translitnorm.script import is_cyrillic
from translitnorm.slips import only_ending_differs, slip_kind
from translitnorm.text import Token

# "ending" and "place-form" (a host-language ending or a Russian case form taken off) are as
# strong as a cross-language form: below the key tier, so that a name found as written
# wins, and at min_score_single, so that one word with only its ending changed still
# resolves. "translated" (Leo for Лев) sits below the fuzzy ceiling: a misspelt
# transliteration says more than a translation, and with an exact surname it still
# reaches min_score (0.6·1 + 0.3·0.8)/0.9 = 0.93, while alone it cannot carry a name.
TIER_SCORES = {EXACT: 1.0, FOLDED: 0.95, KEY: 0.88, CROSS: 0.86, ENDING: 0.86, PLACE_FORM: 0.86, TRANSLATED: 0.80}
FUZZY_CEILING = 0.82
FUZZY_MIN_RATIO = 85.0
TIER_ORDER = TIERS
# A one-word name found only fuzzily gets an ID when its key differs from the entity's by one
# slip of the kinds in slips.py, the key has at least SLIP_MIN_KEY_LENGTH letters (one edit
# in a shorter word makes another name: Lennon/Lenin, Tomar/Tomsk), and no other entity has
# a surname or whole name within SLIP_RIVAL_DISTANCE edits of it. Both chosen on the
# one-word dev set (benchmarks/recall_curves.py prints precision and recall for each value).
SLIP_MIN_KEY_LENGTH = 6
SLIP_RIVAL_DISTANCE = 2
# A Cyrillic word whose letters do not tell its language is read as each language that can
# spell it only from this length on: shorter words collide with other real names too often
# (Вятка read as Belarusian is Ветка, a town in Belarus; measured on the cross-language
# must-not-match set and the cyrillic recall dev set, see benchmarks/recall_curves.py).
UNSURE_LANGUAGE_MIN_LETTERS = 6
# Bound on the per-part cache, so a long-running process does not grow without end.
_PART_CACHE_ENTRIES = 200_000

# A cross-language note not worked out yet: only matches that are shown need it (see PartLookup.note).
_LATER = "…"


class PartMatch(NamedTuple):
    """How one query part was found to be one name part of the index (a tuple: made in bulk)."""

    tier: str
    score: float
    schemes: int  # bit set over the index's scheme_ids
    form: str
    note: str = ""  # the cross-language correspondences that produced the form

    @property
    def romanised(self) -> bool:
        """Whether a romanisation scheme produced the form (rather than a Latin lexicon name only):
        of two equal matches, the one a scheme explains says more."""
        return self.schemes != 1 << 0  # bit 0 is the lexicon's own Latin names


# Made in bulk on every look-up: tuple.__new__ skips NamedTuple's Python-level __new__.
_part_match = functools.partial(tuple.__new__, PartMatch)


def strong(matches: dict[int, PartMatch]) -> bool:
    """True when a look-up found something better than a fuzzy neighbour."""
    return any(match.tier != FUZZY for match in matches.values())


class PartLookup:
    """The look-ups of one index, each distinct text looked up once (used by :class:`translitnorm.matcher.Matcher`)."""

    def __init__(self, index: CompiledIndex):
        self.index = index
        self._part_cache: dict[str, dict[int, PartMatch]] = {}

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

    def _lookup(self, text: str, fuzzy: bool, plain: bool = False) -> dict[int, PartMatch]:
        """``plain``: no host forms and no fuzzy search (for the bare forms of a word)."""
        index = self.index
        found: dict[int, PartMatch] = {}

        def file(table: FormTable, form: str, tier: str, score: float, note: str = "") -> None:
            for part, schemes in index.entries(table, form):
                current = found.get(part)
                if current is None or current.score < score:
                    found[part] = _part_match((tier, score, schemes, form, note))

        exact = exact_form(text)
        if not exact:
            return found
        cyrillic = is_cyrillic(exact)
        file("exact", exact, EXACT, TIER_SCORES[EXACT])
        if cyrillic:
            # A Cyrillic spelling that is not in the lexicon (another language's form)
            # is looked up through one romanisation, no better than the key tier.
            latin = as_latin(text)
            file("folded", folded_form(latin), KEY, TIER_SCORES[KEY])
            key = matching_key(latin)
        else:
            file("folded", folded_form(text), FOLDED, TIER_SCORES[FOLDED])
            key = matching_key(text)
        if not found:
            self._cross_language(text, exact, cyrillic, found)
        file("keys", key, KEY, TIER_SCORES[KEY])
        if plain:
            return found
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
            tier = PLACE_FORM if bare.places_only else ENDING
            # A bare form is a guess: it is not cut again nor searched fuzzily (a guess of a guess).
            matches = self._lookup(bare.text, fuzzy=False, plain=True)
            # the slots each part found fills, once for the checks below
            slots = {part: {posting.slot for posting in index.postings_of(part)} for part in matches}
            if bare.places_only and any(match.tier in (EXACT, FOLDED, KEY) and SURNAME in slots[part]
                                        for part, match in matches.items()):
                continue  # Niyazova is the female form of the surname Niyazov, not the town Nyyazow in Latvian
            for part, match in matches.items():
                if part in found:
                    continue
                if bare.places_only and WHOLE not in slots[part]:
                    continue  # a female surname in -a, an adjective in -sky: another person's name
                if bare.people_only and slots[part] <= {WHOLE}:
                    continue  # Latvian -s is added to men's names, not to places: Taras is not Tara
                found[part] = PartMatch(tier, TIER_SCORES[tier], match.schemes, match.form,
                                        f"{bare.rule}: read as {bare.text}")
        if found:
            return
        for given in translated_given_names(text):
            form = exact_form(given)
            for part, schemes in index.entries("exact", form):
                if part not in found:
                    found[part] = PartMatch(TRANSLATED, TIER_SCORES[TRANSLATED], schemes, form,
                                            f"given name translated: {text} = {given}")

    def _cross_language(self, text: str, exact: str, cyrillic: bool, found: dict[int, PartMatch]) -> None:
        """Look a part up among the lexicon names' forms in the other Cyrillic languages,
        and, for a Ukrainian, Belarusian, Kazakh… word, among its own Russian forms."""
        index = self.index
        score = TIER_SCORES[CROSS]
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
                    found[part] = PartMatch(CROSS, score, schemes, form, note)

    def _fuzzy(self, key: str, found: dict[int, PartMatch]) -> None:
        # A fuzzy neighbour here is looser than the clusterer's (translitnorm.cluster_fuzzy.neighbours) on
        # purpose: here a neighbour is a key the lexicon vouches for, its score is capped below the
        # key tier, and the whole name must still pass the decision's threshold and margin; the
        # clusterer links unknown spellings to each other, transitively, with nothing to check
        # them against, so one loose link there merges two names for good.
        shortest, longest = length_span(key, FUZZY_MIN_RATIO)
        # The keys that can reach the cutoff, in the order of a scan of the whole bucket (first
        # letter, lengths that can reach it), so that ties fall as they did in that scan.
        choices = self.index.key_neighbours().by_ratio(key, shortest, longest, FUZZY_MIN_RATIO)
        found_keys = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_RATIO, limit=40)
        neighbours = [(choice, score) for choice, score, _ in found_keys]
        for neighbour, ratio in sorted(neighbours, key=lambda item: (-item[1], item[0]))[:20]:
            if surname_genders_differ(key, neighbour) or only_ending_differs(key, neighbour):
                continue
            score = FUZZY_CEILING * ratio / 100.0
            for part, schemes in self.index.entries("keys", neighbour):
                if part not in found or found[part].score < score:
                    found[part] = PartMatch(FUZZY, score, schemes, neighbour)

    def accepted_slip(self, text: str, best_id: str, best_form: str,
                      set_aside: Callable[[str], bool] = lambda rival_id: False) -> str | None:
        """For a one-word name ``text`` found only fuzzily as ``best_form`` (a key of the entity
        ``best_id``): the slip that explains it (see slips.py), when its key is long enough and no
        other entity of the whole lexicon has a surname or whole name near it; otherwise None.
        The wider search looks at every key, whatever its first letter or length, so that a
        near name the fuzzy search left out still counts as a rival. ``set_aside(rival_id)``:
        whether a rival does not count (the matcher's rule: the best is a place of far more people
        than the village of a near name); the slip then names the rivals set aside."""
        typed = matching_key(as_latin(text)) if is_cyrillic(text) else matching_key(text)
        if len(typed) < SLIP_MIN_KEY_LENGTH:
            return None
        kind = slip_kind(typed, best_form)
        if kind is None:
            return None
        index = self.index
        near = index.key_neighbours().by_edits(typed, SLIP_RIVAL_DISTANCE)
        aside: set[str] = set()
        for key, _, _ in process.extract(typed, near, scorer=OSA.distance, score_cutoff=SLIP_RIVAL_DISTANCE, limit=None):
            for entry in index.entries("keys", key):
                for posting in index.postings_of(entry.part):
                    # Only what a one-word name can be counts as a rival: a surname or a whole
                    # name (Gagrin is near the given name Garri, but one word is no given name).
                    if posting.slot in (GIVEN, PATRONYMIC):
                        continue
                    rival_id = index.entity_ids[posting.entity]
                    if rival_id == best_id or rival_id in aside:
                        continue
                    if not set_aside(rival_id):
                        return None
                    aside.add(rival_id)
        if aside:
            return f"{kind}; smaller places near it set aside: {', '.join(sorted(aside)[:3])}" + (
                f" and {len(aside) - 3} more" if len(aside) > 3 else "")
        return kind

    def _split_joined(self, tokens: Sequence[Token]) -> Sequence[Token]:
        """Split a hyphenated word that is two name parts joined (Anna-Akhmatova): only when
        the word as written is unknown and every piece is known (Rimsky-Korsakov, Ivano-Frankivsk
        stay whole)."""
        if not any("-" in token.text for token in tokens):
            return tokens
        split: list[Token] = []
        for token in tokens:
            pieces = token.text.split("-")
            if (len(pieces) > 1 and all(pieces) and not strong(self.lookup(token.text, fuzzy=False))
                    and all(strong(self.lookup(piece, fuzzy=False)) for piece in pieces)):
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
                alone_known = strong(self.lookup(token.text)) and strong(self.lookup(following.text))
                if not alone_known and strong(self.lookup(joined, fuzzy=False)):
                    merged.append(Token(joined, surname_hint=token.surname_hint))
                    position += 2
                    continue
            merged.append(token)
            position += 1
        return tuple(merged)

    def note(self, match: PartMatch, part: int) -> str:
        """The cross-language correspondences behind a match, worked out now if they were left for later."""
        return self.index.cross_language_note(part, match.form) if match.note is _LATER else match.note
