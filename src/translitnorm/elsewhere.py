"""Names that already belong to a place outside the lexicons' world.

A one-word name found only loosely (by its matching key, an ending taken off, or a slip) is
not given an ID when it is written exactly as the established name of a town elsewhere:
*Samarra* is the city in Iraq, not a slip of Самара; *Tomar* is a town in Portugal, not
Tomsk. The names are data, ``data/names_elsewhere.txt``: towns of 15,000 people or more
outside the countries whose names come from Cyrillic (GeoNames, made by
``scripts/make_names_elsewhere.py``). A spelling that one of our schemes gives for the
entity (the exact and folded tiers) is never held back: Odessa is a town in Texas too, and
still Одесса.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from translitnorm.keys import folded_form
from translitnorm.script import is_cyrillic

_SEPARATORS = re.compile(r"[\W_]+")


@lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    text = resources.files("translitnorm").joinpath("data").joinpath("names_elsewhere.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def plain_name(text: str) -> str:
    """A place name as the list keeps it: folded, its words joined by "-" whatever separated them.
    The separators stay: Jalal-Abad (Kyrgyzstan) is not written as Jalalabad (Afghanistan).

    >>> plain_name("Sāmarrā’"), plain_name("Jalal Abad"), plain_name("Jalālābād")
    ('samarra', 'jalal-abad', 'jalalabad')
    """
    return "-".join(folded_form(word) for word in _SEPARATORS.split(text) if word)


def named_elsewhere(word: str) -> bool:
    """Whether ``word`` (Latin letters) is written as the name of a town outside the
    Cyrillic-sourced countries. A Cyrillic word never is: it is written in a source's own letters.

    >>> named_elsewhere("Samarra"), named_elsewhere("Sāmarrā"), named_elsewhere("Novosibirsk")
    (True, True, False)
    >>> named_elsewhere("Jalal-Abad"), named_elsewhere("Умань")
    (False, False)
    """
    return not is_cyrillic(word) and plain_name(word) in _names()
