"""Deterministic synthetic data for benchmarks: person lexicons, labelled queries, and CSV files.

Everything is built from real Cyrillic names (``benchmarks/data/*.txt``, provenance in
``benchmarks/data/README.md``) with a seeded :class:`random.Random`, so the same
arguments always give the same bytes.

>>> from pathlib import Path
>>> lexicon = write_lexicon(Path("/tmp/syn-1k.tsv"), 1000)          # doctest: +SKIP
>>> queries(lexicon, 3)                                              # doctest: +SKIP
[('Kamila Arturovna Ostalksaya', 'syn.000265'), ('Vavila Hrisztoforovics Nyikoajenko', 'syn.000366'), ('Foma Pisarev', 'syn.000773')]
>>> write_rows_csv(Path("/tmp/rows.csv"), lexicon, rows=1000, distinct=100)   # doctest: +SKIP
"""

from __future__ import annotations

import csv
import os
import random
import tempfile
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from unidecode import unidecode

from translitnorm.keys import matching_key
from translitnorm.lexicon import HEADER, LexiconLine, read_lexicon
from translitnorm.romanise import romanise, schemes

DATA = Path(__file__).resolve().parent / "data"

# Share of entities per language, and how often each language writes a patronymic.
LANGUAGE_WEIGHTS = {"ru": 0.6, "uk": 0.15, "kk": 0.15, "ky": 0.1}
PATRONYMIC_SHARE = {"ru": 0.8, "uk": 0.7, "kk": 0.4, "ky": 0.4}

DEFAULT_MIX = {"exact": 0.4, "variant": 0.3, "misspelt": 0.15, "unknown": 0.15}
QUERY_KINDS = tuple(DEFAULT_MIX)

TITLES = ("President", "Mr", "Mrs", "Dr.", "Prof.", "Minister", "Gen.", "Senator")
CITIES = ("Bishkek", "Osh", "Almaty", "Astana", "Moscow", "Kyiv", "Kharkiv", "Novosibirsk", "Tashkent", "Minsk")

# Patronymics that the regular suffix rules get wrong (the stem changes).
_IRREGULAR_PATRONYMIC_STEM = {"Лев": "Льв", "Павел": "Павл", "Пётр": "Петр", "Яков": "Яковл", "Михаил": "Михайл"}
_VOWELS = "аеёиоуыэюяіїєәөұүһ"


@dataclass(frozen=True)
class Person:
    """One synthetic person: Cyrillic name parts in one language."""

    lang: str
    female: bool
    given: str
    patronymic: str
    surname: str

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given, self.patronymic, self.surname) if part)


