"""The channel of back-transliteration: every scheme of a language turned round.

Each scheme's renderer is asked how it writes every letter of the language's alphabet
(``data/correspondences.toml``) after a word start, a vowel, a consonant and a soft sign, and
before a vowel, a consonant and the word end, and how it writes every pair of letters where that
is not the two letters' own spellings (ий → i in German, тс → t·s in BGN). Turned round, that is a
table of Latin pieces → Cyrillic pieces, each with the schemes that write it so (a bit mask). A
short list of popular spellings that no scheme gives (``data/popular_spellings.toml``: -off, -sky,
-ine …) is added as data, each with its source. :mod:`translitnorm.backtranslit` decodes with it.

>>> ("ch", "ч") in {(latin, options[0][0]) for latin, by_context in channel("ru").pieces.items()
...                 for options in by_context.values()}
True
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources

from translitnorm.romanise import romanise, schemes
from translitnorm.table_engine import SIGNS, VOWELS

# SINGLE_SCHEME: the prior that a spelling follows one scheme throughout rather than mixing
# conventions piece by piece. Results barely move with it: on the training names top-1 is 0.974
# at 0.5 and at 0.9; press spellings' top-1 is 0.760 at 0.5, 0.768 at 0.7 and at 0.9.
SINGLE_SCHEME = 0.7
LOG_SINGLE = math.log(SINGLE_SCHEME)
# Latin characters read as the same apostrophe (soft sign, Ukrainian apostrophe, primes).
APOSTROPHES = str.maketrans({c: "'" for c in "ʹ’ʼ´`‘′"} | {c: '"' for c in "ʺ″“”"})
#: Languages whose names are also written in the press through Russian schemes (the
#: Russian-language documents they come from): their channel holds the Russian schemes too.
RUSSIAN_SCHEMES_TOO = frozenset({"kk", "ky", "tg", "uz", "uk", "be"})
# Contexts of a piece: before it a word start, a vowel, a consonant or a sign; after it the
# word end, a vowel or a consonant. Probes put a letter between neutral neighbours of each kind.
START, VOWEL, CONSONANT, SIGN, END = "S", "V", "C", "G", "E"
_PREFIXES = {START: "", VOWEL: "а", CONSONANT: "б", SIGN: "бь"}
_SUFFIXES = {END: "", VOWEL: "а", CONSONANT: "б"}


@dataclass(frozen=True)
class Channel:
    """The inverse of a language's schemes, as the decoder reads it."""

    scheme_ids: tuple[str, ...]
    # Latin piece → (context before, at word end) → ((Cyrillic piece, log share, schemes mask), …)
    pieces: dict[str, dict[tuple[str, bool], tuple[tuple[str, float, int], ...]]]
    silent: dict[tuple[str, bool], tuple[tuple[str, float, int], ...]]
    longest: int
    everyone: int  # the mask of all schemes
    total: int  # how many schemes
    single_log: tuple[float, ...]  # log(SINGLE_SCHEME · k / total) for k agreeing schemes
    letters: frozenset[str]  # the characters Latin pieces are made of


def channel_scheme_ids(lang: str) -> tuple[str, ...]:
    """The schemes whose inverses read a spelling of language ``lang``.

    >>> "ru-de" in channel_scheme_ids("ky"), "ky-de" in channel_scheme_ids("ru")
    (True, False)
    """
    own = [scheme.id for scheme in schemes(lang=lang)]
    if lang in RUSSIAN_SCHEMES_TOO:
        own += [scheme.id for scheme in schemes(lang="ru")]
    return tuple(own)


@functools.cache
def alphabet(lang: str) -> str:
    from translitnorm.crosslang import _languages  # the one list of each language's letters

    languages = _languages()
    letters = set(languages.get(lang, {}).get("alphabet") or languages["ru"]["alphabet"])
    if lang in RUSSIAN_SCHEMES_TOO:
        letters |= set(languages["ru"]["alphabet"])
    return "".join(sorted(letter for letter in letters if letter.isalpha()))


def _scheme_masks(lang: str, scheme_ids: tuple[str, ...]) -> dict[tuple[str, str, str, bool], int]:
    """(Latin, Cyrillic, context before, at word end) → bit mask of the schemes writing it so.

    Probing takes a few seconds per language, so the result is cached on disk next to the
    compiled indexes, under a hash of the package's code and data (a changed scheme rebuilds it).
    """
    import marshal

    from translitnorm import cache
    from translitnorm.index_store import _code_and_data_digest

    # A cache file like the compiled indexes': private directory, owner, mode and content digest
    # checked before marshal reads it (translitnorm.cache).
    name = f"channel-{lang}-{_code_and_data_digest()[:24]}.marshal"
    try:
        path = cache.private_dir(cache.default_cache_dir()) / name
        masks = marshal.loads(cache.read_entry(path))
        cache.touch(path)  # pruning keeps the most recently used channel files
        return masks
    except Exception:  # noqa: BLE001 - missing, refused or damaged: probe again
        pass
    masks: dict[tuple[str, str, str, bool], int] = defaultdict(int)
    letters = alphabet(lang)
    for index, scheme_id in enumerate(scheme_ids):
        for key in _probe(scheme_id, letters):
            masks[key] |= 1 << index
    masks = dict(masks)
    try:
        folder = cache.private_dir(cache.default_cache_dir())
        cache.write_entry(folder / name, marshal.dumps(masks))
        cache.prune(folder, keep=folder / name)  # the channels of earlier versions go in time
    except (cache.CacheRefused, OSError):
        pass  # a read-only or refused cache directory costs speed, not correctness
    return masks


