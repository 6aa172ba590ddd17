"""The rule engine of the table schemes: a scheme's letter map and context rules applied to Cyrillic words.

A scheme file of provider ``table`` (or an ``iuliia`` JSON schema compiled into the same rules) becomes a
:class:`TableRenderer`: at each letter of a word the longest rule whose context fits, else the letter's
plain rule; letters the scheme has no rule for go to its :class:`Fallbacks`. The registry of schemes
and the calls that romanise text are in :mod:`translitnorm.romanise`; the format of the sections is in
docs/schemes.md.
"""

from __future__ import annotations

import abc
import importlib.resources
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, NamedTuple

from translitnorm.errors import TranslitnormError
from translitnorm.script import CYRILLIC_CLASS, CYRILLIC_RANGES, with_case_of

if TYPE_CHECKING:
    from translitnorm.romanise import Scheme

# Letter classes the context rules refer to. Apostrophes count as signs because
# Ukrainian and Belarusian write one where Russian writes ъ.
VOWELS = frozenset("аеёиоуыэюяіїєәөұүӯӣѣ")
SIGNS = frozenset("ъь'’ʼ")

# Cyrillic blocks (basic, supplement, extended-A/B) and the combining marks that
# can sit inside a Cyrillic word (stress accents); marks are dropped.
_CYRILLIC_RANGES = CYRILLIC_RANGES
_CYRILLIC_CLASS = CYRILLIC_CLASS
_COMBINING_RANGE = (0x0300, 0x036F)
_COMBINING_CLASS = f"{chr(_COMBINING_RANGE[0])}-{chr(_COMBINING_RANGE[1])}"
CYRILLIC_CHAR = re.compile(f"[{_CYRILLIC_CLASS}]")
COMBINING_MARK = re.compile(f"[{_COMBINING_CLASS}]")
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


class SchemeDefinitionError(TranslitnormError, ValueError):
    """A scheme data file that the engine cannot use (names the file and the problem)."""


class Fallbacks(NamedTuple):
    """What a table writes for a character it has no rule for."""

    letter: Callable[[str], str]  # a Cyrillic letter: the fallback schemes' rendering of it, else the last resort
    non_letter: Callable[[str], str]  # a Cyrillic sign that is no letter (titlo, thousands sign): the last resort


class Renderer(abc.ABC):
    scheme: "Scheme"
    word_pattern: re.Pattern  # a Cyrillic word as this scheme reads it

    def render(self, text: str) -> str:
        """``text`` romanised under this renderer's scheme."""
        return self.render_nfc(unicodedata.normalize("NFC", text))

    def render_nfc(self, text: str) -> str:
        """``text``, already in NFC, romanised: each Cyrillic word by :meth:`render_word`, the rest as it is."""
        if self.word_pattern.fullmatch(text):  # a name part is mostly one word: no substitution to set up
            return self.render_word(text)
        return self.word_pattern.sub(self._render_found, text)

    def _render_found(self, found: re.Match) -> str:
        return self.render_word(found.group())

    @abc.abstractmethod
    def render_word(self, word: str) -> str:
        """One Cyrillic word (NFC) romanised."""

    @abc.abstractmethod
    def plain_letter(self, letter: str) -> str | None:
        """This scheme's context-free rendering of one lower-case letter, or None if not covered."""


@dataclass(frozen=True)
class _Rule:
    match: str
    out: str
    after_letters: frozenset[str] | None = None  # None: any previous letter
    after_start: bool = False  # the rule also applies at word start
    before_letters: frozenset[str] | None = None
    before_end: bool = False
    not_at_start: bool = False  # word endings never cover the whole word


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


