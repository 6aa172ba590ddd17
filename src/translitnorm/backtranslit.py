"""Back-transliteration: a Latin spelling → the Cyrillic names it plausibly writes, ranked.

One engine inverts every scheme of a language (``translitnorm/schemes``); nothing is a
hand-written reverse table:

1. **Inverting the schemes** (:mod:`translitnorm.scheme_channel`): a table of Latin pieces →
   Cyrillic pieces in context, each with the schemes that write it so: the channel.
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
import unicodedata
from dataclasses import dataclass
from typing import Callable

from translitnorm.letter_model import LetterModel as _LetterModel  # noqa: F401  (benchmarks/cluster_quality.py)
from translitnorm.letter_model import letter_model as _letter_model
from translitnorm.romanise import SCHEME_LANGS, romanise, schemes
from translitnorm.scheme_channel import APOSTROPHES as _APOSTROPHES
from translitnorm.scheme_channel import CONSONANT as _CONSONANT
from translitnorm.scheme_channel import SIGN as _SIGN
from translitnorm.scheme_channel import SINGLE_SCHEME
from translitnorm.scheme_channel import START as _START
from translitnorm.scheme_channel import VOWEL as _VOWEL
from translitnorm.scheme_channel import channel as _channel
from translitnorm.script import with_case_of
from translitnorm.table_engine import SIGNS, VOWELS

__all__ = ["CyrillicSource", "best_cyrillic", "cyrillic_key", "cyrillic_sources", "is_held_out", "likely_cyrillic"]


# Decoding constants. BEAM: hypotheses kept per Latin position; 12 gives the same top-1 and
# top-3 on the training names' single-scheme spellings as 24 (0.973 / 0.997) in a third of the
# time, and press spellings' top-10 drops from 0.941 to 0.939.
BEAM = 12
# READING_BEAM: the narrower beam of a single best reading (the clusterer's Cyrillic keys, the review
# file's suggested source), where the ranked lists of ``cyrillic_sources`` keep BEAM. On 2,699 words
# (the labelled variants' and 3,000 synthetic names') 4 gives the same Cyrillic key as 12 for all
# but 8 (Nischni: нишни rather than нишний) in a quarter of the time. As a whole name's best source
# (:func:`likely_cyrillic` against :func:`best_cyrillic`): the true Cyrillic first for 0.763 of 401
# press and gazetteer spellings (tests/data/cluster/variant-groups.tsv; 0.758 with BEAM) and for
# 0.310 of 8,125 city spellings of the dev part of tests/data/cluster/city-spellings.tsv (0.310; the
# same text for 99.1 % of them).
READING_BEAM = 4
# RECENT_WORDS: words whose narrow readings are kept. The clusterer and the review file read the
# same name one after the other, so recent words suffice, and a million-name clustering run
# (each distinct word read once) does not keep them all.
RECENT_WORDS = 20_000
# VERIFIED: hypotheses kept per word for combining the words of a name.
VERIFIED = 12
_LOG_MIXED = math.log(1 - SINGLE_SCHEME)
# FOLDED_LETTER: the probability that an accented letter stands for the plain letter (a stress
# accent, a host-language letter); low, so a scheme that writes the accent wins where one does.
FOLDED_LETTER = 0.05
_LOG_FOLDED = math.log(FOLDED_LETTER)
# A word: letters with their combining marks (ALA-LC's tie, BGN's breve), inner apostrophes.
_LETTERS = r"(?:[^\W\d_]|[\u0300-\u036f\ufe20-\ufe2f])+"
_WORD = re.compile(f"{_LETTERS}(?:['\"]+{_LETTERS})*['\"]*")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")


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
    return _each_word_read(name, lang, lambda word: _word_sources(word, lang)[0].cyrillic)


def _each_word_read(name: str, lang: str, read: Callable[[str], str]) -> str:
    """``name`` with each Latin word replaced by ``read(word)`` (lower-case Cyrillic) in the word's
    case; separators and Cyrillic words kept; a name with no Latin word, stripped."""
    pieces, words = _latin_words(name, lang)
    if not words:
        return name.strip()
    for index, word in words:
        pieces[index] = with_case_of(word, read(word))
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


@functools.lru_cache(maxsize=RECENT_WORDS)
def word_readings(word: str, lang: str) -> tuple[tuple[str, float], ...]:
    """Readings of one lower-case Latin word at READING_BEAM: (Cyrillic in lower case,
    log-likelihood), best first; empty when nothing reads it.

    >>> word_readings("tschechow", "ru")[0][0]
    'чехов'
    """
    return tuple(_decode(_readable(word, lang), lang, READING_BEAM))


def likely_cyrillic(name: str, lang: str = "ru") -> str:
    """The Cyrillic source the review file proposes for ``name``: each Latin word's best reading
    at the clusterer's narrower beam (READING_BEAM; as often right as :func:`best_cyrillic`, which
    is the first of the ranked sources, at a fifth of the cost), case and punctuation kept.

    >>> likely_cyrillic("Tschechow"), likely_cyrillic("BAKIYEV, Kurmanbek", lang="ky")
    ('Чехов', 'БАКИЕВ, Курманбек')
    """
    def best(word: str) -> str:
        readings = word_readings(word.lower(), lang)
        return readings[0][0] if readings else word.lower()

    return _each_word_read(name, lang, best)


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
