"""Romanisation of Cyrillic names under named schemes.

Every scheme is declared by one data file in ``translitnorm/schemes/<id>.toml``
(id, language, target readership, source, samples …). Three providers render them:

``table``
    A letter map plus context rules, read by the one rule engine of this module
    (:class:`_TableRenderer`). The popular national transcriptions (German,
    French, Polish …) and the official systems no library covers are tables.
``iuliia``
    A Russian standard kept by the `iuliia` package (ALA-LC, GOST 7.79, ICAO …).
    Its JSON rules are compiled into the same engine, so they run as fast as our
    own tables; the tests check the result against ``iuliia`` itself.
``icu``
    An ICU transform through PyICU (the BGN/PCGN family, Uzbek Latin, MNS …).

Letters a scheme does not cover go to the scheme's ``fallback`` scheme, then to
ICU ``Cyrillic-Latin``, so the output never contains Cyrillic.

Table format (all sections optional except ``[letters]``)::

    [letters]            # the plain letter map, lower case
    "ч" = "tsch"
    [start]              # at word start
    [after_sign]         # after ъ ь or an apostrophe
    [after_vowel]
    [before_vowel]
    [end]                # at word end
    [endings]            # word endings, e.g. "ский" = "ski" (never the whole word)
    [[rules]]            # anything else: match (one letter or a sequence),
    match = "е"          # after / before: lists of "start", "end", "vowel",
    after = ["жшчщц"]    # "consonant", "sign" or a string of literal letters
    out = "e"
    [words]              # whole-word exceptions a standard names ("България" = "Bulgaria")

An ``iuliia`` scheme may carry the same sections: they are read before iuliia's
own rules, so they override them where iuliia departs from the standard. An
``icu`` scheme may carry ``[words]``, ``[pre]`` (replacements in the lower-case
Cyrillic word before ICU) and ``[post]`` (replacements in ICU's Latin output).
Any scheme may list ``aliases``: former ids that still name it.

When several rules apply at a position the longest match wins; among equally
long matches ``[[rules]]`` come first (in file order), then ``endings``,
``start``, ``after_sign``, ``after_vowel``, ``before_vowel``, ``end`` and last
``letters``.
"""

from __future__ import annotations

import abc
import difflib
import functools
import importlib.resources
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Iterable, Mapping

from translitnorm.errors import TranslitnormError
from translitnorm.script import CYRILLIC_CLASS, CYRILLIC_RANGES

__all__ = [
    "SCHEME_LANGS",
    "Scheme",
    "UnknownLanguageError",
    "UnknownSchemeError",
    "get_scheme",
    "romanisations",
    "romanise",
    "schemes",
    "source_language",
]

#: Source languages (ISO 639-1) that have at least one scheme (a subset of the Cyrillic-script
#: languages, :data:`translitnorm.script.CYRILLIC_LANGS`).
SCHEME_LANGS: tuple[str, ...] = ("be", "bg", "kk", "ky", "mk", "mn", "ru", "sr", "tg", "uk", "uz")

PROVIDERS = ("table", "icu", "iuliia")

# Letter classes the context rules refer to. Apostrophes count as signs because
# Ukrainian and Belarusian write one where Russian writes ъ.
VOWELS = frozenset("аеёиоуыэюяіїєәөұүӯӣѣ")
SIGNS = frozenset("ъь'’ʼ")

# Cyrillic blocks (basic, supplement, extended-A/B) and the combining marks that
# can sit inside a Cyrillic word (stress accents); marks are dropped.
_CYRILLIC_RANGES = CYRILLIC_RANGES
_CYRILLIC_CLASS = CYRILLIC_CLASS
_COMBINING_CLASS = "\u0300-\u036f"
_CYRILLIC_CHAR = re.compile(f"[{_CYRILLIC_CLASS}]")
_COMBINING_MARK = re.compile(f"[{_COMBINING_CLASS}]")
_CYRILLIC_WORD = re.compile(f"[{_CYRILLIC_CLASS}][{_CYRILLIC_CLASS}{_COMBINING_CLASS}]*")


def _all_cyrillic_letters() -> frozenset[str]:
    """Every lower-case Cyrillic letter Unicode knows (what a fallback must cover)."""
    letters = set()
    for start, end in _CYRILLIC_RANGES:
        for code in range(start, end + 1):
            char = chr(code)
            if char.isalpha():
                lower = char.lower()
                if len(lower) == 1:
                    letters.add(lower)
    return frozenset(letters)


