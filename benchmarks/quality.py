"""Quality of translitnorm against naive baselines on every labelled set, in one run.

    .venv/bin/python benchmarks/quality.py                 # all sets, ~1 minute
    .venv/bin/python benchmarks/quality.py --sets devset,iso-codes --show-wrong 20

For each set it prints n, correct IDs, wrong IDs, no answer, precision (correct IDs /
IDs given) and recall (correct IDs / queries that have an expected ID), for
translitnorm and for three baselines built over the same lexicon:

- ``unidecode+WRatio≥85`` and ``≥95``: every lexicon name romanised by unidecode (Latin
  names kept), the query unidecoded, ``rapidfuzz.process.extractOne`` with ``fuzz.WRatio``
  and that score cutoff (85: a common default; 95: tuned for precision);
- ``ICU+WRatio≥85``: the same with ICU ``Any-Latin; Latin-ASCII`` instead of unidecode;
- ``metaphone``: phonetic key collision — each word reduced to its Metaphone code
  (jellyfish), the codes of the whole name and of first + last word as keys (order
  free); an ID only when exactly one entity owns the query's key.

Sets are of two kinds, reported apart:

- **independent** (the headline): spellings gathered from sources that can be named,
  not produced by our ``romanise`` and not lines of the lexicon they are resolved
  against — ``tests/data/recall/`` (one-word names, screening, Cyrillic forms without
  marker letters; each split into a dev and a hold-out part, see its README), the
  iso-codes set and the cross-language sets;
- **self-referential** (regression guards, not quality claims): the synthetic sets (made
  by our own ``romanise``) and every set some of whose queries are name lines of its own
  lexicon (the count is printed).

Sets: the devset (converted as ``tests/conftest.py`` does), ``tests/data/sets/*.tsv``
on the shipped lexicons (the ``crosslang-*`` ones on the Russian-only and native-only
lexicons of ``tests/data/crosslang/``, as their tests do), ``tests/data/sets/iso-codes/``
(ISO 3166-2 subdivisions from Debian's iso-codes package, see its README.md) and a
synthetic set from ``benchmarks/synthetic.py``, one per kind of query.
"""

from __future__ import annotations

import argparse
import csv
import gettext
import json
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT / "src", ROOT / "tests", ROOT / "benchmarks"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import icu  # noqa: E402
import jellyfish  # noqa: E402
from rapidfuzz import fuzz, process, utils  # noqa: E402
from unidecode import unidecode  # noqa: E402

import synthetic  # noqa: E402
from conftest import devset_lexicon_lines  # noqa: E402
from translitnorm import Normaliser  # noqa: E402
from translitnorm.lexicon import LexiconLine, format_lines, load_lexicons, write_atomic  # noqa: E402
from translitnorm.text import is_cyrillic  # noqa: E402

SYNTHETIC_KINDS = {
    "exact": "the full name under one random scheme of its language",
    "variant": "schemes mixed per part, initials, 'SURNAME, Given', titles, patronymic dropped",
    "misspelt": "the full name under one scheme with one edit in the surname or given name",
    "unknown": "real-looking names whose given name + surname no entity has (expected: no ID)",
}
SETS_DIR = ROOT / "tests" / "data" / "sets"
ISO_DIR = SETS_DIR / "iso-codes"
CROSSLANG_DIR = ROOT / "tests" / "data" / "crosslang"
RECALL_DIR = ROOT / "tests" / "data" / "recall"
RECALL_SETS = ("one-word", "screening", "cyrillic")
RECALL_PARTS = ("dev", "holdout")
# The cross-language sets run on lexicons of one language's forms (as tests/test_crosslang.py does):
# russian-only.tsv has only Russian names, native-only.tsv only Ukrainian/Belarusian/Kazakh/Kyrgyz ones.
CROSSLANG_LEXICONS = {
    "crosslang-cyrillic": ("russian-only",),
    "crosslang-latin": ("russian-only",),
    "crosslang-known-failures": ("russian-only",),
    "crosslang-russian-forms": ("native-only",),
    "crosslang-must-not-match": ("russian-only", "native-only"),
}


def available_sets() -> list[str]:
    """Every set name: the devset, each ``tests/data/sets/*.tsv``, iso-codes and synthetic."""
    return [*(f"recall-{name}-{part}" for name in RECALL_SETS for part in RECALL_PARTS),
            "devset", *sorted(p.stem for p in SETS_DIR.glob("*.tsv")), "iso-codes", "synthetic"]



