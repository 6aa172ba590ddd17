"""The key-neighbour index finds exactly what a scan of every key finds (it only skips keys that cannot qualify)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from translitnorm.neighbours import KeyNeighbours, length_span

# Keys over a small alphabet, so that random keys share letter pairs as real name keys do.
keys = st.text(alphabet="abeikostv", min_size=1, max_size=14)


def _scan_by_ratio(all_keys, key, cutoff):
    shortest, longest = length_span(key, cutoff)
    bucket = sorted({k for k in all_keys if k[0] == key[0] and shortest <= len(k) <= longest}, key=lambda k: (len(k), k))
    return bucket, [k for k in bucket if fuzz.ratio(key, k) >= cutoff]


@settings(max_examples=300, deadline=None)
@given(lexicon=st.lists(keys, min_size=1, max_size=300, unique=True), key=keys, cutoff=st.sampled_from([75.0, 85.0, 90.0]))
def test_by_ratio_keeps_every_key_that_reaches_the_cutoff_in_scan_order(lexicon, key, cutoff):
    near = KeyNeighbours(lexicon, scan_at_most=0)  # the pair filter, whatever the span
    shortest, longest = length_span(key, cutoff)
    found = near.by_ratio(key, shortest, longest, cutoff)
    bucket, qualifying = _scan_by_ratio(lexicon, key, cutoff)
    assert set(qualifying) <= set(found) <= set(bucket)
    assert found == [k for k in bucket if k in set(found)]  # the scan's order, so ties fall alike
    # and what the fuzzy tier takes from it (keys and scores; a key's position differs between
    # the two lists and the tier does not read it) is what it took from the whole bucket
    def taken(choices):
        return [(choice, score) for choice, score, _ in
                process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=40)]
    assert taken(found) == taken(bucket)


@settings(max_examples=300, deadline=None)
@given(lexicon=st.lists(keys, min_size=1, max_size=300, unique=True), key=keys, edits=st.integers(1, 3))
def test_by_edits_keeps_every_key_within_the_edits(lexicon, key, edits):
    found = set(KeyNeighbours(lexicon).by_edits(key, edits))
    assert {k for k in lexicon if OSA.distance(key, k) <= edits} <= found


def test_the_index_prunes_a_realistic_bucket():
    # 20,000 name-like keys: a misspelt key is compared with a small share of its bucket.
    rng = random.Random(7)
    stems = ["bak", "iv", "pet", "sok", "kuz", "nov", "or", "vas", "tok", "kar", "sat", "bek"]
    endings = ["ov", "ev", "in", "enko", "ski", "uly", "bekov", "aev"]
    lexicon = {rng.choice("bkpsvt") + "".join(rng.choice(stems) for _ in range(rng.randint(1, 3))) + rng.choice(endings)
               for _ in range(20_000)}
    near = KeyNeighbours(lexicon)  # as the matcher builds it
    key = "bakivtokov"
    shortest, longest = length_span(key, 85.0)
    found = near.by_ratio(key, shortest, longest, 85.0)
    bucket = near.bucket("b", shortest, longest)
    assert {k for k in bucket if fuzz.ratio(key, k) >= 85.0} <= set(found)
    assert len(found) < len(bucket) / 5


# Letters of several scripts, one outside the Basic Multilingual Plane, and the empty key.
wide_keys = st.text(alphabet="abоёйʼ-𝔞", min_size=0, max_size=9)


@settings(max_examples=200, deadline=None)
@given(lexicon=st.lists(wide_keys, max_size=200, unique=True))
def test_buckets_hold_each_key_once_with_its_distinct_letter_pairs(lexicon):
    near = KeyNeighbours(lexicon)
    expected: dict[str, list[str]] = {}
    for key in lexicon:
        if key:
            expected.setdefault(key[0], []).append(key)
    assert sorted(near._buckets) == sorted(expected)
    for letter, bucket in near._buckets.items():
        assert bucket.keys == sorted(expected[letter], key=lambda k: (len(k), k))
        assert bucket.lengths.tolist() == [len(k) for k in bucket.keys]
        pairs = [{k[i:i + 2] for i in range(len(k) - 1)} for k in bucket.keys]
        assert bucket.pair_counts.tolist() == [len(p) for p in pairs]
        postings = {pair: [position for position, held in enumerate(pairs) if pair in held]
                    for pair in set().union(*pairs)}
        assert {pair: positions.tolist() for pair, positions in bucket.postings.items()} == postings


@settings(max_examples=100, deadline=None)
@given(lexicon=st.lists(keys, min_size=0, max_size=200, unique=True), key=keys, with_empty=st.booleans())
def test_an_index_read_back_from_its_state_finds_the_same_keys(lexicon, key, with_empty):
    # The cache keeps the index as its state; read back over the same keys it answers alike.
    import marshal

    lexicon = ([""] if with_empty else []) + lexicon
    built = KeyNeighbours(lexicon, scan_at_most=0)
    read = KeyNeighbours.from_state(lexicon, marshal.loads(marshal.dumps(built.state())), scan_at_most=0)
    shortest, longest = length_span(key, 85.0)
    assert read.by_ratio(key, shortest, longest, 85.0) == built.by_ratio(key, shortest, longest, 85.0)
    assert read.by_edits(key, 2) == built.by_edits(key, 2)
    assert read.bucket(key[0], 1, 20) == built.bucket(key[0], 1, 20)


def test_a_state_that_does_not_fit_its_keys_is_refused():
    import pytest

    lexicon = ["bakiev", "bakieva", "baraev", "otunbaeva"]
    state = KeyNeighbours(lexicon).state()
    with pytest.raises(ValueError, match="names keys"):
        KeyNeighbours.from_state(lexicon[:2], state)  # fewer keys than it was computed from
    with pytest.raises(ValueError, match="partial item"):
        KeyNeighbours.from_state(lexicon, (state[0][:-1],) + state[1:])
    with pytest.raises(ValueError, match="tile"):
        KeyNeighbours.from_state(lexicon, state[:7] + ([("b", 0, 2)],))
