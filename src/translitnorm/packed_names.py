"""The names of every entity of an index, held in a few flat buffers.

An index keeps, for each entity, its lexicon names as (lang, text, role) rows: a candidate's
description and the lexicon's maintenance read them, one entity at a time. As a list of tuples
of tuples, a million people are some four million Python objects, and unmarshalling them took
about a second of every load of the cached index (1.2 s of 4.5 s at 1,000,000 people). Here the
texts are one string with the offsets where each begins, the languages and roles small numbers
into a vocabulary, and each entity the range of its names: loading is copying a few buffers, and
an entity's rows are made when asked for.

Why not a library: the rows must come back exactly as the tuples they were made from, and
pyarrow's list arrays (the nearest fit) would make each row a pyarrow scalar to convert back.

>>> names = PackedNames.from_lists([[("ky", "Ош", "source"), ("en", "Osh", "canonical")], [("ru", "Бакиев", "source")]])
>>> names[0], names[1], len(names)
((('ky', 'Ош', 'source'), ('en', 'Osh', 'canonical')), (('ru', 'Бакиев', 'source'),), 2)
>>> PackedNames.from_state(names.state(), 2) == names
True
"""

from __future__ import annotations

from array import array
from typing import Iterator, Sequence

import numpy as np

NameRow = tuple[str, str, str]  # (lang, text, role)

# array typecodes: offsets into the texts and name numbers of the entities (8 bytes: a million
# people's names are tens of millions of characters), and a name's lang and role as positions
# in the vocabulary (2 bytes: languages and roles are a few dozen words)
_OFFSET, _WORD = "q", "H"


class PackedNames(Sequence[tuple[NameRow, ...]]):
    """Entity number → its names as (lang, text, role) tuples; see the module's docstring."""

    __slots__ = ("_texts", "_text_offsets", "_langs", "_roles", "_vocabulary", "_entity_starts")

    def __init__(self, texts: str, text_offsets: array, langs: array, roles: array, vocabulary: list[str],
                 entity_starts: array):
        self._texts, self._text_offsets = texts, text_offsets
        self._langs, self._roles, self._vocabulary = langs, roles, vocabulary
        self._entity_starts = entity_starts

    @classmethod
    def from_lists(cls, entity_names: Sequence[Sequence[NameRow]]) -> "PackedNames":
        """Pack each entity's rows, in order."""
        numbers: dict[str, int] = {}
        langs, roles = array(_WORD), array(_WORD)
        text_offsets, entity_starts = array(_OFFSET, [0]), array(_OFFSET, [0])
        texts: list[str] = []
        offset = 0
        for rows in entity_names:
            for lang, text, role in rows:
                langs.append(numbers.setdefault(lang, len(numbers)))
                roles.append(numbers.setdefault(role, len(numbers)))
                texts.append(text)
                offset += len(text)
                text_offsets.append(offset)
            entity_starts.append(len(texts))
        if len(numbers) > 1 << 16:
            raise ValueError("more distinct languages and roles than a packed name table holds")
        return cls("".join(texts), text_offsets, langs, roles, list(numbers), entity_starts)

    @classmethod
    def from_state(cls, state: tuple, entity_count: int) -> "PackedNames":
        """From :meth:`state`, for an index of ``entity_count`` entities; ValueError when the
        buffers do not fit together (a file written by other code)."""
        if not (isinstance(state, tuple) and len(state) == 6 and isinstance(state[0], str)
                and all(isinstance(item, bytes) for item in state[1:5]) and isinstance(state[5], list)
                and all(isinstance(word, str) for word in state[5])):
            raise ValueError("a packed name table is a string, four byte strings and a list of words")
        texts, vocabulary = state[0], state[5]
        buffers = []
        for item, code in zip(state[1:5], (_OFFSET, _WORD, _WORD, _OFFSET)):
            buffer = array(code)
            if len(item) % buffer.itemsize:
                raise ValueError("a packed name table's buffer has a partial item")
            buffer.frombytes(item)
            buffers.append(buffer)
        text_offsets, langs, roles, entity_starts = buffers
        names = len(langs)
        ascending = (lambda buffer: bool(np.all(np.diff(np.frombuffer(buffer, dtype=np.int64)) >= 0)))
        fits = (len(entity_starts) == entity_count + 1 and len(roles) == names and len(text_offsets) == names + 1
                and text_offsets[0] == 0 and text_offsets[-1] == len(texts) and entity_starts[0] == 0
                and entity_starts[-1] == names and ascending(text_offsets) and ascending(entity_starts)
                and (not names or max(int(np.max(np.frombuffer(langs, dtype=np.uint16))),
                                      int(np.max(np.frombuffer(roles, dtype=np.uint16)))) < len(vocabulary)))
        if not fits:
            raise ValueError("a packed name table's offsets do not fit its names and entities")
        return cls(texts, text_offsets, langs, roles, vocabulary, entity_starts)

    def state(self) -> tuple[str, bytes, bytes, bytes, bytes, list[str]]:
        """The table as a string, byte strings and a list: what marshal stores and loads at once."""
        return (self._texts, self._text_offsets.tobytes(), self._langs.tobytes(), self._roles.tobytes(),
                self._entity_starts.tobytes(), list(self._vocabulary))

    def __getitem__(self, entity: int) -> tuple[NameRow, ...]:  # type: ignore[override]
        if not 0 <= entity < len(self._entity_starts) - 1:
            raise IndexError(f"entity {entity} of {len(self._entity_starts) - 1}")
        return tuple(map(self._name, range(self._entity_starts[entity], self._entity_starts[entity + 1])))

    def row(self, entity: int, number: int) -> NameRow:
        """One name of an entity, as ``self[entity][number]`` without decoding the others."""
        name = self._entity_starts[entity] + number
        if not (0 <= number and name < self._entity_starts[entity + 1]):
            raise IndexError(f"name {number} of entity {entity}")
        return self._name(name)

    def _name(self, name: int) -> NameRow:
        """The row of the ``name``-th name of the table (all entities' names, in order)."""
        offsets, vocabulary = self._text_offsets, self._vocabulary
        return vocabulary[self._langs[name]], self._texts[offsets[name]:offsets[name + 1]], vocabulary[self._roles[name]]

    def __len__(self) -> int:
        return len(self._entity_starts) - 1

    def __iter__(self) -> Iterator[tuple[NameRow, ...]]:
        return (self[entity] for entity in range(len(self)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PackedNames) and self.state() == other.state()

    def __reduce__(self):
        return (_from_pickled, (self.state(),))


def _from_pickled(state: tuple) -> PackedNames:
    return PackedNames.from_state(state, len(state[4]) // array(_OFFSET).itemsize - 1)
