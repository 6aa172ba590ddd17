"""docs/schemes.md, generated from the scheme registry: per scheme its source, samples and the
letters it renders by context.

Kept apart from :mod:`translitnorm.romanise`, which renders; this module only describes.
"""

from __future__ import annotations

from translitnorm.romanise import Scheme, _renderer, get_scheme, romanise, schemes
from translitnorm.table_engine import TableRenderer, _is_plain

__all__ = ["context_letters", "schemes_markdown"]


def context_letters(scheme: str | Scheme) -> list[str]:
    """The letters a scheme renders differently by context (word start, after a vowel,
    word end, a letter sequence such as тс → t·s), in alphabetical order.

    For tables and iuliia schemes these are the letters of every rule that is not a plain
    letter map; ICU transforms are probed: each letter the transform covers is romanised
    next to every other one and compared with the two letters romanised apart.

    >>> context_letters("ru-de")
    ['е', 'и', 'й', 'к', 'о', 'с', 'ы', 'ё']
    """
    scheme = scheme if isinstance(scheme, Scheme) else get_scheme(scheme)
    renderer = _renderer(scheme.id)
    if isinstance(renderer, TableRenderer):
        found = {letter for group in renderer.rules_by_first.values() for rule in group
                 if not _is_plain(rule) for letter in rule.match if letter.isalpha()}
    else:
        # Letters are probed inside a word (after н), where no word-start rule applies.
        frame = "н"
        framed = renderer.render(frame)
        covered = [letter for letter in _alphabet(scheme.lang) if letter.isalpha()
                   if renderer.plain_letter(letter) not in (None, letter)]
        inside = {}
        for letter in covered:
            rendering = renderer.render(frame + letter)
            inside[letter] = rendering[len(framed):] if rendering.startswith(framed) else None
        found = {letter for cyrillic, _ in renderer.pre for letter in cyrillic if letter.isalpha()}
        found.update(letter for letter, rendering in inside.items()
                     if rendering is None or rendering != renderer.render(letter).lower()
                     and renderer.render(letter + frame) != renderer.render(letter) + framed)
        for first in covered:
            for second in covered:
                pair = renderer.render(frame + first + second)
                if inside[first] is not None and inside[second] is not None and (
                        pair != framed + inside[first] + inside[second]):
                    found.update((first, second))
    return sorted(found)


def _alphabet(lang: str) -> str:
    """The letters of a source language (the alphabets that language detection reads)."""
    from translitnorm.crosslang import _languages

    entry = _languages().get(lang, {})
    return entry.get("alphabet") or _languages()["ru"]["alphabet"] + "өү"


