"""Group spellings of names that no lexicon knows: variants of one name share one cluster.

Spellings meet on their plausible Cyrillic sources (:mod:`translitnorm.backtranslit`):
Tschechow, Chekhov, Czechow and Čechov are all read as Чехов, Djalal-Abad and Dzhalal-Abad as
Джалал-Абад, so each group shares a Cyrillic key (:func:`read_name`). A Russian form also meets
its Kazakh or Kyrgyz form where the file holds both (Jalal-Abad, read Жалал-Абад, and
Dzhalal-Abad: :mod:`translitnorm.crosslang`'s ж for word-initial дж). They also join,
as before, when their Latin matching keys are equal (Usenov ~ Oussenov ~ Ussenow) or when the
keys are fuzzy neighbours: one edit apart in a part of 7 key letters or more (two from 12),
in one name part only. A fuzzy link is refused where DESIGN's lessons say the names differ: an
edit that touches ч, ш, щ or ж (Sasha is not Chacha), a female against a male form (Usenova is
not Usenov, Romana is not Roman), different digits (Tomsk-7 is not Tomsk-8), a different first
letter (Halina is not Kalina). Cyrillic keys keep the same letters apart.

Short forms join a full name when only one person fits: "K. Bakiyev" and "Bakiyev" join
"Kurmanbek Bakiev" when no other Bakiev in the data could be meant (another Bakiev whose
given name starts with K, for the initial; any other Bakiev, for the bare surname).

Everything is found through hash blocks, never by comparing all pairs: fuzzy neighbours are
searched in blocks of keys that share every other part and the first letter of the one that
differs (deletion neighbourhoods inside large blocks), and each distinct word is read into
Cyrillic once, so a million distinct names cluster in minutes on one core
(``benchmarks/cluster_quality.py --scale``).

Cluster IDs are ``~`` plus a hash of the cluster's anchor key: among the fullest names' Cyrillic
keys (Kazakh and Kyrgyz forms taken for Russian ones), the one the letter model finds most
name-like. A spelling's ID therefore comes from the cluster's best-read spelling, not from
counts or from whichever member sorts first, and the same spelling gets the same ID in every
file that holds the same best-read spelling (docs/clean.md says when an ID can still change).

>>> clusters = cluster_names({"Daniyar Usenov": 3, "Daniar Ussenov": 1, "Felix Kulov": 2})
>>> [(c.representative, c.count, len(c.members)) for c in clusters]
[('Daniyar Usenov', 4, 2), ('Felix Kulov', 2, 1)]
>>> [len(c.members) for c in cluster_names({"Tschechow": 1, "Chekhov": 1, "Czechow": 1})]
[3]
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from typing import Iterable, Mapping

from translitnorm.backtranslit import _split, cyrillic_key, word_log_probability, word_readings
from translitnorm.cluster_fuzzy import SIBILANTS, VOWELS, fuzzy_pairs
from translitnorm.crosslang import _directions, _languages, variants
from translitnorm.keys import as_latin, exact_form, matching_key
from translitnorm.morphology import bare_forms
from translitnorm.text import GENERIC_PLACE_WORDS, is_cyrillic, parse_name

#: The language whose schemes read Latin spellings into Cyrillic when clustering (its channel
#: holds the Russian schemes; see scheme_channel.channel_scheme_ids).
CLUSTER_LANG = "ru"
_CYRILLIC_VOWELS = frozenset("аеиоуюяәөүұі")
# ALTERNATIVE_MARGIN: how much lower (log-likelihood) than a part's best reading another reading
# may score and still join the spelling to a spelling whose best reading it is (see cluster_names).
ALTERNATIVE_MARGIN = 5.0
# BARE_STEM: letters a name must keep once a host-language ending is cut (see _join_bare_forms):
# Taras is not Tara, nor Maras Mar; one fewer after -sk (Omskas, Omsk).
BARE_STEM = 5
#: Languages whose names Russian text writes with other letters, and whose forms meet the Russian
#: ones in clustering (translitnorm.crosslang's correspondences): Kazakh and Kyrgyz ж for дж.
KIN_LANGS = ("kk", "ky")
# Endings of a surname as a Cyrillic key (й, ы → и): what a bare word must end with to be
# taken for a surname that a full name can explain (Бакиев, Ахматова, Шевченко, Чайковский).
_SURNAME_ENDING = re.compile(r"(ов|ев|ин|ова|ева|ина|скии|цкии|ская|цкая|енко|ко|ук|юк|чук)$")


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
    """The Latin clustering key of a whole name: each part's matching key, sorted (order free), space-joined.

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


