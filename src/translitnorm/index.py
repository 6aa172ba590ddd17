"""The compiled index: every lexicon name part under every scheme, reduced to matching forms.

Compiling romanises each *distinct* name part once (a large lexicon repeats the
same given names and surnames many times), then files each rendering under its
exact form, folded form and matching key.  The result is plain containers of
strings and integers (the cross-language forms in flat buffers, :mod:`translitnorm.packed_forms`),
so it is saved with :mod:`marshal` and loads fast; the
cache file is named by a hash of the lexicon bytes, the scheme files and the
package version, so any change rebuilds it.  What is trusted from a cache file, and how
the cache is kept small, is :mod:`translitnorm.cache`'s concern.
"""

from __future__ import annotations

import functools
import itertools
import logging
import marshal
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Literal, NamedTuple, Sequence

import numpy as np

from translitnorm import cache
from translitnorm.crosslang import variants
from translitnorm.keys import exact_form, folded_form
from translitnorm.neighbours import KeyNeighbours, NeighbourLayout
from translitnorm.packed_forms import PackedForms
from translitnorm.packed_names import PackedNames
from translitnorm.rendering import CYRILLIC_SCHEME, LEXICON_SCHEME, PartForms, rendered_parts, scheme_ids, scheme_langs
from translitnorm.runtime import collector_paused
from translitnorm.lexicon import Entity, Lexicon, script_of_lang
from translitnorm.romanise import romanise, romanisations, schemes
from translitnorm.script import is_cyrillic
from translitnorm.text import without_generic_words

if TYPE_CHECKING:
    from translitnorm.index_store import ReusedForms

log = logging.getLogger("translitnorm.cache")

# 5: cache files carry a digest of their content (translitnorm.cache); 6: entity populations
# 7: a form made from one name part holds its packed entry alone, not a one-entry tuple
# 8: the cross table is a PackedForms (forms in flat buffers ordered by CRC-32), saved as its byte strings
FORMAT_VERSION = 10
# How the index packs its rows into plain ints (small to save, fast to load). Nothing outside
# this module unpacks them: the accessors of CompiledIndex give named rows.
# Form entries: ``part << _SCHEME_BITS | set number``; the sets themselves (bit i =
# scheme_ids[i]) are stored once in ``scheme_sets``, which keeps every entry a small int
# however many schemes there are.
_SCHEME_BITS = 20
_SET_NUMBER_MASK = (1 << _SCHEME_BITS) - 1
# Postings: ``entity << 12 | name << 3 | slot``: up to 512 names per entity, 8 slots.
_ENTITY_SHIFT, _NAME_SHIFT = 12, 3
_NAME_MASK, _SLOT_MASK = 511, 7

# Name-part slots. Persons have given / patronymic / surname / other parts; every other
# entity type is matched on its whole name.
GIVEN, PATRONYMIC, SURNAME, OTHER, WHOLE = range(5)
SLOT_NAMES = ("given name", "patronymic", "surname", "other name", "whole name")

_PATRONYMIC_ENDINGS = re.compile(r"(ович|евич|ьевич|ич|овна|евна|ична|инична|улы|ұлы|уулу|кызы|қызы|оглы|угли|ўғли|қизи)$", re.IGNORECASE)


class Posting(NamedTuple):
    """One use of a name part: in which entity, which of its names, which slot."""

    entity: int
    name: int  # position among the entity's names (``entity_names[entity]``)
    slot: int  # GIVEN, PATRONYMIC, SURNAME, OTHER or WHOLE


class FormEntry(NamedTuple):
    """A name part that a form (exact, folded, key or cross-language) was made from."""

    part: int
    schemes: int  # bit set over ``scheme_ids``: the schemes whose rendering gave the form


# Named rows made in bulk on every look-up: tuple.__new__ skips NamedTuple's Python-level __new__.
_form_entry = functools.partial(tuple.__new__, FormEntry)


class EntityPart(NamedTuple):
    """One name part of an entity: which part, in which of its names, in which slot."""

    part: int
    name: int
    slot: int


_entity_part = functools.partial(tuple.__new__, EntityPart)  # as _form_entry


#: The form tables of an index: a table's entries are looked up with :meth:`CompiledIndex.entries`.
FormTable = Literal["exact", "folded", "keys", "cross"]