def schemes_markdown() -> str:
    """The table of every scheme as Markdown (what ``docs/schemes.md`` holds).

    >>> schemes_markdown().splitlines()[0]
    '# Romanisation schemes'
    """
    registered = schemes()
    languages = sorted({scheme.lang for scheme in registered})
    lines = [
        "# Romanisation schemes",
        "",
        "Generated from the scheme files by",
        "`python -c 'from translitnorm.scheme_docs import schemes_markdown as m; print(m(), end=\"\")' > docs/schemes.md`;",
        "a test checks that it is current.",
        "",
        f"{len(registered)} schemes for {len(languages)} Cyrillic languages ({', '.join(languages)}).",
        "`target` is the Latin-script readership a spelling is for (`intl` for international standards).",
        "`provider` says who renders it: `table` (our rule engine reading `src/translitnorm/schemes/<id>.toml`),",
        "`iuliia` (an iuliia schema compiled into the same engine) or `icu` (an ICU transform through PyICU).",
        "Every sample in a scheme file is run as a test (`tests/test_romanise.py`).",
        "",
        "## Adding or changing a table",
        "",
        "A table file has `id`, `lang`, `target`, `description`, `source`, `provider = \"table\"`,",
        "optional `fallback` (a scheme for letters the table lacks; ICU `Cyrillic-Latin` comes last),",
        "`samples` (pairs of a Cyrillic name and its reference spelling, whose provenance `source` states),",
        "any number of `[[sample_groups]]` (a `source` of their own and its `samples`: a standard's",
        "printed examples, a gazetteer, an encyclopedia's titles; and `known_failures`, triples of a",
        "Cyrillic name, the source's spelling the scheme does not give and the reason, run as strict",
        "expected failures so that the count of a source's examples stays honest) and the rules:",
        "",
        "```toml",
        "[letters]            # the plain letter map, lower case",
        "\"ч\" = \"tsch\"",
        "[start]              # at word start",
        "[after_sign]         # after ъ ь or an apostrophe",
        "[after_vowel]",
        "[before_vowel]",
        "[end]                # at word end",
        "[endings]            # word endings, e.g. \"ский\" = \"ski\" (never the whole word)",
        "[[rules]]            # anything else: match one letter or a sequence,",
        "match = \"е\"          # after / before: lists of \"start\", \"end\", \"vowel\",",
        "after = [\"жчшщц\"]    # \"consonant\", \"sign\" or a string of literal letters",
        "out = \"e\"",
        "```",
        "",
        "The longest match wins; among equally long ones `[[rules]]` (in file order) come first,",
        "then `endings`, `start`, `after_sign`, `after_vowel`, `before_vowel`, `end`, `letters`.",
        "`[words]` lists whole-word exceptions a standard names (bg-official: България = Bulgaria).",
        "",
        "Where a library departs from the standard, the scheme file corrects it as data: an `iuliia`",
        "scheme may carry the same sections, read before iuliia's own rules (ru-gost779b: c before",
        "ю я ё э); an `icu` scheme may carry `[words]`, `[pre]` (replacements in the lower-case",
        "Cyrillic word before ICU sees it: ru-bgn keeps ы·у apart) and `[post]` (replacements in",
        "ICU's output: uk-bgn writes the apostrophe as ”), and `word_chars` (the apostrophe is part",
        "of a word). A renamed scheme lists its former ids under `aliases`, which keep working",
        "everywhere a scheme id is accepted (`mk-bgn` is now `mk-bgn2013`).",
        "Case follows the source word (Title, UPPER, lower); non-Cyrillic text passes through.",
        "",
        "## Design notes",
        "",
        "- **iuliia's data, our engine.** iuliia keeps the Russian standards well, so their rules are not",
        "  re-typed: the engine reads iuliia's JSON tables and compiles them like our own. Running iuliia",
        "  itself would leave non-Russian letters in Cyrillic (Өмүрбек → Өmүrbek) and write capitals as",
        "  YeLTsIN; compiled, they get the fallback chain and the engine's case handling. A test checks that",
        "  the compiled schemes agree with iuliia on its own samples.",
        "- **ICU** renders each Cyrillic word in lower case and the result is given the source word's case",
        "  (ICU alone turns the initial Ч. into CH.). Compiled transforms are cached.",
        "- **Fallbacks.** Russian tables fall back to `kk-en` (then `uk-national`, `be-bgn`, ICU), so the",
        "  matcher can run Russian schemes over Kyrgyz and Kazakh names: Өмүрбек → Omurbek.",
        "- **What a table cannot give** is left out rather than special-cased: stress accents (es Chéjov,",
        "  ca Txékhov), exonyms and traditional forms (fr Poutine, Gagarine; de Strawinsky, Alexander;",
        "  pl Mendelejew, Jekaterynburg). Such spellings belong in the lexicon as aliases.",
        "- **Speed.** All Russian schemes for one name part take about 0.1 ms"
        " (`benchmarks/romanise_speed.py`).",
        "",
        "## Schemes",
        "",
        "`samples` counts the reference spellings in the scheme file, all run as tests;",
        "`context letters` are the letters whose rendering depends on their neighbours or on the",
        "word (found by romanising each letter the scheme covers at word start, after a vowel, after a",
        "consonant and at word end, and comparing with the letter alone); `words` counts whole-word",
        "exceptions the standard names. Former ids that still work are listed under `aliases`.",
        "",
        "| id | lang | target | provider | Чехов / first sample | samples | context letters | description | source |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for scheme in registered:
        cyrillic, latin = scheme.samples[0] if scheme.samples else ("", "")
        example = romanise("Чехов", scheme) if scheme.lang == "ru" else f"{cyrillic} → {latin}"
        provider = scheme.provider + (f" `{scheme.transform}`" if scheme.transform else "")
        special = " ".join(context_letters(scheme))
        if scheme.table.get("words"):
            special += f" (+ words: {', '.join(scheme.table['words'])})"
        description = scheme.description
        if scheme.aliases:
            description += f" (aliases: {', '.join(scheme.aliases)})"
        cells = [f"`{scheme.id}`", scheme.lang, scheme.target, provider, example, str(len(scheme.samples)),
                 special, description, scheme.source]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    lines += ["", "## Sample sources", "",
              "Schemes whose samples come from more than one source, with the number taken from each",
              "(the first group is the top-level `samples`, described by the scheme's `source` above).", ""]
    def count(group) -> str:
        failing = f" (+ {len(group.known_failures)} known not to match)" if group.known_failures else ""
        return f"{len(group.samples)}{failing}"

    for scheme in registered:
        if len(scheme.sample_groups) > 1:
            groups = "; ".join(f"{count(group)} from {group.source}" for group in scheme.sample_groups[1:])
            lines.append(f"- `{scheme.id}`: {count(scheme.sample_groups[0])} top-level; {groups}")
    return "\n".join(lines) + "\n"
