"""Scripts: the one test of whether a text holds Cyrillic letters, the one test of whether it
holds Latin letters, the one list of languages written in Cyrillic, and the one way to give a word
written in one script the case of its source in another. Imports nothing of the package, so every module can use it.
"""

from __future__ import annotations

import re

#: Cyrillic blocks: basic and supplement, extended-C, extended-A (combining letters), extended-B.
CYRILLIC_RANGES = ((0x0400, 0x052F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F))
#: The same as a regular-expression character class body: ``f"[{CYRILLIC_CLASS}]"``.
CYRILLIC_CLASS = "".join(f"{chr(start)}-{chr(end)}" for start, end in CYRILLIC_RANGES)
_CYRILLIC = re.compile(f"[{CYRILLIC_CLASS}]")
#: Latin letters: ASCII, Latin-1 and Latin Extended-A/B, Latin Extended Additional (ő, ș, ṭ).
LATIN_CLASS = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
_LATIN = re.compile(f"[{LATIN_CLASS}]")

#: Languages (ISO 639 codes) whose names are written in Cyrillic unless a ``-Latn`` subtag says
#: otherwise (uz-Latn for Toshkent, kk-Latn for the 2021 Kazakh alphabet). Not all of them have a
#: romanisation scheme of their own: see :data:`translitnorm.romanise.SCHEME_LANGS`.
CYRILLIC_LANGS = (
    "ab", "ba", "be", "bg", "ce", "cv", "kk", "ky", "mk", "mn", "os", "ru",
    "sah", "sr", "tg", "tt", "uk", "uz",
)


def is_cyrillic(text: str) -> bool:
    """True when the text contains a Cyrillic letter (of any Cyrillic block).

    >>> is_cyrillic("Бакиев"), is_cyrillic("Bakiev"), is_cyrillic("ꙮ")
    (True, False, True)
    """
    return _CYRILLIC.search(text) is not None


def has_latin(text: str) -> bool:
    """True when the text contains a Latin letter (basic, accented or extended).

    >>> has_latin("Bakiev"), has_latin("Бакиев"), has_latin("Őrs"), has_latin("№ 3")
    (True, False, True, False)
    """
    return _LATIN.search(text) is not None


def with_case_of(source: str, text: str) -> str:
    """``text`` in the case of ``source`` (the same word in another script): UPPER, Title, or as written.

    >>> with_case_of("ЧЕХОВ", "chekhov"), with_case_of("Чехов", "chekhov"), with_case_of("Tschechow", "чехов")
    ('CHEKHOV', 'Chekhov', 'Чехов')
    """
    if len(source) > 1 and source.isupper():
        return text.upper()
    if source[:1].isupper():
        return text[:1].upper() + text[1:]
    return text
