"""Matching keys near a key, found without comparing it with every key of the lexicon.

The fuzzy tier compares a query's key with the lexicon's keys of the same first letter and a
length that can reach the cutoff. A realistic lexicon of 100,000 people holds some 400,000
distinct keys, so that bucket alone is tens of thousands of keys, and the fuzzy search grew
with the lexicon until it was most of the time of a misspelt name.

Letter pairs (bigrams) prune it without changing what is found. An edit changes few of a
word's letter pairs: deleting a letter breaks the two pairs it is in, inserting one breaks
one, substituting one breaks two, swapping two neighbours breaks three. So a key within
``d`` insertions and deletions of the query keeps all but ``2·d`` of the query's distinct
pairs (and of its own), and a key within ``k`` edits of the optimal-string-alignment kind
keeps all but ``3·k``. Every key that can reach the cutoff therefore shares at least that
many pairs with the query; counting shared pairs over per-pair posting arrays (numpy) finds
those keys, and the exact scorer then runs over them alone. Where the bound says nothing
(short keys), the whole bucket is scanned as before. The result is the same set of keys in
the same order as the full scan, only found faster (tests/test_neighbours.py checks both
against the plain scan).

Why not a library: rapidfuzz scores a list quickly but has no index, and SymSpell-style
deletion indexes would hold every one- and two-letter deletion of 400,000 keys (tens of
millions of entries) where the pair postings hold about three million integers.
"""

from __future__ import annotations

import math
import operator
from typing import Iterable, Sequence

import numpy as np


# A span of this many keys or fewer is handed to the scorer whole: counting pairs costs some
# fixed 50 µs of numpy calls, and rapidfuzz scores about ten keys a microsecond, so below
# a few hundred keys the filter costs more than it saves (measured on a 5,000-person lexicon,
# median span 491 keys: 74 µs a query scanning, 90 µs filtering).
SCAN_AT_MOST = 400


def _pairs(key: str) -> set[str]:
    return {key[i:i + 2] for i in range(len(key) - 1)}


class _Bucket:
    """The keys of one first letter, sorted by (length, key), with their pair postings (built for
    all buckets at once by :func:`_buckets`)."""

    __slots__ = ("keys", "key_array", "lengths", "pair_counts", "postings")

    def __init__(self, keys: list[str], lengths: np.ndarray, pair_counts: np.ndarray,
                 postings: dict[str, np.ndarray]):
        self.keys = keys
        # The same keys as a numpy array of references, so that the keys a filter keeps are
        # taken in one indexing step, not one by one in Python (tens of thousands for a short key).
        self.key_array = np.array(keys, dtype=object)
        self.lengths = lengths
        self.pair_counts = pair_counts
        self.postings = postings

    def span(self, shortest: int, longest: int) -> tuple[int, int]:
        lengths = self.lengths  # the array's own method: numpy's module function wraps it in Python
        return int(lengths.searchsorted(shortest, side="left")), int(lengths.searchsorted(longest, side="right"))

    def shared_pairs(self, pairs: set[str], start: int, stop: int) -> np.ndarray:
        """How many of ``pairs`` each key in positions [start, stop) has (counted over the span
        only: the postings are sorted, so each is cut to the span before counting)."""
        found = []
        for pair in pairs:
            positions = self.postings.get(pair)
            if positions is not None:
                first, last = positions.searchsorted((start, stop))
                if last > first:
                    found.append(positions[first:last])
        if not found:
            return np.zeros(stop - start, dtype=np.int64)
        return np.bincount(np.concatenate(found) - start, minlength=stop - start)


