"""The packed cross-language table answers as the dict it was made from, and refuses damaged buffers."""

from __future__ import annotations

import pickle
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translitnorm import packed_forms
from translitnorm.packed_forms import PackedForms

forms = st.text(alphabet="abkоёʼ-𝔞", max_size=8)
entries = st.one_of(st.integers(0, 2**42), st.lists(st.integers(0, 2**42), min_size=2, max_size=4).map(tuple))
tables = st.dictionaries(forms, entries, max_size=60)


@settings(max_examples=200, deadline=None)
@given(table=tables, asked=st.lists(forms, max_size=20))
def test_get_and_items_are_the_dicts(table, asked):
    packed = PackedForms.from_dict(table)
    assert len(packed) == len(table)
    assert dict(packed.items()) == table
    assert sorted(packed) == sorted(table)
    for form in list(table) + asked:
        assert packed.get(form) == table.get(form)
        assert (form in packed) == (form in table)
    again = PackedForms.from_state(packed.state())
    assert again == packed and pickle.loads(pickle.dumps(packed)) == packed
    assert PackedForms.from_dict(dict(reversed(table.items()))) == packed  # whatever order the forms were filed in
    handed_over = dict(table)
    assert PackedForms.from_dict(handed_over, consume=True) == packed and handed_over == {}


@settings(max_examples=50, deadline=None)
@given(table=tables, asked=st.lists(forms, max_size=20))
def test_forms_that_share_a_checksum_are_told_apart_by_their_bytes(table, asked):
    original = packed_forms.zlib
    packed_forms.zlib = types.SimpleNamespace(crc32=lambda data: len(data) % 3)  # collisions everywhere
    try:
        packed = PackedForms.from_dict(table)
        for form in list(table) + asked:
            assert packed.get(form) == table.get(form)
        assert PackedForms.from_dict(dict(reversed(table.items()))) == packed
    finally:
        packed_forms.zlib = original


@pytest.mark.parametrize("damage", [
    lambda state: state[:4],                                   # a buffer missing
    lambda state: (state[0][:-1],) + state[1:],                # a checksum cut in the middle
    lambda state: (state[0], state[1][:-1]) + state[2:],       # form bytes shorter than the offsets say
    lambda state: state[:4] + (state[4] + b"\0" * 8,),         # an entry the offsets do not cover
    lambda state: (state[0] + b"\0" * 4,) + state[1:],         # a checksum too many
    lambda state: ("text",) + state[1:],                       # not bytes
])
def test_damaged_buffers_are_refused(damage):
    state = PackedForms.from_dict({"kharkiv": 5, "harkau": (7, 9), "харків": 11}).state()
    with pytest.raises(ValueError):
        PackedForms.from_state(damage(state))


@settings(max_examples=50, deadline=None)
@given(table=tables)
def test_forms_joined_in_slices_are_the_forms_joined_at_once(table):
    """The forms buffer is joined a slice at a time (to spare memory); any slice size gives the same table."""
    whole = PackedForms.from_dict(table)
    saved = packed_forms._JOIN_SLICE
    try:
        packed_forms._JOIN_SLICE = 3
        assert PackedForms.from_dict(table).state() == whole.state()
    finally:
        packed_forms._JOIN_SLICE = saved