class TableRenderer(Renderer):
    """The rule engine: scans each Cyrillic word once, longest applicable rule first."""

    def __init__(self, scheme: "Scheme", rules: list[_Rule], uppercase: dict[str, str], fallbacks: Fallbacks,
                 word_chars: str = "", words: Mapping[str, str] | None = None) -> None:
        self.scheme = scheme
        self.words = {word.lower(): out for word, out in (words or {}).items()}
        self.plain: dict[str, str] = {r.match: r.out for r in reversed(rules) if _is_plain(r)}
        # Letters nobody in the scheme covers go to the fallback chain, so every
        # Cyrillic letter has a plain rule and output never contains Cyrillic.
        for letter in sorted(ALL_CYRILLIC_LETTERS - self.plain.keys()):
            fallback = _Rule(letter, fallbacks.letter(letter))
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
        for mark in range(_COMBINING_RANGE[0], _COMBINING_RANGE[1] + 1):  # stress accents inside a word are dropped
            self.simple[chr(mark)] = ""
        for char in _CYRILLIC_NON_LETTERS:  # titlo, thousands sign …: never left in Cyrillic
            self.simple[char] = "" if unicodedata.combining(char) else fallbacks.non_letter(char)
        self.uppercase = uppercase
        self.word_pattern = word_pattern(word_chars)
        self._build_scan(word_chars)

    def _build_scan(self, word_chars: str) -> None:
        """What :meth:`render_word` renders a word with: a character class that finds the letters with
        rules of their own, each letter's rules as one regular expression (their contexts as
        lookarounds, in the engine's order of precedence: longest first, then as written, so the first
        alternative that matches is the rule that applies), and translation tables for every other letter, in
        both cases (the capitalised and the upper-case pieces), so that those go through
        ``str.translate`` in C. Rendering is much of the time of compiling an index; the output is the
        engine's definition, letter by letter (tests/test_romanise.py holds it and compares the two).
        """
        self._letter_scans: dict[str, tuple[re.Pattern, tuple[str, ...]]] = {}
        for first, group in self.rules_by_first.items():
            if first in self.simple:
                continue
            alternatives, pieces = [], [""]  # pieces by group number: the rule whose alternative matched
            for rule in group:  # already in the loop's order: longest first, then as written
                pattern = _rule_pattern(rule)
                if pattern is not None:
                    alternatives.append(f"({pattern})")
                    pieces.append(rule.out)
            self._letter_scans[first] = (re.compile("|".join(alternatives) or "(?!)"), tuple(pieces))
        self._scan = (re.compile(f"[{''.join(map(re.escape, sorted(self._letter_scans)))}]")
                      if self._letter_scans else None)
        # Every character a word can hold whose lower case renders by a plain rule only, in a word
        # that is not all capitals (title) and in one that is (upper).
        chars = {chr(code) for start, end in (*_CYRILLIC_RANGES, _COMBINING_RANGE) for code in range(start, end + 1)}
        chars |= set(word_chars) | {char.upper() for char in word_chars}
        self._title_table: dict[int, str] = {}
        self._upper_table: dict[int, str] = {}
        for char in chars:
            lower = char.lower()
            if len(lower) != 1 or (lower not in self.simple and lower in self.rules_by_first):
                continue  # a letter with rules: found by the scan (a lower case of two letters never comes)
            piece = self.simple.get(lower, lower)
            if char == lower:
                self._title_table[ord(char)] = self._upper_table[ord(char)] = piece
            else:
                self._title_table[ord(char)] = self._capitalise(piece) if piece else piece
                self._upper_table[ord(char)] = self._upper(piece) if piece else piece

    # -- construction ------------------------------------------------------

    @classmethod
    def from_scheme(cls, scheme: "Scheme", fallbacks: Fallbacks) -> "TableRenderer":
        table = scheme.table
        where = f"schemes/{scheme.id}.toml"
        if "letters" not in table:
            raise SchemeDefinitionError(f"{where}: a table scheme needs [letters]")
        return cls(scheme, _table_rules(table, where), table.get("uppercase", {}), fallbacks,
                   table.get("word_chars", ""), table.get("words"))

    @classmethod
    def from_iuliia(cls, scheme: "Scheme", fallbacks: Fallbacks) -> "TableRenderer":
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
        return cls(scheme, rules, {}, fallbacks, words=scheme.table.get("words"))

    # -- rendering -----------------------------------------------------------

    def plain_letter(self, letter: str) -> str | None:
        return self.plain.get(letter)

    def render_word(self, word: str) -> str:
        lower = word.lower()
        if self.words:
            exception = self.words.get(lower)
            if exception is not None:
                return with_case_of(word, exception)
        all_caps = len(lower) > 1 and word.isupper()
        table = self._upper_table if all_caps else self._title_table
        if self._scan is None:
            return word.translate(table)
        pieces = []
        done = 0
        for found in self._scan.finditer(lower):
            start = found.start()
            if start < done:
                continue  # inside the letters of the last rule
            if start > done:
                pieces.append(word[done:start].translate(table))
            letter = lower[start]
            scan, outs = self._letter_scans[letter]
            rule = scan.match(lower, start)
            if rule is None:
                piece, done = letter, start + 1  # only in-word apostrophes a table leaves unmapped get here
            else:
                piece, done = outs[rule.lastindex], rule.end()
            if piece and word[start] != letter:
                piece = self._upper(piece) if all_caps else self._capitalise(piece)
            pieces.append(piece)
        if done < len(word):
            pieces.append(word[done:].translate(table))
        return "".join(pieces)

    def _upper(self, piece: str) -> str:
        if self.uppercase:
            return "".join(self.uppercase.get(char, char.upper()) for char in piece)
        return piece.upper()

    def _capitalise(self, piece: str) -> str:
        first = piece[0]
        return self.uppercase.get(first, first.upper()) + piece[1:]


def _rule_pattern(rule: _Rule) -> str | None:
    """``rule`` as a regular expression over a lower-case word (its contexts as lookarounds), or None
    for a rule whose context nothing can meet."""
    behind = "(?<!^)" if rule.not_at_start else ""
    if rule.after_letters is not None:
        letters = f"(?<=[{''.join(map(re.escape, sorted(rule.after_letters)))}])" if rule.after_letters else None
        options = [option for option in (letters, "^" if rule.after_start else None) if option]
        if not options:
            return None
        behind += options[0] if len(options) == 1 else f"(?:{'|'.join(options)})"
    ahead = ""
    if rule.before_letters is not None:
        letters = f"[{''.join(map(re.escape, sorted(rule.before_letters)))}]" if rule.before_letters else None
        options = [option for option in (letters, r"\Z" if rule.before_end else None) if option]
        if not options:
            return None
        ahead = f"(?={'|'.join(options)})"
    return behind + re.escape(rule.match) + ahead


def word_pattern(word_chars: str) -> re.Pattern:
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


def _latin_e_diaeresis(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("ё", "ë").replace("Ё", "Ë"))


def _is_plain(rule: _Rule) -> bool:
    return (len(rule.match) == 1 and rule.after_letters is None and rule.before_letters is None
            and not rule.not_at_start)