def _buckets(keys: Iterable[str]) -> dict[str, _Bucket]:
    """Every key filed in the bucket of its first letter, with the pair postings of every bucket.

    Built with whole-array steps rather than a loop over keys and their pairs: an index of
    400,000 keys holds some three million (key, pair) rows, and every process that answers a
    misspelt name builds this once (1.0 s in a Python loop at 100,000 people, 0.35 s so).
    A key's pairs are its adjacent code points as one 64-bit number; a pair is kept once per key.
    """
    ordered = sorted(keys)
    if ordered and not ordered[0]:
        del ordered[0]  # the empty key, first if present (keys are distinct)
    ordered.sort(key=len)  # stable sorts: by (first letter, length, key), each bucket in scan order
    ordered.sort(key=operator.itemgetter(0))
    count = len(ordered)
    joined = "".join(ordered)
    lengths = np.fromiter(map(len, ordered), dtype=np.int64, count=count)
    # each character as a small number, so that a (bucket, pair) fits one integer sort key
    characters = sorted(set(joined))
    numbering = np.zeros(ord(characters[-1]) + 1 if characters else 1, dtype=np.int64)
    numbering[[ord(char) for char in characters]] = np.arange(len(characters))
    codes = numbering[np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)]
    owner = np.repeat(np.arange(count, dtype=np.int64), lengths)
    pair_starts = np.ones(len(codes), dtype=bool)
    pair_starts[np.cumsum(lengths) - 1] = False  # a key's last letter begins no pair
    at = np.nonzero(pair_starts)[0]
    pair_keys = owner[at]

    key_starts = np.cumsum(lengths) - lengths
    first_letters = codes[key_starts]  # ascending: the keys are ordered by first letter
    bucket_starts = np.flatnonzero(np.diff(first_letters, prepend=-1)).tolist()
    bounds = [(characters[first_letters[start]], start, stop)
              for start, stop in zip(bucket_starts, bucket_starts[1:] + [count])]
    bucket_of_key = np.repeat(np.arange(len(bounds), dtype=np.int64), np.diff(bucket_starts + [count]))
    # One stable sort by (bucket, pair) groups the postings, each group's keys ascending (the rows
    # come in key order), and brings a pair a key has twice next to itself.
    alphabet = max(len(characters), 1)
    group_code = (bucket_of_key[pair_keys] * alphabet + codes[at]) * alphabet + codes[at + 1]
    order = np.argsort(group_code, kind="stable")
    group_code, pair_keys = group_code[order], pair_keys[order]
    distinct = np.ones(len(order), dtype=bool)
    distinct[1:] = (group_code[1:] != group_code[:-1]) | (pair_keys[1:] != pair_keys[:-1])
    group_code, pair_keys = group_code[distinct], pair_keys[distinct]
    pair_counts = np.bincount(pair_keys, minlength=count).astype(np.int32)
    edges = np.nonzero(group_code[1:] != group_code[:-1])[0] + 1
    group_starts = np.concatenate(([0], edges)).astype(np.int64) if len(group_code) else np.zeros(0, dtype=np.int64)
    group_stops = np.concatenate((edges, [len(group_code)])).astype(np.int64) if len(group_code) else group_starts
    pair_buckets, pair_code = np.divmod(group_code, alphabet * alphabet)
    local = (pair_keys - np.array([start for _, start, _ in bounds], dtype=np.int64)[pair_buckets]).astype(np.int32)
    postings: list[dict[str, np.ndarray]] = [{} for _ in bounds]
    for code, bucket, first, last in zip(pair_code[group_starts].tolist(), pair_buckets[group_starts].tolist(),
                                         group_starts.tolist(), group_stops.tolist()):
        postings[bucket][characters[code // alphabet] + characters[code % alphabet]] = local[first:last]
    return {letter: _Bucket(ordered[start:stop], lengths[start:stop].astype(np.int32), pair_counts[start:stop],
                            postings[number])
            for number, (letter, start, stop) in enumerate(bounds)}


class KeyNeighbours:
    """Keys that may lie within a fuzzy cutoff of a key; a superset of those that do, in scan order.

    ``keys`` are distinct (the keys of an index's key table).

    ``scan_at_most``: a span of this many keys or fewer is returned whole by :meth:`by_ratio`
    (0: always filter, as here).

    >>> near = KeyNeighbours(["bakiev", "bakieva", "bakirov", "baraev", "otunbaeva"], scan_at_most=0)
    >>> near.by_ratio("bakiyev", 6, 8, 85.0)
    ['bakiev', 'bakieva', 'bakirov']
    >>> near.by_edits("bakiev", 2)
    ['bakiev', 'baraev', 'bakieva', 'bakirov']
    """

    def __init__(self, keys: Iterable[str], scan_at_most: int = SCAN_AT_MOST):
        self._scan_at_most = scan_at_most
        self._buckets = _buckets(keys)

    def bucket(self, first: str, shortest: int, longest: int) -> Sequence[str]:
        """Every key that starts with ``first`` and whose length lies in [shortest, longest], by (length, key)."""
        bucket = self._buckets.get(first)
        if bucket is None:
            return []
        start, stop = bucket.span(shortest, longest)
        return bucket.keys[start:stop]

    def by_ratio(self, key: str, shortest: int, longest: int, cutoff: float) -> list[str]:
        """Keys of :meth:`bucket` (``key``'s first letter) that may reach ``rapidfuzz.fuzz.ratio``
        ≥ ``cutoff`` with ``key``, in the bucket's order.

        ratio = 100·(1 − d / (a + b)) for the insertion/deletion distance d of lengths a and b,
        so reaching the cutoff means d ≤ (1 − cutoff/100)·(a + b).
        """
        bucket = self._buckets.get(key[0]) if key else None
        if bucket is None:
            return []
        start, stop = bucket.span(shortest, longest)
        if start >= stop:
            return []
        if stop - start <= self._scan_at_most:
            return bucket.keys[start:stop]
        pairs = _pairs(key)
        lengths = bucket.lengths[start:stop]
        # + 1e-9: never round a distance the scorer allows down to one it does not
        most_edits = np.floor((100.0 - cutoff) / 100.0 * (len(key) + lengths) + 1e-9)
        needed = np.maximum(len(pairs), bucket.pair_counts[start:stop]) - 2 * most_edits
        if needed.max() <= 0:
            return list(bucket.keys[start:stop])
        keep = np.nonzero(bucket.shared_pairs(pairs, start, stop) >= needed)[0]
        return bucket.key_array[keep + start].tolist()

    def by_edits(self, key: str, most_edits: int) -> list[str]:
        """Keys of any first letter that may lie within ``most_edits`` optimal-string-alignment
        edits (insert, delete, substitute, swap two neighbours) of ``key``; by first letter,
        then (length, key)."""
        pairs = _pairs(key)
        found: list[str] = []
        shortest, longest = max(len(key) - most_edits, 1), len(key) + most_edits
        for letter in sorted(self._buckets):
            bucket = self._buckets[letter]
            start, stop = bucket.span(shortest, longest)
            if start >= stop:
                continue
            needed = np.maximum(len(pairs), bucket.pair_counts[start:stop]) - 3 * most_edits
            if needed.max() <= 0:
                found.extend(bucket.keys[start:stop])
                continue
            keep = np.nonzero(bucket.shared_pairs(pairs, start, stop) >= needed)[0]
            found.extend(bucket.key_array[keep + start].tolist())
        return found


def length_span(key: str, cutoff: float) -> tuple[int, int]:
    """The key lengths that can reach ``fuzz.ratio`` ≥ ``cutoff`` with ``key``: 2·min(a, b) / (a + b) ≥ c bounds b.

    >>> length_span("bakiev", 85.0)
    (5, 8)
    """
    c = cutoff / 100.0
    return math.ceil(len(key) * c / (2 - c)), math.floor(len(key) * (2 - c) / c)
