"""Which answers a lexicon edit changes: names resolved with the content before and after it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from translitnorm import lexicon as lex
from translitnorm.errors import TranslitnormError
from translitnorm.index_store import build_index
from translitnorm.review_files import read_name_counts


@contextlib.contextmanager
def _as_written(target: Path, text: str) -> Iterator[Path]:
    """``text`` in a temporary file of the same name as ``target`` (the name is part of the index's
    cache key, so the index compiled here is the one later runs find in the cache)."""
    with tempfile.TemporaryDirectory(prefix="translitnorm-check-") as folder:
        candidate = Path(folder) / target.name
        candidate.write_text(text, encoding="utf-8", newline="\n")
        yield candidate


def _others(target: Path, context: Sequence[str | os.PathLike]) -> list[Path]:
    return [p for p in lex.lexicon_files(context) if p.resolve() != target.resolve()]



@dataclass(frozen=True)
class AnswerChange:
    """A name whose answer an edit changes: its ID before and after (None: no ID).

    >>> print(AnswerChange("Bakiyev", "kg.bakiev.kurmanbek", None))
    'Bakiyev': kg.bakiev.kurmanbek → no ID (lost)
    """

    name: str
    before: str | None
    after: str | None

    @property
    def kind(self) -> str:
        """``gained`` (no ID before), ``lost`` (no ID after) or ``changed`` (another ID)."""
        if self.before is None:
            return "gained"
        return "lost" if self.after is None else "changed"

    def __str__(self) -> str:
        return f"{self.name!r}: {self.before or 'no ID'} → {self.after or 'no ID'} ({self.kind})"


class IDsWouldChange(TranslitnormError):
    """Raised, with nothing written, when an edit would take an ID from a checked name or give it another."""

    def __init__(self, path: str | os.PathLike, changes: Sequence[AnswerChange]):
        self.changes = list(changes)
        risky = [c for c in self.changes if c.kind != "gained"]
        shown = "\n".join(f"  {change}" for change in risky[:50])
        more = f"\n  … and {len(risky) - 50} more" if len(risky) > 50 else ""
        super().__init__(
            f"{len(risky)} checked name(s) would lose their ID or get another one; nothing written to {path}:\n"
            f"{shown}{more}\nlook at each (translitnorm resolve NAME --explain); to write anyway pass --allow-id-changes")


def _answers(target: Path, text: str | None, others: Sequence[Path], names: Sequence[str]) -> dict[str, str | None]:
    """The ID each name gets from ``text`` (the content of ``target``; None: no such file) with ``others``."""
    from translitnorm.normaliser import Normaliser  # here: the normaliser module needs the matcher, which is heavy

    if text is None and not others:
        return dict.fromkeys(names)
    with contextlib.ExitStack() as stack:
        paths = list(others)
        if text is not None:
            paths.insert(0, stack.enter_context(_as_written(target, text)))
        normaliser = Normaliser(build_index(paths))
        return {name: result.id for name, result in zip(names, normaliser.resolve_many(list(names)))}


def answer_changes(path: str | os.PathLike, before: str | None, after: str, names: Iterable[str], *,
                   context: Sequence[str | os.PathLike] = ()) -> list[AnswerChange]:
    """The names whose ID differs between two contents of a lexicon file (``before`` None: the
    file does not exist yet), each resolved with the ``context`` lexicons too; in name order.

    >>> answer_changes("kg.tsv", old_text, new_text, ["Bakiyev"])  # doctest: +SKIP
    [AnswerChange(name='Bakiyev', before='kg.bakiev.kurmanbek', after=None)]
    """
    target = Path(path)
    wanted = sorted({name for name in names if name and name.strip()})
    if not wanted:
        return []
    others = _others(target, context)
    old = _answers(target, before, others, wanted)
    new = _answers(target, after, others, wanted)
    return [AnswerChange(name, old[name], new[name]) for name in wanted if old[name] != new[name]]


def read_sample(path: str | os.PathLike | None, column: str | None = None, *, encoding: str = "utf-8") -> list[str]:
    """The distinct names of a sample file (any table ``read_name_counts`` reads), to check an edit against."""
    if path is None:
        return []
    counts = read_name_counts(path, column, encoding=encoding)
    return sorted({name for counter in counts.values() for name in counter})


