"""Back-transliteration: a Latin spelling → the Cyrillic names it plausibly writes, ranked.

One engine inverts every scheme of a language (``translitnorm/schemes``); nothing is a
hand-written reverse table:

1. **Inverting the schemes.** Each scheme's renderer is asked how it writes every letter
   of the language's alphabet (``data/correspondences.toml``) after a word start, a vowel,
   a consonant and a soft sign, and before a vowel, a consonant and the word end, and how it
   writes every pair of letters where that is not the two letters' own spellings (ий → i in
   German, тс → t·s in BGN). Turned round, that is a table of Latin pieces → Cyrillic pieces,
   each with the share of the schemes that write it so: the channel. A short list of popular
   spellings that no scheme gives (``data/popular_spellings.toml``: -off, -sky, -ine …) is
   added as data, each with its source.
2. **Decoding.** A beam search reads the Latin word left to right and builds Cyrillic words
   piece by piece; each hypothesis is scored by the channel and by how common its letter
   sequences are in Cyrillic names (:mod:`translitnorm.letter_model`, a character 4-gram model
   of the Cyrillic names of the shipped lexicons and of the ``benchmarks/data`` name lists).
3. **Evidence from the schemes.** The best hypotheses are romanised again under every scheme;
   those that give back the spelling as written (case and diacritics kept, separators
   dropped) are listed in :attr:`CyrillicSource.schemes` and raise the score: a spelling that
   one or more real conventions produce exactly is better evidence than a piecewise fit.

>>> [s.cyrillic for s in cyrillic_sources("Tschechow", top=1)]
['Чехов']
>>> cyrillic_sources("Bakijew", lang="ky", top=1)[0].cyrillic
'Бакиев'
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import math
import re
import tomllib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources

from translitnorm.letter_model import LetterModel as _LetterModel  # noqa: F401  (benchmarks/cluster_quality.py)
from translitnorm.letter_model import letter_model as _letter_model
from translitnorm.romanise import SCHEME_LANGS, romanise, schemes
from translitnorm.script import with_case_of
from translitnorm.table_engine import SIGNS, VOWELS

__all__ = ["CyrillicSource", "best_cyrillic", "cyrillic_key", "cyrillic_sources", "is_held_out"]

#: Languages whose names are also written in the press through Russian schemes (the
#: Russian-language documents they come from): their channel holds the Russian schemes too.
RUSSIAN_SCHEMES_TOO = frozenset({"kk", "ky", "tg", "uz", "uk", "be"})

# Decoding constants. BEAM: hypotheses kept per Latin position; 12 gives the same top-1 and
# top-3 on the training names' single-scheme spellings as 24 (0.973 / 0.997) in a third of the
# time, and press spellings' top-10 drops from 0.941 to 0.939.
BEAM = 12
# VERIFIED: hypotheses kept per word for combining the words of a name.
VERIFIED = 12
# SINGLE_SCHEME: the prior that a spelling follows one scheme throughout rather than mixing
# conventions piece by piece. Results barely move with it: on the training names top-1 is 0.974
# at 0.5 and at 0.9; press spellings' top-1 is 0.760 at 0.5, 0.768 at 0.7 and at 0.9.
SINGLE_SCHEME = 0.7
_LOG_SINGLE, _LOG_MIXED = math.log(SINGLE_SCHEME), math.log(1 - SINGLE_SCHEME)
# FOLDED_LETTER: the probability that an accented letter stands for the plain letter (a stress
# accent, a host-language letter); low, so a scheme that writes the accent wins where one does.
FOLDED_LETTER = 0.05
_LOG_FOLDED = math.log(FOLDED_LETTER)
# Latin characters read as the same apostrophe (soft sign, Ukrainian apostrophe, primes).
_APOSTROPHES = str.maketrans({c: "'" for c in "ʹ’ʼ´`‘′"} | {c: '"' for c in "ʺ″“”"})
# A word: letters with their combining marks (ALA-LC's tie, BGN's breve), inner apostrophes.
_LETTERS = r"(?:[^\W\d_]|[\u0300-\u036f\ufe20-\ufe2f])+"
_WORD = re.compile(f"{_LETTERS}(?:['\"]+{_LETTERS})*['\"]*")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")
_START, _VOWEL, _CONSONANT, _SIGN, _END = "S", "V", "C", "G", "E"
_PREFIXES = {_START: "", _VOWEL: "а", _CONSONANT: "б", _SIGN: "бь"}
_SUFFIXES = {_END: "", _VOWEL: "а", _CONSONANT: "б"}


@dataclass(frozen=True)
class CyrillicSource:
    """A plausible Cyrillic source of a Latin spelling.

    ``score`` is a log-likelihood (higher is better; only differences between the candidates
    of one spelling mean anything), ``share`` the candidate's share of the probability of all
    candidates returned, ``schemes`` the schemes that romanise ``cyrillic`` back to the
    spelling exactly.
    """

    cyrillic: str
    score: float
    share: float
    schemes: tuple[str, ...]

    def as_dict(self) -> dict:
        """A JSON-ready dict."""
        return {"cyrillic": self.cyrillic, "score": round(self.score, 3), "share": round(self.share, 4),
                "schemes": list(self.schemes)}


def is_held_out(name: str) -> bool:
    """True for the fifth of the name lists kept out of the letter model (a stable hash), so
    back-transliteration can be measured on names it never saw.

    >>> is_held_out("Абрамов") in (True, False)
    True
    """
    return hashlib.blake2b(name.strip().lower().encode("utf-8"), digest_size=2).digest()[0] % 5 == 0


def cyrillic_sources(name: str, lang: str = "ru", top: int = 5) -> list[CyrillicSource]:
    """The ``top`` most plausible Cyrillic sources of a Latin ``name`` under language ``lang``'s schemes.

    Words are read one by one (hyphens, spaces and digits kept as they are); a name already
    in Cyrillic is its own source.

    >>> [s.cyrillic for s in cyrillic_sources("Djalal-Abad", lang="ky", top=1)]
    ['Джалал-Абад']
    >>> cyrillic_sources("Czechow", top=1)[0].schemes
    ('ru-pl',)
    >>> cyrillic_sources("Ivanoff", top=1)[0].cyrillic
    'Иванов'
    """
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    pieces, words = _latin_words(name, lang)
    if not words:
        text = name.strip()
        return [CyrillicSource(text, 0.0, 1.0, ())] if text else []
    # Combine the words' candidates: a beam over the product, scores added.
    combined: list[tuple[float, list[str], tuple[tuple[str, str], ...]]] = [(0.0, list(pieces), ())]
    for index, word in words:
        options = _word_sources(word, lang)
        grown = []
        for score, text, chosen in combined:
            for option in options:
                new_text = list(text)
                new_text[index] = with_case_of(word, option.cyrillic)
                grown.append((score + option.score, new_text, chosen + ((word, option.cyrillic),)))
        combined = heapq.nlargest(max(top, VERIFIED), grown, key=lambda item: item[0])
    best = combined[:top]
    total = sum(math.exp(score - best[0][0]) for score, _, _ in best)
    found = []
    for score, text, chosen in best:
        agreeing = functools.reduce(frozenset.intersection, (_agreeing(word, cyrillic, lang) for word, cyrillic in chosen))
        found.append(CyrillicSource("".join(text), score, math.exp(score - best[0][0]) / total, tuple(sorted(agreeing))))
    return found


def best_cyrillic(name: str, lang: str = "ru") -> str:
    """The most plausible Cyrillic source of ``name`` (the name itself if it is Cyrillic).

    >>> best_cyrillic("Tchekhov"), best_cyrillic("Kurmanbek Bakiyev", lang="ky")
    ('Чехов', 'Курманбек Бакиев')
    """
    # The first of cyrillic_sources(name, lang, top=1), without what only the ranked list needs:
    # scores add up word by word, so the best combination is each word's best reading (and
    # comes first among equal scores there too), and the schemes agreeing with it are not asked.
    pieces, words = _latin_words(name, lang)
    if not words:
        return name.strip()
    for index, word in words:
        pieces[index] = with_case_of(word, _word_sources(word, lang)[0].cyrillic)
    return "".join(pieces)


def _latin_words(name: str, lang: str) -> tuple[list[str], list[tuple[int, str]]]:
    """The pieces of ``name`` (:func:`_split`) and, with their places, the Latin words among them."""
    if lang not in SCHEME_LANGS:
        schemes(lang=lang)  # raises UnknownLanguageError with a suggestion
    pieces = _split(unicodedata.normalize("NFC", name).translate(_APOSTROPHES))
    return pieces, [(i, piece) for i, piece in enumerate(pieces) if _WORD.fullmatch(piece) and not _CYRILLIC.search(piece)]


_KEY_FOLD = str.maketrans({"ё": "е", "э": "е", "є": "е", "й": "и", "ы": "и", "і": "и", "ї": "и", "'": None,
                           '"': None, "-": None, " ": None})
_SIGN_BEFORE_VOWEL = re.compile(r"[ьъ](?=[аеёиоуыэюяіїє])")
_SIBILANT_O = re.compile(r"(?<=[жчшщ])[оё]")
_DOUBLED = re.compile(r"(.)\1+")


def cyrillic_key(cyrillic: str) -> str:
    """A coarse key of a Cyrillic word: the letters that spellings of it keep apart.

    What Latin spellings confuse meets in the key: ё/е/э, й/и/ы/і, a soft or hard sign before a
    vowel and и (Зиновьев, Зиновиев), о and е after ж ч ш щ (Горбачёв is written Gorbachev and
    Gorbatschow), other soft signs (dropped), doubled letters. ч, ш, щ, ж and the male and female
    endings stay apart.

    >>> cyrillic_key("Зиновьев") == cyrillic_key("зиновиев"), cyrillic_key("Горбачёв") == cyrillic_key("Горбачов")
    (True, True)
    >>> cyrillic_key("Бакиева") == cyrillic_key("Бакиев"), cyrillic_key("Жуков") == cyrillic_key("Шуков")
    (False, False)
    """
    text = _SIBILANT_O.sub("е", _SIGN_BEFORE_VOWEL.sub("и", cyrillic.lower()))
    return _DOUBLED.sub(r"\1", text.translate(_KEY_FOLD).replace("ь", "").replace("ъ", ""))


# ---------------------------------------------------------------------------
# Words


@dataclass(frozen=True)
class _WordSource:
    cyrillic: str  # lower case
    score: float


def _split(text: str) -> list[str]:
    """Words and what lies between them, in order: joining the list gives the text back."""
    pieces, position = [], 0
    for found in _WORD.finditer(text):
        if found.start() > position:
            pieces.append(text[position:found.start()])
        pieces.append(found.group())
        position = found.end()
    if position < len(text):
        pieces.append(text[position:])
    return pieces


@functools.lru_cache(maxsize=200_000)
def _word_sources(word: str, lang: str) -> tuple[_WordSource, ...]:
    """Candidates for one Latin word (Cyrillic in lower case), best first."""
    latin = _readable(word.lower(), lang)
    hypotheses = _decode(latin, lang)
    if not hypotheses:
        return (_WordSource(latin, -100.0),)
    return tuple(_WordSource(text, score) for text, score in hypotheses[:VERIFIED])


def best_word_reading(word: str, lang: str, beam_width: int = BEAM) -> str:
    """The best Cyrillic reading (lower case) of one Latin word, the first of ``cyrillic_sources``
    (uncached: the clusterer caches what it needs, and reads with a narrower ``beam_width``).

    >>> best_word_reading("Tschechow", "ru"), best_word_reading("Tschechow", "ru", beam_width=4)
    ('чехов', 'чехов')
    """
    hypotheses = _decode(_readable(word.lower(), lang), lang, beam_width)
    return hypotheses[0][0] if hypotheses else word.lower()


def word_log_probability(cyrillic: str) -> float:
    """The letter model's log-probability of a Cyrillic word, end included: higher is more name-like.

    >>> word_log_probability("антонович") > word_log_probability("антоновч")
    True
    """
    model, text = _letter_model(), cyrillic.lower()  # uncached: extend's cache would grow with every word
    return model._extend_uncached("^" * (model.order - 1), text) + model.finish(text)


@functools.lru_cache(maxsize=20_000)
def _agreeing(word: str, cyrillic: str, lang: str) -> frozenset[str]:
    """The schemes of ``lang``'s channel that romanise ``cyrillic`` back to ``word`` exactly."""
    target = _comparable(word)
    return frozenset(scheme_id for scheme_id in _channel(lang).scheme_ids
                     if _comparable(romanise(cyrillic, scheme_id)) == target)


