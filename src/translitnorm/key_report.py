"""What matching keys say about lexicons: entities that will be ambiguous (validate's key
warnings) and the keys shared by most entities (stats)."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Sequence

from translitnorm import lexicon as lex
from translitnorm.index import GIVEN, SURNAME, WHOLE, CompiledIndex
from translitnorm.index_store import build_index
from translitnorm.lexicon import LexiconLine, Problem


def validate_lexicons(paths: Iterable[str | os.PathLike], *, check_keys: bool = True,
                      cache_dir: str | os.PathLike | None = None) -> list[Problem]:
    """Every problem of lexicon files: the format checks, then (if those find no error) key collisions.

    >>> [str(p) for p in validate_lexicons(["lexicons/"])]  # doctest: +SKIP
    ['lexicons/tm.tsv:20: warning: tm.berdimuhamedow.serdar and tm.berdimuhamedow.gurbanguly share …']
    """
    paths = list(paths)
    problems = lex.validate(paths)
    if not check_keys:
        return problems
    if any(p.severity == "error" for p in problems):
        # The index of the well-formed lines, so key problems show along with the errors
        # (not cached: the cache holds only lexicons that load).
        lines = [entry for path in lex.lexicon_files(paths) if Path(path).is_file() for entry in lex.read_lexicon(path, [])]
        index = CompiledIndex.compile(lex.Lexicon.from_lines(lines)) if lines else None
        if index is not None:
            problems.extend(key_collisions(paths, index=index))
        return problems
    problems.extend(key_collisions(paths, cache_dir=cache_dir))
    return problems


def _locations(paths: Sequence[str | os.PathLike]) -> dict[tuple[str, str, str], LexiconLine]:
    where: dict[tuple[str, str, str], LexiconLine] = {}
    for path in lex.lexicon_files(paths):
        for entry in lex.read_lexicon(path, []):
            where.setdefault((entry.id, entry.lang, entry.name), entry)
    return where


def _slot_keys(index: CompiledIndex, slots: Iterable[int]) -> dict[int, dict[tuple[int, int], set[str]]]:
    """slot -> (entity, name) -> the matching keys of that name's parts in that slot."""
    wanted = set(slots)
    found: dict[int, dict[tuple[int, int], set[str]]] = {slot: defaultdict(set) for slot in wanted}
    for key in index.keys:
        for entry in index.entries("keys", key):
            for posting in index.postings_of(entry.part):
                if posting.slot in wanted:
                    found[posting.slot][(posting.entity, posting.name)].add(key)
    return found


def _key_order(key: str) -> tuple:
    return (len(key), key)


def key_collisions(paths: Sequence[str | os.PathLike], *, cache_dir: str | os.PathLike | None = None,
                   index: CompiledIndex | None = None) -> list[Problem]:
    """Warnings for pairs of entities whose names reduce to the same matching key.

    Places (and other non-persons) collide when a whole name shares a key; persons when
    a surname and a given name both share keys (two people called Viktor are normal, two
    Viktor Yushchenkos are ambiguous).  Each pair is reported once, at the later name.
    """
    index = index or build_index(paths, cache_dir=cache_dir)
    where = _locations(paths)
    by_slot = _slot_keys(index, (WHOLE, SURNAME, GIVEN))
    pairs: dict[tuple[int, int], tuple[str, int, int]] = {}

    def note(first: tuple[int, int], second: tuple[int, int], key: str) -> None:
        (e1, n1), (e2, n2) = sorted((first, second))
        known = pairs.get((e1, e2))
        if known is None or _key_order(key) < _key_order(known[0]):
            pairs[(e1, e2)] = (key, n1, n2)

    def sharing(table: dict[tuple[int, int], set[str]]) -> dict[str, list[tuple[int, int]]]:
        owners: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for owner, keys in table.items():
            for key in keys:
                owners[key].append(owner)
        return {key: owner for key, owner in owners.items() if len({e for e, _ in owner}) > 1}

    for key, owners in sharing(by_slot[WHOLE]).items():
        for a in owners:
            for b in owners:
                if a[0] < b[0]:
                    note(a, b, key)
    given = by_slot[GIVEN]
    for key, owners in sharing(by_slot[SURNAME]).items():
        for a in owners:
            for b in owners:
                if a[0] < b[0]:
                    given_a, given_b = given.get(a, set()), given.get(b, set())
                    if (given_a & given_b) or (not given_a and not given_b):
                        note(a, b, key)
    problems = []
    for (e1, e2), (key, n1, n2) in sorted(pairs.items()):
        first_id, second_id = index.entity_ids[e1], index.entity_ids[e2]
        lang1, text1, _ = index.entity_names[e1][n1]
        lang2, text2, _ = index.entity_names[e2][n2]
        first = where.get((first_id, lang1, text1))
        second = where.get((second_id, lang2, text2))
        if first is None or second is None:
            continue
        if (second.path, second.line) < (first.path, first.line):
            first, second = second, first
            first_id, second_id = second_id, first_id
        problems.append(Problem(
            second.path, second.line,
            f"{second_id} ('{second.name}') and {first_id} ('{first.name}', {first.path}:{first.line}) share the "
            f"matching key '{key}'; a spelling with that key will be ambiguous between them", "warning"))
    return problems



def lexicon_stats(paths: Sequence[str | os.PathLike], *, top: int = 10,
                  cache_dir: str | os.PathLike | None = None) -> dict:
    """Counts by type (entities), lang and role (names), and the keys shared by most entities.

    >>> lexicon_stats(["lexicons/"])["entities"]  # doctest: +SKIP
    77
    """
    files = lex.lexicon_files(paths)
    lexicon = lex.load_lexicons(files)
    by_type = Counter(entity.type for entity in lexicon)
    by_lang = Counter(name.lang for entity in lexicon for name in entity.names)
    by_role = Counter(name.role for entity in lexicon for name in entity.names)
    index = build_index(files, cache_dir=cache_dir)
    owners: dict[str, set[int]] = defaultdict(set)
    for key in index.keys:
        for entry in index.entries("keys", key):
            owners[key] |= index.entities_of(entry.part)
    # The renderings of one shared name part give many keys for the same entities: show
    # each group of entities once, under its shortest key.
    groups: dict[frozenset[int], list[str]] = defaultdict(list)
    for key, ids in owners.items():
        if len(ids) > 1:
            groups[frozenset(ids)].append(key)
    shared = sorted(((min(keys, key=_key_order), ids, len(keys)) for ids, keys in groups.items()),
                    key=lambda item: (-len(item[1]), _key_order(item[0])))
    return {
        "files": [str(p) for p in files],
        "entities": len(lexicon),
        "names": sum(by_role.values()),
        "by_type": dict(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_lang": dict(sorted(by_lang.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_role": dict(sorted(by_role.items(), key=lambda kv: (-kv[1], kv[0]))),
        "ambiguous_keys": [{"key": key, "entities": len(ids), "ids": sorted(index.entity_ids[i] for i in ids),
                            "keys": variants} for key, ids, variants in shared[:top]],
    }