@dataclass(frozen=True)
class NameReading:
    """A name read into Cyrillic: the keys of its full parts (sorted), its initials, and the parts
    that can be its surname (a surname ending, and not the first word unless written "SURNAME, Given")."""

    parts: tuple[str, ...]
    initials: tuple[str, ...]
    surnames: tuple[str, ...] = ()
    #: Keys of the name with one part read otherwise: the part's other readings that score within
    #: ALTERNATIVE_MARGIN of its best (Cheliabinsk: шелябинск best, челябинск next).
    alternatives: tuple[str, ...] = field(default=(), repr=False, compare=False)
    #: The full parts as written, in order, each with its key.
    written: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)

    @property
    def key(self) -> str:
        """The Cyrillic clustering key: part keys, then initials with a dot, space-joined."""
        return " ".join(self.parts + tuple(f"{initial}." for initial in self.initials))


def read_name(name: str, lang: str = CLUSTER_LANG) -> NameReading:
    """The name's parts read into Cyrillic (best back-transliteration, as :func:`cyrillic_key`).

    >>> read_name("Tschechow, Anton").parts == read_name("Anton Chekhov").parts == ("антон", "чехов")
    True
    >>> read_name("K. Bakiyev")
    NameReading(parts=('бакиев',), initials=('k',), surnames=('бакиев',))
    >>> read_name("Ekaterina Ivanova").surnames, read_name("IVANOVA, Ekaterina").surnames
    (('иванова',), ('иванова',))
    """
    parts, initials, surnames, others, written = [], [], [], [], []
    tokens = parse_name(name).tokens
    full_count = sum(not token.initial for token in tokens)
    first_full = True
    hinted = any(token.surname_hint for token in tokens)
    for token in tokens:
        if token.initial:
            initials.append(as_latin(token.text)[:1].casefold())
            continue
        readings = _part_readings(token.text.lower(), lang)
        key = readings[0] if readings else ""
        if not key:
            continue
        others.append((len(parts), readings[1:]))
        written.append((token.text, key))
        # A lone word may be a surname (Bakiyev); in a longer name the first word is a given
        # name (Ekaterina Ivanova) unless a comma says otherwise (IVANOVA, Ekaterina).
        position_fits = token.surname_hint if hinted else (full_count == 1 or not first_full)
        if _SURNAME_ENDING.search(key) and position_fits:
            surnames.append(key)
        first_full = False
        parts.append(key)
    dotted = tuple(f"{initial}." for initial in sorted(initials))
    alternatives = dict.fromkeys(" ".join(sorted(parts[:place] + [other] + parts[place + 1:]) + list(dotted))
                                 for place, readings in others for other in readings)
    return NameReading(tuple(sorted(parts)), tuple(sorted(initials)), tuple(sorted(surnames)), tuple(alternatives),
                       tuple(written))


@dataclass(frozen=True)
class NameKeys:
    """What clustering works out for one name on its own: its Cyrillic reading, its Latin key
    (:func:`name_key`) and the keys it has with host-language endings cut (see _join_bare_forms).
    The same wherever it is worked out: ``translitnorm clean`` has it done by the processes that
    resolve the names, and hands it to :func:`cluster_names`."""

    reading: NameReading
    latin: str
    bare: frozenset[str]


def name_keys(name: str, lang: str = CLUSTER_LANG) -> NameKeys:
    """The :class:`NameKeys` of ``name``.

    >>> keys = name_keys("Maikopas")
    >>> keys.reading.parts, keys.latin, "маикоп" in keys.bare
    (('маикопас',), 'maikopas', True)
    """
    reading = read_name(name, lang)
    return NameKeys(reading, name_key(name), frozenset(_bare_keys(reading, lang)))