def _comparable(latin: str) -> str:
    return unicodedata.normalize("NFC", latin).lower().translate(_APOSTROPHES).replace("-", "")


def _readable(latin: str, lang: str) -> str:
    """The word with characters no scheme writes folded to plain letters (Polish ń: Murmańsk; a
    Spanish stress accent: Zhúkov), where folding keeps one character for one."""
    letters = _channel(lang).letters
    if all(char in letters for char in latin):
        return latin
    return "".join(char if char in letters else _plain(char) for char in latin)


def _plain(char: str) -> str:
    from unidecode import unidecode
    folded = unidecode(char).lower()
    return folded if len(folded) == 1 else char


def _decode(latin: str, lang: str, beam_width: int = BEAM) -> list[tuple[str, float]]:
    """Beam search over Latin positions: (Cyrillic lower-case word, log-likelihood), best first.

    A spelling is modelled as written either by one scheme throughout (prior SINGLE_SCHEME,
    the scheme drawn uniformly: the share of schemes whose every piece agrees, tracked as a
    bit mask) or piece by piece by any mixture of conventions (each piece with the share of
    schemes writing it so) — press spellings mix conventions. The letter model scores the
    Cyrillic side.

    Reading the names no lexicon knows is most of the work of clustering them, so the inner loop
    is written out by hand (no call per hypothesis; the letter model's known values read directly): the
    same sums in the same order, so the same scores, as ``add``, kept for the rarer steps.
    """
    channel = _channel(lang)
    model = _letter_model()
    extend, known_by_history, width = model.extend, model.known, model.order - 1
    padding = "^" * width
    context_after = _CONTEXT_AFTER
    length = len(latin)
    # Accented letters may stand for the plain ones (French é for е: Lénine; Polish ń: Murmańsk):
    # the word is also read with them folded, each folded letter at FOLDED_LETTER's cost.
    folded = None if latin.isascii() else "".join(_plain(char) for char in latin)
    if folded == latin:
        folded = None
    # position → Cyrillic so far → (score, letter-model log p, piecewise log p, schemes mask)
    beams: list[dict[str, tuple[float, float, float, int]]] = [dict() for _ in range(length + 1)]
    beams[0][""] = (0.0, 0.0, 0.0, channel.everyone)
    longest, pieces, single_log = channel.longest, channel.pieces, channel.single_log
    log, exp = math.log, math.exp
    log_mixed = _LOG_MIXED

    def add(target: dict, text: str, lm: float, piecewise: float, mask: int) -> None:
        # log(P_single + P_mixed), the one-scheme and the mixed reading of the spelling
        mixed = log_mixed + piecewise
        if mask:
            single = single_log[mask.bit_count()]
            if single > mixed:
                channel_logp = single + log(1.0 + exp(mixed - single))
            else:
                channel_logp = mixed + log(1.0 + exp(single - mixed))
        else:
            channel_logp = mixed
        score = lm + channel_logp
        old = target.get(text)
        if old is None or score > old[0]:
            target[text] = (score, lm, piecewise, mask)

    for position in range(length + 1):
        beam = beams[position]
        if not beam:
            continue
        if len(beam) > beam_width:
            # sorted(…, reverse=True)[:n] is heapq.nlargest(n, …) (stable for equal scores), done in C
            beam = beams[position] = dict(sorted(beam.items(), key=_hypothesis_score, reverse=True)[:beam_width])
        final_here = position == length
        # Letters written as nothing (soft signs in most schemes): one, after a consonant.
        silent = channel.silent.get((_CONSONANT, final_here), ())
        if silent:
            for text, (_, lm, piecewise, mask) in list(beam.items()):
                if text[-1:] not in context_after:  # a consonant
                    known = known_by_history[(padding + text)[-width:]]
                    for cyrillic, logp, piece_mask in silent:
                        step = known.get(cyrillic)
                        if step is None:
                            step = extend(text, cyrillic)
                        add(beam, text + cyrillic, lm + step, piecewise + logp, mask & piece_mask)
        if final_here:
            break
        # each hypothesis with its context (:func:`_context_of`) and what the letter model knows after it
        states = [(text, lm, piecewise, mask, context_after.get(text[-1:], _CONSONANT),
                   known_by_history[(padding + text)[-width:]])
                  for text, (_, lm, piecewise, mask) in beam.items()]
        reached = False
        for size in range(1, min(longest, length - position) + 1):
            written = latin[position:position + size]
            readings = [(written, 0.0)]
            if folded is not None and folded[position:position + size] != written:
                plain = folded[position:position + size]
                readings.append((plain, _LOG_FOLDED * sum(a != b for a, b in zip(written, plain))))
            final = position + size == length
            target = beams[position + size]
            held = target.get
            for reading, cost in readings:
                options = pieces.get(reading)
                if options is None:
                    continue
                for text, lm, piecewise, mask, context, known in states:
                    choices = options.get((context, final))
                    if not choices:
                        continue
                    reached = True
                    for cyrillic, logp, piece_mask in choices:
                        # add(target, text + cyrillic, lm + extend(text, cyrillic), piecewise + logp + cost,
                        #     mask & piece_mask if not cost else 0), written out
                        step = known.get(cyrillic)
                        if step is None:
                            step = extend(text, cyrillic)
                        new_lm = lm + step
                        new_piecewise = piecewise + logp + cost
                        new_mask = mask & piece_mask if not cost else 0
                        mixed = log_mixed + new_piecewise
                        if new_mask:
                            single = single_log[new_mask.bit_count()]
                            if single > mixed:
                                score = new_lm + (single + log(1.0 + exp(mixed - single)))
                            else:
                                score = new_lm + (mixed + log(1.0 + exp(single - mixed)))
                        else:
                            score = new_lm + mixed
                        new_text = text + cyrillic
                        old = held(new_text)
                        if old is None or score > old[0]:
                            target[new_text] = (score, new_lm, new_piecewise, new_mask)
        if not reached and not any(beams[position + 1:]):
            # A character no scheme writes: skip it at a cost rather than give nothing.
            for text, lm, piecewise, mask, _, _ in states:
                add(beams[position + 1], text, lm, piecewise - 8.0, 0)
    finish = model.finish
    ranked = [(text, score + finish(text)) for text, (score, _, _, _) in beams[length].items() if text]
    ranked.sort(key=lambda item: (-item[1], item[0]))
    return ranked[:beam_width]