# Slots that anchor a candidate: a person is reached through a surname (or another non-given name).
_ANCHOR_SLOTS = frozenset((SURNAME, OTHER))
_ANCHOR_SLOT_LIST = sorted(_ANCHOR_SLOTS)


def person_parts(name: str) -> list[tuple[int, str]]:
    """Split a person's name into (slot, part) pairs.

    "Surname, Given Patronymic" when there is a comma; otherwise natural order with the
    last word as the surname (position decides: Шостакович is a surname).

    >>> [(SLOT_NAMES[slot], part) for slot, part in person_parts("Курманбек Салиевич Бакиев")]
    [('surname', 'Бакиев'), ('given name', 'Курманбек'), ('patronymic', 'Салиевич')]
    >>> person_parts("Бакиев, Курманбек") == person_parts("Курманбек Бакиев") == [(SURNAME, 'Бакиев'), (GIVEN, 'Курманбек')]
    True
    """
    head, comma, tail = name.partition(",")
    if comma:
        surname_words, rest = head.split(), tail.split()
    else:
        words = name.split()
        surname_words, rest = words[-1:], words[:-1]
    parts = [(SURNAME, word) for word in surname_words]
    for position, word in enumerate(rest):
        if position == 0:
            parts.append((GIVEN, word))
        elif _PATRONYMIC_ENDINGS.search(word) or position == len(rest) - 1:
            parts.append((PATRONYMIC, word))
        else:
            parts.append((OTHER, word))
    return parts


