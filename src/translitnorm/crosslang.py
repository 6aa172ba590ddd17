"""The same name in the other Cyrillic languages: Харьков, Харків and Харкаў are one place.

Romanising both sides does not make such spellings meet, because the languages
write the same name with different letters (Ukrainian і for Russian о in a closed
syllable, Belarusian а for unstressed о, Serbian ј, Kazakh қ …).  These
correspondences are data, ``data/correspondences.toml``: each rule pairs a
Russian spelling with the other language's spelling, in a context, with a cost
(how irregular it is) and a description a person can read.  Russian is the pivot:

- ``variants(russian_name, "ru")`` gives the forms the name likely takes in the
  other languages (lexicon side: the index romanises them under those languages'
  schemes, so Latin "Kharkiv" or "Hrodna" meet a Russian-only lexicon);
- ``variants(name, "uk")`` (or be, kk, ky, sr, mk, bg) gives its likely Russian
  forms (query side: looked up against the lexicon's Cyrillic names).

Generation is bounded (``limit`` variants, best first by total rule cost) and
deterministic.  Rules that depend on stress (Belarusian akanye) are tried under
every possible stress position, because spelling does not show stress, except
where a letter does (Russian ё; Belarusian о and ё are written only under stress).

>>> [v.text for v in variants("Гродно", "ru") if v.lang == "be"][:1]
['Гродна']
>>> "Харьков" in [v.text for v in variants("Харків", "uk")]
True
>>> detect_lang("Магілёў")
'be'
"""

from __future__ import annotations

import heapq
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable

from translitnorm.errors import TranslitnormError
from translitnorm.script import with_case_of

__all__ = ["LANGS", "CorrespondenceError", "Variant", "detect_lang", "variants"]

PIVOT = "ru"
#: The languages that have correspondences with Russian, in the order variants are listed.
LANGS: tuple[str, ...] = ("uk", "be", "kk", "ky", "sr", "mk", "bg")

VOWELS = "аеёиоуыэюяіїєәөұүӯ"
_MACROS = {
    "{V}": f"[{VOWELS}]",
    "{C}": f"[^{VOWELS}ьъ'\\W\\d_]",  # a consonant letter (signs and apostrophes excluded)
}
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|'(?=[^\W\d_]))*")
_APOSTROPHES = re.compile("[\u2019\u02bc\u02b9`\u00b4]")
# Stress accents over vowels (Харько́в); over consonants the same marks make letters (ќ, ѓ).
_STRESS_MARKS = re.compile("(?<=[аеиоуыэюяіѣ])[\u0300\u0301]", re.IGNORECASE)
_STRESS_CONDITIONS = ("stressed", "unstressed", "pretonic", "atonic")
_WAYS = ("both", "from_ru", "to_ru")
_RULE_KEYS = frozenset({"lang", "ru", "other", "way", "required", "cost", "cost_to_ru", "after", "before", "word",
                        "stress", "description", "example", "example_way"})


class CorrespondenceError(TranslitnormError, ValueError):
    """A correspondence data file the engine cannot use (names the rule and what is wrong)."""


@dataclass(frozen=True)
class Variant:
    """One form a name takes in another Cyrillic language, and the rules that made it.

    >>> Variant("Харків", "uk", ("Ukrainian і for Russian о in a closed final syllable",)).lang
    'uk'
    """

    text: str
    lang: str
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Rule:
    source: str
    target: str
    cost: float
    required: bool
    description: str
    after: re.Pattern | None
    before: re.Pattern | None
    word: re.Pattern | None
    stress: str | None

    def applies(self, word: str, start: int, stress: int | None, vowels: list[int]) -> bool:
        end = start + len(self.source)
        if word[start:end] != self.source:
            return False
        if self.after is not None and not self.after.search(word, 0, start):
            return False
        if self.before is not None and not self.before.match(word, end):
            return False
        if self.word is not None and not self.word.search(word):
            return False
        if self.stress is not None:
            vowel = next((i for i in range(start, end) if word[i] in VOWELS), None)
            if vowel is None or stress is None:
                return False
            if self.stress == "stressed":
                return vowel == stress
            if vowel == stress:
                return False
            pretonic = vowels.index(stress) > 0 and vowels[vowels.index(stress) - 1] == vowel
            return {"unstressed": True, "pretonic": pretonic, "atonic": not pretonic}[self.stress]
        return True