ALL_CYRILLIC_LETTERS = _all_cyrillic_letters()
_CYRILLIC_NON_LETTERS = frozenset(
    chr(code)
    for start, end in _CYRILLIC_RANGES
    for code in range(start, end + 1)
    if not chr(code).isalpha() and unicodedata.category(chr(code)) != "Cn"
)
CONSONANTS = frozenset(ALL_CYRILLIC_LETTERS - VOWELS - SIGNS)
_CLASS_LETTERS = {"vowel": VOWELS, "consonant": CONSONANTS, "sign": SIGNS}


class UnknownSchemeError(TranslitnormError, ValueError):
    """A scheme id that is not in the registry; the message suggests the closest ids."""


class UnknownLanguageError(TranslitnormError, ValueError):
    """A source language without schemes; the message lists the valid languages."""


class SchemeDefinitionError(TranslitnormError, ValueError):
    """A scheme data file that the engine cannot use (names the file and the problem)."""


@dataclass(frozen=True)
class Scheme:
    """One romanisation convention, as declared by its data file.

    >>> get_scheme("ru-de").target
    'de'
    >>> get_scheme("ru-de").romanise("Медведев")
    'Medwedew'
    """

    id: str
    lang: str
    target: str
    description: str
    source: str
    provider: str
    samples: tuple[tuple[str, str], ...] = ()
    transform: str | None = None
    fallback: str | None = None
    #: former ids that still name this scheme (lexicons and data written before a rename)
    aliases: tuple[str, ...] = ()
    #: the table sections of the data file (letters, rules …), read-only; empty for icu/iuliia
    table: Mapping = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False,
                           hash=False)

    def romanise(self, text: str) -> str:
        """Romanise ``text`` under this scheme (same as ``romanise(text, self.id)``)."""
        return _renderer(self.id).render(text)


# ---------------------------------------------------------------------------
# The registry: one toml file per scheme, loaded once.


def _scheme_files() -> Iterable[tuple[str, str]]:
    folder = importlib.resources.files("translitnorm") / "schemes"
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            yield entry.name, entry.read_text(encoding="utf-8")


def _parse_scheme(filename: str, text: str) -> Scheme:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeDefinitionError(f"schemes/{filename}: {exc}") from None
    required = ("id", "lang", "target", "description", "source", "provider")
    missing = [key for key in required if key not in data]
    if missing:
        raise SchemeDefinitionError(f"schemes/{filename}: missing {', '.join(missing)}")
    if data["provider"] not in PROVIDERS:
        raise SchemeDefinitionError(
            f"schemes/{filename}: provider {data['provider']!r} is not one of {', '.join(PROVIDERS)}"
        )
    if data["id"] + ".toml" != filename:
        raise SchemeDefinitionError(f"schemes/{filename}: id {data['id']!r} must match the file name")
    if data["provider"] != "table" and not data.get("transform"):
        raise SchemeDefinitionError(f"schemes/{filename}: provider {data['provider']} needs a transform")
    samples = tuple((str(sample[0]), str(sample[1])) for sample in data.get("samples", ()))
    table_keys = ("letters", "start", "after_sign", "after_vowel", "before_vowel", "end", "endings",
                  "rules", "uppercase", "word_chars", "words", "pre", "post")
    return Scheme(
        id=data["id"],
        lang=data["lang"],
        target=data["target"],
        description=data["description"],
        source=data["source"],
        provider=data["provider"],
        samples=samples,
        transform=data.get("transform"),
        fallback=data.get("fallback"),
        aliases=tuple(data.get("aliases", ())),
        table=MappingProxyType({key: data[key] for key in table_keys if key in data}),
    )


@functools.cache
def _registry() -> dict[str, Scheme]:
    found = {}
    for filename, text in sorted(_scheme_files()):
        scheme = _parse_scheme(filename, text)
        found[scheme.id] = scheme
    for scheme in found.values():
        chain = [scheme.id]
        fallback_id = scheme.fallback
        while fallback_id is not None:
            if fallback_id not in found:
                raise SchemeDefinitionError(
                    f"schemes/{chain[-1]}.toml: fallback {fallback_id!r} is not a scheme"
                )
            if fallback_id in chain:
                raise SchemeDefinitionError(f"fallback cycle: {' -> '.join(chain + [fallback_id])}")
            chain.append(fallback_id)
            fallback_id = found[fallback_id].fallback
    return dict(sorted(found.items()))


@functools.cache
def _aliases() -> dict[str, str]:
    """Former scheme ids → the id of the scheme that now carries them."""
    registry = _registry()
    found: dict[str, str] = {}
    for scheme in registry.values():
        for alias in scheme.aliases:
            if alias in registry or alias in found:
                raise SchemeDefinitionError(f"schemes/{scheme.id}.toml: alias {alias!r} is already taken")
            found[alias] = scheme.id
    return found


