"""translitnorm: resolve Latin-script spellings of names from Cyrillic sources to canonical entity IDs.

>>> from translitnorm import Normaliser
>>> norm = Normaliser.default()                       # the shipped lexicons
>>> norm.resolve("Kourmanbek Bakiev").id               # doctest: +SKIP
'kg.bakiev.kurmanbek'

Romanisation under the named schemes (docs/schemes.md) is public too:

>>> from translitnorm import romanise, romanisations, schemes
>>> romanise("Чехов", "ru-de"), romanisations("Київ", lang="uk")["uk-national"], len(schemes(lang="tg"))
('Tschechow', 'Kyiv', 3)
"""

from translitnorm.version import __version__

from translitnorm.backtranslit import CyrillicSource, cyrillic_sources
from translitnorm.lexicon import Lexicon, LexiconError, load_lexicons, validate
from translitnorm.decision import Candidate, DecisionRule, Explanation, Resolution
from translitnorm.normaliser import Normaliser, default_lexicon_paths
from translitnorm.romanise import romanisations, romanise, schemes


__all__ = [
    "Candidate", "CyrillicSource", "DecisionRule", "Explanation", "Lexicon", "LexiconError", "Normaliser",
    "Resolution", "cyrillic_sources", "default_lexicon_paths", "load_lexicons", "romanisations", "romanise",
    "schemes", "validate",
]