@dataclass(frozen=True)
class _Direction:
    """The rules that rewrite one language's spelling into another's."""

    source_lang: str
    target_lang: str
    rules: dict[str, tuple[_Rule, ...]]  # first letter of the match -> rules
    stress_marks: str
    uses_stress: bool
    unstressed_endings: tuple[str, ...] = ()


def _context(pattern: str | None, where: str, anchor: str) -> re.Pattern | None:
    if not pattern:
        return None
    for macro, expansion in _MACROS.items():
        pattern = pattern.replace(macro, expansion)
    try:
        return re.compile(f"(?:{pattern})\\Z" if anchor == "after" else f"(?:{pattern})")
    except re.error as error:
        raise CorrespondenceError(f"{where}: '{anchor}' is not a valid pattern ({error})") from None


def _parse(data: dict, origin: str) -> dict[tuple[str, str], _Direction]:
    languages = data.get("languages", {})
    collected: dict[tuple[str, str], list[_Rule]] = {}
    for number, entry in enumerate(data.get("rule", []), start=1):
        where = f"{origin}: rule {number} ({entry.get('description', 'no description')!r})"
        missing = [key for key in ("lang", "ru", "other", "description") if key not in entry]
        if missing:
            raise CorrespondenceError(f"{where}: missing {', '.join(missing)}")
        unknown_keys = sorted(set(entry) - _RULE_KEYS)
        if unknown_keys:
            raise CorrespondenceError(f"{where}: unknown field {unknown_keys[0]!r}; fields are: {', '.join(sorted(_RULE_KEYS))}")
        langs = entry["lang"] if isinstance(entry["lang"], list) else [entry["lang"]]
        unknown = [lang for lang in langs if lang not in LANGS]
        if unknown:
            raise CorrespondenceError(f"{where}: unknown lang {unknown[0]!r}; languages are: {', '.join(LANGS)}")
        way = entry.get("way", "both")
        if way not in _WAYS:
            raise CorrespondenceError(f"{where}: way must be one of {', '.join(_WAYS)}, not {way!r}")
        required = entry.get("required", "none")
        if required not in _WAYS + ("none",):
            raise CorrespondenceError(f"{where}: required must be one of both, from_ru, to_ru, none, not {required!r}")
        stress = entry.get("stress")
        if stress is not None and stress not in _STRESS_CONDITIONS:
            raise CorrespondenceError(f"{where}: stress must be one of {', '.join(_STRESS_CONDITIONS)}, not {stress!r}")
        for lang in langs:
            for direction in ("from_ru", "to_ru"):
                if way not in ("both", direction):
                    continue
                source, target = (entry["ru"], entry["other"]) if direction == "from_ru" else (entry["other"], entry["ru"])
                if not source:
                    raise CorrespondenceError(f"{where}: the {direction.replace('_', ' ')} side matches nothing")
                cost = entry.get("cost_to_ru", entry.get("cost", 1)) if direction == "to_ru" else entry.get("cost", 1)
                rule = _Rule(
                    source=source, target=target, cost=float(cost),
                    required=required in ("both", direction), description=entry["description"],
                    after=_context(entry.get("after"), where, "after"),
                    before=_context(entry.get("before"), where, "before"),
                    word=_context(entry.get("word"), where, "word"),
                    stress=stress,
                )
                pair = (PIVOT, lang) if direction == "from_ru" else (lang, PIVOT)
                collected.setdefault(pair, []).append(rule)
    directions = {}
    for (source_lang, target_lang), rules in collected.items():
        by_letter: dict[str, list[_Rule]] = {}
        for rule in rules:
            by_letter.setdefault(rule.source[0], []).append(rule)
        language = languages.get(source_lang, {})
        directions[(source_lang, target_lang)] = _Direction(
            source_lang, target_lang, {k: tuple(v) for k, v in by_letter.items()}, language.get("stress_marks", ""),
            any(rule.stress for rule in rules), tuple(language.get("unstressed_endings", ())),
        )
    return directions


