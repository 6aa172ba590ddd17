"""Write the common-word list the decision rule reads (``make lexicons`` runs it).

    .venv/bin/python scripts/write_common_words.py src/translitnorm/data/common_words.txt

Needs the ``lexicons`` extra (wordfreq); see translitnorm.common_words.
"""

import sys

from translitnorm.common_words import write_common_words

if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else "src/translitnorm/data/common_words.txt"
    print(f"wrote {path}: {write_common_words(path):,} words", file=sys.stderr)
