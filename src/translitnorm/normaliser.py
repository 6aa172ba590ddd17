"""The public entry point: a :class:`Normaliser` built from lexicons resolves names to entity IDs."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Iterable

from translitnorm.index import CompiledIndex
from translitnorm.index_store import build_index
from translitnorm.decision import DecisionRule, Explanation, Resolution
from translitnorm.matcher import Matcher


def default_lexicon_paths() -> list[Path]:
    """The lexicons shipped with translitnorm (inside the installed package, or ``lexicons/`` of a source checkout)."""
    packaged = resources.files("translitnorm").joinpath("data").joinpath("lexicons")
    if packaged.is_dir():
        return [Path(str(packaged))]
    checkout = Path(__file__).resolve().parents[2] / "lexicons"
    return [checkout]


class Normaliser:
    """Resolves spellings of names to the canonical IDs of one or more lexicons.

    >>> norm = Normaliser.from_lexicons(["lexicons/"])          # doctest: +SKIP
    >>> r = norm.resolve("Kourmanbek Bakiev")                      # doctest: +SKIP
    >>> r.id, r.canonical, r.method                                # doctest: +SKIP
    ('kg.bakiev.kurmanbek', 'Kurmanbek Bakiyev', 'exact')
    """

    def __init__(self, index: CompiledIndex, rule: DecisionRule | None = None):
        self.index = index
        self.rule = rule or DecisionRule()
        self._matcher = Matcher(index, self.rule)

    @classmethod
    def from_lexicons(cls, paths: Iterable[str | os.PathLike], *, rule: DecisionRule | None = None,
                      cache_dir: str | os.PathLike | None = None, use_cache: bool = True,
                      progress=None) -> "Normaliser":
        """Build from lexicon files or directories; the compiled index is cached on disk by content hash.

        >>> Normaliser.from_lexicons(["lexicons/kg.tsv"]).resolve("Bakijew").id   # doctest: +SKIP
        'kg.bakiev.kurmanbek'
        """
        return cls(build_index(list(paths), cache_dir=cache_dir, use_cache=use_cache, progress=progress), rule)

    @classmethod
    def default(cls, *, rule: DecisionRule | None = None, progress=None) -> "Normaliser":
        """A normaliser over the shipped lexicons (the first call compiles them: about a minute, once)."""
        return cls.from_lexicons(default_lexicon_paths(), rule=rule, progress=progress)

    def resolve(self, name: str) -> Resolution:
        """Resolve one name: its entity ID, or no ID and the candidates when no single answer is safe.

        >>> Normaliser.default().resolve("BAKIYEV, Kurmanbek").id   # doctest: +SKIP
        'kg.bakiev.kurmanbek'
        """
        return self._matcher.resolve(name)

    def resolve_many(self, names, *, as_: str = "list", jobs: int | None = None, progress=None):
        """Resolve many names, each distinct name once; results are in input order.

        ``names``: a list or iterable of names, a pandas Series or a pyarrow (Chunked)Array.
        ``as_``: ``"list"`` of :class:`Resolution` (default), or a table with the columns id,
        canonical, score, method, scheme: ``"arrow"`` or ``"pandas"``.  ``None`` (and NaN) and empty
        names give no ID (reason ``empty``; method ``empty`` in a table).  Large batches use up to
        ``jobs`` processes (``None``: one per core); ``progress(done, total)`` is called as distinct
        names are resolved.  See :mod:`translitnorm.batch` and docs/etl.md.

        >>> [r.id for r in Normaliser.default().resolve_many(["Bakiev", "Bakiyev", None])]  # doctest: +SKIP
        ['kg.bakiev.kurmanbek', 'kg.bakiev.kurmanbek', None]
        >>> Normaliser.default().resolve_many(series, as_="pandas")                         # doctest: +SKIP
        """
        from translitnorm import batch

        return batch.resolve_many(self, names, as_=as_, jobs=jobs, progress=progress)

    def explain(self, name: str) -> Explanation:
        """The steps of resolving ``name``: cleaning, parts, keys, candidates with scores, decision.

        >>> print(Normaliser.default().explain("Tschechow"))        # doctest: +SKIP
        """
        explanation = Explanation(name)
        self._matcher.resolve(name, explanation)
        return explanation

    def __getstate__(self):
        return {"index": self.index, "rule": self.rule}

    def __setstate__(self, state):
        self.__init__(state["index"], state["rule"])
