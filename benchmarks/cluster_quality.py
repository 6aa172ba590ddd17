"""Quality and speed of lexicon-free clustering and of back-transliteration, against baselines, in one run.

    .venv/bin/python benchmarks/cluster_quality.py                       # quality, ~2 minutes
    .venv/bin/python benchmarks/cluster_quality.py --scale 10000,100000  # + speed and memory at these sizes
    .venv/bin/python benchmarks/cluster_quality.py --skip-quality --scale 1000000

**Clustering** (B-cubed precision and recall, averaged over spellings) on
``tests/data/cluster/variant-groups.tsv``: real Latin spellings of Cyrillic names from the press
of a dozen languages and from gazetteers, grouped by the entity they name (see the file's
header; written by hand, not produced by ``romanise``). Two files are clustered, as a user
would: ``words`` (one-word names) and ``people`` (full names, initials, bare surnames). The
entities are split by a stable hash into a dev part (what the rules and constants were chosen
on) and a hold-out part; both are reported. Baselines, in the same run:

- OpenRefine's key-collision keyers: ``fingerprint`` (lower case, ASCII-folded, punctuation
  removed, unique sorted tokens), ``ngram-fingerprint`` (unique sorted character bigrams of the
  same) and ``metaphone`` (jellyfish Metaphone of the fingerprint);
- ``levenshtein≤r``: union of each spelling with every spelling within r edits (ASCII-folded,
  lower case), r = 1, 2, 3 — the nearest-neighbour method of OpenRefine;
- ``latin-keys``: translitnorm's clusterer before back-transliteration (Latin matching keys and
  their fuzzy neighbours only).

The same systems on ``tests/data/cluster/city-spellings.tsv`` (``--cities dev,holdout``): GeoNames'
Latin spellings of the region's cities in many languages, grouped by place, split dev/hold-out by
place (``benchmarks/make_city_spellings.py``), with a run of translitnorm whose letter model is
counted without the places' Russian names (``no leak``).

Each table gives B-cubed P, R and F per system, and the best baseline's recall among baselines at
precision ≥ 0.98 (those below it are listed, not counted). The target: precision ≥ 0.98 with
recall at least twice that.

**Back-transliteration**: (1) held-out names — the ``benchmarks/data`` name-list words that
``is_held_out`` keeps out of the letter model (and that no lexicon holds), each romanised under
``--schemes-per-name`` schemes of its language chosen by a stable hash — the share whose true
Cyrillic form is in the top 3; (2) press spellings — every spelling of ``variant-groups.tsv``
with as many words as its Cyrillic name and no initials — the share in the top 10.

**Scale** (``--scale``): distinct synthetic names (``benchmarks/synthetic.py`` people under one
random scheme each, some misspelt), clustered in a child process each; wall time, CPU time and
peak memory (max RSS of the child), and the Latin-key clusterer on the same names as baseline.
Progress (names generated, clustering started) goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import hashlib
import random
import re
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT / "src", ROOT / "benchmarks"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import jellyfish  # noqa: E402
from rapidfuzz import process  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402
from unidecode import unidecode  # noqa: E402

from translitnorm import cluster as clustering  # noqa: E402
from translitnorm.cluster_fuzzy import fuzzy_pairs  # noqa: E402
from translitnorm.backtranslit import cyrillic_sources, is_held_out, likely_cyrillic  # noqa: E402
from translitnorm.romanise import romanise, schemes  # noqa: E402

GROUPS = ROOT / "tests" / "data" / "cluster" / "variant-groups.tsv"
CITIES = ROOT / "tests" / "data" / "cluster" / "city-spellings.tsv"
TRAINING_WORDS = ROOT / "src" / "translitnorm" / "data" / "cyrillic_name_words.txt"
NAME_LISTS = ROOT / "benchmarks" / "data"
TARGET_PRECISION = 0.98


# -- data -----------------------------------------------------------------------------------------

def variant_rows() -> list[dict[str, str]]:
    """The rows of variant-groups.tsv (comment lines skipped)."""
    with GROUPS.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def is_dev(row: dict[str, str]) -> bool:
    """Two thirds of the entities are dev, one third hold-out (stable hash). People are split by
    surname, so that the people who share one stay together (a bare surname's answer depends on them)."""
    family = row["cyrillic"].split()[-1].lower() if row["set"] == "people" else row["entity"]
    return hashlib.blake2b(family.encode("utf-8"), digest_size=2).digest()[0] % 3 != 0


def labelled_sets(part: str = "all") -> dict[str, dict[str, str]]:
    """set name → spelling → entity, for ``part`` in all, dev, holdout."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for row in variant_rows():
        if part != "all" and is_dev(row) != (part == "dev"):
            continue
        found[row["set"]].setdefault(row["spelling"], row["entity"])
    return dict(found)


def city_rows() -> list[dict[str, str]]:
    """The rows of city-spellings.tsv (benchmarks/make_city_spellings.py; comment lines skipped)."""
    with CITIES.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def city_sets(part: str = "all") -> dict[str, dict[str, str]]:
    """{"cities": spelling → GeoNames ID} for ``part`` in all, dev, holdout (the file's split, by place)."""
    return {"cities": {row["spelling"]: row["geonameid"] for row in city_rows() if part in ("all", row["part"])}}


# -- B-cubed ----------------------------------------------------------------------------------------

def bcubed(clusters: list[list[str]], truth: dict[str, str]) -> tuple[float, float]:
    """B-cubed precision and recall of ``clusters`` against ``truth`` (spelling → entity)."""
    class_size: dict[str, int] = defaultdict(int)
    for entity in truth.values():
        class_size[entity] += 1
    precision = recall = 0.0
    for cluster in clusters:
        by_entity: dict[str, int] = defaultdict(int)
        for item in cluster:
            by_entity[truth[item]] += 1
        for item in cluster:
            same = by_entity[truth[item]]
            precision += same / len(cluster)
            recall += same / class_size[truth[item]]
    return precision / len(truth), recall / len(truth)


# -- systems ----------------------------------------------------------------------------------------

def _folded(name: str) -> str:
    return unidecode(name).lower()


def fingerprint(name: str) -> str:
    """OpenRefine's fingerprint keyer."""
    tokens = re.sub(r"[^\w\s]", "", _folded(name).replace("-", " ")).split()
    return " ".join(sorted(set(tokens)))


def ngram_fingerprint(name: str, n: int = 2) -> str:
    """OpenRefine's n-gram fingerprint keyer (n = 2)."""
    text = re.sub(r"[\W_]", "", _folded(name))
    return "".join(sorted({text[i:i + n] for i in range(max(len(text) - n + 1, 1))}))


def metaphone_key(name: str) -> str:
    """OpenRefine's phonetic keyer, with jellyfish's Metaphone."""
    return jellyfish.metaphone(fingerprint(name))


def key_collision(names: list[str], keyer) -> list[list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for name in names:
        groups[keyer(name)].append(name)
    return list(groups.values())


def levenshtein_union(names: list[str], radius: int) -> list[list[str]]:
    """Union of every pair within ``radius`` edits (pairwise: a baseline on small data only)."""
    folded = [_folded(name) for name in names]
    parent = list(range(len(names)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, distance in _close_pairs(tuple(folded)):
        if distance > radius:
            continue
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[str]] = defaultdict(list)
    for i, name in enumerate(names):
        groups[root(i)].append(name)
    return list(groups.values())


@functools.lru_cache(maxsize=4)
def _close_pairs(folded: tuple[str, ...], radius: int = 3, rows: int = 500) -> list[tuple[int, int, int]]:
    """(i, j, distance) of the pairs within ``radius`` edits, i < j: computed once for every radius,
    ``rows`` at a time so that ten thousand spellings need no 400 MB matrix."""
    found = []
    for start in range(0, len(folded), rows):
        matrix = process.cdist(folded[start:start + rows], folded, scorer=Levenshtein.distance,
                               score_cutoff=radius, dtype="int32")
        for i, j in zip(*(matrix <= radius).nonzero()):
            if start + int(i) < int(j):
                found.append((start + int(i), int(j), int(matrix[i, j])))
    return found


def latin_keys_only(names: list[str]) -> list[list[str]]:
    """translitnorm's clusterer on Latin keys alone (exact and fuzzy), as it was before back-transliteration."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for name in names:
        by_key[clustering.name_key(name)].append(name)
    union = clustering._Union(sorted(by_key))
    for first, second in fuzzy_pairs(sorted(by_key)):
        union.join(first, second)
    groups: dict[str, list[str]] = defaultdict(list)
    for key, members in by_key.items():
        groups[union.root(key)].extend(members)
    return list(groups.values())


def translitnorm_clusters(names: list[str]) -> list[list[str]]:
    return [[name for name, _ in c.members] for c in clustering.cluster_names({name: 1 for name in names})]


def training_words() -> set[str]:
    """The words the back-transliteration's letter model is counted from."""
    return {line.strip() for line in TRAINING_WORDS.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def city_words() -> set[str]:
    """The lower-case words of the Russian names of the places of city-spellings.tsv."""
    return {word.lower() for row in city_rows() for word in re.findall(r"[\u0400-\u052f]+", row["cyrillic"])}


@contextlib.contextmanager
def letter_model_without(words: set[str]):
    """Back-transliteration with a letter model counted without ``words`` (the leakage removed),
    the clusterer's caches emptied before and after."""
    from translitnorm import backtranslit

    original = backtranslit._letter_model
    reduced = backtranslit._LetterModel(sorted(training_words() - words))

    def clear() -> None:
        for cached in (clustering._part_readings, clustering._name_likeness, clustering._kin_forms, backtranslit._word_sources):
            cached.cache_clear()

    clear()
    backtranslit._letter_model = lambda: reduced
    try:
        yield
    finally:
        backtranslit._letter_model = original
        clear()


def translitnorm_without_leak(names: list[str]) -> list[list[str]]:
    """translitnorm with a letter model that never saw the Cyrillic names of the benchmark's places."""
    with letter_model_without(city_words()):
        return translitnorm_clusters(names)


SYSTEMS = {
    "translitnorm": translitnorm_clusters,
    "latin-keys": latin_keys_only,
    "fingerprint": lambda names: key_collision(names, fingerprint),
    "ngram-fingerprint": lambda names: key_collision(names, ngram_fingerprint),
    "metaphone": lambda names: key_collision(names, metaphone_key),
    "levenshtein≤1": lambda names: levenshtein_union(names, 1),
    "levenshtein≤2": lambda names: levenshtein_union(names, 2),
    "levenshtein≤3": lambda names: levenshtein_union(names, 3),
}


def f_measure(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


BASELINES = ("fingerprint", "ngram-fingerprint", "metaphone", "levenshtein≤1", "levenshtein≤2", "levenshtein≤3")


def best_baseline_line(results: dict[str, tuple[float, float]]) -> str:
    """The best baseline's recall among those at precision ≥ TARGET_PRECISION, and ours against it."""
    ours = results["translitnorm"]
    precise = {s: results[s] for s in BASELINES if s in results and results[s][0] >= TARGET_PRECISION}
    if not precise:
        return f"no baseline reaches precision {TARGET_PRECISION}; translitnorm P {ours[0]:.3f}, R {ours[1]:.3f}"
    best = max(precise, key=lambda s: precise[s][1])
    below = [f"{s} (P {results[s][0]:.3f}, R {results[s][1]:.3f})" for s in BASELINES
             if s in results and results[s][0] < TARGET_PRECISION]
    return (f"best baseline at precision ≥ {TARGET_PRECISION}: {best} (R {precise[best][1]:.3f}); "
            f"translitnorm P {ours[0]:.3f}, R {ours[1]:.3f} = {ours[1] / precise[best][1]:.2f}× that recall"
            + (f"; below that precision, not counted: {', '.join(below)}" if below else ""))


def clustering_table(part: str, sets: dict[str, dict[str, str]] | None = None,
                     systems: dict | None = None) -> dict[str, tuple[float, float]]:
    """Print B-cubed P/R/F per system for each set of ``part`` (the variant groups unless ``sets``
    is given), each set's best baseline at precision ≥ 0.98, and the same over all the sets
    together (weighted by spellings); return system → (P, R) over all the sets."""
    sets = labelled_sets(part) if sets is None else sets
    systems = SYSTEMS if systems is None else systems
    weighted: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    n = sum(len(truth) for truth in sets.values())
    for set_name, truth in sets.items():
        print(f"\n### Clustering, {set_name}, {part} ({len(truth):,} spellings of {len(set(truth.values())):,} entities)\n")
        print("| system | P | R | F |")
        print("|---|---|---|---|")
        results = {}
        for system, run in systems.items():
            precision, recall = results[system] = bcubed(run(list(truth)), truth)
            weighted[system][0] += precision * len(truth) / n
            weighted[system][1] += recall * len(truth) / n
            print(f"| {system} | {precision:.3f} | {recall:.3f} | {f_measure(precision, recall):.3f} |", flush=True)
        print("\n" + best_baseline_line(results))
    totals = {system: (pr[0], pr[1]) for system, pr in weighted.items()}
    if len(sets) > 1:
        print(f"\n{' + '.join(sets)}, {part}: " + best_baseline_line(totals))
    return totals


def cities_table(part: str) -> dict[str, tuple[float, float]]:
    """B-cubed on the GeoNames spellings of the region's cities (one file), with the leakage-free run."""
    systems = {"translitnorm": translitnorm_clusters, "translitnorm, no leak": translitnorm_without_leak}
    systems |= {name: run for name, run in SYSTEMS.items() if name != "translitnorm"}
    return clustering_table(part, city_sets(part), systems)


def show_errors(part: str, limit: int) -> None:  # noqa: C901 (a report)
    """The clusters that mix entities, and the entities split over clusters."""
    for name, truth in labelled_sets(part).items():
        clusters = translitnorm_clusters(list(truth))
        mixed = [c for c in clusters if len({truth[m] for m in c}) > 1]
        print(f"\n{name}: {len(mixed)} mixed clusters")
        for cluster in mixed[:limit]:
            print("   ", "; ".join(f"{m} ({truth[m]})" for m in cluster))
        of: dict[str, list[int]] = defaultdict(list)
        for index, cluster in enumerate(clusters):
            for member in cluster:
                of[truth[member]].append(index)
        split = sorted(entity for entity, where in of.items() if len(set(where)) > 1)
        print(f"{name}: {len(split)} entities split")
        for entity in split[:limit]:
            parts = defaultdict(list)
            for member, label in truth.items():
                if label == entity:
                    parts[next(i for i, c in enumerate(clusters) if member in c)].append(member)
            print("   ", entity, " | ".join(", ".join(p) for p in parts.values()))


def misses_by_cause(part: str) -> dict[str, list[str]]:
    """The spellings kept out of their entity's largest cluster (what B-cubed recall loses),
    grouped by why: a short form left alone, a spelling read right while the rest of its entity
    was misread, or a misreading with the true Cyrillic form among the top 10 readings or not."""
    rows = {(row["set"], row["spelling"]): row for row in variant_rows()}
    causes: dict[str, list[str]] = defaultdict(list)
    for set_name, truth in labelled_sets(part).items():
        clusters = translitnorm_clusters(list(truth))
        where = {member: index for index, cluster in enumerate(clusters) for member in cluster}
        members: dict[str, list[str]] = defaultdict(list)
        for spelling, entity in truth.items():
            members[entity].append(spelling)
        for entity, spellings in sorted(members.items()):
            sizes = defaultdict(int)
            for spelling in spellings:
                sizes[where[spelling]] += 1
            main = min(sizes, key=lambda index: (-sizes[index], index))
            for spelling in sorted(spellings):
                if where[spelling] == main:
                    continue
                row = rows[(set_name, spelling)]
                reading = clustering.read_name(spelling)
                true_parts = row["cyrillic"].split()
                true_key = " ".join(sorted(clustering.cyrillic_key(word) for word in true_parts))
                found = [s.cyrillic.lower() for s in cyrillic_sources(spelling, row["lang"], top=10)]
                line = f"{spelling} ({row['source']}) read {reading.key}, is {row['cyrillic']} [{entity}]"
                if reading.initials or len(reading.parts) < len(true_parts):
                    causes["short form left alone (initials or a bare surname)"].append(line)
                elif reading.key == true_key:
                    causes["read right; the entity's other spellings were misread"].append(line)
                elif row["cyrillic"].lower() in found:
                    rank = found.index(row["cyrillic"].lower()) + 1
                    causes["misread; the true form is among the top 10 readings"].append(f"{line}, rank {rank}")
                else:
                    causes["misread; the true form is not among the top 10 (exonym, host-language form, lost diacritics)"].append(line)
    return dict(causes)


# Endings that host languages add to a name (Lithuanian Omskas, Latvian Omska, Esperanto Omsko,
# Latin Silistrae), as Cyrillic keys.
_HOST_ENDINGS = ("ас", "ис", "ус", "а", "о", "е", "и", "у", "ум", "ае", "ен")
_ADJECTIVE_ENDINGS = re.compile(r"(ск|скии|ская|ское|нии|ная|ное|ии|ая|ое|ов|ев|ин)$")
_CONSONANTS = re.compile(r"[аеиоуюяёэыйь]")


def city_miss_cause(spelling: str, cyrillic: str) -> str:
    """Why a spelling of a place read as it is stays out of its place's largest cluster."""
    reading = clustering.read_name(spelling)
    true = " ".join(sorted(clustering.cyrillic_key(word) for word in re.split(r"[\s]+", cyrillic)))
    true_flat, read_flat = true.replace(" ", ""), reading.key.replace(" ", "")
    if reading.key == true or read_flat == true_flat:
        return "read right; the place's other spellings were read otherwise"
    similarity = 1 - Levenshtein.normalized_distance(read_flat, true_flat)
    if similarity < 0.5:
        return "another name (former name, translation, local-language name): cannot be bridged"
    if len(reading.parts) + len(reading.initials) != len(cyrillic.split()):
        return "words added, dropped, split or joined (Opština Lazarevac, Gornyy Altaysk)"
    for ending in _HOST_ENDINGS:
        if read_flat.endswith(ending) and Levenshtein.distance(read_flat[:-len(ending)], true_flat) <= 1:
            return "host-language ending (Lithuanian -as, Latvian -a, Esperanto -o, Latin -ae)"
    stem = _ADJECTIVE_ENDINGS.sub("", true_flat)
    if stem != true_flat and read_flat.startswith(stem[:-1]) and _ADJECTIVE_ENDINGS.search(read_flat):
        return "another ending of an adjectival or possessive name (-sk/-skiy/-skoye, -noe/-naya)"
    if read_flat[:1] != true_flat[:1]:
        return "different first letter"
    if clustering._sibilants(read_flat) != clustering._sibilants(true_flat):
        return "ж ш щ ч read otherwise"
    if _CONSONANTS.sub("", read_flat) == _CONSONANTS.sub("", true_flat):
        return "vowels spelled otherwise (Ukrainian і for о, ia/ja/ya for я)"
    return "other letters"


def city_misses_by_cause(part: str) -> dict[str, list[str]]:
    """The spellings of city-spellings.tsv kept out of their place's largest cluster, by cause."""
    rows = {row["spelling"]: row for row in city_rows() if part in ("all", row["part"])}
    truth = {spelling: row["geonameid"] for spelling, row in rows.items()}
    clusters = translitnorm_clusters(list(truth))
    where = {member: index for index, cluster in enumerate(clusters) for member in cluster}
    members: dict[str, list[str]] = defaultdict(list)
    for spelling, place in truth.items():
        members[place].append(spelling)
    causes: dict[str, list[str]] = defaultdict(list)
    for place, spellings in sorted(members.items()):
        sizes: dict[int, int] = defaultdict(int)
        for spelling in spellings:
            sizes[where[spelling]] += 1
        main = min(sizes, key=lambda index: (-sizes[index], index))
        for spelling in sorted(spellings):
            if where[spelling] != main:
                row = rows[spelling]
                line = f"{spelling} ({row['sources']}) read {clustering.read_name(spelling).key}, is {row['cyrillic']} [{place}]"
                causes[city_miss_cause(spelling, row["cyrillic"])].append(line)
    return dict(causes)


def show_city_misses(part: str, limit: int) -> None:
    causes = city_misses_by_cause(part)
    total = sum(len(lines) for lines in causes.values())
    print(f"\n### Recall lost, cities, {part}: {total} spellings outside their place's largest cluster, by cause\n")
    for cause, lines in sorted(causes.items(), key=lambda item: -len(item[1])):
        print(f"{len(lines)}  {cause}")
        for line in lines[:limit]:
            print("      ", line)


def show_misses(part: str, limit: int) -> None:
    causes = misses_by_cause(part)
    print(f"\n### Recall lost, {part} entities: spellings outside their entity's largest cluster, by cause\n")
    for cause, lines in sorted(causes.items(), key=lambda item: -len(item[1])):
        print(f"{len(lines)}  {cause}")
        for line in lines[:limit]:
            print("      ", line)


# -- IDs across files -------------------------------------------------------------------------------

def id_rows(n_people: int = 1500, n_rows: int = 30000, seed: int = 3) -> list[str]:
    """Rows of a file with many variants: the labelled spellings (each entity one "person") and
    synthetic people written under 1-6 schemes each; people repeated with Zipf-like frequencies
    (a few common, most rare), a person's spellings equally often, in random order."""
    import synthetic

    rng = random.Random(seed)
    by_entity: dict[str, set[str]] = defaultdict(set)
    for row in variant_rows():
        by_entity[row["entity"]].add(row["spelling"])
    people = [sorted(spellings) for _, spellings in sorted(by_entity.items())]
    for _ in range(n_people):
        person = synthetic.random_person(rng)
        ids = [scheme.id for scheme in schemes(lang=person.lang)]
        chosen = rng.sample(ids, rng.randint(1, min(6, len(ids))))
        people.append(sorted({f"{romanise(person.given, s)} {romanise(person.surname, s)}" for s in chosen}))
    rng.shuffle(people)
    weights = [1.0 / (rank + 1) for rank in range(len(people))]
    return [rng.choice(spellings) for spellings in rng.choices(people, weights=weights, k=n_rows)]


def id_stability(rows: list[str], cluster_ids) -> tuple[float, float]:
    """Clean the rows whole and in two halves: (share of rows whose ID differs between the half and
    the whole, share of the names present in both halves whose two IDs differ)."""
    half = len(rows) // 2
    whole = cluster_ids(rows)
    first, second = cluster_ids(rows[:half]), cluster_ids(rows[half:])
    changed_rows = sum(first[name] != whole[name] for name in rows[:half])
    changed_rows += sum(second[name] != whole[name] for name in rows[half:])
    both = set(first) & set(second)
    return changed_rows / len(rows), sum(first[name] != second[name] for name in both) / max(len(both), 1)


def translitnorm_ids(rows: list[str]) -> dict[str, str]:
    counts: dict[str, int] = defaultdict(int)
    for name in rows:
        counts[name] += 1
    return {name: c.id for c in clustering.cluster_names(counts) for name, _ in c.members}


def smallest_member_ids(rows: list[str]) -> dict[str, str]:
    """The same clusters, with IDs as before: a hash of the cluster's smallest member key."""
    counts: dict[str, int] = defaultdict(int)
    for name in rows:
        counts[name] += 1
    found = {}
    for cluster in clustering.cluster_names(counts):
        key = clustering.cluster_id(min(clustering.read_name(name).key for name, _ in cluster.members))
        found.update({name: key for name, _ in cluster.members})
    return found


def id_table() -> None:
    rows = id_rows()
    print(f"\n### IDs across files ({len(rows):,} rows of {len(set(rows)):,} names, cleaned whole and in two halves)\n")
    print("| IDs from | rows whose half ID differs from the whole file's | names in both halves with two IDs |")
    print("|---|---|---|")
    for label, ids in (("anchor key (translitnorm)", translitnorm_ids), ("smallest member key (as before)", smallest_member_ids)):
        changed, split = id_stability(rows, ids)
        print(f"| {label} | {changed:.3f} | {split:.3f} |")


# -- back-transliteration ----------------------------------------------------------------------------

def held_out_names() -> list[tuple[str, str]]:
    """(Cyrillic name, lang) of the name lists kept out of the letter model and not in it."""
    trained = {line.strip() for line in TRAINING_WORDS.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    found = []
    for path in sorted(NAME_LISTS.glob("*.txt")):
        lang = path.name.split("-")[0]
        for line in path.read_text(encoding="utf-8").splitlines():
            name = line.strip()
            if name and is_held_out(name) and name.lower() not in trained:
                found.append((name, lang))
    return found


def backtranslit_held_out(per_name: int) -> float:
    cases = []
    for name, lang in held_out_names():
        ids = [scheme.id for scheme in schemes(lang=lang)]
        start = int(hashlib.blake2b(name.encode("utf-8"), digest_size=4).hexdigest(), 16)
        for k in range(min(per_name, len(ids))):
            scheme_id = ids[(start + k * 7) % len(ids)]
            cases.append((name, lang, scheme_id, romanise(name, scheme_id)))
    started = time.perf_counter()
    top1 = top3 = 0
    by_scheme: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for name, lang, scheme_id, latin in cases:
        found = [s.cyrillic.lower() for s in cyrillic_sources(latin, lang, top=3)]
        top1 += found[:1] == [name.lower()]
        top3 += name.lower() in found
        by_scheme[scheme_id][0] += name.lower() in found
        by_scheme[scheme_id][1] += 1
    seconds = time.perf_counter() - started
    print(f"\n### Back-transliteration of held-out names ({len(cases)} single-scheme romanisations of "
          f"{len(held_out_names())} names, {per_name} schemes each)\n")
    print(f"top-1 {top1 / len(cases):.3f}, top-3 {top3 / len(cases):.3f}   ({seconds / len(cases) * 1000:.1f} ms a name)")
    worst = sorted(by_scheme.items(), key=lambda item: item[1][0] / item[1][1])[:6]
    print("weakest schemes (top-3):", ", ".join(f"{s} {ok}/{n}" for s, (ok, n) in worst))
    return top3 / len(cases)


def press_cases() -> list[tuple[str, str, str, str]]:
    """(spelling, Cyrillic, lang, source) of the labelled variants whose words match one for one."""
    seen = set()
    cases = []
    for row in variant_rows():
        spelling, cyrillic = row["spelling"], row["cyrillic"]
        if (spelling, cyrillic) in seen or "." in spelling or "," in spelling:
            continue
        if len(spelling.split()) != len(cyrillic.split()):
            continue
        seen.add((spelling, cyrillic))
        cases.append((spelling, cyrillic, row["lang"], row["source"]))
    return cases


def likely_press_top1() -> float:
    """The share of press and gazetteer spellings whose review suggestion (``likely_cyrillic``) is their Cyrillic."""
    cases = press_cases()
    return sum(likely_cyrillic(spelling, lang).lower() == cyrillic.lower() for spelling, cyrillic, lang, _ in cases) / len(cases)


def backtranslit_press(show: int) -> float:
    cases = press_cases()
    top1 = top10 = 0
    missed = []
    for spelling, cyrillic, lang, source in cases:
        found = [s.cyrillic.lower() for s in cyrillic_sources(spelling, lang, top=10)]
        top1 += found[:1] == [cyrillic.lower()]
        if cyrillic.lower() in found:
            top10 += 1
        else:
            missed.append(f"{spelling} ({source}) → {found[0]}, not {cyrillic}")
    print(f"\n### Back-transliteration of real press and gazetteer spellings ({len(cases)})\n")
    print(f"top-1 {top1 / len(cases):.3f}, top-10 {top10 / len(cases):.3f}; "
          f"the review file's suggestion (the narrower beam) right for {likely_press_top1():.3f}")
    for line in missed[:show]:
        print("   missed:", line)
    return top10 / len(cases)


# -- scale --------------------------------------------------------------------------------------------

def scale_names(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct synthetic names: people under one random scheme each, one in five misspelt."""
    import synthetic

    rng = random.Random(seed)
    found: set[str] = set()
    while len(found) < n:
        person = synthetic.random_person(rng)
        ids = [scheme.id for scheme in schemes(lang=person.lang)]
        scheme_id = rng.choice(ids)
        parts = [romanise(part, scheme_id) for part in (person.given, person.surname)]
        if rng.random() < 0.2:
            parts[-1] = synthetic.misspell(parts[-1], rng)
        if rng.random() < 0.1:
            parts[0] = parts[0][0] + "."
        found.add(" ".join(parts))
        if len(found) % 100_000 == 0 and n >= 100_000:
            print(f"{time.strftime('%H:%M:%S')} generated {len(found):,} of {n:,} names", file=sys.stderr, flush=True)
    return sorted(found)


def _scale_child(n: int, system: str) -> None:
    names = scale_names(n)
    print(f"{time.strftime('%H:%M:%S')} clustering {n:,} names with {system}", file=sys.stderr, flush=True)
    cpu, wall = time.process_time(), time.perf_counter()
    if system == "translitnorm":
        clusters = len(clustering.cluster_names({name: 1 for name in names}))
    else:
        clusters = len(latin_keys_only(names))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{n}\t{system}\t{clusters}\t{wall:.1f}\t{cpu:.1f}\t{peak_mb:.0f}")


def scale(sizes: list[int]) -> None:
    print("\n### Scale (one core each; child process per run; the machine was shared)\n")
    print("| distinct names | system | clusters | wall s | CPU s | names/s (CPU) | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        for system in ("translitnorm", "latin-keys"):
            # the child's progress (stderr) passes through; its result is the last line of stdout
            out = subprocess.run([sys.executable, __file__, "--scale-child", str(n), system],
                                 stdout=subprocess.PIPE, text=True, check=True).stdout.strip().splitlines()[-1]
            size, name, clusters, wall, cpu, peak = out.split("\t")
            print(f"| {int(size):,} | {name} | {int(clusters):,} | {wall} | {cpu} | {int(size) / max(float(cpu), 0.001):,.0f} | {peak} |",
                  flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="", help="comma-separated numbers of distinct names, e.g. 10000,100000")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--cities", default="dev,holdout",
                        help="parts of city-spellings.tsv to measure (dev, holdout, all; comma-separated; '' for none)")
    parser.add_argument("--schemes-per-name", type=int, default=3)
    parser.add_argument("--show-errors", type=int, default=0,
                        help="print mixed and split clusters (dev part) and the recall lost by cause (all)")
    parser.add_argument("--scale-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale_child:
        _scale_child(int(args.scale_child[0]), args.scale_child[1])
        return
    if not args.skip_quality:
        for part in ("dev", "holdout", "all"):
            clustering_table(part)
        if args.cities:
            leaked = city_words() & training_words()
            print(f"\nLeakage: {len(leaked)} of the {len(city_words())} words of the places' Russian names are "
                  "among the letter model's training words; 'translitnorm, no leak' counts the model without them.")
            for part in args.cities.split(","):
                cities_table(part)
        id_table()
        if args.show_errors:
            show_errors("dev", args.show_errors)
            show_misses("all", args.show_errors)
            show_city_misses("dev", args.show_errors)
        backtranslit_held_out(args.schemes_per_name)
        backtranslit_press(args.show_errors or 10)
    if args.scale:
        scale([int(size) for size in args.scale.split(",")])


if __name__ == "__main__":
    main()
