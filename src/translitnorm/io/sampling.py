"""A random sample of a table's rows in one pass: reservoir sampling over batches of any format."""

from __future__ import annotations

import math
import random
from typing import Iterable

from translitnorm.io.common import Batch


def sample_rows(batches: Iterable[Batch], size: int, seed: int) -> list[Batch]:
    """``size`` rows drawn uniformly at random from all the rows of ``batches`` (all of them when
    there are fewer), read once, in their order in the file, as batches; the same ``seed`` draws
    the same rows.

    Reservoir sampling with geometric jumps (Li's algorithm L): after the first ``size`` rows,
    the position of the next row to keep is drawn directly, so a large file costs a random draw
    per row kept, not per row read, and memory holds about the sample.

    >>> rows = [Batch(["n"], [[str(i)] for i in range(start, start + 10)]) for start in range(0, 100, 10)]
    >>> kept = [row[0] for batch in sample_rows(rows, 5, seed=1) for row in batch.rows]
    >>> len(kept), kept == sorted(kept, key=int), kept == [row[0] for batch in sample_rows(rows, 5, seed=1) for row in batch.rows]
    (5, True, True)
    """
    generator = random.Random(seed)
    # each slot: (row number in the file, the piece of a batch holding the row, its position there)
    slots: list[tuple[int, Batch, int]] = []
    weight = math.exp(math.log(1.0 - generator.random()) / size) if size else 0.0
    next_kept = size + _jump(generator, weight) if size else math.inf
    seen = 0
    for batch in batches:
        count = len(batch)
        picked: list[tuple[int, int | None]] = []  # (position in the batch, slot replaced or None to add)
        position = 0
        while len(slots) + len(picked) < size and position < count:  # the first rows fill the reservoir
            picked.append((position, None))
            position += 1
        while next_kept < seen + count:
            picked.append((int(next_kept) - seen, generator.randrange(size)))
            weight *= math.exp(math.log(1.0 - generator.random()) / size)
            next_kept += 1 + _jump(generator, weight)
        if picked:
            piece = batch.take([position for position, _ in picked])
            for index, (position, slot) in enumerate(picked):
                kept = (seen + position, piece, index)
                if slot is None:
                    slots.append(kept)
                else:
                    slots[slot] = kept
        seen += count
    slots.sort(key=lambda kept: kept[0])
    sample: list[Batch] = []
    position = 0
    while position < len(slots):  # a piece's rows come together, in order: one batch of each piece
        piece = slots[position][1]
        end = position
        while end < len(slots) and slots[end][1] is piece:
            end += 1
        sample.append(piece.take([index for _, _, index in slots[position:end]]))
        position = end
    return sample


def _jump(generator: random.Random, weight: float) -> float:
    """Rows passed over before the next one kept."""
    if weight >= 1.0:
        return 0.0
    if weight <= 0.0:
        return math.inf
    return math.floor(math.log(1.0 - generator.random()) / math.log1p(-weight))