def _part_key(text: str, lang: str) -> str:
    """One name part as a Cyrillic key; digits kept (Tomsk-7), hyphens and spaces dropped."""
    readings = _part_readings(text, lang)
    return readings[0] if readings else ""


@lru_cache(maxsize=500_000)
def _part_readings(text: str, lang: str) -> tuple[str, ...]:
    """One name part as Cyrillic keys: the best reading's, then the other readings' within
    ALTERNATIVE_MARGIN of it (a part of one word only; a part of several pieces has one key)."""
    if is_cyrillic(text):
        return (cyrillic_key(exact_form(text)),)
    pieces = _split(text)
    if len(pieces) == 1 and pieces[0][:1].isalpha():
        hypotheses = word_readings(pieces[0], lang)
        if not hypotheses:
            return (cyrillic_key(pieces[0]),)
        best = hypotheses[0][1]
        keys = dict.fromkeys(cyrillic_key(text) for text, score in hypotheses if score >= best - ALTERNATIVE_MARGIN)
        return tuple(keys)
    read = []
    for piece in pieces:
        if piece[:1].isalpha():
            hypotheses = word_readings(piece, lang)
            read.append(hypotheses[0][0] if hypotheses else piece)
        else:
            read.append("".join(char for char in piece if char.isdigit()))
    return (cyrillic_key("".join(read)),)


def _kin_keys(reading: NameReading) -> set[str]:
    """Keys of the name with one part in its Kazakh or Kyrgyz form (:mod:`translitnorm.crosslang`):
    Russian text writes дж where these languages write ж (Джалал-Абад, Жалал-Абад; Джумагулов,
    Жумагулов), so both spellings are one name. Only parts where such a rule can apply are tried."""
    found = set()
    for place, part in enumerate(reading.parts):
        for form in _kin_forms(part):
            parts = reading.parts[:place] + (form,) + reading.parts[place + 1:]
            found.add(NameReading(tuple(sorted(parts)), reading.initials).key)
    return found


def _kin_normal(reading: NameReading) -> NameReading:
    """The reading with each part in its Kazakh or Kyrgyz form where it has one (Джалал-Абад as
    Жалал-Абад), so the Russian and the other form of a name anchor one ID whether or not both
    are in the file."""
    parts = tuple(sorted((_kin_forms(part) or (part,))[0] for part in reading.parts))
    return reading if parts == reading.parts else NameReading(parts, reading.initials)


@lru_cache(maxsize=200_000)
def _kin_forms(part: str) -> tuple[str, ...]:
    if not any(source in part for source in _kin_sources()):
        return ()
    forms = {cyrillic_key(variant.text) for variant in variants(part, "ru", limit=8, langs=KIN_LANGS)}
    return tuple(sorted(forms - {part}))


@lru_cache(maxsize=1)
def _kin_sources() -> frozenset[str]:
    """The Russian letters the correspondences rewrite into KIN_LANGS' forms with Russian letters
    only, where the key changes: the forms a Latin spelling read as Russian can also stand for
    (дж for ж; Kazakh қ, ұ … cannot come out of a Latin reading)."""
    russian = set(_languages()["ru"]["alphabet"])
    sources = set()
    for lang in KIN_LANGS:
        for rules in _directions()[("ru", lang)].rules.values():
            for rule in rules:
                if set(rule.target) <= russian and cyrillic_key(rule.source) != cyrillic_key(rule.target):
                    sources.add(rule.source)
    return frozenset(sources)


def cluster_id(key: str) -> str:
    """The stable ID of a cluster whose anchor key is ``key``.

    >>> cluster_id("bakiev iani")
    '~zinthgcp4y'
    """
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return "~" + base64.b32encode(digest).decode("ascii").lower()[:10]


