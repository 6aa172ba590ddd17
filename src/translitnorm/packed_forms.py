"""A read-only form table held in a few flat buffers: the cross-language forms of a large index.

The cross-language table maps each form of a name in the other Cyrillic languages (Харків,
Kharkiv for Харьков) to the packed entries of the parts it was made from: at 100,000 people
1.4 million forms, half of the index. As a dict it took 0.8 s to unmarshal on first use in
every process and some 90 MB more memory than here, for a table that a query reads only for a
part no own form found. Here the forms' UTF-8 bytes are concatenated, ordered by their CRC-32 (stable
across processes, unlike ``hash``); a look-up is a binary search of that checksum in an array
(``bisect`` over ``array``, all in C) and a comparison of the bytes it points to, and loading is
copying five byte strings.

Why not a library: the standard library has no compact string map, and the candidates on PyPI
(marisa-trie, DAWG) are compiled extensions that store values of their own kinds: the entries
here are ints or tuples of ints, exactly as the dict tables of :mod:`translitnorm.index` hold them.

>>> table = PackedForms.from_dict({"kharkiv": 5, "harkau": (7, 9)})
>>> table.get("kharkiv"), table.get("harkau"), table.get("kyiv")
(5, (7, 9), None)
>>> sorted(table.items()) == sorted({"kharkiv": 5, "harkau": (7, 9)}.items())
True
"""

from __future__ import annotations

import bisect
import itertools
import zlib
from array import array
from typing import Iterator, Mapping

import numpy as np

# array typecodes: offsets into the form bytes and into the entries (4 bytes: both stay far
# below 2**31 at a million people), the packed entries themselves (8 bytes: part << 20 | set),
# and the forms' CRC-32 checksums (4 bytes, unsigned)
_OFFSET, _ENTRY, _CHECKSUM = "i", "q", "I"


# bytes.join holds an 80-byte buffer record for every item while it joins: 110 MB for the 1.4 million
# forms of a 100,000-person index, more than the joined bytes. Joined in slices, it holds a slice's.
_JOIN_SLICE = 1 << 16


def _joined(pieces: list[bytes]) -> bytes:
    """``b"".join(pieces)`` without the memory of joining them all at once."""
    return b"".join([b"".join(pieces[start:start + _JOIN_SLICE]) for start in range(0, len(pieces), _JOIN_SLICE)])


