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
from typing import Iterable, NamedTuple, Sequence

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


class NeighbourLayout(NamedTuple):
    """The key-neighbour index as flat arrays: what :func:`_layout` computes once (at compile time,
    into the cache) and :func:`_buckets` files into buckets when an index is loaded.

    ``order`` lists the positions, in the keys as given, of every non-empty key sorted by (first
    letter, length, key); ``lengths`` and ``pair_counts`` follow that order. ``groups`` lists one
    (bucket, pair) group per row as its code (bucket·A² + first·A + second, over the numbering of
    ``characters``, A their count), ascending; ``group_starts`` where its keys begin in
    ``postings`` (bucket-local positions, ascending within a group); ``bounds`` each bucket's
    first letter and its span of ``order``.
    """

    order: np.ndarray  # int32
    characters: str
    lengths: np.ndarray  # int32
    pair_counts: np.ndarray  # int32
    groups: np.ndarray  # int64
    group_starts: np.ndarray  # int64
    postings: np.ndarray  # int32
    bounds: list[tuple[str, int, int]]

    def state(self) -> tuple:
        """Byte strings, a string and a list of plain tuples: what marshal stores and loads at once."""
        return (self.order.tobytes(), self.characters, self.lengths.tobytes(), self.pair_counts.tobytes(),
                self.groups.tobytes(), self.group_starts.tobytes(), self.postings.tobytes(),
                [tuple(bound) for bound in self.bounds])

    @classmethod
    def from_state(cls, state: tuple, key_count: int) -> "NeighbourLayout":
        """From :meth:`state` of an index of ``key_count`` keys; ValueError when its parts do not fit together."""
        if not (isinstance(state, tuple) and len(state) == 8 and isinstance(state[1], str)
                and isinstance(state[7], list) and all(isinstance(state[i], bytes) for i in (0, 2, 3, 4, 5, 6))):
            raise ValueError("the key-neighbour index is seven byte strings and a list")
        widths = (4, None, 4, 4, 8, 8, 4)
        for item, width in zip(state, widths):
            if width and len(item) % width:
                raise ValueError("a key-neighbour buffer has a partial item")
        order, lengths, pair_counts = (np.frombuffer(state[i], dtype=np.int32) for i in (0, 2, 3))
        groups, group_starts = (np.frombuffer(state[i], dtype=np.int64) for i in (4, 5))
        postings = np.frombuffer(state[6], dtype=np.int32)
        bounds = state[7]
        count = len(order)
        if not (len(lengths) == count == len(pair_counts) and len(groups) == len(group_starts)):
            raise ValueError("the key-neighbour arrays differ in length")
        if count and not (0 <= int(order.min()) and int(order.max()) < key_count):
            raise ValueError("the key-neighbour index names keys the index does not have")
        if len(group_starts) and not (group_starts[0] == 0 and bool(np.all(np.diff(group_starts) >= 0))
                                      and int(group_starts[-1]) <= len(postings)):
            raise ValueError("the key-neighbour groups do not fit their postings")
        previous = 0
        for bound in bounds:
            if not (isinstance(bound, tuple) and len(bound) == 3 and isinstance(bound[0], str)
                    and bound[1] == previous and isinstance(bound[2], int) and bound[2] > bound[1]):
                raise ValueError("the key-neighbour buckets do not tile the keys")
            previous = bound[2]
        if previous != count:
            raise ValueError("the key-neighbour buckets do not tile the keys")
        alphabet = max(len(state[1]), 1)
        if len(groups) and not (int(groups.min()) >= 0 and int(groups.max()) < len(bounds) * alphabet * alphabet):
            raise ValueError("a key-neighbour group names a bucket or letter the index does not have")
        widest = max((stop - start for _, start, stop in bounds), default=0)
        if len(postings) and not (int(postings.min()) >= 0 and int(postings.max()) < widest):
            raise ValueError("a key-neighbour posting lies outside its bucket")
        return cls(order, state[1], lengths, pair_counts, groups, group_starts, postings, bounds)


