"""The letter model of back-transliteration: how name-like a Cyrillic letter sequence is.

Character n-grams counted from ``data/cyrillic_name_words.txt`` (the Cyrillic names of the
shipped lexicons and the training part of the ``benchmarks/data`` name lists, see
``scripts/make_cyrillic_name_words.py``), interpolated Witten-Bell;
:mod:`translitnorm.backtranslit` scores its readings with it.

>>> model = letter_model()
>>> model.extend("^^^", "иванов") + model.finish("иванов") > model.extend("^^^", "ивнаов") + model.finish("ивнаов")
True
"""

from __future__ import annotations

import functools
import math
from collections import Counter, defaultdict
from importlib import resources
from typing import Iterable

# LM_ORDER: letters of context + 1; 4 tells -ов from -ав, not so long that a rare name is
# unseen everywhere.
LM_ORDER = 4


class LetterModel:
    """Character n-grams of Cyrillic name words, interpolated Witten-Bell.

    Hand-written because the task is small (a few thousand words, one order) and the
    libraries that do it (nltk.lm, kenlm) are large dependencies or need a build.
    """

    def __init__(self, words: Iterable[str], order: int = LM_ORDER) -> None:
        self.order = order
        self.counts: dict[str, Counter] = defaultdict(Counter)
        alphabet = set()
        for word in words:
            padded = "^" * (order - 1) + word + "$"
            alphabet.update(word)
            for end in range(order - 1, len(padded)):
                for size in range(order):
                    self.counts[padded[end - size:end]][padded[end]] += 1
        self.totals = {history: sum(counter.values()) for history, counter in self.counts.items()}
        self.types = {history: len(counter) for history, counter in self.counts.items()}
        self.uniform = 1.0 / (len(alphabet) + 2)
        # Not cached: extend's table below already holds what a decoder asks for again. A cache of its
        # own (an lru_cache of 500,000) grew by 37 MiB per 6,000 names read, in every process that
        # reads them, for no time measurably saved (6.0 s and 6.2 s of CPU for those names).
        self._logp = self._compute
        # history → added letters → log p; bounded: histories × pieces of the alphabet. Public for a
        # decoder's inner loop, which reads it directly (history: the text's last ``order - 1``
        # letters, ``^``-padded, as :meth:`extend` makes it) and calls extend for what is missing.
        self.known: dict[str, dict[str, float]] = defaultdict(dict)
        # history → log P(end); bounded by the histories, as above: every final reading asks it
        self._finished: dict[str, float] = {}

    def _compute(self, history: str, letter: str) -> float:
        probability = self.uniform
        for size in range(0, len(history) + 1):
            context = history[len(history) - size:]
            total = self.totals.get(context)
            if not total:
                break
            types = self.types[context]
            probability = (self.counts[context][letter] + types * probability) / (total + types)
        return math.log(probability)

    def extend(self, text: str, added: str) -> float:
        """log P(added | text) letter by letter."""
        width = self.order - 1
        history = text[-width:] if len(text) >= width else "^" * (width - len(text)) + text
        known = self.known[history]
        value = known.get(added)
        if value is None:
            value = known[added] = self._extend_uncached(history, added)
        return value

    def _extend_uncached(self, history: str, added: str) -> float:
        value = 0.0
        for letter in added:
            value += self._logp(history[-(self.order - 1):], letter)
            history += letter
        return value

    def finish(self, text: str) -> float:
        """log P(the word ends | text)."""
        history = ("^" * (self.order - 1) + text)[-(self.order - 1):]
        value = self._finished.get(history)
        if value is None:
            value = self._finished[history] = self._logp(history, "$")
        return value


@functools.cache
def letter_model() -> LetterModel:
    text = resources.files("translitnorm").joinpath("data").joinpath("cyrillic_name_words.txt").read_text(encoding="utf-8")
    words = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return LetterModel(words)