WRATIO_CUTOFF = 85.0  # rapidfuzz's WRatio, 0–100; 85 is a common "same name" threshold
STRICT_WRATIO_CUTOFF = 95.0  # the same baseline tuned for precision, as translitnorm is


@dataclass
class LabelledSet:
    """Queries with their expected ID (None: no ID is right), and the lexicon they are asked against."""

    name: str
    lexicon_paths: list[Path]
    rows: list[tuple[str, str | None]]
    provenance: str
    generated: bool = False  # made by our own romanise (synthetic): never independent

    def lexicon_line_queries(self) -> int:
        """How many queries are, as written, a name line of the set's own lexicon."""
        names = {name.text.casefold() for entity in load_lexicons(self.lexicon_paths) for name in entity.names}
        return sum(query.casefold() in names for query, _ in self.rows)

    def independent(self) -> bool:
        """Spellings the product did not produce: not generated, no query a lexicon line."""
        return not self.generated and self.lexicon_line_queries() == 0


@dataclass
class Tally:
    """Outcome counts of one system on one set."""

    n: int = 0
    expected_ids: int = 0
    correct: int = 0
    wrong: int = 0
    no_answer: int = 0
    seconds: float = 0.0
    negatives: int = 0  # queries for which no ID is right (names the lexicon does not hold)
    false_answers: int = 0  # IDs given to those
    wrong_examples: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        given = self.correct + self.wrong
        return self.correct / given if given else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.expected_ids if self.expected_ids else None

    @property
    def wrong_id_rate(self) -> float | None:
        """Wrong IDs given to queries that have an expected ID, per such query."""
        return (self.wrong - self.false_answers) / self.expected_ids if self.expected_ids else None

    @property
    def false_answer_rate(self) -> float | None:
        """IDs given to names the lexicon does not hold, per such name."""
        return self.false_answers / self.negatives if self.negatives else None

    def add(self, other: "Tally") -> None:
        for name in ("n", "expected_ids", "correct", "wrong", "no_answer", "seconds", "negatives", "false_answers"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def tally(rows: Sequence[tuple[str, str | None]], answers: Sequence[str | None]) -> Tally:
    """Count correct IDs, wrong IDs (an ID other than the expected one, or any ID where none is right) and no answers.

    >>> t = tally([("a", "x"), ("b", None), ("c", "y")], ["x", "z", None])
    >>> t.correct, t.wrong, t.no_answer, t.precision, t.recall
    (1, 1, 1, 0.5, 0.5)
    """
    result = Tally(n=len(rows))
    for (query, expected), answer in zip(rows, answers):
        result.expected_ids += expected is not None
        result.negatives += expected is None
        result.false_answers += expected is None and answer is not None
        if answer is None:
            result.no_answer += 1
        elif answer == expected:
            result.correct += 1
        else:
            result.wrong += 1
            result.wrong_examples.append(f"{query!r} → {answer} (expected {expected or 'no ID'})")
    return result


# ---------------------------------------------------------------------------
# Systems: each maps a list of queries to a list of IDs (None = no answer).


@dataclass
class System:
    name: str
    settings: str
    resolve_many: Callable[[list[str]], list[str | None]]


def translitnorm_system(paths: list[Path], cache_dir: Path) -> System:
    normaliser = Normaliser.from_lexicons(paths, cache_dir=cache_dir)
    rule = normaliser.rule
    return System("translitnorm", f"default DecisionRule (min_score {rule.min_score}, single {rule.min_score_single}, margin {rule.margin})",
                  lambda queries: [r.id for r in normaliser.resolve_many(queries)])


def _lexicon_strings(paths: list[Path], romanise: Callable[[str], str]) -> list[tuple[str, str]]:
    """(entity id, Latin string) for every name of every entity; Cyrillic names romanised by ``romanise``."""
    pairs = []
    for entity in load_lexicons(paths):
        for name in entity.names:
            text = romanise(name.text) if is_cyrillic(name.text) else unidecode(name.text)
            pairs.append((entity.id, text))
    return sorted(set(pairs))


def fuzzy_baseline(name: str, paths: list[Path], romanise: Callable[[str], str],
                   cutoff: float = WRATIO_CUTOFF) -> System:
    pairs = _lexicon_strings(paths, romanise)
    ids = [entity_id for entity_id, _ in pairs]
    choices = [utils.default_process(text) for _, text in pairs]

    def resolve_many(queries: list[str]) -> list[str | None]:
        answers = []
        for query in queries:
            found = process.extractOne(utils.default_process(romanise(query)), choices, scorer=fuzz.WRatio,
                                       processor=None, score_cutoff=cutoff)
            answers.append(ids[found[2]] if found else None)
        return answers

    return System(name, f"rapidfuzz fuzz.WRatio, score_cutoff {cutoff:g}, best of all lexicon names", resolve_many)


def _metaphone_codes(text: str) -> list[str]:
    return [code for code in (jellyfish.metaphone(word) for word in utils.default_process(unidecode(text)).split()) if code]


def _metaphone_keys(text: str) -> set[tuple[str, ...]]:
    codes = _metaphone_codes(text)
    keys = {tuple(sorted(codes))} if codes else set()
    if len(codes) > 2:
        keys.add(tuple(sorted((codes[0], codes[-1]))))
    return keys


def metaphone_baseline(paths: list[Path]) -> System:
    owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for entity_id, text in _lexicon_strings(paths, unidecode):
        for key in _metaphone_keys(text):
            owners[key].add(entity_id)

    def resolve_many(queries: list[str]) -> list[str | None]:
        answers = []
        for query in queries:
            found = set().union(*(owners.get(key, set()) for key in _metaphone_keys(query))) if query.strip() else set()
            answers.append(next(iter(found)) if len(found) == 1 else None)
        return answers

    return System("metaphone", "jellyfish.metaphone per word; key = sorted codes of all words, and of first+last word; ID only if one entity owns the key", resolve_many)


_ICU = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


def systems_for(paths: list[Path], cache_dir: Path) -> list[System]:
    return [
        translitnorm_system(paths, cache_dir),
        fuzzy_baseline(f"unidecode+WRatio≥{WRATIO_CUTOFF:g}", paths, unidecode),
        fuzzy_baseline(f"unidecode+WRatio≥{STRICT_WRATIO_CUTOFF:g}", paths, unidecode, STRICT_WRATIO_CUTOFF),
        fuzzy_baseline(f"ICU+WRatio≥{WRATIO_CUTOFF:g}", paths, _ICU.transliterate),
        metaphone_baseline(paths),
    ]


# ---------------------------------------------------------------------------
# Labelled sets


def _read_rows(path: Path) -> list[tuple[str, str | None]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [(row["query"], None if row["expected"] == "NONE" else row["expected"])
                for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]


def load_sets(names: Sequence[str], work_dir: Path, synthetic_size: int = 10_000,
              synthetic_queries: int = 1_000) -> list[LabelledSet]:
    """The labelled sets called ``names``, with their lexicons (devset and synthetic ones written to ``work_dir``)."""
    sets = []
    for name in names:
        if name.startswith("recall-") and name.removeprefix("recall-") in {f"{s}-{p}" for s in RECALL_SETS for p in RECALL_PARTS}:
            stem = name.removeprefix("recall-")
            sets.append(LabelledSet(name, [RECALL_DIR / "lexicon.tsv"], _read_rows(RECALL_DIR / f"{stem}.tsv"),
                                    f"tests/data/recall/{stem}.tsv on tests/data/recall/lexicon.tsv (Cyrillic Russian names only); "
                                    "hand-written from Wikipedia titles in 12 languages, slips, grammar forms, token noise; see its README"))
        elif name == "devset":
            lexicon = work_dir / "devset.tsv"
            lexicon.write_text(format_lines(devset_lexicon_lines()), encoding="utf-8")
            sets.append(LabelledSet(name, [lexicon], _read_rows(ROOT / "tests/data/devset/queries.tsv"),
                                    "tests/data/devset (hand-labelled real spellings)"))
        elif name == "iso-codes":
            sets.append(LabelledSet(name, [ISO_DIR / "lexicon.tsv"], _read_rows(ISO_DIR / "queries.tsv"),
                                    "Debian iso-codes: ISO 3166-2 names vs. their ru/uk/be translations"))
        elif name == "synthetic":
            lexicon = synthetic.write_lexicon(work_dir / f"synthetic-{synthetic_size}.tsv", synthetic_size, seed=0)
            # One set per kind of query, so a weakness shows where it is.
            for number, (kind, share) in enumerate(synthetic.DEFAULT_MIX.items()):
                rows = synthetic.queries(lexicon, max(1, round(synthetic_queries * share)), seed=1 + number, mix={kind: 1})
                sets.append(LabelledSet(f"synthetic-{synthetic_size}-{kind}", [lexicon], rows,
                                        f"benchmarks/synthetic.py: {synthetic_size:,}-person lexicon (seed 0), "
                                        f"{kind} queries (seed {1 + number}): {SYNTHETIC_KINDS[kind]}", generated=True))
        elif name.startswith("crosslang-") and (SETS_DIR / f"{name}.tsv").is_file():
            for lexicon in CROSSLANG_LEXICONS.get(name, ("russian-only",)):
                sets.append(LabelledSet(f"{name} on {lexicon}", [CROSSLANG_DIR / f"{lexicon}.tsv"],
                                        _read_rows(SETS_DIR / f"{name}.tsv"),
                                        f"tests/data/sets/{name}.tsv on tests/data/crosslang/{lexicon}.tsv"))
        elif (SETS_DIR / f"{name}.tsv").is_file():
            what = " (cases known to fail)" if "known-failures" in name else ""
            sets.append(LabelledSet(name, [ROOT / "lexicons"], _read_rows(SETS_DIR / f"{name}.tsv"),
                                    f"tests/data/sets/{name}.tsv on lexicons/{what}"))
        else:
            raise SystemExit(f"error: unknown set '{name}'; sets are: {', '.join(available_sets())}")
    return sets


# ISO 3166-2 subdivisions of these countries, with the language whose Cyrillic name is the source.
ISO_COUNTRIES = {"RU": "ru", "UA": "uk", "BY": "be", "KZ": "ru", "KG": "ru", "UZ": "ru", "TJ": "ru", "TM": "ru"}
ISO_TRANSLATIONS = ("ru", "uk", "be")


def derive_iso_codes_set(json_path: Path = Path("/usr/share/iso-codes/json/iso_3166-2.json"),
                         locale_dir: Path = Path("/usr/share/locale")) -> tuple[list[LexiconLine], list[dict[str, str]]]:
    """Lexicon lines (the subdivisions' Cyrillic translations) and queries (their official ISO names).

    The lexicon holds only Cyrillic names, so every query has to be resolved through
    romanisation: the ISO names follow each country's own romanisation (GOST 7.79 for
    Russia, the Ukrainian national system, Belarusian Łacinka-based, Uzbek Latin …).
    """
    subdivisions = json.loads(json_path.read_text(encoding="utf-8"))["3166-2"]
    catalogs = {lang: gettext.translation("iso_3166-2", str(locale_dir), [lang]) for lang in ISO_TRANSLATIONS}
    lines: list[LexiconLine] = []
    rows: list[dict[str, str]] = []
    for item in subdivisions:
        country = item["code"].split("-")[0]
        if country not in ISO_COUNTRIES:
            continue
        entity_id = "iso." + item["code"].lower()
        names = {lang: catalog.gettext(item["name"]) for lang, catalog in catalogs.items()}
        names = {lang: text for lang, text in names.items() if text != item["name"] and is_cyrillic(text)}
        if not names:
            continue
        # The country's own language is the source; without it, the first translation stands in.
        source_lang = ISO_COUNTRIES[country] if ISO_COUNTRIES[country] in names else next(iter(names))
        for lang, text in names.items():
            role = "source" if lang == source_lang else "exonym"
            lines.append(LexiconLine(entity_id, "place", lang, text, role, item["type"] if role == "source" else ""))
        rows.append({"query": item["name"], "expected": entity_id, "note": f"{item['code']} {item['type']}",
                     "source": "iso-codes iso_3166-2.json name"})
    return lines, rows


def write_iso_codes_set(directory: Path = ISO_DIR) -> None:
    """Regenerate ``tests/data/sets/iso-codes/{lexicon,queries}.tsv`` from the installed iso-codes package."""
    lines, rows = derive_iso_codes_set()
    write_atomic(directory / "lexicon.tsv", format_lines(lines))
    header = ("query", "expected", "note", "source")
    body = "".join("\t".join(row[column] for column in header) + "\n" for row in rows)
    write_atomic(directory / "queries.tsv", "\t".join(header) + "\n" + body)


# ---------------------------------------------------------------------------
# Report


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def run(sets: Sequence[LabelledSet], cache_dir: Path, show_wrong: int = 10, out=sys.stdout) -> dict[str, dict[str, Tally]]:
    """Run every system on every set; print one markdown table per set; return the tallies by set and system."""
    results: dict[str, dict[str, Tally]] = {}
    totals: dict[str, Tally] = {}
    group_totals: dict[str, dict[str, Tally]] = {"independent": {}, "self-referential": {}}
    groups: dict[str, str] = {}
    settings: dict[str, str] = {}
    for labelled in sets:
        overlap = 0 if labelled.generated else labelled.lexicon_line_queries()
        group = "independent" if not labelled.generated and not overlap else "self-referential"
        groups[labelled.name] = group
        queries = [query for query, _ in labelled.rows]
        results[labelled.name] = {}
        for system in systems_for(labelled.lexicon_paths, cache_dir):
            settings[system.name] = system.settings
            started = time.perf_counter()
            answers = system.resolve_many(queries)
            outcome = tally(labelled.rows, answers)
            outcome.seconds = time.perf_counter() - started
            results[labelled.name][system.name] = outcome
            if "known-failures" not in labelled.name:  # their rows repeat rows of other sets
                totals.setdefault(system.name, Tally()).add(outcome)
                group_totals[group].setdefault(system.name, Tally()).add(outcome)
        why = ("made by our own romanise" if labelled.generated else
               f"{overlap} of {len(labelled.rows)} queries are name lines of its own lexicon" if overlap else
               "no query produced by romanise or written in its lexicon")
        print(f"\n### {labelled.name} ({group}: {why})\n\n{labelled.provenance}\n", file=out)
        _table(results[labelled.name], out)
        wrong = results[labelled.name]["translitnorm"].wrong_examples
        if wrong and show_wrong:
            print(f"\ntranslitnorm wrong IDs ({len(wrong)}):", file=out)
            for example in wrong[:show_wrong]:
                print(f"- {example}", file=out)
    for group, heading in (("independent", "independent sets together (the headline)"),
                           ("self-referential", "self-referential sets together (regression guards, not quality claims)")):
        if group_totals[group]:
            print(f"\n### {heading}\n", file=out)
            _table(group_totals[group], out)
    print("\n### all sets together (known failures left out: they repeat rows of other sets)\n", file=out)
    _table(totals, out)
    for group in ("independent", "self-referential"):
        chosen = {name: tallies for name, tallies in results.items() if groups[name] == group}
        if chosen:
            print(f"\n### summary, {group} sets: precision / recall (wrong IDs)\n", file=out)
            _summary(chosen, group_totals[group], out)
    print("\nSettings:", file=out)
    for name, text in settings.items():
        print(f"- {name}: {text}", file=out)
    return results


def _summary(results: dict[str, dict[str, Tally]], totals: dict[str, Tally], out) -> None:
    systems = list(totals)
    print("| set | n | " + " | ".join(systems) + " |", file=out)
    print("|---|---:|" + "---|" * len(systems), file=out)
    for name, tallies in [*results.items(), ("all sets", totals)]:
        cells = [f"{_percent(t.precision)} / {_percent(t.recall)} ({t.wrong})" for t in (tallies[s] for s in systems)]
        print(f"| {name} | {tallies[systems[0]].n} | " + " | ".join(cells) + " |", file=out)


def _table(tallies: dict[str, Tally], out) -> None:
    print("| system | n | correct ID | wrong ID | no answer | precision | recall | wrong ID rate | out-of-lexicon false answers | time |", file=out)
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|", file=out)
    for name, t in tallies.items():
        false = f"{t.false_answers}/{t.negatives} ({_percent(t.false_answer_rate)})" if t.negatives else "—"
        print(f"| {name} | {t.n} | {t.correct} | {t.wrong} | {t.no_answer} | {_percent(t.precision)} | "
              f"{_percent(t.recall)} | {_percent(t.wrong_id_rate)} | {false} | {t.seconds:.1f} s |", file=out)


def main(argv: Sequence[str] | None = None, out=sys.stdout) -> dict[str, dict[str, Tally]]:
    """Command line: ``python benchmarks/quality.py [--sets a,b] [--synthetic-size N] [--show-wrong N]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(available_sets()), help=f"comma-separated (default: all of {','.join(available_sets())})")
    parser.add_argument("--synthetic-size", type=int, default=10_000, help="entities in the synthetic lexicon (default 10000)")
    parser.add_argument("--synthetic-queries", type=int, default=1_000, help="queries on it (default 1000)")
    parser.add_argument("--show-wrong", type=int, default=10, help="list up to N wrong IDs of translitnorm per set")
    parser.add_argument("--write-iso-codes", action="store_true",
                        help="regenerate tests/data/sets/iso-codes/ from the installed iso-codes package and exit")
    args = parser.parse_args(argv)
    if args.write_iso_codes:
        write_iso_codes_set()
        print(f"wrote {ISO_DIR / 'lexicon.tsv'} and {ISO_DIR / 'queries.tsv'}", file=out)
        return {}
    with tempfile.TemporaryDirectory(prefix="translitnorm-quality-") as tmp:
        work = Path(tmp)
        sets = load_sets([name.strip() for name in args.sets.split(",") if name.strip()], work,
                         args.synthetic_size, args.synthetic_queries)
        return run(sets, work / "cache", args.show_wrong, out)


if __name__ == "__main__":
    main()