def _suggest(wrong: str, valid: list[str], preferred_prefix: str = "ru-") -> str | None:
    """The valid id closest to ``wrong``: an exact suffix match ('bgn' → 'ru-bgn') first."""
    lowered = wrong.strip().lower()
    if lowered in valid:
        return lowered
    suffix_matches = [item for item in valid if item.split("-", 1)[-1] == lowered]
    if suffix_matches:
        preferred = [item for item in suffix_matches if item.startswith(preferred_prefix)]
        return (preferred or suffix_matches)[0]
    close = difflib.get_close_matches(lowered, valid, n=1, cutoff=0.5)
    return close[0] if close else None


def get_scheme(scheme_id: str) -> Scheme:
    """The scheme registered under ``scheme_id``.

    >>> get_scheme("ru-bgn").provider
    'icu'

    A former id still names its scheme (``mk-bgn`` is now ``mk-bgn2013``):

    >>> get_scheme("mk-bgn").id
    'mk-bgn2013'

    Raises :class:`UnknownSchemeError` (a ``ValueError``) naming the closest id::

        unknown scheme 'bgn'; did you mean 'ru-bgn'? valid: be-bgn, …
    """
    registry = _registry()
    try:
        return registry[scheme_id]
    except (KeyError, TypeError):
        renamed = _aliases().get(scheme_id) if isinstance(scheme_id, str) else None
        if renamed is not None:
            return registry[renamed]
        valid = list(registry)
        suggestion = _suggest(str(scheme_id), valid)
        hint = f"; did you mean '{suggestion}'?" if suggestion else ""
        raise UnknownSchemeError(
            f"unknown scheme '{scheme_id}'{hint} valid: {', '.join(valid)}"
        ) from None


# Country codes people type for a language (kz for Kazakh …), used only for suggestions.
_COUNTRY_TO_LANG = {"kz": "kk", "kg": "ky", "ua": "uk", "by": "be", "rs": "sr", "tj": "tg"}


def _check_lang(lang: str) -> str:
    if lang in SCHEME_LANGS:
        return lang
    suggestion = _COUNTRY_TO_LANG.get(str(lang).strip().lower()) or _suggest(str(lang), list(SCHEME_LANGS))
    hint = f"; did you mean '{suggestion}'?" if suggestion else ""
    raise UnknownLanguageError(
        f"unknown language '{lang}'{hint} valid: {', '.join(SCHEME_LANGS)}"
    )


def schemes(lang: str | None = None) -> list[Scheme]:
    """All schemes sorted by id, or only those for source language ``lang``.

    >>> [s.id for s in schemes(lang="be")]
    ['be-bgn', 'be-lacinka', 'be-national', 'be-passport']
    """
    registry = _registry()
    if lang is None:
        return list(registry.values())
    _check_lang(lang)
    return [scheme for scheme in registry.values() if scheme.lang == lang]


def romanise(text: str, scheme: str | Scheme) -> str:
    """Romanise Cyrillic ``text`` under one scheme; everything that is not Cyrillic passes through.

    >>> romanise("Чехов", "ru-de")
    'Tschechow'
    >>> romanise("ЧЕХОВ-2", "ru-de")
    'TSCHECHOW-2'
    """
    scheme_id = scheme.id if isinstance(scheme, Scheme) else scheme
    return _renderer(scheme_id).render(text)


def romanisations(text: str, lang: str = "ru") -> dict[str, str]:
    """``text`` romanised under every scheme of source language ``lang``, keyed by scheme id.

    >>> romanisations("Бакиев", lang="ru")["ru-bgn"]
    'Bakiyev'
    """
    return {scheme_id: render(text) for scheme_id, render in _renderers_for(lang)}


def source_language(text: str) -> str | None:
    """The source language whose schemes suit ``text``, told by its letters, or None when
    the letters fit several languages (Минск, Бишкек).

    The same reading of letters as the matcher's (``crosslang.detect_lang``).

    >>> source_language("Тарас Шевченко, Київ"), source_language("Қасым-Жомарт"), source_language("Минск")
    ('uk', 'kk', None)
    """
    from translitnorm.crosslang import detect_lang

    lang = detect_lang(text)
    return lang if lang in SCHEME_LANGS else None


@functools.cache
def _renderers_for(lang: str) -> tuple[tuple[str, object], ...]:
    return tuple((scheme.id, _renderer(scheme.id).render) for scheme in schemes(lang=lang))


# ---------------------------------------------------------------------------
# Renderers


@functools.cache
def _renderer(scheme_id: str) -> "_Renderer":
    scheme = get_scheme(scheme_id)
    if scheme.provider == "table":
        return _TableRenderer.from_scheme(scheme)
    if scheme.provider == "iuliia":
        return _TableRenderer.from_iuliia(scheme)
    return _IcuRenderer(scheme)


