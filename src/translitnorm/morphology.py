"""Forms a name takes in other languages' grammar, and given names translated rather than transliterated.

Both are data (``data/host_forms.toml``, ``data/given_names.tsv``) read once; the
matcher asks for them only when a word as written is found nowhere in the lexicon.

- :func:`bare_forms`: a Latvian, Lithuanian or Esperanto word without the ending its
  language added (Čehovs → Čehov, Tolstojus → Tolstoj, Novosibirska → Novosibirsk),
  the place a Russian adjective is made from (Krasnodarskiy → Krasnodar), and a place
  name's Russian case forms taken back to the nominative (Новосибирске → Новосибирск);
- :func:`translated_given_names`: the Cyrillic given names a translated one stands for
  (Leo → Лев, Pierre → Пётр, Michele → Михаил).
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from translitnorm.crosslang import VOWELS as CYRILLIC_VOWELS
from translitnorm.script import is_cyrillic


@dataclass(frozen=True)
class BareForm:
    """A word without an ending that another language's grammar added.

    ``places_only``: only a place's whole name may be found this way (a female surname
    in -a or a Russian adjective in -sky is another person's name, not a form of one).
    """

    text: str
    rule: str  # for explain(): "lv -s", "ru case -е"
    places_only: bool
    people_only: bool = False  # only a person's name part (Latvian -s: Taras is not Tara)


@dataclass(frozen=True)
class _Ending:
    lang: str
    cyrillic: bool
    ending: str
    bare: tuple[str, ...]
    places_only: bool
    people_only: bool
    min_stem: int
    after_consonant: bool


def _data_text(name: str) -> str:
    return resources.files("translitnorm").joinpath("data").joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _endings() -> tuple[_Ending, ...]:
    """Every ending of host_forms.toml, longest first, so that -ius is tried before -us and -s."""
    found = []
    for entry in tomllib.loads(_data_text("host_forms.toml"))["ending"]:
        endings = entry["ending"] if isinstance(entry["ending"], list) else [entry["ending"]]
        for ending in endings:
            found.append(_Ending(entry["lang"], entry["script"] == "Cyrl", ending, tuple(entry["bare"]),
                                 bool(entry.get("places", False)), bool(entry.get("people", False)),
                                 int(entry.get("min_stem", 3)), bool(entry.get("after_consonant", False))))
    return tuple(sorted(found, key=lambda item: -len(item.ending)))


@lru_cache(maxsize=65536)
def bare_forms(word: str) -> tuple[BareForm, ...]:
    """The bare names ``word`` may be a form of, by the endings of host_forms.toml, in order.

    >>> [f.text for f in bare_forms("Čehovs")]
    ['Čehov']
    >>> [(f.text, f.places_only) for f in bare_forms("Novosibirska")][:1]
    [('Novosibirsk', True)]
    >>> [f.text for f in bare_forms("Новосибирске")][:3]
    ['Новосибирск', 'Новосибирска', 'Новосибирскь']
    """
    lowered = word.casefold()
    cyrillic = is_cyrillic(word)
    found: dict[str, BareForm] = {}
    for ending in _endings():
        if ending.cyrillic != cyrillic or not lowered.endswith(ending.ending):
            continue
        stem = word[: len(word) - len(ending.ending)]
        if len(stem) < ending.min_stem or not stem[-1:].isalpha():
            continue
        if ending.after_consonant and _fold(stem[-1]) in _VOWELS:
            continue
        for bare in ending.bare:
            text = stem + bare
            rule = f"{ending.lang} -{ending.ending}" + (f" → -{bare}" if bare else "")
            if text.casefold() != lowered and text not in found:
                found[text] = BareForm(text, rule, ending.places_only, ending.people_only)
    return tuple(found.values())


# Latin and Cyrillic vowels, folded: what an ending added only after a consonant never follows.
_VOWELS = frozenset("aeiouy" + CYRILLIC_VOWELS)


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _given_name_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for line in _data_text("given_names.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cyrillic, translations = line.split("\t")
        forms = [form.strip() for form in cyrillic.split("|") if form.strip()]
        # A Ukrainian or Belarusian form (Микола, Сцяпан) stands for the Russian one too.
        for translation in [*translations.split(","), *forms[1:]]:
            key = _fold(translation.strip())
            if key:
                table.setdefault(key, [])
                table[key] += [form for form in forms if form not in table[key]]
    return {key: tuple(forms) for key, forms in table.items()}


def translated_given_names(word: str) -> tuple[str, ...]:
    """The Cyrillic given names that ``word`` translates (accents and case ignored), or ().

    >>> translated_given_names("Léon"), translated_given_names("Pierre")[:2]
    (('Лев',), ('Пётр', 'Петр'))
    >>> translated_given_names("Tolstoy"), translated_given_names("Микола")[0]
    ((), 'Николай')
    """
    return _given_name_table().get(_fold(word), ())