def _hypothesis_score(item: tuple[str, tuple[float, float, float, int]]) -> float:
    return item[1][0]


def _context_of(text: str) -> str:
    if not text:
        return _START
    last = text[-1]
    if last in VOWELS:
        return _VOWEL
    if last in SIGNS:
        return _SIGN
    return _CONSONANT


# _context_of by a text's last letter ("" for an empty text), consonants left out: the decoder's
# inner loop reads it with _CONSONANT as the default, and test_backtranslit checks it against _context_of.
_CONTEXT_AFTER = {"": _START, **{sign: _SIGN for sign in SIGNS}, **{vowel: _VOWEL for vowel in VOWELS}}


# ---------------------------------------------------------------------------
# The channel: every scheme of a language turned round


@dataclass(frozen=True)
class _Channel:
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
def _alphabet(lang: str) -> str:
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
        return marshal.loads(cache.read_entry(cache.private_dir(cache.default_cache_dir()) / name))
    except Exception:  # noqa: BLE001 - missing, refused or damaged: probe again
        pass
    masks: dict[tuple[str, str, str, bool], int] = defaultdict(int)
    alphabet = _alphabet(lang)
    for index, scheme_id in enumerate(scheme_ids):
        for key in _probe(scheme_id, alphabet):
            masks[key] |= 1 << index
    masks = dict(masks)
    try:
        cache.write_entry(cache.private_dir(cache.default_cache_dir()) / name, marshal.dumps(masks))
    except (cache.CacheRefused, OSError):
        pass  # a read-only or refused cache directory costs speed, not correctness
    return masks


