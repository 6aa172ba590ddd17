"""The packed name table gives back every entity's rows exactly as they were packed, and refuses buffers that do not fit."""

from __future__ import annotations

import marshal
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translitnorm.packed_names import PackedNames

rows = st.tuples(st.sampled_from(["ru", "uk", "en", "ky", "kk-Latn"]), st.text(max_size=12),
                 st.sampled_from(["source", "alias", "canonical", "exonym"]))


@settings(max_examples=200, deadline=None)
@given(entity_names=st.lists(st.lists(rows, max_size=4), max_size=30))
def test_every_entitys_rows_come_back_as_packed(entity_names):
    # any text, separators and control characters included: the table keeps offsets, not separators
    packed = PackedNames.from_lists(entity_names)
    expected = [tuple(names) for names in entity_names]
    assert len(packed) == len(entity_names) and list(packed) == expected
    read = PackedNames.from_state(marshal.loads(marshal.dumps(packed.state())), len(entity_names))
    assert read == packed and [read[entity] for entity in range(len(read))] == expected
    assert pickle.loads(pickle.dumps(packed)) == packed
    # one name read on its own is the same row
    assert [[packed.row(entity, number) for number in range(len(names))] for entity, names in enumerate(entity_names)] == \
        [list(names) for names in entity_names]


def test_an_entity_out_of_range_is_an_index_error():
    packed = PackedNames.from_lists([[("ky", "Ош", "source")]])
    with pytest.raises(IndexError):
        packed[1]
    with pytest.raises(IndexError):
        packed[-1]
    with pytest.raises(IndexError):
        packed.row(0, 1)  # the entity has one name


def test_buffers_that_do_not_fit_are_refused():
    state = PackedNames.from_lists([[("ky", "Ош", "source"), ("en", "Osh", "canonical")], [("ru", "Бакиев", "source")]]).state()
    with pytest.raises(ValueError, match="offsets do not fit"):
        PackedNames.from_state(state, 3)  # an index of more entities than the table has
    with pytest.raises(ValueError, match="offsets do not fit"):
        PackedNames.from_state((state[0][:-1],) + state[1:], 2)  # a text one character short
    with pytest.raises(ValueError, match="partial item"):
        PackedNames.from_state(state[:1] + (state[1][:-1],) + state[2:], 2)
    with pytest.raises(ValueError, match="offsets do not fit"):
        PackedNames.from_state(state[:5] + (state[5][:2],), 2)  # a vocabulary missing its words
    with pytest.raises(ValueError, match="a string, four byte strings"):
        PackedNames.from_state(state[:5], 2)