@functools.cache
def _icu_transliterator(transform_id: str):
    import icu  # imported lazily: PyICU is slow to load and only some schemes need it

    return icu.Transliterator.createInstance(transform_id)


@functools.cache
def _last_resort(letter: str) -> str:
    """A letter no scheme in the chain covers: ICU Cyrillic-Latin, else unidecode, never Cyrillic."""
    latin = _icu_transliterator("Cyrillic-Latin").transliterate(letter)
    if _CYRILLIC_CHAR.search(latin) or not latin:
        from unidecode import unidecode

        latin = unidecode(letter)
    # ICU and unidecode mark some letters with a stray modifier (қ → kˌ, ң → n'); a
    # name part must stay one token, so only the letters are kept.
    latin = latin.replace("ˌ", "").replace("'", "") if letter not in SIGNS else latin
    return _CYRILLIC_CHAR.sub("", latin)


class _Renderer(abc.ABC):
    scheme: Scheme

    @abc.abstractmethod
    def render(self, text: str) -> str:
        """``text`` romanised under this renderer's scheme."""

    @abc.abstractmethod
    def plain_letter(self, letter: str) -> str | None:
        """This scheme's context-free rendering of one lower-case letter, or None if not covered."""

    def fallback_letter(self, letter: str) -> str:
        """The rendering of a letter this scheme lacks: fallback chain, then ICU."""
        seen = {self.scheme.id}
        fallback_id = self.scheme.fallback
        while fallback_id is not None and fallback_id not in seen:
            seen.add(fallback_id)
            fallback = _renderer(fallback_id)
            latin = fallback.plain_letter(letter)
            if latin is not None:
                return latin
            fallback_id = fallback.scheme.fallback
        return _last_resort(letter)


@dataclass(frozen=True)
class _Rule:
    match: str
    out: str
    after_letters: frozenset[str] | None = None  # None: any previous letter
    after_start: bool = False  # the rule also applies at word start
    before_letters: frozenset[str] | None = None
    before_end: bool = False
    not_at_start: bool = False  # word endings never cover the whole word

    def applies(self, word: str, position: int) -> bool:
        if self.not_at_start and position == 0:
            return False
        if self.after_letters is not None:
            if position == 0:
                if not self.after_start:
                    return False
            elif word[position - 1] not in self.after_letters:
                return False
        end = position + len(self.match)
        if self.before_letters is not None:
            if end == len(word):
                if not self.before_end:
                    return False
            elif word[end] not in self.before_letters:
                return False
        return True


def _context(items: Iterable[str] | str, edge: str, where: str) -> tuple[frozenset[str], bool]:
    """Turn ["start", "vowel", "ъь"] into (letters, applies-at-the-edge)."""
    if isinstance(items, str):
        items = [items]
    letters: set[str] = set()
    at_edge = False
    for item in items:
        if item == edge:
            at_edge = True
        elif item in _CLASS_LETTERS:
            letters |= _CLASS_LETTERS[item]
        elif item in ("start", "end"):
            raise SchemeDefinitionError(f"{where}: '{item}' cannot be used here")
        else:
            letters |= set(item.lower())
    return frozenset(letters), at_edge