@lru_cache(maxsize=None)
def name_list(name: str) -> tuple[str, ...]:
    """One of the word lists in ``benchmarks/data`` (``ru-surnames``, ``kk-given-female`` …)."""
    text = (DATA / f"{name}.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def patronymic(father: str, lang: str, female: bool) -> str | None:
    """The patronymic formed from a father's given name by the regular suffix rules, or None.

    Russian rules (also used for Kazakh and Kyrgyz names written in Russian style):
    -ович/-овна after a consonant, -евич/-евна after й, ь and hushing consonants,
    -ий → -ьевич.  Ukrainian: -ович/-івна.  Names ending in a vowel (Никита → Никитич)
    are irregular and give None.

    >>> patronymic("Иван", "ru", False), patronymic("Анатолий", "ru", True), patronymic("Андрій", "uk", True)
    ('Иванович', 'Анатольевна', 'Андріївна')
    """
    last = father[-1]
    if lang == "uk":
        if last in _VOWELS and last != "о":
            return None
        stem = father[:-1] if last == "о" else father
        if stem.endswith("й"):
            return stem + "ович" if not female else stem[:-1] + "ївна"
        return stem + ("івна" if female else "ович")
    if father in _IRREGULAR_PATRONYMIC_STEM:
        stem, soft = _IRREGULAR_PATRONYMIC_STEM[father], False
    elif last in _VOWELS or not father[:-1]:
        return None
    elif father.endswith("ий") and father[-3] not in _VOWELS:
        stem, soft = father[:-2] + "ь", True
    elif last in "йь":
        stem, soft = father[:-1], True
    else:
        stem, soft = father, last in "жшчщц"
    return stem + ("ев" if soft else "ов") + ("на" if female else "ич")


def female_surname(surname: str, lang: str) -> str:
    """The female form of a (male) surname: Бакиев → Бакиева, Ковальський → Ковальська, Шевченко unchanged.

    >>> female_surname("Бакиев", "ky"), female_surname("Вишневский", "ru"), female_surname("Шевченко", "uk")
    ('Бакиева', 'Вишневская', 'Шевченко')
    """
    if lang == "uk":
        if surname.endswith(("ський", "цький", "зький")):
            return surname[:-2] + "а"
        if surname.endswith("ий"):
            return surname[:-2] + "а"
        if surname.endswith(("ов", "ев", "єв", "ін", "їн")):
            return surname + "а"
        return surname
    if surname.endswith(("ский", "цкий", "ой", "ый", "ий")):
        return surname[:-2] + "ая"
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname


class _NameSource:
    """Draws people in one language from the word lists."""

    def __init__(self, lang: str):
        self.lang = lang
        self.given = {False: name_list(f"{lang}-given-male"), True: name_list(f"{lang}-given-female")}
        self.surnames = name_list(f"{lang}-surnames")
        self.fathers = tuple(name for name in self.given[False] if patronymic(name, lang, False))

    def person(self, rng: random.Random, female: bool, with_patronymic: bool) -> Person:
        given = rng.choice(self.given[female])
        surname = rng.choice(self.surnames)
        if female:
            surname = female_surname(surname, self.lang)
        middle = patronymic(rng.choice(self.fathers), self.lang, female) if with_patronymic else ""
        return Person(self.lang, female, given, middle or "", surname)


@lru_cache(maxsize=None)
def _source(lang: str) -> _NameSource:
    return _NameSource(lang)


def random_person(rng: random.Random) -> Person:
    """A real-looking person: language by :data:`LANGUAGE_WEIGHTS`, either gender, patronymic by language habit."""
    lang = rng.choices(list(LANGUAGE_WEIGHTS), weights=list(LANGUAGE_WEIGHTS.values()))[0]
    return _source(lang).person(rng, rng.random() < 0.5, rng.random() < PATRONYMIC_SHARE[lang])


def id_width(n_entities: int) -> int:
    return max(6, len(str(max(n_entities - 1, 0))))


def people(n_entities: int, seed: int = 0) -> Iterator[tuple[str, Person]]:
    """``(id, person)`` for a lexicon of ``n_entities`` people, each full name distinct, in ID order."""
    rng = random.Random(seed)
    width = id_width(n_entities)
    seen: set[str] = set()
    for number in range(n_entities):
        person = random_person(rng)
        while person.full_name in seen:
            person = random_person(rng)
        seen.add(person.full_name)
        yield f"syn.{number:0{width}d}", person


def write_lexicon(path: str | os.PathLike, n_entities: int, seed: int = 0) -> Path:
    """Write an ``n_entities``-person lexicon in canonical form (streamed, atomic) and return its path.

    IDs are ``syn.000000`` …; each entity has one ``source`` line in its own language.

    >>> write_lexicon("/tmp/syn.tsv", 3).read_text().splitlines()[1]       # doctest: +SKIP
    'syn.000000\\tperson\\tkk\\tАқболат Оңдасынұлы\\tsource\\t'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write("\t".join(HEADER) + "\n")
            for entity_id, person in people(n_entities, seed):
                line = LexiconLine(entity_id, "person", person.lang, person.full_name, "source")
                handle.write("\t".join(line.as_row()) + "\n")
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


# ---------------------------------------------------------------------------
# Queries


@dataclass(frozen=True)
class _Entry:
    id: str
    lang: str
    parts: tuple[str, ...]  # given, [patronymic …,] surname, in natural order


def _read_people(lexicon_path: str | os.PathLike) -> list[_Entry]:
    """The first Cyrillic source name of every person entity (names in natural or 'Surname, Given' order)."""
    entries: dict[str, _Entry] = {}
    for line in read_lexicon(lexicon_path, []):
        if line.type != "person" or line.role != "source" or line.id in entries:
            continue
        head, comma, tail = line.name.partition(",")
        parts = tuple(tail.split() + head.split()) if comma else tuple(line.name.split())
        if len(parts) >= 2:
            entries[line.id] = _Entry(line.id, line.lang.split("-")[0], parts)
    return list(entries.values())


def _scheme_ids(lang: str) -> tuple[str, ...]:
    return tuple(scheme.id for scheme in schemes(lang))


def _romanise_parts(parts: Iterable[str], lang: str, rng: random.Random, mixed: bool = False) -> list[str]:
    """Romanise each part under one random scheme of ``lang`` (or, when ``mixed``, one scheme per part)."""
    ids = _scheme_ids(lang)
    scheme = rng.choice(ids)
    return [romanise(part, rng.choice(ids) if mixed else scheme) for part in parts]


def misspell(word: str, rng: random.Random) -> str:
    """One random edit (substitute, delete, insert, transpose) at a position after the first letter.

    The first letter is kept: typos in the first letter are the rarer kind, and this
    measures the common one.

    >>> misspell("Bakiyev", random.Random(1)) != "Bakiyev"
    True
    """
    letters = "aeioubdgklmnrstvyz"
    for _ in range(20):
        position = rng.randrange(1, max(len(word), 2))
        operation = rng.choice(("substitute", "delete", "insert", "transpose"))
        if operation == "substitute" and position < len(word):
            changed = word[:position] + rng.choice(letters) + word[position + 1:]
        elif operation == "delete" and position < len(word) and len(word) > 3:
            changed = word[:position] + word[position + 1:]
        elif operation == "insert":
            changed = word[:position] + rng.choice(letters) + word[position:]
        elif operation == "transpose" and position + 1 < len(word):
            changed = word[:position] + word[position + 1] + word[position] + word[position + 2:]
        else:
            continue
        if changed.casefold() != word.casefold():
            return changed
    return word + rng.choice(letters)


@lru_cache(maxsize=1 << 18)
def coarse_key(part: str) -> str:
    """A spelling-blind key of one Cyrillic name part, so that Муканов and Мұқанов, Омурбек and
    Өмүрбек count as one name when deciding whether a query is ambiguous or unknown."""
    return matching_key(unidecode(part))


class _QueryMaker:
    def __init__(self, entries: list[_Entry], rng: random.Random):
        self.entries = entries
        self.rng = rng
        # How many entities share a given name + surname, or an initial + surname (compared
        # by coarse key): a query that drops the rest of the name is only labelled with an ID
        # when it stays unique, and an unknown name must not share its given name + surname.
        self.given_surname = Counter(self._pair(e.parts[0], e.parts[-1]) for e in entries)
        self.initial_surname = Counter((coarse_key(e.parts[0])[:1], coarse_key(e.parts[-1])) for e in entries)

    @staticmethod
    def _pair(given: str, surname: str) -> tuple[str, str]:
        return coarse_key(given), coarse_key(surname)

    def pick(self) -> _Entry:
        """A random entity whose full name is not also the given name + surname of another entity.

        ("Урмат Осмонов" next to "Урмат Исхакович Осмонов": a query for the first is
        rightly ambiguous, so it is not labelled with either ID.)
        """
        for _ in range(1000):
            entry = self.rng.choice(self.entries)
            if len(entry.parts) > 2 or self.given_surname[self._pair(entry.parts[0], entry.parts[-1])] == 1:
                return entry
        raise ValueError("every person in the lexicon shares given name and surname with another; cannot label queries")

    def exact(self, entry: _Entry) -> str:
        return " ".join(_romanise_parts(entry.parts, entry.lang, self.rng))

    def variant(self, entry: _Entry) -> str:
        rng = self.rng
        given, surname = entry.parts[0], entry.parts[-1]
        short_ok = self.given_surname[self._pair(given, surname)] == 1
        initial_ok = self.initial_surname[(coarse_key(given)[:1], coarse_key(surname))] == 1
        forms = ["mixed", "caps-comma", "title"] + (["short"] if short_ok else []) + (["initial"] if initial_ok else [])
        form = rng.choice(forms)
        parts = entry.parts if not short_ok or rng.random() < 0.5 else (given, surname)
        if form == "mixed":
            return " ".join(_romanise_parts(parts, entry.lang, rng, mixed=True))
        if form == "caps-comma":
            latin = _romanise_parts(parts, entry.lang, rng)
            return f"{latin[-1].upper()}, {' '.join(latin[:-1])}"
        if form == "title":
            return f"{rng.choice(TITLES)} {' '.join(_romanise_parts(parts, entry.lang, rng))}"
        if form == "short":
            return " ".join(_romanise_parts((given, surname), entry.lang, rng))
        latin = _romanise_parts(entry.parts, entry.lang, rng)
        return f"{latin[0][0]}. {latin[-1]}"

    def misspelt(self, entry: _Entry) -> str:
        latin = _romanise_parts(entry.parts, entry.lang, self.rng)
        position = len(latin) - 1 if self.rng.random() < 0.6 else 0
        latin[position] = misspell(latin[position], self.rng)
        return " ".join(latin)

    def unknown(self) -> str:
        """A real-looking name whose given name + surname pair no entity has."""
        while True:
            person = random_person(self.rng)
            if self._pair(person.given, person.surname) in self.given_surname:
                continue
            parts = (person.given, person.surname) if self.rng.random() < 0.6 else tuple(person.full_name.split())
            return " ".join(_romanise_parts(parts, person.lang, self.rng))


def _labelled(maker: _QueryMaker, n: int, mix: Mapping[str, float]) -> list[tuple[str, str | None]]:
    rng = maker.rng
    kinds = rng.choices(list(mix), weights=list(mix.values()), k=n)
    result: list[tuple[str, str | None]] = []
    for kind in kinds:
        if kind == "unknown":
            result.append((maker.unknown(), None))
            continue
        entry = maker.pick()
        result.append((getattr(maker, kind)(entry), entry.id))
    return result


def _maker(lexicon_path: str | os.PathLike, seed: int, mix: Mapping[str, float]) -> _QueryMaker:
    unknown_kinds = set(mix) - set(QUERY_KINDS)
    if unknown_kinds:
        raise ValueError(f"unknown query kind(s) {sorted(unknown_kinds)}; kinds are {', '.join(QUERY_KINDS)}")
    entries = _read_people(lexicon_path)
    if not entries and any(mix.get(kind, 0) for kind in ("exact", "variant", "misspelt")):
        raise ValueError(f"{lexicon_path}: no person entity with a Cyrillic source name to make queries from")
    return _QueryMaker(entries, random.Random(seed))


def queries(lexicon_path: str | os.PathLike, n: int, seed: int = 0,
            mix: Mapping[str, float] = DEFAULT_MIX) -> list[tuple[str, str | None]]:
    """``n`` labelled queries ``(text, expected id or None)`` for the people of a lexicon.

    ``mix`` weights the kinds: ``exact`` (the full name under one random scheme),
    ``variant`` (schemes mixed per part, initials, ``SURNAME, Given``, titles, patronymic
    dropped), ``misspelt`` (one edit in the surname or given name) and ``unknown``
    (a real-looking name no entity has; expected id None).

    >>> queries("lexicons/kg.tsv", 2, mix={"exact": 1})                 # doctest: +SKIP
    [('Almazbek Sharshenovich Atambaev', 'kg.atambayev.almazbek'), ...]
    """
    return _labelled(_maker(lexicon_path, seed, mix), n, mix)


ROWS_MIX = {"exact": 0.3, "variant": 0.3, "misspelt": 0.2, "unknown": 0.2}


def write_rows_csv(path: str | os.PathLike, lexicon_path: str | os.PathLike, rows: int, distinct: int,
                   seed: int = 0) -> Path:
    """Write a CSV ``id,name,city`` of ``rows`` rows drawn (Zipf-like) from ``distinct`` distinct names.

    The names are :func:`queries` of the lexicon (variants, misspellings, unknown names);
    each distinct name occurs at least once when ``rows >= distinct``.

    >>> write_rows_csv("/tmp/rows.csv", "/tmp/syn.tsv", rows=10, distinct=3)   # doctest: +SKIP
    """
    maker = _maker(lexicon_path, seed, ROWS_MIX)
    rng = random.Random(seed)
    names: dict[str, None] = {}
    while len(names) < distinct:
        for text, _ in _labelled(maker, distinct - len(names), ROWS_MIX):
            names.setdefault(text)
    distinct_names = list(names)[:distinct]
    weights = [1.0 / (rank + 1) for rank in range(len(distinct_names))]
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(("id", "name", "city"))
            order = list(range(min(rows, len(distinct_names))))
            order += rng.choices(range(len(distinct_names)), weights=weights, k=rows - len(order))
            rng.shuffle(order)
            cities = rng.choices(CITIES, k=rows)
            writer.writerows((row + 1, distinct_names[index], city) for row, (index, city) in enumerate(zip(order, cities)))
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target
