"""Cleaning a raw name and splitting it into name parts.

The same steps run on lexicon names and on queries, so both sides meet.
Word lists (titles, generic place words) are plain data files in ``data/``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from typing import Callable

from translitnorm.script import is_cyrillic

_LETTER = re.compile(r"[^\W\d_]")
# Apostrophe-like marks that writers use interchangeably (soft signs, Ukrainian apostrophe, typographic quotes).
_APOSTROPHES = re.compile(r"[\u2019\u2018\u02bc\u02b9\u02bb\u0060\u00b4\u2032]")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}")
_POSSESSIVE = re.compile(r"(?<=\w)'s\b|(?<=s)'(?=\s|$)", re.IGNORECASE)
_PUNCTUATION = re.compile(r"[\"«»„“”‹›!?;:/\\|*+=<>#@&%~^_]+")
_SPACES = re.compile(r"\s+")
_PLAIN = re.compile(r"[^\W\d_]+(?:[ -][^\W\d_]+)*")
_DIGRAPH_INITIAL = re.compile(r"^[^\W\d_][^\W\d_]$")
_DASHES = re.compile(r"\s*[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]\s*")

# Token noise of data entry and screening lists (each fix is named in ParsedName.normalised).
# A digit between two letters stands for a letter (Akhmat0va, Mende1eev, Ахмат0ва); a digit
# next to a separator or another digit is kept, as it belongs to the name (Tomsk-7).
_DIGIT_IN_WORD = re.compile(r"(?<=[^\W\d_])[01345](?=[^\W\d_])|(?<=[^\W\d_]{3})0\b")
_LATIN_DIGITS = {"0": "o", "3": "e", "4": "a", "5": "s"}  # 1 is i after a consonant, l elsewhere
_CYRILLIC_DIGITS = {"0": "о", "3": "з", "4": "ч"}
# Two capitalised words run together (AnnaAkhmatova): a small letter, then a capital that
# starts a word of two or more small letters. Prefixes that are written this way in real
# names (McDonald, MacArthur, DiCaprio, LaGuardia, VanDyke, DeLorean, O'Neil) are left alone.
_CAMEL_JOIN = re.compile(r"(?<=[^\W\d_A-ZА-ЯЁ])(?=[A-ZА-ЯЁ][^\W\d_A-ZА-ЯЁ]{2})")
_CAMEL_PREFIXES = frozenset({"mc", "mac", "di", "de", "da", "du", "la", "le", "van", "von", "del", "della", "o"})
# A dot between two words of two or more letters joins them (anna.akhmatova); after one
# letter it closes an initial, which then stands apart (V.V.Putin → V.V. Putin).
_DOT_JOIN = re.compile(r"(?<=[^\W\d_]{2})\.(?=[^\W\d_]{2})")
_NOISE_HINT = re.compile(r"[\d.]")
_INITIAL_DOT_JOIN = re.compile(r"(?<=\b[^\W\d_])\.(?=[^\W\d_]{2})")


def _word_list(name: str) -> frozenset[str]:
    text = resources.files("translitnorm").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


TITLES = _word_list("titles.txt")
GENERIC_PLACE_WORDS = _word_list("generic_words.txt")
_MULTIWORD_TITLES = [(title, re.compile(rf"(?:^|(?<=\s)){re.escape(title)}\.?(?=\s|,|$)"))
                     for title in sorted((t for t in TITLES if " " in t), key=len, reverse=True)]


def without_generic_words(name: str) -> str:
    """A place name without its generic words (город, city, oblast…), or the name itself if nothing else is left.

    The same words are set aside from queries, so "Бишкек шаары" meets "Бишкек" and
    "Чуйская область" meets "Chuy".

    >>> without_generic_words("Чуйская область"), without_generic_words("Город")
    ('Чуйская', 'Город')
    """
    kept = [word for word in name.split() if word.casefold() not in GENERIC_PLACE_WORDS]
    return " ".join(kept) if kept else name


@dataclass(frozen=True)
class Token:
    """One word of a name: a full name part or an initial."""

    text: str
    initial: bool = False
    surname_hint: bool = False  # written before a comma ("BAKIYEV, Kurmanbek")


@dataclass(frozen=True)
class ParsedName:
    """A name after cleaning: its parts, and what was set aside on the way."""

    original: str
    cleaned: str
    tokens: tuple[Token, ...]
    dropped: tuple[str, ...] = ()
    normalised: tuple[str, ...] = ()  # the token noise that was repaired, for explain()
    # Title words met after a name part, each with the number of tokens before it: dropped from
    # a person's name, but part of a place's ("Rostow am Don": Don is also a title).
    later_titles: tuple[tuple[int, str], ...] = ()

    @property
    def full_tokens(self) -> tuple[Token, ...]:
        return tuple(t for t in self.tokens if not t.initial)

    @property
    def place_words(self) -> tuple[str, ...]:
        """The words that can make a place name, in order: generic words (город, city…) left out."""
        return _without_generic([t.text for t in self.tokens])

    @property
    def place_words_with_titles(self) -> tuple[str, ...]:
        """The place words with the title words met after the first name part put back: a place
        name may hold one ("Rostow am Don": Don is also a title), though it is not a person's part.

        >>> parse_name("Rostow am Don").place_words, parse_name("Rostow am Don").place_words_with_titles
        (('Rostow', 'am'), ('Rostow', 'am', 'Don'))
        """
        words = [t.text for t in self.tokens]
        for position, title in reversed(self.later_titles):
            words.insert(position, title)
        return _without_generic(words)


def _without_generic(words: list[str]) -> tuple[str, ...]:
    return tuple(word for word in words if word.casefold() not in GENERIC_PLACE_WORDS)


def clean_text(text: str) -> str:
    """Normalise Unicode, quotes, dashes, brackets and spacing; keep letters, digits, hyphens, dots, commas.

    Idempotent: ``clean_text(clean_text(x)) == clean_text(x)``.

    >>> clean_text("  Kurmanbek  BAKIYEV’s (ex-president) ")
    'Kurmanbek BAKIYEV'
    """
    if _PLAIN.fullmatch(text) and unicodedata.is_normalized("NFKC", text):
        return text  # most names: words of letters, single spaces or hyphens between them
    # Each step can expose work for another (a stripped hyphen leaves a comma to tidy),
    # so the steps repeat until nothing changes: that is what makes cleaning idempotent.
    return until_stable(_clean_once, text)


def until_stable(step: Callable[[str], str], text: str, limit: int = 8) -> str:
    """Apply ``step`` until the text stops changing (at most ``limit`` times): what makes
    cleaning and keys idempotent when one step exposes work for another.

    >>> until_stable(lambda t: t.replace("aa", "a"), "aaaa")
    'a'
    """
    for _ in range(limit):
        again = step(text)
        if again == text:
            break
        text = again
    return text


def _letter_for_digit(found: re.Match) -> str:
    digit, text = found.group(), found.string
    before = text[found.start() - 1]
    if is_cyrillic(before):
        letter = _CYRILLIC_DIGITS.get(digit, digit)
    elif digit == "1":  # Vlad1mir, Ber1a: i; Mende1eev, Na1vany: l
        letter = "l" if before.casefold() in "aeiouy" else "i"
    else:
        letter = _LATIN_DIGITS.get(digit, digit)
    return letter.upper() if before.isupper() else letter  # AKHMAT0VA


def _split_camel(word: str) -> str:
    pieces = _CAMEL_JOIN.split(word)
    if len(pieces) == 1:
        return word
    kept = [pieces[0]]
    for piece in pieces[1:]:
        if kept[-1].casefold().lstrip("'") in _CAMEL_PREFIXES or kept[-1].endswith("'"):
            kept[-1] += piece
        else:
            kept.append(piece)
    return " ".join(kept)


def repair_token_noise(text: str) -> tuple[str, tuple[str, ...]]:
    """Undo the token noise of data entry: digits for letters, words run together in camel
    case or joined by dots. Returns the repaired text and what was repaired.

    >>> repair_token_noise("AnnaAkhmat0va")
    ('Anna Akhmatova', ('digit for a letter: AnnaAkhmat0va', 'words run together: AnnaAkhmat0va'))
    >>> repair_token_noise("Tomsk-7")
    ('Tomsk-7', ())
    """
    if not _NOISE_HINT.search(text) and not _CAMEL_JOIN.search(text):
        return text, ()  # most names: no digit, no dot, no words run together
    notes = []
    repaired = text
    for word in text.split():
        if _DIGIT_IN_WORD.search(word):
            notes.append(f"digit for a letter: {word}")
    repaired = _DIGIT_IN_WORD.sub(_letter_for_digit, repaired)
    camel = " ".join(_split_camel(word) for word in repaired.split(" "))
    if camel != repaired:
        notes += [f"words run together: {word}" for word in text.split() if len(_split_camel(word)) != len(word) or
                  len(_split_camel(_DIGIT_IN_WORD.sub(_letter_for_digit, word))) != len(word)]
        repaired = camel
    dotted = _INITIAL_DOT_JOIN.sub(". ", _DOT_JOIN.sub(" ", repaired))
    if dotted != repaired:
        notes += [f"words joined by a dot: {word}" for word in repaired.split() if _DOT_JOIN.search(word) or _INITIAL_DOT_JOIN.search(word)]
        repaired = dotted
    return repaired, tuple(dict.fromkeys(notes))


def _clean_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _APOSTROPHES.sub("'", text)
    if not _BRACKETS.sub(" ", text).strip(" ,.-'\"«»„“”"):
        text = re.sub(r"[()\[\]{}]", " ", text)  # the whole name is in brackets: keep it
    text = _BRACKETS.sub(" ", text)
    text = _DASHES.sub("-", text)
    text = _POSSESSIVE.sub("", text)
    text = _PUNCTUATION.sub(" ", text)
    text = re.sub(r"\s*,\s*", ", ", text)
    # A hyphen or apostrophe that does not join two letters is noise.
    text = " ".join(word.strip("-'") for word in text.split())
    text = _SPACES.sub(" ", text).strip(" ,.-'")
    return re.sub(r"(, )+", ", ", text)


def _split_initials(word: str) -> list[Token] | None:
    """'В.В.' → two initials; 'K.' or 'K' → one; None when the word is not made of initials."""
    if len(word) > 1 and "." not in word and "-" not in word:
        return None  # most words: a whole name part
    # "К.-Ж." is one initial of a hyphenated given name (Касым-Жомарт).
    letters = [chunk.strip("-") for chunk in word.replace(".-", "-").split(".") if chunk.strip("-")]
    if letters and all(all(len(piece) == 1 and _LETTER.match(piece) for piece in chunk.split("-")) for chunk in letters):
        return [Token(chunk, initial=True) for chunk in letters]
    # Digraph initials such as "Дж." or "Sh.": a capital and one small letter, closed by a dot.
    if len(letters) == 1 and word.endswith(".") and _DIGRAPH_INITIAL.match(letters[0]):
        return [Token(letters[0], initial=True)]
    return None


# No name is this long: the rest of a longer cell is not looked at (said in explain()),
# so that any cell is parsed in bounded time whatever it holds.
MAX_NAME_CHARS = 1_000


@lru_cache(maxsize=65536)
def parse_name(raw: str) -> ParsedName:
    """Clean a raw name and split it into tokens, dropping titles, possessives and short codes.

    >>> [t.text for t in parse_name("President K. S. Bakiyev's").tokens]
    ['K', 'S', 'Bakiyev']
    >>> parse_name("BAKIYEV, Kurmanbek").tokens[0].surname_hint
    True
    """
    repaired, normalised = repair_token_noise(raw[:MAX_NAME_CHARS])
    if len(raw) > MAX_NAME_CHARS:
        normalised += (f"cut after {MAX_NAME_CHARS:,} of {len(raw):,} characters",)
    cleaned = clean_text(repaired)
    dropped: list[str] = []
    lowered = cleaned.casefold()
    for title, pattern in _MULTIWORD_TITLES:
        found = pattern.search(lowered) if title in lowered else None
        if found:
            start = found.start()
            dropped.append(cleaned[start:start + len(title)])
            cleaned = (cleaned[:start] + cleaned[start + len(title):]).strip()
            lowered = cleaned.casefold()
    head, _, tail = cleaned.partition(",")
    # "BAKIYEV, Kurmanbek": one word before a comma is the surname.
    groups = [(head, bool(tail.strip()) and len(head.split()) == 1), (tail, False)]
    word_count = len(cleaned.split())
    all_caps = cleaned.upper() == cleaned
    tokens: list[Token] = []
    later_titles: list[tuple[int, str]] = []
    for text, hint in groups:
        for word in text.split():
            bare = word.strip(".,")
            if not bare:
                continue
            if bare.casefold() in TITLES:
                dropped.append(bare)
                if tokens:
                    later_titles.append((len(tokens), bare))
                continue
            if not all_caps and bare.isupper() and 2 <= len(bare) <= 3 and bare.isalpha() and word_count > 1 and not word.endswith("."):
                dropped.append(bare)  # an acronym (CNN, USA) is not a name part
                continue
            initials = _split_initials(word.strip(","))
            if initials:
                tokens.extend(initials)
                continue
            tokens.append(Token(bare.strip("'-"), surname_hint=hint))
    kept: list[Token] = []
    kept_before: list[int] = []  # for each position of ``tokens``, how many tokens before it were kept
    seen: set[str] = set()
    for token in tokens:
        kept_before.append(len(kept))
        if not token.text:
            continue
        if not token.initial and token.text.casefold() in seen:
            normalised += (f"repeated part dropped: {token.text}",)  # "Anna Anna Akhmatova"
            continue
        seen.add(token.text.casefold()) if not token.initial else None
        kept.append(token)
    kept_before.append(len(kept))
    return ParsedName(raw, cleaned, tuple(kept), tuple(dropped), normalised,
                      tuple((kept_before[position], title) for position, title in later_titles))