class _Union:
    """Union-find over names; the smaller name becomes the root, so the result is order-free."""

    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {item: item for item in items}

    def root(self, item: str) -> str:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def join(self, first: str, second: str) -> None:
        a, b = self.root(first), self.root(second)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def cluster_names(names_with_counts: Mapping[str, int] | Iterable[tuple[str, int]], *,
                  lang: str = CLUSTER_LANG, fuzzy: bool = True,
                  keys: Mapping[str, NameKeys] | None = None) -> list[Cluster]:
    """Cluster distinct spellings (with their counts); clusters by count (desc), then representative.

    Spellings join when their matching keys are equal and, unless ``fuzzy`` is false (the stricter
    setting), when their keys are fuzzy neighbours (one edit in a long part, see the module doc).

    The representative is the most frequent member (ties: alphabetical). Empty names are left out.
    ``lang``: the language whose schemes read the Latin spellings into Cyrillic. ``keys``: names'
    :func:`name_keys` worked out already (e.g. by the processes that resolved them); reading the
    names is most of the work, and the names not in it are read here.

    >>> [c.members for c in cluster_names([("Temir Sariyev", 2), ("Temir Sarijew", 1), ("Temir Saryev", 1)])]
    [(('Temir Sariyev', 2), ('Temir Sarijew', 1), ('Temir Saryev', 1))]
    >>> sorted(len(c.members) for c in cluster_names({"Kurmanbek Bakiev": 1, "K. Bakiyev": 1, "Bakiyev": 1,
    ...                                                "Janysh Bakiyev": 1}))
    [1, 1, 2]
    """
    counts: dict[str, int] = defaultdict(int)
    items = names_with_counts.items() if isinstance(names_with_counts, Mapping) else names_with_counts
    for name, count in items:
        if name is not None and name.strip():
            counts[name] += count
    names = sorted(counts)
    given = keys or {}
    known = {name: given.get(name) or name_keys(name, lang) for name in names}
    readings = {name: known[name].reading for name in names}
    union = _Union(names)
    # Latin keys join only names whose Cyrillic readings have the same ж ш щ ч: German "sch" is
    # ж or ш, so Schukow shares a Latin key with Shukov (Шуков) and a reading with Zhukov (Жуков).
    latin_keys = {name: known[name].latin for name in names}
    latin = {name: latin_keys[name] + "|" + _sibilants(readings[name].key) for name in names}
    cyrillic = {name: readings[name].key for name in names}
    # 1. equal keys, Latin or Cyrillic: hash blocks
    _join_equal_keys(names, latin, union)
    first_with_key = _join_equal_keys(names, cyrillic, union)
    # 1b. a Russian form joins its Kazakh or Kyrgyz form (Джалал-Абад, Жалал-Абад) where the data holds it
    for name in names:
        for kin_key in _kin_keys(readings[name]):
            if kin_key in first_with_key:
                union.join(name, first_with_key[kin_key])
    # 1c. a spelling whose best reading meets no other spelling joins the spelling whose best reading
    # is one of its close alternatives (Cheliabinsk, read шелябинск, then челябинск: Chelyabinsk)
    _join_alternative_readings(names, readings, cyrillic, first_with_key, union)
    # 1d. a spelling with an ending another language added joins the bare name (Maikopas: Maikop)
    _join_bare_forms(names, known, cyrillic, first_with_key, union)
    # 2. fuzzy neighbours of the keys, Latin and Cyrillic, in buckets (Latin ones per ж ш щ ч, as above)
    for keyed, vowels in ((latin_keys, VOWELS), (cyrillic, _CYRILLIC_VOWELS)) if fuzzy else ():
        by_key: dict[str, dict[str, str]] = defaultdict(dict)
        for name in names:
            by_key[keyed[name]].setdefault(_sibilants(readings[name].key) if keyed is not cyrillic else "", name)
        for first, second in fuzzy_pairs(sorted(key for key in by_key if key.strip()), vowels):
            for signature, name in by_key[first].items():
                if signature in by_key[second]:
                    union.join(name, by_key[second][signature])
    # 3. short forms join the one full name they can stand for
    _join_short_forms(names, readings, union)

    groups: dict[str, list[str]] = defaultdict(list)
    for name in names:
        groups[union.root(name)].append(name)
    clusters = []
    for group in groups.values():
        members = sorted(((name, counts[name]) for name in group), key=lambda m: (-m[1], m[0]))
        anchor = _anchor_key(group, readings)
        clusters.append(Cluster(cluster_id(anchor), members[0][0], tuple(members), anchor))
    clusters.sort(key=lambda c: (-c.count, c.representative, c.id))
    return clusters