@dataclass
class CompiledIndex:
    """Lookup tables from matching forms to name parts, and from name parts to entities.

    Read it through its accessors, which give named rows: :meth:`entries` (the name parts
    a form was made from, with their scheme sets), :meth:`postings_of` (where a part is
    used), :meth:`entities_of` and :meth:`parts_of`.  Inside, rows are packed into plain
    ints, which keep the index small and quick to save and load.
    """

    entity_ids: list[str]
    entity_types: list[str]
    canonicals: list[str]
    # (lang, text, role) per name: lists while the index is compiled, then a PackedNames (flat
    # buffers: a million people's names load at once rather than as four million objects)
    entity_names: "list[Sequence[tuple[str, str, str]]] | PackedNames"
    parts: list[str]  # part id -> the text it was made from
    part_initials: list[str]  # part id -> the letters its renderings start with
    postings: list[Sequence[int]]  # part id -> packed (entity, name, slot)
    scheme_ids: list[str]
    exact: dict[str, int | tuple[int, ...]]  # form -> packed entry, or a tuple of them (packed_entries)
    folded: dict[str, int | tuple[int, ...]]
    keys: dict[str, int | tuple[int, ...]]
    # Forms of the same name in the other Cyrillic languages (Харьков → Харків, Харкаў),
    # as written and romanised: a looser tier than the name's own renderings.
    # Half of a large index's forms, and only looked at for a part no own form found: a dict
    # while the index is compiled, then a PackedForms (flat buffers: loads at once, a fifth of the memory).
    cross: "dict[str, int | tuple[int, ...]] | PackedForms" = field(default_factory=dict)
    part_langs: list[str] = field(default_factory=list)  # part id -> language of a Cyrillic part, '' for Latin
    scheme_sets: list[int] = field(default_factory=list)
    # entity -> its population as the lexicon's notes state it (Entity.population), -1 when they state
    # none: the prominence and common-word rules of the decision read it.
    populations: list[int] = field(default_factory=list)
    digest: str = ""
    _set_numbers: dict[int, int] = field(default_factory=dict, repr=False)
    _neighbours: KeyNeighbours | None = field(default=None, repr=False, compare=False)
    _entity_tables: "_EntityTables | None" = field(default=None, repr=False, compare=False)
    # The cache file this index was read from or saved to (same content), if any: local worker
    # processes read it rather than receive a pickled copy. Never pickled: it names a local file.
    cache_file: Path | None = field(default=None, repr=False, compare=False)
    # The key neighbours' layout as read (and checked) from a cache file: filed into buckets on
    # first use. Computing it is 3 s at 1,000,000 people, so the compile does it once.
    _neighbour_layout: NeighbourLayout | None = field(default=None, repr=False, compare=False)
    # The postings sorted by entity (_EntityTables.state), as read from a cache file: 0.6 s of a
    # million people's first query when worked out in each process, so the compile does it once.
    _entity_table_state: tuple | None = field(default=None, repr=False, compare=False)

    # -- building ---------------------------------------------------------------------

    @classmethod
    def compile(cls, lexicon: Lexicon, digest: str = "", reuse: "ReusedForms | None" = None,
                jobs: int | None = None, progress: Callable[[int, int], None] | None = None) -> "CompiledIndex":
        """Romanise every distinct name part under every scheme and file the forms.

        ``reuse`` holds the forms of an index compiled by this same code from an earlier
        version of the lexicons (:class:`translitnorm.index_store.ReusedForms`): the parts it
        has are filed again as it holds them instead of being rendered again (rendering is most
        of the time of compiling), so an edit that adds a few names compiles in a fraction of
        the time. The result is the same as without it (tests/test_lexicon_safety.py).

        ``jobs`` processes render the parts when there are many (one per core by default;
        see :data:`PARALLEL_MIN_PARTS`); the index is the same whatever the number.
        ``progress(done, total)`` is told of every tenth of the distinct name parts filed.

        >>> from translitnorm.lexicon import Lexicon, LexiconLine
        >>> lex = Lexicon.from_lines([LexiconLine("kg.osh", "place", "ky", "Ош", "source")])
        >>> index = CompiledIndex.compile(lex)
        >>> index.entity_ids, "osh" in index.exact
        (['kg.osh'], True)
        """
        with collector_paused():
            return cls._compile(lexicon, digest, reuse, jobs, progress)

    @classmethod
    def _compile(cls, lexicon: Lexicon, digest: str, reused: "ReusedForms | None" = None,
                 jobs: int | None = None, progress: Callable[[int, int], None] | None = None) -> "CompiledIndex":
        index = cls([], [], [], [], [], [], [], list(scheme_ids()), {}, {}, {}, {}, [], [], digest=digest)
        part_number: dict[tuple[str, str], int] = {}
        for entity_number, entity in enumerate(lexicon):
            index.entity_ids.append(entity.id)
            index.entity_types.append(entity.type)
            index.populations.append(-1 if entity.population is None else entity.population)
            names = []
            for name_number, name in enumerate(entity.names):
                names.append((name.lang, name.text, name.role))
                if entity.type == "person":
                    split = person_parts(name.text)
                else:
                    split = [(WHOLE, without_generic_words(name.text))]
                for slot, text in split:
                    cyrillic = is_cyrillic(text)
                    lang_key = name.lang.split("-")[0] if cyrillic else ""
                    number = part_number.get((text, lang_key))
                    if number is None:
                        number = part_number[(text, lang_key)] = len(index.parts)
                        index.parts.append(text)
                        index.part_langs.append(lang_key)
                        index.postings.append([])
                    index.postings[number].append(entity_number << _ENTITY_SHIFT | name_number << _NAME_SHIFT | slot)
            index.entity_names.append(names)
        # Rendering the parts is nearly all of the work, and each part's renderings depend on
        # the part alone; filing them stays in part order, so the tables come out the same
        # however many processes rendered them.
        parts = list(zip(index.parts, index.part_langs))
        known = [reused is not None and reused.has(text, lang) for text, lang in parts]
        rendered = rendered_parts([part for part, is_known in zip(parts, known) if not is_known], jobs)
        # Helper processes (if any) are rendering by now: the display names are romanised meanwhile.
        index.canonicals = [reused.display_name(entity) if reused is not None else display_name(entity)
                            for entity in lexicon]
        step = max(len(parts) // 10, 1)
        for number, ((text, lang), is_known) in enumerate(zip(parts, known)):
            if progress and number and number % step == 0:
                progress(number, len(parts))
            if is_known:
                reused.file_again(index, number, text, lang)
            else:
                index._add_part(number, next(rendered))
        index._freeze()
        return index

    def _freeze(self) -> None:
        """Turn the index's inner lists into tuples: tuples of strings and ints drop out of
        the cyclic garbage collector's view, which otherwise walks the whole index on every
        full collection of a long run (and they save and load as tuples)."""
        self.entity_names = PackedNames.from_lists(self.entity_names)
        self.postings = [tuple(postings) for postings in self.postings]
        for table in (self.exact, self.folded, self.keys, self.cross):
            for form, entries in table.items():
                if type(entries) is list:
                    table[form] = tuple(entries)
        self.cross = PackedForms.from_dict(self.cross, consume=True)

    def _file(self, table: dict, form: str, part: int, mask: int) -> None:
        """File a form of part ``part`` given by the schemes of ``mask``. Most forms come from one name
        part: that entry is kept as a bare int, which saves a tuple per form (millions in a large index)
        in memory and in the time to load it; a second entry makes a list (a tuple once frozen)."""
        number = self._set_numbers.get(mask)
        packed = part << _SCHEME_BITS | (self._set_number(mask) if number is None else number)
        held = table.get(form)
        if held is None:
            table[form] = packed
        elif type(held) is int:
            table[form] = [held, packed]
        else:
            held.append(packed)

    def _add_part(self, number: int, forms: "PartForms") -> None:
        # Cross-language forms first: scheme sets are numbered in the order they are first filed.
        file = self._file
        for table, entries in ((self.cross, forms.cross), (self.exact, forms.exact), (self.folded, forms.folded),
                               (self.keys, forms.keys)):
            for form, mask in entries:
                file(table, form, number, mask)
        self.part_initials.append(forms.initials)

    def _set_number(self, mask: int) -> int:
        number = self._set_numbers.get(mask)
        if number is None:
            number = self._set_numbers[mask] = len(self.scheme_sets)
            if number >= 1 << _SCHEME_BITS:
                raise ValueError("too many distinct scheme sets for the index format")
            self.scheme_sets.append(mask)
        return number

    def cross_language_note(self, part: int, form: str) -> str:
        """Which form in which language, by which correspondences, gave ``form`` for a part (for explanations).

        Worked out again on demand rather than stored: only shown candidates need it.
        """
        lang = self.part_langs[part]
        for variant in variants(self.parts[part], lang, same_spelling=True) if lang else ():
            renderings = [variant.text]
            if variant.lang in scheme_langs():
                renderings += romanisations(variant.text, lang=variant.lang).values()
            if any(form in (exact_form(r), folded_form(r)) for r in renderings):
                return f"{variant.lang} form {variant.text}: " + "; ".join(variant.rules)
        return ""

    # -- reading: named rows ----------------------------------------------------------

    def entries(self, table: FormTable, form: str) -> list[FormEntry]:
        """The name parts that ``form`` was made from in ``table`` (``exact``, ``folded``,
        ``keys`` or ``cross``), each with the set of schemes whose rendering gave it.

        >>> from translitnorm.lexicon import Lexicon, LexiconLine
        >>> index = CompiledIndex.compile(Lexicon.from_lines([LexiconLine("kg.osh", "place", "ky", "Ош", "source")]))
        >>> [(index.parts[entry.part], "ky-bgn" in index.scheme_names(entry.schemes)) for entry in index.entries("exact", "osh")]
        [('Ош', True)]
        """
        packed = getattr(self, table).get(form)
        if packed is None:
            return []
        sets = self.scheme_sets
        return [_form_entry((entry >> _SCHEME_BITS, sets[entry & _SET_NUMBER_MASK])) for entry in packed_entries(packed)]

    def form_table(self, table: FormTable) -> "dict[str, int | tuple[int, ...]] | PackedForms":
        """A form table as it is packed (see :func:`packed_entries`): a dict, or for the cross table a
        :class:`~translitnorm.packed_forms.PackedForms` (``get`` and ``items`` as a dict's)."""
        return getattr(self, table)

    def scheme_names(self, schemes: int) -> list[str]:
        """The scheme IDs of a scheme set (a :attr:`FormEntry.schemes` bit set)."""
        return [scheme_id for number, scheme_id in enumerate(self.scheme_ids) if schemes >> number & 1]

    def name_row(self, entity: int, name: int) -> tuple[str, str, str]:
        """One name of an entity as (lang, text, role): ``entity_names[entity][name]``, decoding only that one."""
        names = self.entity_names
        return names.row(entity, name) if isinstance(names, PackedNames) else names[entity][name]

    def postings_of(self, part: int) -> list[Posting]:
        """Every use of a name part: (entity, name, slot) rows.

        >>> from translitnorm.lexicon import Lexicon, LexiconLine
        >>> index = CompiledIndex.compile(Lexicon.from_lines([LexiconLine("kg.osh", "place", "ky", "Ош", "source")]))
        >>> index.postings_of(0)
        [Posting(entity=0, name=0, slot=4)]
        """
        return [Posting(packed >> _ENTITY_SHIFT, packed >> _NAME_SHIFT & _NAME_MASK, packed & _SLOT_MASK)
                for packed in self.postings[part]]

    def entities_of(self, part: int, anchors_only: bool = False) -> frozenset[int]:
        """The entities a name part belongs to; with ``anchors_only``, only the persons whose surname
        (or other non-given name) it is: the parts a person candidate must have."""
        tables = self._entity_tables or self._start_entity_tables()
        found = (tables.anchors if anchors_only else tables.entities).get(part)
        return found if found is not None else tables.entities_of(part, anchors_only)

    def entities_named(self, part: int) -> frozenset[int]:
        """The entities (places, organisations…) whose whole name the part is."""
        tables = self._entity_tables or self._start_entity_tables()
        found = tables.named.get(part)
        return found if found is not None else tables.entities_named(part)

    def parts_of(self, entity: int) -> "tuple[EntityPart, ...]":
        """Every name part of an entity as (part, name, slot) rows, in part order.

        >>> from translitnorm.lexicon import Lexicon, LexiconLine
        >>> index = CompiledIndex.compile(Lexicon.from_lines([LexiconLine("kg.bakiev", "person", "ky", "Курманбек Бакиев", "source")]))
        >>> [(index.parts[row.part], SLOT_NAMES[row.slot]) for row in index.parts_of(0)]
        [('Бакиев', 'surname'), ('Курманбек', 'given name')]
        """
        tables = self._entity_tables or self._start_entity_tables()
        found = tables.parts.get(entity)
        return found if found is not None else tables.parts_of(entity)

    def _start_entity_tables(self) -> "_EntityTables":
        self._entity_tables = _EntityTables(self.postings, len(self.entity_ids), self._entity_table_state)
        return self._entity_tables

    # -- persistence ------------------------------------------------------------------

    def __getstate__(self) -> dict:
        # The key neighbours and entity tables are derived on first use: not worth shipping to workers.
        return {name: value for name, value in self.__dict__.items() if name not in _DERIVED}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _neighbours=None, _entity_tables=None, cache_file=None)

    def _state(self) -> tuple:
        """Everything the index holds, in the order :meth:`load` reads it back (the cross table as its
        byte strings: canonical, so two indexes compare by it)."""
        return (FORMAT_VERSION, self.digest, self.entity_ids, self.entity_types, self.canonicals,
                self.entity_names.state(), self.parts, self.part_initials, self.postings, self.scheme_ids,
                self.exact, self.folded, self.keys, self.cross.state(), self.part_langs, self.scheme_sets,
                self.populations, (self._neighbour_layout or self.key_neighbours()).state(),
                self._entity_table_state or (self._entity_tables or self._start_entity_tables()).state())

    def save(self, path: str | os.PathLike) -> None:
        """Write the index atomically to ``path`` (a cache file: private, with a digest of its content)."""
        cache.write_entry(path, marshal.dumps(self._state()))

    @classmethod
    def load(cls, path: str | os.PathLike, digest: str | None = None) -> "CompiledIndex":
        """Read an index written by :meth:`save`, after checking the file (see :mod:`translitnorm.cache`).

        Raises :class:`~translitnorm.cache.CacheRefused` when the file must not be trusted, is of
        another format, or (given ``digest``) was compiled from other lexicons; OSError when it
        cannot be read.
        """
        content = cache.read_entry(path)
        with collector_paused():
            state = marshal.loads(content)
        if not isinstance(state, tuple) or len(state) != 19 or state[0] != FORMAT_VERSION:
            raise cache.CacheRefused(f"{path}: not a compiled index of format {FORMAT_VERSION}")
        if digest is not None and state[1] != digest:
            raise cache.CacheRefused(f"{path}: compiled from other lexicons than the ones asked for")
        index = cls(*state[2:17], digest=state[1])  # type: ignore[misc]
        try:
            index.cross = PackedForms.from_state(state[13])
            index.entity_names = PackedNames.from_state(state[5], len(index.entity_ids))
            index._neighbour_layout = KeyNeighbours.read_state(state[17], len(index.keys))
            index._entity_table_state = _EntityTables.check_state(state[18], len(index.postings), len(index.entity_ids))
        except (ValueError, TypeError) as exc:
            raise cache.CacheRefused(f"{path}: {exc}") from None
        index._check_shape(path)
        return index

    def _check_shape(self, path: str | os.PathLike) -> None:
        """Refuse an index whose tables do not fit together (a file written by other code): a
        cheap check of types and lengths, so a bad file fails here and not in the middle of a run."""
        lists = (self.entity_ids, self.entity_types, self.canonicals, self.parts,
                 self.part_initials, self.postings, self.scheme_ids, self.part_langs, self.scheme_sets, self.populations)
        tables = (self.exact, self.folded, self.keys)
        entities = len(self.entity_ids)
        parts = len(self.parts)
        if (not isinstance(self.digest, str) or not all(isinstance(value, list) for value in lists)
                or not all(isinstance(table, dict) for table in tables)
                or {len(self.entity_types), len(self.canonicals), len(self.entity_names), len(self.populations)} != {entities}
                or {len(self.part_initials), len(self.postings), len(self.part_langs)} != {parts}):
            raise cache.CacheRefused(f"{path}: the index's tables do not fit together")

    # -- fuzzy neighbourhood ----------------------------------------------------------

    def key_neighbours(self) -> KeyNeighbours:
        """The matching keys, indexed for the fuzzy search (built on first use, shared by every
        matcher of this index; see :mod:`translitnorm.neighbours`)."""
        if self._neighbours is None:
            self._neighbours = KeyNeighbours(self.keys, layout=self._neighbour_layout)
        return self._neighbours


