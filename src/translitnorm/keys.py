"""Matching forms of a Latin (or Cyrillic) name part, from strict to loose.

Every name part is reduced three ways, the same on the lexicon side and the query side:

- ``exact_form``: case-folded, separators (spaces, hyphens, apostrophes, dots) removed, diacritics kept;
- ``folded_form``: the same with diacritics folded to ASCII (unidecode);
- ``matching_key``: a coarse key that spellings of one Cyrillic name under different
  conventions share (i/y/j, w/v, ou/oe/u, doubled letters, soft signs…), while ч, ш, щ, ж
  stay apart (merging them multiplies false answers on names not in the lexicon).

The key rules are a data table (``KEY_RULES``) applied in order by one regex pass.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

from translitnorm.romanise import romanise
from translitnorm.script import is_cyrillic
from translitnorm.text import until_stable

_SEPARATORS = re.compile(r"[\s\-'\.\u02b9\u02ba\u02bc\u2019\u00b4`ʺ\"]+")

# (spelling, key symbol), tried longest first at each position. Sounds that conventions
# write in many ways become the Cyrillic letter itself, which no Latin rule touches, so
# a key is its own key:  ч (ch, tsch, tch, tsj, cz, cs, č, ç)   ш (sh, sch, sz, sj, š, ş)
#   ж (zh, zs, zj, ž, ż)   х (kh, h)   щ = шч (shch, schtsch, szcz, šč, ŝ)
KEY_RULES: tuple[tuple[str, str], ...] = (
    # щ
    ("schtsch", "шч"), ("shtch", "шч"), ("chtch", "шч"), ("shch", "шч"), ("szcz", "шч"),
    ("sjtsj", "шч"), ("šč", "шч"), ("ŝ", "шч"), ("sč", "шч"),
    # дж, written with a German sch
    ("dsch", "dж"),
    # ч
    ("tsch", "ч"), ("tsj", "ч"), ("tch", "ч"), ("tš", "ч"), ("cz", "ч"), ("cs", "ч"),
    ("č", "ч"), ("ç", "ч"), ("ch", "ч"),
    # ш
    ("sch", "ш"), ("sh", "ш"), ("sz", "ш"), ("sj", "ш"), ("š", "ш"), ("ş", "ш"),
    # ж
    ("zh", "ж"), ("zs", "ж"), ("zj", "ж"), ("ž", "ж"), ("ż", "ж"), ("ź", "ж"),
    # х
    ("kh", "х"), ("h", "х"),
    # ц
    ("ts", "c"), ("tz", "c"), ("ć", "c"),
    # other consonants
    ("ck", "k"), ("q", "k"), ("x", "ks"), ("w", "v"), ("ph", "f"), ("th", "t"),
    ("gh", "g"), ("ğ", "g"), ("ń", "n"), ("ň", "n"), ("ł", "l"), ("ľ", "l"), ("ĺ", "l"),
    ("ď", "d"), ("ť", "t"), ("ř", "r"), ("ß", "s"), ("ñ", "n"),
    # vowels
    ("ou", "u"), ("oe", "u"), ("oo", "u"), ("ü", "u"), ("ú", "u"), ("ù", "u"), ("û", "u"), ("ű", "u"), ("ů", "u"), ("ū", "u"),
    ("ö", "o"), ("ő", "o"), ("ó", "o"), ("ò", "o"), ("ô", "o"), ("ø", "o"), ("ō", "o"),
    ("ä", "a"), ("á", "a"), ("à", "a"), ("â", "a"), ("ą", "a"), ("ə", "a"), ("ā", "a"), ("ă", "a"),
    ("é", "e"), ("è", "e"), ("ê", "e"), ("ë", "e"), ("ě", "e"), ("ė", "e"), ("ę", "e"), ("ē", "e"),
    ("y", "i"), ("j", "i"), ("ï", "i"), ("í", "i"), ("ì", "i"), ("î", "i"), ("ı", "i"), ("ÿ", "i"), ("ý", "i"), ("ī", "i"),
)
_RULE_MAP = dict(KEY_RULES)
_RULE_PATTERN = re.compile("|".join(re.escape(s) for s, _ in sorted(KEY_RULES, key=lambda r: -len(r[0]))))
# The same rules in two steps, which is faster: the spellings of two or more letters by one
# regex pass (tried longest first at each position), then the single letters by one
# str.translate. Equivalent because no rule's output is a letter that a one-letter rule
# rewrites (checked below, at import).
_LONG_RULE_PATTERN = re.compile("|".join(re.escape(s) for s, _ in sorted(KEY_RULES, key=lambda r: -len(r[0])) if len(s) > 1))
_SINGLE_LETTER_RULES = str.maketrans({s: k for s, k in KEY_RULES if len(s) == 1})
assert not any(ch in _SINGLE_LETTER_RULES for _, key in KEY_RULES for ch in map(ord, key)), "a rule's output is rewritten again"
_KEY_ALPHABET = frozenset("abcdefgiklmnoprstuvz0123456789чшжх")
_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=262144)
def exact_form(text: str) -> str:
    """Case-folded NFC text without separators; diacritics kept.

    >>> exact_form("Jalal-Abad"), exact_form("Čechov")
    ('jalalabad', 'čechov')
    """
    return _SEPARATORS.sub("", unicodedata.normalize("NFC", text).casefold())


@lru_cache(maxsize=262144)
def folded_form(text: str) -> str:
    """The exact form with diacritics folded to ASCII.

    >>> folded_form("Otounbaïeva"), folded_form("Strawiński")
    ('otounbaieva', 'strawinski')
    """
    exact = exact_form(text)
    if exact.isascii():
        return exact  # folding ASCII changes nothing (and most renderings are ASCII)
    return _SEPARATORS.sub("", unidecode(exact).casefold())


@lru_cache(maxsize=262144)
def matching_key(text: str) -> str:
    """A coarse key shared by spellings of one Cyrillic name under different conventions.

    Idempotent (a key is its own key), and digits are kept (Tomsk-7 is not Tomsk).

    >>> matching_key("Bakiyev") == matching_key("Bakijew") == matching_key("Bakiev")
    True
    >>> matching_key("Otounbaïeva") == matching_key("Otunbayeva")
    True
    >>> matching_key("Shevchenko") == matching_key("Szewczenko") == matching_key("Ševčenko")
    True
    >>> matching_key("Tomsk-7")
    'tomsk7'
    """
    # Folding an unusual character can create a spelling a rule applies to ('ºe' → 'oe'):
    # reduce again until nothing changes, so a key is always its own key.
    return until_stable(_reduce, exact_form(text))


def _reduce(form: str) -> str:
    keyed = _LONG_RULE_PATTERN.sub(_long_rule, form).translate(_SINGLE_LETTER_RULES)
    if not _KEY_ALPHABET.issuperset(keyed):
        keyed = "".join(ch if ch in _KEY_ALPHABET else _ascii_key(ch) for ch in keyed)
    # Searching first: most keys hold no doubled letter, and sub with a template costs more than a search.
    return _DOUBLED.sub(_first_letter, keyed) if _DOUBLED.search(keyed) else keyed


def _first_letter(run: re.Match) -> str:
    return run.group(1)


def _long_rule(match: re.Match) -> str:
    return _RULE_MAP[match.group(0)]


@lru_cache(maxsize=None)  # one character: few distinct ones, met in every Cyrillic name
def _ascii_key(ch: str) -> str:
    """Key letters for a character no rule covers (another diacritic, another script)."""
    folded = unidecode(ch).casefold()
    keyed = _RULE_PATTERN.sub(lambda m: _RULE_MAP[m.group(0)], folded)
    return "".join(c for c in keyed if c in _KEY_ALPHABET)


# Russian-style surname endings (as written, or as keys): a male and a female form are
# different names, however close their spellings (Bakiev / Bakieva, Otunbaev / Otunbaeva).
_FEMALE_ENDING = re.compile(r"(ова|ева|ёва|ина|ына|ая|ской|ova|eva|ina|yna|aya|aja|aia|skaya|skaja|ska)$")
_MALE_ENDING = re.compile(r"(ов|ев|ёв|ин|ын|ий|ый|ой|ov|ev|in|yn|ow|ew|iy|ij|ii|yi|yj|yy|sky|ski|skij|skiy|skii)$")


def surname_genders_differ(first: str, second: str) -> bool:
    """True when one name has a female and the other a male surname ending.

    >>> surname_genders_differ("bakiev", "bakieva"), surname_genders_differ("bakiev", "bakiyev")
    (True, False)
    """
    return bool((_FEMALE_ENDING.search(first) and _MALE_ENDING.search(second))
                or (_MALE_ENDING.search(first) and _FEMALE_ENDING.search(second)))


# A Cyrillic query part that is not in the lexicon as written is read through one
# romanisation, whose output then meets the lexicon's renderings at the looser tiers.
QUERY_ROMANISATION = "ru-bgn"


def as_latin(text: str) -> str:
    """``text`` romanised the way Cyrillic queries are read (BGN/PCGN), or as it is when Latin.

    >>> as_latin("Бакиев"), as_latin("Bakiev")
    ('Bakiyev', 'Bakiev')
    """
    return romanise(text, QUERY_ROMANISATION) if is_cyrillic(text) else text