def _join_equal_keys(names: list[str], keyed: dict[str, str], union: _Union) -> dict[str, str]:
    """Join the names whose keys are equal (a hash block); return each key's first name."""
    first_with_key: dict[str, str] = {}
    for name in names:
        key = keyed[name]
        if key.startswith("=") or not key.strip():
            continue
        if key in first_with_key:
            union.join(first_with_key[key], name)
        else:
            first_with_key[key] = name
    return first_with_key


def _join_alternative_readings(names: list[str], readings: dict[str, NameReading], cyrillic: dict[str, str],
                               first_with_key: dict[str, str], union: _Union) -> None:
    """Join a spelling whose best reading no other spelling shares to the spellings that read as one
    of its other close readings (NameReading.alternatives, best first), when two or more do.

    The best reading of a spelling that mixes conventions is often a near miss (Cehov: Цехов;
    Cheliabinsk: Шелябинск; Kostomuksa: Коштомукша) while its next readings hold the name that
    other spellings agree on. Two spellings, not one, because a lone reading is no evidence of
    which letter the spelling meant: Chukov (Чуков, or Шуков in French) stays apart from a lone
    Shukov, as ж ш щ ч stay apart everywhere. Measured on the dev places of city-spellings.tsv:
    recall 0.386 → 0.411 at precision 0.995 → 0.995; on the variant groups 0.899 → 0.954 at 1.000.
    """
    holding: dict[str, int] = defaultdict(int)
    for name in names:
        holding[cyrillic[name]] += 1
    joins = []
    for name in names:
        if holding[cyrillic[name]] > 1:
            continue
        for key in readings[name].alternatives:
            if holding[key] >= 2:
                other = first_with_key[key]
                joins.append((name, other))
                break
    for name, other in joins:
        union.join(name, other)


def _join_bare_forms(names: list[str], known: dict[str, NameKeys], cyrillic: dict[str, str],
                     first_with_key: dict[str, str], union: _Union) -> None:
    """Join a spelling whose reading no other spelling shares to the one cluster that holds it
    without an ending its language's grammar added (:func:`translitnorm.morphology.bare_forms`,
    the table the matcher reads): Lithuanian Maikopas, Čechovas, Tolstojus; Latvian Čehovs;
    Latvian, Esperanto and Lithuanian Omska, Omsko, Kazanė.

    The clusterer cannot tell a place from a person, so the endings the table allows for
    places only (Latvian -a: Novosibirska, but Ivanova is Ivanov's wife; Esperanto -o: but
    Ivanovo is a town) are cut only after -sk, where Russian has no -ska, -sko or -ske name;
    and the stem left must keep BARE_STEM letters (Taras is not Tara). Where the cut name fits
    two clusters (Ivanovas: Ivanov or Ivanovo), nothing is joined."""
    holding: dict[str, int] = defaultdict(int)
    for name in names:
        holding[cyrillic[name]] += 1
    joins = []
    for name in names:
        if holding[cyrillic[name]] > 1 or not known[name].reading.parts:
            continue
        fits = {union.root(first_with_key[key]) for key in known[name].bare if key in first_with_key}
        fits.discard(union.root(name))
        if len(fits) == 1:
            joins.append((name, fits.pop()))
    for name, root in joins:
        union.join(name, root)