class _EntityTables:
    """The entities of each name part and the parts of each entity, derived from the postings as
    they are asked for and kept (a part or entity asked for once is asked for again).

    Built for all of them at once, these tables took 0.9 s at 100,000 people in every process that
    loads the index, most of it spent on parts no query reaches. Here the one step over every
    posting is a numpy sort of them by entity (0.05 s); each row is made when first needed. The
    methods below work a row out and keep it: :class:`CompiledIndex` reads the kept ones itself,
    which keeps a method call off the per-name path.
    """

    __slots__ = ("_postings", "entities", "anchors", "named", "parts", "_by_entity", "_parts_by_entity", "_starts",
                 "_packed", "_offsets")

    # A part with at least this many postings has its entities taken from the packed array with
    # numpy, not one posting at a time: at 1,000,000 people a common given name has tens of
    # thousands, and this halves the time of making its sets (5.1 → 2.6 ms at 20,000); below it
    # the fixed cost of the numpy calls weighs more.
    VECTOR_FROM = 256

    def __init__(self, postings: list[Sequence[int]], entity_count: int, state: tuple | None = None):
        self._postings = postings
        self.entities: dict[int, frozenset[int]] = {}  # part -> entities it belongs to
        self.anchors: dict[int, frozenset[int]] = {}  # part -> entities whose surname / other name it is
        self.named: dict[int, frozenset[int]] = {}  # part -> entities whose whole name it is
        self.parts: dict[int, tuple[EntityPart, ...]] = {}  # entity -> its name parts
        if state is not None:  # checked by check_state when the index was loaded
            packed, offsets, by_entity, parts_by_entity, starts = (np.frombuffer(item, dtype=np.int64) for item in state)
            self._packed, self._offsets = packed, offsets.tolist()
            self._by_entity, self._parts_by_entity, self._starts = by_entity, parts_by_entity, starts
            return
        lengths = np.fromiter(map(len, postings), dtype=np.int64, count=len(postings))
        packed = np.fromiter(itertools.chain.from_iterable(postings), dtype=np.int64, count=int(lengths.sum()))
        part_ids = np.repeat(np.arange(len(postings), dtype=np.int64), lengths)
        self._packed = packed  # every posting, in part order: part p's are [offsets[p], offsets[p + 1])
        self._offsets = np.concatenate(([0], np.cumsum(lengths))).tolist()
        entities = packed >> _ENTITY_SHIFT
        by_entity = np.argsort(entities, kind="stable")  # each entity's rows stay in part order
        self._by_entity = packed[by_entity]
        self._parts_by_entity = part_ids[by_entity]
        self._starts = np.searchsorted(entities[by_entity], np.arange(entity_count + 1, dtype=np.int64))

    def state(self) -> tuple[bytes, bytes, bytes, bytes, bytes]:
        """The arrays as byte strings (what a cache file keeps; see :meth:`check_state`)."""
        return (self._packed.tobytes(), np.array(self._offsets, dtype=np.int64).tobytes(), self._by_entity.tobytes(),
                self._parts_by_entity.tobytes(), self._starts.tobytes())

    @staticmethod
    def check_state(state: tuple, part_count: int, entity_count: int) -> tuple:
        """``state`` itself, once checked to fit an index of these counts; ValueError if it does not."""
        if not (isinstance(state, tuple) and len(state) == 5 and all(isinstance(item, bytes) for item in state)
                and all(len(item) % 8 == 0 for item in state)):
            raise ValueError("the entity tables are five byte strings of 8-byte integers")
        packed, offsets, by_entity, parts_by_entity, starts = (np.frombuffer(item, dtype=np.int64) for item in state)
        rows = len(packed)
        if not (len(offsets) == part_count + 1 and len(starts) == entity_count + 1
                and len(by_entity) == rows == len(parts_by_entity) and offsets[0] == 0 == starts[0]
                and offsets[-1] == rows == starts[-1] and bool(np.all(np.diff(offsets) >= 0))
                and bool(np.all(np.diff(starts) >= 0))
                and (not rows or (int(parts_by_entity.min()) >= 0 and int(parts_by_entity.max()) < part_count))):
            raise ValueError("the entity tables do not fit the index's parts and entities")
        return state

    def _rows(self, part: int) -> np.ndarray:
        """A part's packed postings as a numpy view (for the parts of VECTOR_FROM postings or more)."""
        return self._packed[self._offsets[part]:self._offsets[part + 1]]

    def entities_of(self, part: int, anchors_only: bool) -> frozenset[int]:
        postings = self._postings[part]
        if len(postings) >= self.VECTOR_FROM:
            rows = self._rows(part)
            entities, slots = rows >> _ENTITY_SHIFT, rows & _SLOT_MASK
            everyone = frozenset(entities.tolist())
            anchored = frozenset(entities[np.isin(slots, _ANCHOR_SLOT_LIST)].tolist())
        else:
            everyone = frozenset(posting >> _ENTITY_SHIFT for posting in postings)
            anchored = frozenset(posting >> _ENTITY_SHIFT for posting in postings if posting & _SLOT_MASK in _ANCHOR_SLOTS)
        self.entities[part], self.anchors[part] = everyone, anchored
        return anchored if anchors_only else everyone

    def entities_named(self, part: int) -> frozenset[int]:
        postings = self._postings[part]
        if len(postings) >= self.VECTOR_FROM:
            rows = self._rows(part)
            named = frozenset((rows[(rows & _SLOT_MASK) == WHOLE] >> _ENTITY_SHIFT).tolist())
        else:
            named = frozenset(posting >> _ENTITY_SHIFT for posting in postings if posting & _SLOT_MASK == WHOLE)
        self.named[part] = named
        return named

    def parts_of(self, entity: int) -> tuple[EntityPart, ...]:
        start, stop = int(self._starts[entity]), int(self._starts[entity + 1])
        found = self.parts[entity] = tuple(
            _entity_part((part, posting >> _NAME_SHIFT & _NAME_MASK, posting & _SLOT_MASK))
            for part, posting in zip(self._parts_by_entity[start:stop].tolist(), self._by_entity[start:stop].tolist()))
        return found


def packed_entries(value: "int | Sequence[int]") -> "Sequence[int]":
    """The packed entries a form table holds for a form: one bare int, or a tuple of them.

    >>> packed_entries(5), packed_entries((5, 6))
    ((5,), (5, 6))
    """
    return (value,) if type(value) is int else value


# Fields of CompiledIndex derived on first use (or naming a local file): never pickled.
_DERIVED = ("_neighbours", "_entity_tables", "cache_file")


def display_name(entity: Entity) -> str:
    """The entity's canonical name, or its first Cyrillic name in its language's popular English
    spelling (Kharkov, Mogilev), or failing that BGN/PCGN."""
    if entity.canonical:
        return entity.canonical
    known = {scheme.id for scheme in schemes()}
    for name in entity.names:
        if script_of_lang(name.lang) == "Cyrl":
            base = name.lang.split("-")[0]
            for scheme_id in (f"{base}-en", f"{base}-bgn", "ru-en"):
                if scheme_id in known:
                    return romanise(name.text, scheme_id)
    return entity.names[0].text if entity.names else entity.id