@functools.cache
def channel(lang: str) -> Channel:
    scheme_ids = channel_scheme_ids(lang)
    masks = _scheme_masks(lang, scheme_ids)
    total = float(len(scheme_ids))
    pieces: dict[str, dict[tuple[str, bool], dict[str, tuple[float, int]]]] = defaultdict(lambda: defaultdict(dict))
    silent: dict[tuple[str, bool], dict[str, tuple[float, int]]] = defaultdict(dict)
    for (latin, cyrillic, before, final), mask in masks.items():
        target = silent[(before, final)] if latin == "" else pieces[latin][(before, final)]
        target[cyrillic] = (mask.bit_count() / total, mask)
    for spelling in _popular_spellings():
        finals = (True,) if spelling["at"] == "end" else (True, False)
        for before in (START, VOWEL, CONSONANT, SIGN):
            for final in finals:
                target = pieces[spelling["latin"]][(before, final)]
                share, mask = target.get(spelling["cyrillic"], (0.0, 0))
                target[spelling["cyrillic"]] = (max(share, spelling["share"]), mask)

    def frozen(options: dict[str, tuple[float, int]]) -> tuple[tuple[str, float, int], ...]:
        return tuple(sorted(((c, math.log(share), mask) for c, (share, mask) in options.items()), key=lambda o: -o[1]))

    return Channel(
        scheme_ids,
        {latin: {context: frozen(options) for context, options in by_context.items()} for latin, by_context in pieces.items()},
        {context: frozen({c: v for c, v in options.items() if c in SIGNS or c == "й"}) for context, options in silent.items()},
        max(map(len, pieces)),
        (1 << len(scheme_ids)) - 1,
        len(scheme_ids),
        tuple(LOG_SINGLE + math.log(k / len(scheme_ids)) if k else -math.inf for k in range(len(scheme_ids) + 1)),
        frozenset("".join(pieces)),
    )


def _probe(scheme_id: str, alphabet: str) -> set[tuple[str, str, str, bool]]:
    """How one scheme writes each letter (and each pair of letters, where that differs) in each context.

    Returns (Latin, Cyrillic, context before, at word end); the pieces are read off by
    romanising a letter between neutral neighbours (а, б, бь) and removing the neighbours'
    own romanisations. A probe whose neighbours come out changed is skipped.
    """
    @functools.cache
    def render(text: str) -> str:
        return romanise(text, scheme_id).lower().translate(APOSTROPHES)

    def piece(before: str, middle: str, after: str) -> str | None:
        prefix, suffix = _PREFIXES[before], _SUFFIXES[after]
        full = render(prefix + middle + suffix)
        head, tail = render(prefix) if prefix else "", render(suffix) if suffix else ""
        if not full.startswith(head) or not full.endswith(tail) or len(full) < len(head) + len(tail):
            return None
        return full[len(head):len(full) - len(tail)]

    found: set[tuple[str, str, str, bool]] = set()
    single: dict[tuple[str, str, str], str] = {}
    for letter in alphabet:
        for before in _PREFIXES:
            if before == SIGN and letter in SIGNS:
                continue
            for after in _SUFFIXES:
                latin = piece(before, letter, after)
                if latin is None:
                    continue
                single[(letter, before, after)] = latin
                found.add((latin, letter, before, after == END))
    # Pairs: kept where the pair is not written as its two letters (ий → i, кс → x, тс → t·s).
    # A pair is probed after a word start, between consonants and at the end; what it gives
    # between consonants is taken for every context before it (after a vowel too: Алексей → Alexej).
    for first in alphabet:
        for second in alphabet:
            for before, after in ((START, CONSONANT), (CONSONANT, CONSONANT), (CONSONANT, END)):
                latin = piece(before, first + second, after)
                if latin is None:
                    continue
                between = VOWEL if second in VOWELS else CONSONANT  # no probe ends before a sign
                inner = VOWEL if first in VOWELS else SIGN if first in SIGNS else CONSONANT
                parts = (single.get((first, before, between)), single.get((second, inner, after)))
                if None not in parts and parts[0] + parts[1] == latin:
                    continue
                if before == START:
                    contexts: tuple[str, ...] = (before,)
                elif first in SIGNS:  # a sign follows a consonant only
                    contexts = (CONSONANT,)
                else:
                    contexts = (VOWEL, CONSONANT, SIGN)
                for context in contexts:
                    found.add((latin, first + second, context, after == END))
    return found


@functools.cache
def _popular_spellings() -> tuple[dict, ...]:
    text = resources.files("translitnorm").joinpath("data").joinpath("popular_spellings.toml").read_text(encoding="utf-8")
    return tuple(tomllib.loads(text)["spelling"])
