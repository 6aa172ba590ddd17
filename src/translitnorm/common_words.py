"""Common English, German and French words (Snow, Oil, Police, Berg), some of which are also
names of small places of the region.

A cell holding one such word is far more often the word than the village, so the decision
gives a one-word query found here the ID of a place only on exact evidence of one of the
place's own names, and only for a large place (see ``DecisionRule.common_word_min_population``).
The list, ``data/common_words.txt``, holds the words of wordfreq (Robyn Speer,
https://github.com/rspeer/wordfreq; data CC BY-SA 4.0) in :data:`LANGS` at or above
:data:`MIN_ZIPF` on its Zipf scale, written by ``make lexicons`` (``scripts/write_common_words.py``, :func:`write_common_words`);
lexicons/README.md gives the attribution and how the figures were chosen.
"""

from __future__ import annotations

import functools
import os
from importlib import resources

# The press languages most names of the region reach Latin-script data in.
LANGS = ("en", "de", "fr")
# Zipf frequency (log10 of occurrences per billion words) from which a word counts as common:
# 4.0 is once per 100,000 words, about 7,000 words of three letters or more per language.
MIN_ZIPF = 4.0
FILE_NAME = "common_words.txt"


@functools.cache
def common_words() -> frozenset[str]:
    """The shipped common words, case-folded.

    >>> "snow" in common_words(), "schnee" in common_words(), "pinsk" in common_words()
    (True, True, False)
    """
    text = resources.files("translitnorm").joinpath("data").joinpath(FILE_NAME).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def is_common_word(text: str) -> bool:
    """Whether ``text`` is one common word (case aside).

    >>> is_common_word("Police"), is_common_word("Polytsi"), is_common_word("Central Bank")
    (True, False, False)
    """
    return text.casefold() in common_words()


def write_common_words(path: str | os.PathLike, min_zipf: float = MIN_ZIPF, langs: tuple[str, ...] = LANGS) -> int:
    """Write the words of the installed ``wordfreq`` in ``langs`` at or above ``min_zipf`` (letters
    only, three or more) to ``path``, one per line, case-folded and sorted; returns how many.

    >>> write_common_words("src/translitnorm/data/common_words.txt")  # doctest: +SKIP
    17431
    """
    try:
        import wordfreq
        from importlib.metadata import version as package_version
    except ImportError:
        from translitnorm.importers import ImportFormatError

        raise ImportFormatError("the common-word list is made from the wordfreq package: "
                                "pip install 'translitnorm[lexicons]' (make lexicons does)") from None
    from translitnorm.files import write_atomic

    words = sorted({word.casefold() for lang in langs for word in wordfreq.top_n_list(lang, 50_000)
                    if word.isalpha() and len(word) >= 3 and wordfreq.zipf_frequency(word, lang) >= min_zipf})
    header = (f"# Words of Zipf frequency >= {min_zipf} in {', '.join(langs)} of wordfreq {package_version('wordfreq')} "
              "(data CC BY-SA 4.0, https://github.com/rspeer/wordfreq); written by make lexicons\n")
    write_atomic(path, header + "".join(word + "\n" for word in words))
    return len(words)