def _bare_keys(reading: NameReading, lang: str) -> set[str]:
    """Cyrillic keys of a name with host-language endings cut from its parts (see _join_bare_forms)."""
    options = []
    for word, own in reading.written:
        cut = {own}
        if word.casefold() in GENERIC_PLACE_WORDS and len(reading.written) > 1:
            cut.add("")  # Bishkek shaary, Opština Lazarevac: the word for a town or a district set aside
        for bare in () if is_cyrillic(word) else bare_forms(word):
            after_sk = bare.text.casefold().endswith("sk")
            if len(bare.text) >= BARE_STEM - after_sk and (after_sk or not bare.places_only):
                cut.add(_part_key(bare.text.lower(), lang))
        options.append(sorted(cut))
    if all(len(option) == 1 for option in options):
        return set()
    dotted = [f"{initial}." for initial in reading.initials]
    found = {" ".join(sorted(part for part in parts if part) + dotted) for parts in product(*options)}
    found.discard(reading.key)
    return found


def _sibilants(key: str) -> str:
    return "".join(char for char in key if char in SIBILANTS)


def _anchor_key(group: list[str], readings: dict[str, NameReading]) -> str:
    """The key a cluster's ID comes from: among the names with the most full parts, the Cyrillic
    key whose parts the letter model finds most name-like (:func:`word_log_probability`; ties:
    the smallest key); a name with nothing to read keeps its own form.

    The choice depends on which keys the cluster holds, not on how often each is written: a file
    that holds the best-read key gives it whatever else it holds. Votes by spelling (the key most
    members read as) split 1.95 % of the names seen in both halves of a file
    (benchmarks/cluster_quality.py, IDs across files) where the vote tied or a half lacked the
    majority; a misspelt key (Антоновч for Антонович) reads less name-like and so rarely wins."""
    readable = [name for name in group if readings[name].parts]
    if not readable:
        return "=" + min(exact_form(name) for name in group)
    most = max(len(readings[name].parts) for name in readable)
    keys = {_kin_normal(readings[name]) for name in readable if len(readings[name].parts) == most}
    if len(keys) == 1:
        return next(iter(keys)).key
    return min(keys, key=lambda reading: (-_name_likeness(reading.parts), reading.key)).key


@lru_cache(maxsize=200_000)
def _name_likeness(parts: tuple[str, ...]) -> float:
    return sum(word_log_probability(part) for part in parts)


def _join_short_forms(names: list[str], readings: dict[str, NameReading], union: _Union) -> None:
    """Join a short form (bare surname, initials, fewer parts) to the one fuller name it can stand for.

    Candidates are found by surname key (a hash block); a candidate must hold every part of the
    short form and, for each initial, another part starting with that letter. Longer short
    forms go first, so "Anton Chekhov" joins "Anton Pavlovich Chekhov" before "Chekhov" looks.
    """
    by_surname: dict[str, set[str]] = defaultdict(set)
    for name in names:
        reading = readings[name]
        if len(reading.parts) >= 2:
            for part in reading.surnames:
                by_surname[part].add(name)
    if not by_surname:
        return
    short = sorted((name for name in names if any(part in by_surname for part in readings[name].surnames)),
                   key=lambda name: (-len(readings[name].parts), name))
    for size in sorted({len(readings[name].parts) for name in short}, reverse=True):
        joins = []
        for name in (n for n in short if len(readings[n].parts) == size):
            reading = readings[name]
            own = union.root(name)
            fits: set[str] = set()
            for part in reading.surnames:
                for full in by_surname.get(part, ()):
                    if len(readings[full].parts) > size and _can_stand_for(name, reading, full, readings[full]):
                        fits.add(union.root(full))
            fits.discard(own)
            if len(fits) == 1:
                joins.append((name, fits.pop()))
        for name, root in joins:
            union.join(name, root)


def _can_stand_for(short: str, reading: NameReading, full: str, full_reading: NameReading) -> bool:
    """True when every part of the short form is a part of the full name, and each initial is the
    first letter (Latin as written, or Cyrillic) of one of the full name's other parts."""
    rest = list(full_reading.parts)
    for part in reading.parts:
        if part not in rest:
            return False
        rest.remove(part)
    if len(reading.initials) > len(rest):
        return False
    if not reading.initials:
        return True
    written = [as_latin(token.text) for token in parse_name(full).tokens if not token.initial]
    letters = {text[:1].casefold() for text in written} | {part[:1] for part in rest}
    return all(initial in letters for initial in reading.initials)