class _TableRenderer(_Renderer):
    """The rule engine: scans each Cyrillic word once, longest applicable rule first."""

    def __init__(self, scheme: Scheme, rules: list[_Rule], uppercase: dict[str, str],
                 word_chars: str = "", words: Mapping[str, str] | None = None) -> None:
        self.scheme = scheme
        self.words = {word.lower(): out for word, out in (words or {}).items()}
        self.plain: dict[str, str] = {r.match: r.out for r in reversed(rules) if _is_plain(r)}
        # Letters nobody in the scheme covers go to the fallback chain, so every
        # Cyrillic letter has a plain rule and output never contains Cyrillic.
        for letter in sorted(ALL_CYRILLIC_LETTERS - self.plain.keys()):
            fallback = _Rule(letter, self.fallback_letter(letter))
            rules.append(fallback)
        order = {id(rule): index for index, rule in enumerate(rules)}
        by_first: dict[str, list[_Rule]] = {}
        for rule in rules:
            by_first.setdefault(rule.match[0], []).append(rule)
        self.rules_by_first: dict[str, tuple[_Rule, ...]] = {
            first: tuple(sorted(group, key=lambda r: (-len(r.match), order[id(r)])))
            for first, group in by_first.items()
        }
        # Letters whose only rule is the plain one: the common fast path.
        self.simple: dict[str, str] = {
            first: group[0].out
            for first, group in self.rules_by_first.items()
            if len(group) == 1 and _is_plain(group[0])
        }
        for mark in range(0x0300, 0x0370):  # stress accents inside a word are dropped
            self.simple[chr(mark)] = ""
        for char in _CYRILLIC_NON_LETTERS:  # titlo, thousands sign …: never left in Cyrillic
            self.simple[char] = "" if unicodedata.combining(char) else _last_resort(char)
        self.uppercase = uppercase
        self.word_pattern = _word_pattern(word_chars)

    # -- construction ------------------------------------------------------

    @classmethod
    def from_scheme(cls, scheme: Scheme) -> "_TableRenderer":
        table = scheme.table
        where = f"schemes/{scheme.id}.toml"
        if "letters" not in table:
            raise SchemeDefinitionError(f"{where}: a table scheme needs [letters]")
        return cls(scheme, _table_rules(table, where), table.get("uppercase", {}),
                   table.get("word_chars", ""), table.get("words"))

    @classmethod
    def from_iuliia(cls, scheme: Scheme) -> "_TableRenderer":
        """Compile an iuliia schema (mapping, prev/next/ending maps) into engine rules.

        iuliia's order of precedence is kept: ending, then previous-letter, then
        next-letter, then the plain mapping; an ending never covers a whole word.
        The scheme file's own sections come first: they correct iuliia where it
        departs from the standard.
        """
        import json

        import iuliia

        source = importlib.resources.files(iuliia) / "schemas" / f"{scheme.transform}.json"
        data = json.loads(source.read_text(encoding="utf-8"))
        rules = _table_rules(scheme.table, f"schemes/{scheme.id}.toml")
        for ending, out in (data.get("ending_mapping") or {}).items():
            rules.append(_Rule(ending, out, before_letters=frozenset(), before_end=True,
                               not_at_start=True))
        for pair, out in (data.get("prev_mapping") or {}).items():
            if len(pair) == 1:  # iuliia keys a word-initial letter by the letter alone
                rules.append(_Rule(pair, out, after_letters=frozenset(), after_start=True))
            else:
                rules.append(_Rule(pair[1], out, after_letters=frozenset(pair[0])))
        for pair, out in (data.get("next_mapping") or {}).items():
            if len(pair) == 1:
                rules.append(_Rule(pair, out, before_letters=frozenset(), before_end=True))
            else:
                rules.append(_Rule(pair[0], out, before_letters=frozenset(pair[1])))
        for letter, out in data["mapping"].items():
            rules.append(_Rule(letter, out))
        # Some iuliia files write the Cyrillic letter ё where the standard has Latin ë.
        rules = [_Rule(r.match, _latin_e_diaeresis(r.out), r.after_letters, r.after_start,
                       r.before_letters, r.before_end, r.not_at_start) for r in rules]
        return cls(scheme, rules, {}, words=scheme.table.get("words"))

    # -- rendering -----------------------------------------------------------

    def plain_letter(self, letter: str) -> str | None:
        return self.plain.get(letter)

    def render(self, text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        return self.word_pattern.sub(self._render_word, text)

    def _render_word(self, found: re.Match) -> str:
        word = found.group()
        lower = word.lower()
        if self.words:
            exception = self.words.get(lower)
            if exception is not None:
                return _with_case_of(word, exception)
        length = len(lower)
        all_caps = length > 1 and word.isupper()
        simple = self.simple
        rules_by_first = self.rules_by_first
        pieces = []
        position = 0
        while position < length:
            letter = lower[position]
            piece = simple.get(letter)
            size = 1
            if piece is None:
                piece = letter  # only in-word apostrophes a table leaves unmapped get here
                for rule in rules_by_first.get(letter, ()):
                    if (len(rule.match) == 1 or lower.startswith(rule.match, position)) and rule.applies(
                        lower, position
                    ):
                        piece, size = rule.out, len(rule.match)
                        break
            if word[position] != letter and piece:
                piece = self._upper(piece) if all_caps else self._capitalise(piece)
            pieces.append(piece)
            position += size
        return "".join(pieces)

    def _upper(self, piece: str) -> str:
        if self.uppercase:
            return "".join(self.uppercase.get(char, char.upper()) for char in piece)
        return piece.upper()

    def _capitalise(self, piece: str) -> str:
        first = piece[0]
        return self.uppercase.get(first, first.upper()) + piece[1:]


def _word_pattern(word_chars: str) -> re.Pattern:
    """A Cyrillic word; in-word characters (the Ukrainian apostrophe) only count between letters."""
    if not word_chars:
        return _CYRILLIC_WORD
    extra = "".join(re.escape(char) for char in word_chars)
    letters = _CYRILLIC_WORD.pattern
    return re.compile(f"{letters}(?:[{extra}]+{letters})*")


def _table_rules(table: Mapping, where: str) -> list[_Rule]:
    """The engine rules of a scheme file's table sections, in order of precedence."""
    rules: list[_Rule] = []
    for index, spec in enumerate(table.get("rules", [])):
        try:
            match, out = spec["match"].lower(), spec["out"]
        except KeyError as exc:
            raise SchemeDefinitionError(f"{where}: rules[{index}] needs {exc}") from None
        after_letters = after_start = before_letters = before_end = None
        if "after" in spec:
            after_letters, after_start = _context(spec["after"], "start", where)
        if "before" in spec:
            before_letters, before_end = _context(spec["before"], "end", where)
        rules.append(_Rule(match, out, after_letters, bool(after_start), before_letters,
                           bool(before_end)))
    for ending, out in table.get("endings", {}).items():
        rules.append(_Rule(ending.lower(), out, before_letters=frozenset(), before_end=True,
                           not_at_start=True))
    for letter, out in table.get("start", {}).items():
        rules.append(_Rule(letter.lower(), out, after_letters=frozenset(), after_start=True))
    for letter, out in table.get("after_sign", {}).items():
        rules.append(_Rule(letter.lower(), out, after_letters=SIGNS))
    for letter, out in table.get("after_vowel", {}).items():
        rules.append(_Rule(letter.lower(), out, after_letters=VOWELS))
    for letter, out in table.get("before_vowel", {}).items():
        rules.append(_Rule(letter.lower(), out, before_letters=VOWELS))
    for letter, out in table.get("end", {}).items():
        rules.append(_Rule(letter.lower(), out, before_letters=frozenset(), before_end=True))
    for letter, out in table.get("letters", {}).items():
        rules.append(_Rule(letter.lower(), out))
    return rules


def _with_case_of(word: str, latin: str) -> str:
    """``latin`` in the case of the source ``word``: UPPER, Title, or as written."""
    if len(word) > 1 and word.isupper():
        return latin.upper()
    if word[:1].isupper():
        return latin[:1].upper() + latin[1:]
    return latin


def _latin_e_diaeresis(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("ё", "ë").replace("Ё", "Ë"))


def _is_plain(rule: _Rule) -> bool:
    return (len(rule.match) == 1 and rule.after_letters is None and rule.before_letters is None
            and not rule.not_at_start)


class _IcuRenderer(_Renderer):
    """An ICU transform; letters it leaves in Cyrillic go to the fallback chain.

    The scheme file may correct ICU where it departs from the standard, as data:
    ``[words]`` (whole-word exceptions), ``[pre]`` (replacements in the lower-case
    Cyrillic word before ICU sees it) and ``[post]`` (replacements in ICU's output).
    """

    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self.transliterator = _icu_transliterator(scheme.transform)
        table = scheme.table
        self.words = {word.lower(): out for word, out in table.get("words", {}).items()}
        self.pre = tuple(table.get("pre", {}).items())
        self.post = tuple(table.get("post", {}).items())
        self.word_pattern = _word_pattern(table.get("word_chars", ""))

    def plain_letter(self, letter: str) -> str | None:
        latin = self._transliterate(letter)
        return None if _CYRILLIC_CHAR.search(latin) else latin

    def render(self, text: str) -> str:
        return self.word_pattern.sub(self._render_word, unicodedata.normalize("NFC", text))

    def _render_word(self, found: re.Match) -> str:
        # ICU guesses case from neighbouring letters (the initial "Ч." becomes "CH.",
        # "тС" loses the dot of "t·s"), so a word is romanised in lower case and given
        # the case of the source word afterwards.
        word = _COMBINING_MARK.sub("", found.group())  # stress accents, as in the tables
        if not word:
            return ""
        lower = word.lower()
        exception = self.words.get(lower)
        if exception is not None:
            return _with_case_of(word, exception)
        latin = self._transliterate(lower)
        if word == lower:
            return latin
        if len(word) == 1 or word.isupper() or word[1:] == lower[1:]:
            return _with_case_of(word, latin)
        return self._mixed_case(word, lower, latin)

    def _mixed_case(self, word: str, lower: str, latin: str) -> str:
        """МакКартни → MakKartni, тС → t·S: each run of capitals gives its Latin span
        (found by romanising the word's prefixes) the same case."""
        starts = []
        for position in range(len(word) + 1):
            prefix = self._transliterate(lower[:position]) if position else ""
            common = len(os.path.commonprefix([prefix, latin]))
            starts.append(max(common, starts[-1]) if starts else 0)
        pieces = list(latin)
        position = 0
        while position < len(word):
            if word[position] == lower[position]:
                position += 1
                continue
            run_end = position
            while run_end < len(word) and word[run_end] != lower[run_end]:
                run_end += 1
            span = range(starts[position], starts[run_end] if run_end < len(word) else len(latin))
            letters = [index for index in span if pieces[index].isalpha()]
            for index in letters if run_end - position > 1 else letters[:1]:
                pieces[index] = pieces[index].upper()
            position = run_end
        return "".join(pieces)

    @functools.lru_cache(maxsize=4096)
    def _transliterate(self, word: str) -> str:
        for cyrillic, replacement in self.pre:
            word = word.replace(cyrillic, replacement)
        latin = unicodedata.normalize("NFC", self.transliterator.transliterate(word))
        if _CYRILLIC_CHAR.search(latin):
            latin = _CYRILLIC_CHAR.sub(self._leftover, latin)
        for output, replacement in self.post:
            latin = latin.replace(output, replacement)
        return latin

    def _leftover(self, found: re.Match) -> str:
        char = found.group()
        latin = self.fallback_letter(char.lower())
        return latin[:1].upper() + latin[1:] if char != char.lower() else latin


def context_letters(scheme: str | Scheme) -> list[str]:
    """The letters a scheme renders differently by context (word start, after a vowel,
    word end, a letter sequence such as тс → t·s), in alphabetical order.

    For tables and iuliia schemes these are the letters of every rule that is not a plain
    letter map; ICU transforms are probed: each letter the transform covers is romanised
    next to every other one and compared with the two letters romanised apart.

    >>> context_letters("ru-de")
    ['е', 'и', 'й', 'к', 'о', 'с', 'ы', 'ё']
    """
    scheme = scheme if isinstance(scheme, Scheme) else get_scheme(scheme)
    renderer = _renderer(scheme.id)
    if isinstance(renderer, _TableRenderer):
        found = {letter for group in renderer.rules_by_first.values() for rule in group
                 if not _is_plain(rule) for letter in rule.match if letter.isalpha()}
    else:
        # Letters are probed inside a word (after н), where no word-start rule applies.
        frame = "н"
        framed = renderer.render(frame)
        covered = [letter for letter in _alphabet(scheme.lang) if letter.isalpha()
                   if renderer.plain_letter(letter) not in (None, letter)]
        inside = {}
        for letter in covered:
            rendering = renderer.render(frame + letter)
            inside[letter] = rendering[len(framed):] if rendering.startswith(framed) else None
        found = {letter for cyrillic, _ in renderer.pre for letter in cyrillic if letter.isalpha()}
        found.update(letter for letter, rendering in inside.items()
                     if rendering is None or rendering != renderer.render(letter).lower()
                     and renderer.render(letter + frame) != renderer.render(letter) + framed)
        for first in covered:
            for second in covered:
                pair = renderer.render(frame + first + second)
                if inside[first] is not None and inside[second] is not None and (
                        pair != framed + inside[first] + inside[second]):
                    found.update((first, second))
    return sorted(found)


def _alphabet(lang: str) -> str:
    """The letters of a source language (the alphabets that language detection reads)."""
    from translitnorm.crosslang import _languages

    entry = _languages().get(lang, {})
    return entry.get("alphabet") or _languages()["ru"]["alphabet"] + "өү"


# ---------------------------------------------------------------------------
# docs/schemes.md is generated from the registry (see the command in schemes_markdown).


def schemes_markdown() -> str:
    """The table of every scheme as Markdown (what ``docs/schemes.md`` holds).

    >>> schemes_markdown().splitlines()[0]
    '# Romanisation schemes'
    """
    registered = schemes()
    languages = sorted({scheme.lang for scheme in registered})
    lines = [
        "# Romanisation schemes",
        "",
        "Generated from the scheme files by",
        "`python -c 'from translitnorm.romanise import schemes_markdown as m; print(m(), end=\"\")' > docs/schemes.md`;",
        "a test checks that it is current.",
        "",
        f"{len(registered)} schemes for {len(languages)} Cyrillic languages ({', '.join(languages)}).",
        "`target` is the Latin-script readership a spelling is for (`intl` for international standards).",
        "`provider` says who renders it: `table` (our rule engine reading `src/translitnorm/schemes/<id>.toml`),",
        "`iuliia` (an iuliia schema compiled into the same engine) or `icu` (an ICU transform through PyICU).",
        "Every sample in a scheme file is run as a test (`tests/test_romanise.py`).",
        "",
        "## Adding or changing a table",
        "",
        "A table file has `id`, `lang`, `target`, `description`, `source`, `provider = \"table\"`,",
        "optional `fallback` (a scheme for letters the table lacks; ICU `Cyrillic-Latin` comes last),",
        "`samples` (pairs of a Cyrillic name and its cited reference spelling) and the rules:",
        "",
        "```toml",
        "[letters]            # the plain letter map, lower case",
        "\"ч\" = \"tsch\"",
        "[start]              # at word start",
        "[after_sign]         # after ъ ь or an apostrophe",
        "[after_vowel]",
        "[before_vowel]",
        "[end]                # at word end",
        "[endings]            # word endings, e.g. \"ский\" = \"ski\" (never the whole word)",
        "[[rules]]            # anything else: match one letter or a sequence,",
        "match = \"е\"          # after / before: lists of \"start\", \"end\", \"vowel\",",
        "after = [\"жчшщц\"]    # \"consonant\", \"sign\" or a string of literal letters",
        "out = \"e\"",
        "```",
        "",
        "The longest match wins; among equally long ones `[[rules]]` (in file order) come first,",
        "then `endings`, `start`, `after_sign`, `after_vowel`, `before_vowel`, `end`, `letters`.",
        "`[words]` lists whole-word exceptions a standard names (bg-official: България = Bulgaria).",
        "",
        "Where a library departs from the standard, the scheme file corrects it as data: an `iuliia`",
        "scheme may carry the same sections, read before iuliia's own rules (ru-gost779b: c before",
        "ю я ё э); an `icu` scheme may carry `[words]`, `[pre]` (replacements in the lower-case",
        "Cyrillic word before ICU sees it: ru-bgn keeps ы·у apart) and `[post]` (replacements in",
        "ICU's output: uk-bgn writes the apostrophe as ”), and `word_chars` (the apostrophe is part",
        "of a word). A renamed scheme lists its former ids under `aliases`, which keep working",
        "everywhere a scheme id is accepted (`mk-bgn` is now `mk-bgn2013`).",
        "Case follows the source word (Title, UPPER, lower); non-Cyrillic text passes through.",
        "",
        "## Design notes",
        "",
        "- **iuliia's data, our engine.** iuliia keeps the Russian standards well, so their rules are not",
        "  re-typed: the engine reads iuliia's JSON tables and compiles them like our own. Running iuliia",
        "  itself would leave non-Russian letters in Cyrillic (Өмүрбек → Өmүrbek) and write capitals as",
        "  YeLTsIN; compiled, they get the fallback chain and the engine's case handling. A test checks that",
        "  the compiled schemes agree with iuliia on its own samples.",
        "- **ICU** renders each Cyrillic word in lower case and the result is given the source word's case",
        "  (ICU alone turns the initial Ч. into CH.). Compiled transforms are cached.",
        "- **Fallbacks.** Russian tables fall back to `kk-en` (then `uk-national`, `be-bgn`, ICU), so the",
        "  matcher can run Russian schemes over Kyrgyz and Kazakh names: Өмүрбек → Omurbek.",
        "- **What a table cannot give** is left out rather than special-cased: stress accents (es Chéjov,",
        "  ca Txékhov), exonyms and traditional forms (fr Poutine, Gagarine; de Strawinsky, Alexander;",
        "  pl Mendelejew, Jekaterynburg). Such spellings belong in the lexicon as aliases.",
        "- **Speed.** All Russian schemes for one name part take about 0.1 ms"
        " (`benchmarks/romanise_speed.py`).",
        "",
        "## Schemes",
        "",
        "`samples` counts the reference spellings in the scheme file, all run as tests;",
        "`context letters` are the letters whose rendering depends on their neighbours or on the",
        "word (found by romanising each letter the scheme covers at word start, after a vowel, after a",
        "consonant and at word end, and comparing with the letter alone); `words` counts whole-word",
        "exceptions the standard names. Former ids that still work are listed under `aliases`.",
        "",
        "| id | lang | target | provider | Чехов / first sample | samples | context letters | description | source |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for scheme in registered:
        cyrillic, latin = scheme.samples[0] if scheme.samples else ("", "")
        example = romanise("Чехов", scheme) if scheme.lang == "ru" else f"{cyrillic} → {latin}"
        provider = scheme.provider + (f" `{scheme.transform}`" if scheme.transform else "")
        special = " ".join(context_letters(scheme))
        if scheme.table.get("words"):
            special += f" (+ words: {', '.join(scheme.table['words'])})"
        description = scheme.description
        if scheme.aliases:
            description += f" (aliases: {', '.join(scheme.aliases)})"
        cells = [f"`{scheme.id}`", scheme.lang, scheme.target, provider, example, str(len(scheme.samples)),
                 special, description, scheme.source]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"
