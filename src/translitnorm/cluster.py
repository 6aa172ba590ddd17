"""Group spellings of names that no lexicon knows: variants of one name share one cluster.

Two spellings join when their matching keys are equal (Usenov ~ Oussenov ~ Ussenow)
or when the keys are fuzzy neighbours: one edit apart in a part of 7 key letters or more (two from 12),
found with rapidfuzz inside buckets of the same first letter and similar length,
in one name part only. A fuzzy link is refused where DESIGN's lessons say the names
differ: an edit that touches ч, ш, щ or ж (Sasha is not Chacha), a female against a
male form (Usenova is not Usenov, Romana is not Roman), different digits (Tomsk-7 is
not Tomsk-8), a different first letter (Halina is not Kalina).

Cluster IDs are deterministic: ``~`` plus a hash of the cluster's smallest member
key, so the same variants get the same ID whatever the order they arrive in.

>>> clusters = cluster_names({"Daniyar Usenov": 3, "Daniar Ussenov": 1, "Felix Kulov": 2})
>>> [(c.representative, c.count, len(c.members)) for c in clusters]
[('Daniyar Usenov', 4, 2), ('Felix Kulov', 2, 1)]
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from translitnorm.keys import as_latin, exact_form, matching_key, surname_genders_differ
from translitnorm.text import parse_name

# Key letters a fuzzy edit must not touch: DESIGN's lesson, merging them multiplies false matches.
_SIBILANTS = frozenset("чшщж")
_VOWELS = frozenset("aeiou")
_QUERY_SLICE = 1_000
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Cluster:
    """Spellings of one unknown name: ``members`` as (spelling, count), most frequent first."""

    id: str
    representative: str
    members: tuple[tuple[str, int], ...]
    key: str

    @property
    def count(self) -> int:
        """Rows (occurrences) of all members together."""
        return sum(count for _, count in self.members)

    def as_dict(self) -> dict:
        """A JSON-ready dict of the cluster."""
        return {"id": self.id, "representative": self.representative, "count": self.count, "key": self.key,
                "members": [{"name": name, "count": count} for name, count in self.members]}


def name_key(name: str) -> str:
    """The clustering key of a whole name: each part's matching key, sorted (order free), space-joined.

    Titles and possessives are dropped and Cyrillic is romanised first, as the matcher does.

    >>> name_key("BAKIYEV, Janysh") == name_key("Janysch Bakijew") == "bakiev ianiш"
    True
    >>> name_key("Курманбек Бакиев") == name_key("Kurmanbek Bakiyev")
    True
    """
    keys = []
    for token in parse_name(name).tokens:
        key = matching_key(as_latin(token.text))
        if key:
            keys.append(key)
    if not keys:  # nothing name-like left: keep the spelling apart from everything else
        return "=" + exact_form(name)
    return " ".join(sorted(keys))


def cluster_id(key: str) -> str:
    """The stable ID of a cluster whose smallest member key is ``key``.

    >>> cluster_id("bakiev iani")
    '~zinthgcp4y'
    """
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return "~" + base64.b32encode(digest).decode("ascii").lower()[:10]


def cluster_names(names_with_counts: Mapping[str, int] | Iterable[tuple[str, int]]) -> list[Cluster]:
    """Cluster distinct spellings (with their counts); clusters by count (desc), then representative.

    The representative is the most frequent member (ties: alphabetical). Empty names are left out.

    >>> [c.members for c in cluster_names([("Temir Sariyev", 2), ("Temir Sarijew", 1), ("Temir Saryev", 1)])]
    [(('Temir Sariyev', 2), ('Temir Sarijew', 1), ('Temir Saryev', 1))]
    """
    counts: dict[str, int] = defaultdict(int)
    items = names_with_counts.items() if isinstance(names_with_counts, Mapping) else names_with_counts
    for name, count in items:
        if name is not None and name.strip():
            counts[name] += count
    by_key: dict[str, list[str]] = defaultdict(list)
    for name in counts:
        by_key[name_key(name)].append(name)

    parent = {key: key for key in by_key}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for first, second in _fuzzy_pairs(sorted(by_key)):
        a, b = root(first), root(second)
        if a != b:
            parent[max(a, b)] = min(a, b)

    groups: dict[str, list[str]] = defaultdict(list)
    for key in by_key:
        groups[root(key)].append(key)
    clusters = []
    for keys in groups.values():
        members = sorted(((name, counts[name]) for key in keys for name in by_key[key]), key=lambda m: (-m[1], m[0]))
        smallest = min(keys)
        clusters.append(Cluster(cluster_id(smallest), members[0][0], tuple(members), smallest))
    clusters.sort(key=lambda c: (-c.count, c.representative, c.id))
    return clusters


def _allowed_edits(length: int) -> int:
    """Edits a name part of this key length may differ by: none below 7 letters, where one letter
    more often makes another real name (Lesina, Levina) than a typo."""
    return 2 if length >= 12 else 1 if length >= 7 else 0


def _fuzzy_pairs(keys: list[str]) -> Iterable[tuple[str, str]]:
    """Pairs of keys that are fuzzy neighbours, searched in buckets (first letter, length)."""
    buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
    for key in keys:
        if not key.startswith("="):
            buckets[(key[0], len(key))].append(key)
    for (letter, length), queries in sorted(buckets.items()):
        limit = 2 if length >= 12 else 1  # edits between whole keys; parts are checked one by one
        for other_length in range(length, length + limit + 1):
            choices = buckets.get((letter, other_length))
            if not choices:
                continue
            for start in range(0, len(queries), _QUERY_SLICE):  # bounds the distance matrix in memory
                part = queries[start:start + _QUERY_SLICE]
                matrix = process.cdist(part, choices, scorer=Levenshtein.distance, score_cutoff=limit, dtype="int32")
                rows, columns = (matrix <= limit).nonzero()
                for row, column in zip(rows.tolist(), columns.tolist()):
                    first, second = part[row], choices[column]
                    if other_length == length and first >= second:
                        continue
                    if _neighbours(first, second):
                        yield first, second


def _neighbours(first: str, second: str) -> bool:
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
    if a[0] != b[0] or a.endswith("a") != b.endswith("a"):
        return False
    if _DIGITS.findall(a) != _DIGITS.findall(b) or surname_genders_differ(a, b):
        return False
    for tag, source, target in Levenshtein.editops(a, b):
        old, new = a[source:source + 1], b[target:target + 1]
        if old in _SIBILANTS or new in _SIBILANTS:
            return False
        if tag == "replace" and old not in _VOWELS and new not in _VOWELS:
            return False  # Astahova, Astapova: one consonant for another is usually another name
        if source >= len(a) - 2 and not (tag != "replace" and (old or new) in _VOWELS):
            return False  # endings carry the grammar: Alekseev (surname) is not Aleksei (given name)
    return True