class PackedForms:
    """Form (str) → packed entry (int) or entries (tuple of ints); see the module's docstring."""

    __slots__ = ("_checksums", "_forms", "_form_offsets", "_entry_offsets", "_entries", "_count")

    def __init__(self, checksums: array, forms: bytes, form_offsets: array, entry_offsets: array, entries: array):
        self._checksums, self._forms, self._form_offsets = checksums, forms, form_offsets
        self._entry_offsets, self._entries = entry_offsets, entries
        self._count = len(form_offsets) - 1

    @classmethod
    def from_dict(cls, table: Mapping[str, "int | tuple[int, ...]"], consume: bool = False) -> "PackedForms":
        """The table of a dict of form → packed entry or tuple of them (the same whatever its order).

        ``consume``: empty ``table`` as soon as it is read, so that its strings are freed before the
        buffers are made (compiling a million people, the cross table's millions of forms are the
        largest thing in memory; the index hands its table over so).
        """
        count = len(table)
        encoded = np.fromiter((form.encode() for form in table), dtype=object, count=count)
        values = np.fromiter(table.values(), dtype=object, count=count)
        if consume:
            table.clear()
        checksums = np.fromiter(map(zlib.crc32, encoded), dtype=np.uint32, count=count)
        order = checksums.argsort(kind="stable")
        # Forms of equal checksum (a few hundred pairs in a million) go by their bytes, so that the
        # buffers do not depend on the order the forms were filed in.
        run: list[int] = []
        for position in np.flatnonzero(checksums[order][1:] == checksums[order][:-1]).tolist() + [-2]:
            if run and position == run[-1]:
                run.append(position + 1)
                continue
            if run:
                order[run[0]:run[-1] + 1] = sorted(order[run[0]:run[-1] + 1].tolist(), key=encoded.__getitem__)
            run = [position, position + 1]
        checksums, encoded, values = checksums[order], encoded[order].tolist(), values[order].tolist()
        counts = [1 if type(value) is int else len(value) for value in values]
        entries = array(_ENTRY, itertools.chain.from_iterable((value,) if type(value) is int else value
                                                               for value in values))
        return cls(array(_CHECKSUM, checksums.tobytes()), _joined(encoded),
                   array(_OFFSET, itertools.accumulate(map(len, encoded), initial=0)),
                   array(_OFFSET, itertools.accumulate(counts, initial=0)), entries)

    @classmethod
    def from_state(cls, state: tuple) -> "PackedForms":
        """From :meth:`state`; ValueError when the buffers do not fit together (a file written by other code)."""
        if not (isinstance(state, tuple) and len(state) == 5 and all(isinstance(item, bytes) for item in state)):
            raise ValueError("a packed form table is five byte strings")
        checksums, forms, form_offsets, entry_offsets, entries = state
        arrays = []
        for typecode, raw in ((_CHECKSUM, checksums), (_OFFSET, form_offsets), (_OFFSET, entry_offsets),
                              (_ENTRY, entries)):
            if len(raw) % array(typecode).itemsize:
                raise ValueError("a packed form table's buffer has a partial item")
            arrays.append(array(typecode, raw))
        checksums_array, form_offsets_array, entry_offsets_array, entries_array = arrays
        if (len(form_offsets_array) != len(entry_offsets_array) or not form_offsets_array
                or len(checksums_array) != len(form_offsets_array) - 1
                or form_offsets_array[-1] != len(forms) or entry_offsets_array[-1] != len(entries_array)):
            raise ValueError("a packed form table's offsets do not fit its forms and entries")
        return cls(checksums_array, forms, form_offsets_array, entry_offsets_array, entries_array)

    def state(self) -> tuple[bytes, bytes, bytes, bytes, bytes]:
        """The table as five byte strings (what the cache file holds, and what two tables are compared by)."""
        return (self._checksums.tobytes(), self._forms, self._form_offsets.tobytes(), self._entry_offsets.tobytes(),
                self._entries.tobytes())

    def get(self, form: str, default=None):
        """The entry or entries filed under ``form``, or ``default``."""
        key = form.encode()
        checksum = zlib.crc32(key)
        checksums, forms, offsets = self._checksums, self._forms, self._form_offsets
        position = bisect.bisect_left(checksums, checksum)
        while position < self._count and checksums[position] == checksum:
            if forms[offsets[position]:offsets[position + 1]] == key:
                return self._value(position)
            position += 1  # another form with the same checksum
        return default

    def _value(self, position: int) -> "int | tuple[int, ...]":
        start, stop = self._entry_offsets[position], self._entry_offsets[position + 1]
        return self._entries[start] if stop - start == 1 else tuple(self._entries[start:stop])

    def items(self) -> Iterator[tuple[str, "int | tuple[int, ...]"]]:
        """Every (form, entries) pair, in the table's order (by checksum)."""
        forms, offsets = self._forms, self._form_offsets
        for position in range(self._count):
            yield forms[offsets[position]:offsets[position + 1]].decode(), self._value(position)

    def __iter__(self) -> Iterator[str]:
        """The forms, in the table's order (as :meth:`items`)."""
        forms, offsets = self._forms, self._form_offsets
        return (forms[offsets[position]:offsets[position + 1]].decode() for position in range(self._count))

    def __len__(self) -> int:
        return self._count

    def __contains__(self, form: str) -> bool:
        return self.get(form) is not None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PackedForms) and self.state() == other.state()

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self):
        return (PackedForms.from_state, (self.state(),))
