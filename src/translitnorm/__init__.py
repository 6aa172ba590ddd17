"""translitnorm: resolve Latin-script spellings of names from Cyrillic sources to canonical entity IDs.

>>> from translitnorm import Normaliser
>>> norm = Normaliser.default()                       # the shipped lexicons
>>> norm.resolve("Kourmanbek Bakiev").id               # doctest: +SKIP
'kg.bakiev.kurmanbek'
"""

__version__ = "0.1.0"

from translitnorm.backtranslit import CyrillicSource, cyrillic_sources
from translitnorm.lexicon import Lexicon, LexiconError, load_lexicons, validate
from translitnorm.matcher import Candidate, DecisionRule, Explanation, Resolution
from translitnorm.normaliser import Normaliser, default_lexicon_paths


__all__ = [
    "Candidate", "CyrillicSource", "DecisionRule", "Explanation", "Lexicon", "LexiconError", "Normaliser",
    "Resolution", "cyrillic_sources", "default_lexicon_paths", "load_lexicons", "validate",
]