def _layout(keys: Sequence[str]) -> NeighbourLayout:
    """The flat arrays of the key-neighbour index of ``keys`` (distinct; see :class:`NeighbourLayout`).

    Built with whole-array steps rather than a loop over keys and their pairs: an index of
    400,000 keys holds some three million (key, pair) rows (1.0 s in a Python loop at 100,000
    people, 0.35 s so; at 1,000,000 people 3 s, which is why it is done once, at compile time,
    and kept in the cache). A key's pairs are its adjacent code points; a pair is kept once per key.
    """
    position = {key: number for number, key in enumerate(keys)}
    ordered = sorted(position)
    if ordered and not ordered[0]:
        del ordered[0]  # the empty key, first if present (keys are distinct)
    ordered.sort(key=len)  # stable sorts: by (first letter, length, key), each bucket in scan order
    ordered.sort(key=operator.itemgetter(0))
    count = len(ordered)
    order = np.fromiter(map(position.__getitem__, ordered), dtype=np.int32, count=count)
    del position
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
    order_of_rows = np.argsort(group_code, kind="stable")
    group_code, pair_keys = group_code[order_of_rows], pair_keys[order_of_rows]
    distinct = np.ones(len(order_of_rows), dtype=bool)
    distinct[1:] = (group_code[1:] != group_code[:-1]) | (pair_keys[1:] != pair_keys[:-1])
    group_code, pair_keys = group_code[distinct], pair_keys[distinct]
    pair_counts = np.bincount(pair_keys, minlength=count).astype(np.int32)
    edges = np.nonzero(group_code[1:] != group_code[:-1])[0] + 1
    group_starts = np.concatenate(([0], edges)).astype(np.int64) if len(group_code) else np.zeros(0, dtype=np.int64)
    key_bucket_start = np.repeat(np.array(bucket_starts, dtype=np.int64), np.diff(bucket_starts + [count]))
    postings = (pair_keys - key_bucket_start[pair_keys]).astype(np.int32)
    return NeighbourLayout(order, "".join(characters), lengths.astype(np.int32), pair_counts,
                   group_code[group_starts].astype(np.int64), group_starts, postings, bounds)


def _buckets(layout: NeighbourLayout, keys: Sequence[str]) -> dict[str, _Bucket]:
    """The buckets of ``layout``, over ``keys`` (the keys it was computed from, in the same order)."""
    ordered = np.array(keys, dtype=object)[layout.order].tolist() if len(layout.order) else []
    characters, alphabet = layout.characters, max(len(layout.characters), 1)
    postings: list[dict[str, np.ndarray]] = [{} for _ in layout.bounds]
    stops = layout.group_starts[1:].tolist() + [len(layout.postings)]
    for code, first, last in zip(layout.groups.tolist(), layout.group_starts.tolist(), stops):
        bucket, pair = divmod(code, alphabet * alphabet)
        postings[bucket][characters[pair // alphabet] + characters[pair % alphabet]] = layout.postings[first:last]
    return {letter: _Bucket(ordered[start:stop], layout.lengths[start:stop], layout.pair_counts[start:stop],
                            postings[number])
            for number, (letter, start, stop) in enumerate(layout.bounds)}


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

    def __init__(self, keys: Iterable[str], scan_at_most: int = SCAN_AT_MOST, layout: "NeighbourLayout | None" = None):
        keys = list(keys)
        self._scan_at_most = scan_at_most
        self._layout = layout if layout is not None else _layout(keys)
        self._buckets = _buckets(self._layout, keys)

    def state(self) -> tuple:
        """The index as plain values for a cache file; :meth:`from_state` with the same keys reads it back."""
        return self._layout.state()

    @staticmethod
    def read_state(state: tuple, key_count: int) -> NeighbourLayout:
        """The layout that :meth:`state` wrote, checked to fit an index of ``key_count`` keys (ValueError
        if it does not): what ``KeyNeighbours(keys, layout=…)`` files into buckets when first asked."""
        return NeighbourLayout.from_state(state, key_count)

    @classmethod
    def from_state(cls, keys: Iterable[str], state: tuple, scan_at_most: int = SCAN_AT_MOST) -> "KeyNeighbours":
        """The index of ``keys`` (the same keys, in the same order, as the one whose :meth:`state`
        this is) without computing it again; ValueError when ``state`` does not fit them.

        >>> keys = ["bakiev", "bakieva", "baraev"]
        >>> KeyNeighbours.from_state(keys, KeyNeighbours(keys).state()).bucket("b", 6, 7)
        ['bakiev', 'baraev', 'bakieva']
        """
        keys = list(keys)
        return cls(keys, scan_at_most, cls.read_state(state, len(keys)))

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
