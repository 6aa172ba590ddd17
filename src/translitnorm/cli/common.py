"""Options and helpers that several commands share."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from typing_extensions import Annotated

from translitnorm.matcher import DecisionRule
from translitnorm.normaliser import Normaliser, default_lexicon_paths

LexiconOption = Annotated[
    Optional[List[Path]],
    typer.Option("--lexicon", "-l", help="Lexicon file or directory (repeatable). Default: the shipped lexicons."),
]


def make_normaliser(lexicons: Optional[List[Path]], *, min_score: float | None = None,
                    margin: float | None = None) -> Normaliser:
    """A normaliser over the given lexicons (or the shipped ones), with decision-rule overrides."""
    defaults = DecisionRule()
    rule = DecisionRule(
        min_score=defaults.min_score if min_score is None else min_score,
        min_score_single=defaults.min_score_single if min_score is None else max(min_score, defaults.min_score_single),
        margin=defaults.margin if margin is None else margin,
    )
    return Normaliser.from_lexicons(lexicons or default_lexicon_paths(), rule=rule)
