"""Fuzzy neighbours among clustering keys: which keys are variants of one name a little off, found
in hash blocks, never by comparing all pairs (the rules: :func:`neighbours`; the blocks:
:func:`fuzzy_pairs`). Used by :mod:`translitnorm.cluster` on Latin and on Cyrillic keys.

>>> neighbours("бакирова", "бакиррова"), neighbours("галина", "калина")
(True, False)
>>> neighbours("ahmatova iuliia", "ahmatova iulliia")
False
>>> list(fuzzy_pairs(["aleksandrov", "aleksandrow", "aleksanrov"]))
[('aleksanrov', 'aleksandrov')]
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

from rapidfuzz.distance import Levenshtein

from translitnorm.keys import surname_genders_differ

# Key letters a fuzzy edit must not touch: DESIGN's lesson, merging them multiplies false matches.
SIBILANTS = frozenset("чшщж")
VOWELS = frozenset("aeiou")
# SMALL_BLOCK: a fuzzy block up to this size is compared pair by pair; a larger one (one-word
# names of one first letter) is searched through its one- and two-letter deletions instead.
SMALL_BLOCK = 24
_DIGITS = re.compile(r"\d+")


def _allowed_edits(length: int) -> int:
    """Edits a name part of this key length may differ by: none below 7 letters, where one letter
    more often makes another real name (Lesina, Levina) than a typo."""
    return 2 if length >= 12 else 1 if length >= 7 else 0


def fuzzy_pairs(keys: list[str], vowels: frozenset[str] = VOWELS) -> Iterable[tuple[str, str]]:
    """Pairs of keys that are fuzzy neighbours (:func:`neighbours`), found in blocks, never all pairs.

    Neighbours differ in one part only, at the same place, and keep its first letter, so each key
    is filed once per part long enough to be edited (7 key letters, :func:`_allowed_edits`) under
    the other parts, that part's place and first letter. A block is compared pair by pair when
    small; a large one (one-word names) through deletion neighbourhoods: two parts within d edits
    share a form with at most d letters deleted from each, so only keys sharing one are compared.
    """
    blocks: dict[tuple[str, int, str], list[str]] = defaultdict(list)
    for key in keys:
        if key.startswith("="):
            continue
        parts = key.split(" ")
        for place, part in enumerate(parts):
            if _allowed_edits(len(part)):
                blocks[(" ".join(parts[:place] + parts[place + 1:]), place, part[0])].append(key)
    for (_, place, _), members in sorted(blocks.items()):
        if len(members) < 2:
            continue
        if len(members) <= SMALL_BLOCK:
            candidates: Iterable[tuple[str, str]] = (
                (first, second) for index, first in enumerate(members) for second in members[index + 1:])
        else:
            candidates = _sharing_deletions(members, place)
        for first, second in candidates:
            # the shorter key first, as _neighbours reads its endings off the first
            first, second = sorted((first, second), key=lambda key: (len(key), key))
            if neighbours(first, second, vowels):
                yield first, second


def _sharing_deletions(members: list[str], place: int) -> set[tuple[str, str]]:
    """Pairs of ``members`` whose part at ``place`` shares a form with as many letters deleted as
    the part may differ by (:func:`_allowed_edits`)."""
    by_form: dict[str, list[str]] = defaultdict(list)
    for key in members:
        part = key.split(" ")[place]
        for form in _deletions(part, _allowed_edits(len(part))):
            by_form[form].append(key)
    pairs = set()
    for sharing in by_form.values():
        for index, first in enumerate(sharing):
            for second in sharing[index + 1:]:
                if first != second:
                    pairs.add((min(first, second), max(first, second)))
    return pairs


def _deletions(text: str, depth: int) -> set[str]:
    """``text`` and every form of it with up to ``depth`` letters deleted.

    >>> sorted(_deletions("abc", 1))
    ['ab', 'abc', 'ac', 'bc']
    """
    forms = {text}
    frontier = {text}
    for _ in range(depth):
        frontier = {form[:index] + form[index + 1:] for form in frontier for index in range(len(form))}
        forms |= frontier
    return forms


def neighbours(first: str, second: str, vowels: frozenset[str] = VOWELS) -> bool:
    """True when two name keys are variants of one name: one part a little off, nothing DESIGN forbids.

    Stricter than the matcher's fuzzy tier (translitnorm.lookup, a ratio of 85 over a key
    the lexicon knows), on purpose: links here join unknown spellings transitively, with no
    lexicon name and no decision rule to check them, so a loose link merges two names for good.

    All parts but one must have equal keys (two misspelt parts are more often two other
    names), and the one that differs must keep its first letter (Halina is not Kalina),
    its final -a (Roman is not Romana), its ending but for a vowel more or less
    (Korjavin, Korjavine), its gender ending, its digits and its ч/ш/щ/ж, and change
    no consonant into another.
    """
    first_parts, second_parts = first.split(" "), second.split(" ")
    if len(first_parts) != len(second_parts):
        return False
    differing = [(a, b) for a, b in zip(first_parts, second_parts) if a != b]
    if len(differing) != 1:
        return False
    [(a, b)] = differing
    if Levenshtein.distance(a, b) > _allowed_edits(min(len(a), len(b))):
        return False
    if a[0] != b[0] or a.endswith(("a", "а")) != b.endswith(("a", "а")):
        return False
    if _DIGITS.findall(a) != _DIGITS.findall(b) or surname_genders_differ(a, b):
        return False
    for tag, source, target in Levenshtein.editops(a, b):
        old, new = a[source:source + 1], b[target:target + 1]
        if old in SIBILANTS or new in SIBILANTS:
            return False
        if tag == "replace" and old not in vowels and new not in vowels:
            return False  # Astahova, Astapova: one consonant for another is usually another name
        if source >= len(a) - 2 and not (tag != "replace" and (old or new) in vowels):
            return False  # endings carry the grammar: Alekseev (surname) is not Aleksei (given name)
    return True
