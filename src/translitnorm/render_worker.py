"""A helper process of index compilation: renders a share of the name parts.

Reads a pickled list of ``(text, lang)`` parts on standard input and writes the pickled
list of their forms (:class:`translitnorm.rendering.PartForms` as plain tuples) on standard output (see
:func:`translitnorm.rendering.rendered_parts`). Not a command for users.
"""

from __future__ import annotations

import pickle
import sys

from translitnorm.rendering import part_forms


def main() -> None:
    parts = pickle.loads(sys.stdin.buffer.read())
    rendered = [tuple(part_forms(text, lang)) for text, lang in parts]
    sys.stdout.buffer.write(pickle.dumps(rendered, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