@lru_cache(maxsize=1)
def _directions() -> dict[tuple[str, str], _Direction]:
    resource = resources.files("translitnorm").joinpath("data").joinpath("correspondences.toml")
    try:
        data = tomllib.loads(resource.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise CorrespondenceError(f"correspondences.toml: {error}") from None
    return _parse(data, "correspondences.toml")


# -- generation ---------------------------------------------------------------------------

_Path = tuple[float, str, tuple[str, ...]]  # (cost, text, rule descriptions)


def _stress_hypotheses(word: str, direction: _Direction) -> list[tuple[float, int | None]]:
    """Where the stress may fall, each with a small cost that orders the guesses."""
    if not direction.uses_stress:
        return [(0.0, None)]
    vowels = [i for i, letter in enumerate(word) if letter in VOWELS]
    if not vowels:
        return [(0.0, None)]
    marked = [i for i in vowels if word[i] in direction.stress_marks]
    if marked:
        return [(0.0, marked[0])]
    ending = next((e for e in direction.unstressed_endings if word.endswith(e) and len(e) < len(word)), "")
    if ending:
        kept = [i for i in vowels if i < len(word) - len(ending)]
        vowels = kept or vowels
    # An о (or е) is the likeliest seat of stress in a name; then the last syllable.
    ordered = [i for i in vowels if word[i] in "ое"] + [i for i in reversed(vowels) if word[i] not in "ое"]
    return [(0.01 * rank, position) for rank, position in enumerate(ordered)]


@lru_cache(maxsize=65536)
def _word_paths(word: str, source_lang: str, target_lang: str, keep: int) -> tuple[_Path, ...]:
    """The ``keep`` cheapest rewritings of one lower-case word (the word itself included)."""
    direction = _directions()[(source_lang, target_lang)]
    rules_of = direction.rules
    if not any(letter in rules_of for letter in word):
        return ((0.0, word, ()),)  # nothing to rewrite: the word alone, under the first (free) stress hypothesis
    vowels = [i for i, letter in enumerate(word) if letter in VOWELS]
    # Rules that do not look at stress fit the same way under every stress hypothesis.
    fitting = [[rule for rule in rules_of[letter] if rule.stress is not None or rule.applies(word, position, None, vowels)]
               if letter in rules_of else () for position, letter in enumerate(word)]
    fixed = [((position + 1, word[position], 0.0, None),) if not rules  # the letter stays: the one way on
             else None if any(rule.stress for rule in rules) else _edges(word, position, rules, None, vowels)
             for position, rules in enumerate(fitting)]
    found: dict[str, _Path] = {}
    graphs_seen: set[tuple] = set()
    for hypothesis_cost, stress in _stress_hypotheses(word, direction):
        graph = tuple(edges if edges is not None else _edges(word, position, fitting[position], stress, vowels)
                      for position, edges in enumerate(fixed))
        if graph in graphs_seen:
            continue  # another stress position that changes nothing (and costs more)
        graphs_seen.add(graph)
        # A left-to-right graph over positions; the k cheapest paths by dynamic programming.
        best: list[list[_Path]] = [[] for _ in range(len(word) + 1)]
        best[0] = [(hypothesis_cost, "", ())]
        for position, edges in enumerate(graph):
            paths = best[position]
            # Only the cut to the ``keep`` cheapest needs them sorted: the paths that survive are the
            # same set either way, and the order they are extended in is sorted out at the end.
            if len(paths) > keep:
                paths = sorted(set(paths))[:keep]
            for end, piece, cost, description in edges:
                for path_cost, text, rules in paths:
                    named = rules if description is None or description in rules else rules + (description,)
                    best[end].append((path_cost + cost, text + piece, named))
        for path in best[len(word)]:
            if path[1] not in found or path < found[path[1]]:
                found[path[1]] = path
    return tuple(sorted(found.values())[:keep])


def _edges(word: str, position: int, rules: list[_Rule], stress: int | None,
           vowels: list[int]) -> tuple[tuple[int, str, float, str | None], ...]:
    """The ways to rewrite the letters from ``position``: (end, replacement, cost, rule description)."""
    edges = [rule for rule in rules if rule.stress is None or rule.applies(word, position, stress, vowels)]
    required = [len(rule.source) for rule in edges if rule.required]
    if required:
        # The letters cannot stay; the most specific required rules replace them (ий → і beats и → і),
        # and optional rules remain alternatives.
        longest = max(required)
        edges = [rule for rule in edges if not rule.required or len(rule.source) == longest]
        out = []
    else:
        out = [(position + 1, word[position], 0.0, None)]
    out += [(position + len(rule.source), rule.target, rule.cost, rule.description) for rule in edges]
    return tuple(out)


def _rewrite(text: str, direction: _Direction, keep: int) -> list[_Path]:
    """The ``keep`` cheapest rewritings of a whole text, word by word."""
    if _WORD.fullmatch(text):  # one word alone (most name parts): its own rewritings, in its case
        paths = _word_paths(text.lower(), direction.source_lang, direction.target_lang, keep)
        return sorted({(cost, with_case_of(text, rewritten), rules) for cost, rewritten, rules in paths})[:keep]
    return _rewrite_words(text, direction, keep)


def _rewrite_words(text: str, direction: _Direction, keep: int) -> list[_Path]:
    """:func:`_rewrite` of any text: the cheapest combinations of its words' rewritings."""
    pieces: list[list[_Path]] = []
    last = 0
    for match in _WORD.finditer(text):
        if match.start() > last:
            pieces.append([(0.0, text[last:match.start()], ())])
        original = match.group()
        paths = _word_paths(original.lower(), direction.source_lang, direction.target_lang, keep)
        pieces.append([(cost, with_case_of(original, rewritten), rules) for cost, rewritten, rules in paths])
        last = match.end()
    if last < len(text):
        pieces.append([(0.0, text[last:], ())])
    combined: list[_Path] = [(0.0, "", ())]
    for options in pieces:
        merged = [(cost + more, text_so_far + piece, rules + tuple(r for r in new if r not in rules))
                  for cost, text_so_far, rules in combined for more, piece, new in options]
        combined = heapq.nsmallest(keep, set(merged))
    return combined


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _STRESS_MARKS.sub("", unicodedata.normalize("NFD", text))
    return _APOSTROPHES.sub("'", unicodedata.normalize("NFC", text))


def _writable(text: str, lang: str) -> bool:
    """Whether ``lang`` can spell ``text``: every letter in its alphabet, none of its "never" patterns."""
    spelling = _spellings().get(lang)
    if spelling is None:
        return True
    alphabet, never = spelling
    lowered = text.lower()
    return alphabet.issuperset(filter(str.isalpha, lowered)) and not any(pattern.search(lowered) for pattern in never)


@lru_cache(maxsize=65536)
def _variants(text: str, lang: str, limit: int, langs: tuple[str, ...] | None,
              same_spelling: bool) -> tuple[Variant, ...]:
    text = _normalise(text)
    directions = _directions()
    targets = [target for target in LANGS if (PIVOT, target) in directions] if lang == PIVOT else [PIVOT]
    if langs is not None:
        targets = [target for target in targets if target in langs]
    ranked = []
    same = []
    words = len(_WORD.findall(text))
    for order, target in enumerate(targets):
        direction = directions.get((lang, target))
        if direction is None:
            continue
        unchanged = False
        for cost, rewritten, rules in _rewrite(text, direction, limit + 1):
            if rewritten == text:
                unchanged = True
            # A letter the target language does not write means no rule covered it: not a form of that language.
            # A word whose letters all went (a lone ь) is no form at all.
            elif _writable(rewritten, target) and len(_WORD.findall(rewritten)) == words:
                ranked.append((round(cost, 6), order, rewritten, Variant(rewritten, target, rules)))
        if same_spelling and unchanged and _writable(text, target):
            same.append(Variant(text, target))
    ranked.sort(key=lambda item: item[:3])
    # One text once: Serbian and Macedonian (say) often write a Russian name alike.
    seen: set[str] = set()
    chosen = []
    for *_, variant in ranked:
        if variant.text not in seen:
            seen.add(variant.text)
            chosen.append(variant)
    return tuple(chosen[:limit]) + tuple(same)


def variants(text: str, lang: str, limit: int = 8, *, langs: Iterable[str] | None = None,
             same_spelling: bool = False) -> list[Variant]:
    """Forms ``text`` (written in ``lang``) likely takes in the other Cyrillic languages, best first.

    For Russian text: its forms in Ukrainian, Belarusian, Serbian … (only those in
    ``langs`` when given); for text in another language: its likely Russian forms.
    Ordered by the total cost of the rules used (then by language, then text); a text
    that several languages write alike is given once, under the first language.
    At most ``limit`` variants; the text itself is not one, unless ``same_spelling``:
    then, after them, the text itself once for each language that writes the name
    unchanged (Гомель is Belarusian and Ukrainian too, romanised *Homiel*, *Homel*).
    Languages without correspondences (``de``, ``uz`` …) give no variants.

    >>> [(v.text, v.lang) for v in variants("Львов", "ru", langs=["uk", "be"])]
    [('Львоў', 'be'), ('Львів', 'uk')]
    >>> variants("Ялец", "be")[0].text
    'Елец'
    >>> [(v.text, v.lang) for v in variants("Гомель", "ru", langs=["uk", "be", "sr"], same_spelling=True)]
    [('Гомељ', 'sr'), ('Гамель', 'be'), ('Гоміль', 'uk'), ('Гомель', 'uk'), ('Гомель', 'be')]
    """
    base = (lang or "").split("-")[0].lower()
    if base != PIVOT and base not in LANGS:
        return []
    return list(_variants(text, base, limit, None if langs is None else tuple(langs), same_spelling))


# -- which language ------------------------------------------------------------------------


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def _languages() -> dict:
    resource = resources.files("translitnorm").joinpath("data").joinpath("correspondences.toml")
    return tomllib.loads(resource.read_text(encoding="utf-8")).get("languages", {})


@lru_cache(maxsize=1)
def _alphabets() -> list[tuple[str, frozenset[str], tuple[re.Pattern, ...]]]:
    found = []
    for lang, entry in _languages().items():
        if "alphabet" in entry:
            never = tuple(re.compile(pattern) for pattern in entry.get("never", ()))
            found.append((lang, frozenset(entry["alphabet"]), never))
    return found


@lru_cache(maxsize=1)
def _spellings() -> dict[str, tuple[frozenset[str], tuple[re.Pattern, ...]]]:
    """Each language's alphabet and "never" patterns, by language."""
    spellings: dict[str, tuple[frozenset[str], tuple[re.Pattern, ...]]] = {}
    for lang, alphabet, never in _alphabets():
        spellings.setdefault(lang, (alphabet, never))
    return spellings


def plausible_langs(text: str) -> tuple[str, ...]:
    """Every Cyrillic language that can spell ``text`` (its alphabet has every letter, none of
    its "never" patterns occur), in the order of the correspondence data.

    >>> plausible_langs("Магілёў"), "be" in plausible_langs("Бабруйск"), "uk" in plausible_langs("Выборг")
    (('be',), True, False)
    """
    lowered = _normalise(text).lower()
    letters = {letter for letter in lowered if letter.isalpha() or letter == "'"}
    if not letters:
        return ()
    return tuple(lang for lang, alphabet, never in _alphabets()
                 if letters <= alphabet and not any(pattern.search(lowered) for pattern in never))


def detect_lang(text: str) -> str | None:
    """The Cyrillic language whose spelling ``text`` follows, or None when its letters do not tell.

    A language stays in the running when its alphabet has every letter of the text
    and none of its "never" patterns occur (Belarusian writes ў, never в, after a
    vowel at a syllable's end; ць and дз, never ть and дь). One language left: that
    one; several (Бишкек, Минск are written alike in many languages): None.

    >>> detect_lang("Магілёў"), detect_lang("Львів"), detect_lang("Қарағанды"), detect_lang("Минск")
    ('be', 'uk', 'kk', None)
    """
    remaining = list(plausible_langs(text))
    if not remaining:
        return None
    if len(remaining) == 2:
        defers = {lang: _languages()[lang].get("defers_to") for lang in remaining}
        remaining = [lang for lang in remaining if defers[lang] not in remaining]
    return remaining[0] if len(remaining) == 1 else None
