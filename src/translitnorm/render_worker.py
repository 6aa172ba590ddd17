"""A helper process of index compilation: renders chunks of the name parts.

Reads pickled lists of ``(text, lang)`` parts on standard input, one after another, and for each
writes the pickled list of their forms (:class:`translitnorm.rendering.PartForms` as plain tuples)
on standard output, until its input ends (see :func:`translitnorm.rendering.rendered_parts`).
Not a command for users.
"""

from __future__ import annotations

import pickle
import sys

from translitnorm.rendering import part_forms


def main() -> None:
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            parts = pickle.load(source)
        except EOFError:
            break
        pickle.dump([tuple(part_forms(text, lang)) for text, lang in parts], sink, protocol=pickle.HIGHEST_PROTOCOL)
        sink.flush()


if __name__ == "__main__":
    main()