@functools.cache
def _channel(lang: str) -> _Channel:
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
        for before in (_START, _VOWEL, _CONSONANT, _SIGN):
            for final in finals:
                target = pieces[spelling["latin"]][(before, final)]
                share, mask = target.get(spelling["cyrillic"], (0.0, 0))
                target[spelling["cyrillic"]] = (max(share, spelling["share"]), mask)

    def frozen(options: dict[str, tuple[float, int]]) -> tuple[tuple[str, float, int], ...]:
        return tuple(sorted(((c, math.log(share), mask) for c, (share, mask) in options.items()), key=lambda o: -o[1]))

    return _Channel(
        scheme_ids,
        {latin: {context: frozen(options) for context, options in by_context.items()} for latin, by_context in pieces.items()},
        {context: frozen({c: v for c, v in options.items() if c in SIGNS or c == "й"}) for context, options in silent.items()},
        max(map(len, pieces)),
        (1 << len(scheme_ids)) - 1,
        len(scheme_ids),
        tuple(_LOG_SINGLE + math.log(k / len(scheme_ids)) if k else -math.inf for k in range(len(scheme_ids) + 1)),
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
        return romanise(text, scheme_id).lower().translate(_APOSTROPHES)

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
            if before == _SIGN and letter in SIGNS:
                continue
            for after in _SUFFIXES:
                latin = piece(before, letter, after)
                if latin is None:
                    continue
                single[(letter, before, after)] = latin
                found.add((latin, letter, before, after == _END))
    # Pairs: kept where the pair is not written as its two letters (ий → i, кс → x, тс → t·s).
    # A pair is probed after a word start, between consonants and at the end; what it gives
    # between consonants is taken for every context before it (after a vowel too: Алексей → Alexej).
    for first in alphabet:
        for second in alphabet:
            for before, after in ((_START, _CONSONANT), (_CONSONANT, _CONSONANT), (_CONSONANT, _END)):
                latin = piece(before, first + second, after)
                if latin is None:
                    continue
                between = _VOWEL if second in VOWELS else _CONSONANT  # no probe ends before a sign
                inner = _VOWEL if first in VOWELS else _SIGN if first in SIGNS else _CONSONANT
                parts = (single.get((first, before, between)), single.get((second, inner, after)))
                if None not in parts and parts[0] + parts[1] == latin:
                    continue
                if before == _START:
                    contexts: tuple[str, ...] = (before,)
                elif first in SIGNS:  # a sign follows a consonant only
                    contexts = (_CONSONANT,)
                else:
                    contexts = (_VOWEL, _CONSONANT, _SIGN)
                for context in contexts:
                    found.add((latin, first + second, context, after == _END))
    return found


@functools.cache
def _popular_spellings() -> tuple[dict, ...]:
    text = resources.files("translitnorm").joinpath("data").joinpath("popular_spellings.toml").read_text(encoding="utf-8")
    return tuple(tomllib.loads(text)["spelling"])
