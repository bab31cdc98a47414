"""Screening commands: lists show|load|diff, screen-name, screen-file, screen, decide."""

from __future__ import annotations

import csv
import getpass
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from netvet.cli.common import (
    EXIT_NOT_FOUND,
    JsonOption,
    OrgOption,
    audit,
    console,
    database,
    fail,
    print_json,
    progress_bar,
)
from netvet.model.screening import Decision, ScreeningStatus
from netvet.screening.config import default_config, is_country_code
from netvet.screening.decisions import DecisionRecord
from netvet.screening.loaders import FORMATS, ListFileError
from netvet.screening.screener import NameScreening, Screener, ScreeningResult
from netvet.storage import Database
from netvet.storage.screening import (
    ListDiff,
    current_entry_hashes,
    current_lists,
    decision_book,
    decision_history,
    diff_versions,
    latest_versions,
    list_version_history,
    load_list_file,
    record_decision,
    screen_inventory,
)

_STYLE = {"match": "bold red", "review": "yellow", "clear": "green"}
NEAR_MISSES = 3  # clear candidates shown with a name's result, so "clear" says what it was compared with

lists_app = typer.Typer(
    help="Restricted-party lists: what is loaded, load a published file, compare versions."
)


def _status(value: str) -> str:
    return f"[{_STYLE.get(value, '')}]{value}[/]"


def _result_json(result: ScreeningResult) -> dict[str, Any]:
    return {
        "list": result.list_id,
        "entity_id": result.entity_id,
        "entity_name": result.entity_name,
        "matched_name": result.matched_name,
        "score": result.score,
        "status": result.status.value,
        "decision": result.decision.value if result.decision else None,
        "affiliate_path": list(result.affiliate_path),
        "lists": list(result.lists),
        "explanation": result.explanation.model_dump(mode="json") | {"summary": result.explanation.summary()},
    }


def screening_json(screening: NameScreening) -> dict[str, Any]:
    return {
        "name": screening.name,
        "normalised": screening.normalised,
        "status": screening.status.value,
        "results": [_result_json(r) for r in screening.results],
    }


ListsOption = Annotated[
    str | None,
    typer.Option(
        "--lists", help="Screen against these lists only (comma-separated ids, as `lists show` prints)."
    ),
]
ThresholdOption = Annotated[
    float | None,
    typer.Option("--threshold", help="Review from this score (0 to 1) instead of the configured one."),
]
CandidatesOption = Annotated[
    int,
    typer.Option(
        "--candidates", min=0, help="Candidates shown per name, flagged or not (even for a clear name)."
    ),
]
FailOnOption = Annotated[
    str | None,
    typer.Option("--fail-on", help="Exit 1 when a name is `match` (or `review` or worse): for CI use."),
]
CountryOption = Annotated[
    str | None, typer.Option("--country", help="ISO 3166 two-letter code of the party's country.")
]
EXIT_FLAGGED = 1  # --fail-on: a name reached the status given


def valid_country(code: str | None, where: str = "--country") -> str | None:
    """An ISO two-letter country code in upper case; bad input fails with exit code 2."""
    if code is None or not code.strip():
        return None
    upper = code.strip().upper()
    if not is_country_code(upper):
        raise fail(f"{where}: {code!r} is not an ISO 3166 two-letter country code")
    return upper


def _fail_on(value: str | None) -> ScreeningStatus | None:
    if value is None:
        return None
    if value not in {"match", "review"}:
        raise fail(f"--fail-on {value!r}: use match or review")
    return ScreeningStatus(value)


def _screener_from_db(
    lists_wanted: str | None = None, threshold: float | None = None
) -> tuple[Screener, Any]:
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise fail(f"--threshold {threshold}: give a score from 0 to 1")
    with database() as db, db.begin() as conn:
        lists, _ = current_lists(conn)
        book = decision_book(conn)
    if lists_wanted:
        wanted = [w.strip() for w in lists_wanted.split(",") if w.strip()]
        known = {lst.id for lst in lists}
        unknown = [w for w in wanted if w not in known]
        if unknown:
            raise fail(
                f"--lists: no list {', '.join(map(repr, unknown))} (lists: {', '.join(sorted(known))})"
            )
        lists = [lst for lst in lists if lst.id in wanted]
    config = default_config()
    if threshold is not None:
        config = replace(
            config, review_threshold=threshold, match_threshold=max(threshold, config.match_threshold)
        )
    return Screener.for_lists(lists, config=config), book


def _reached(status: ScreeningStatus, fail_on: ScreeningStatus | None) -> bool:
    order = {ScreeningStatus.CLEAR: 0, ScreeningStatus.REVIEW: 1, ScreeningStatus.MATCH: 2}
    return fail_on is not None and order[status] >= order[fail_on]


# ---------------------------------------------------------------- lists


@lists_app.command("show")
def lists_show(
    all_versions: Annotated[bool, typer.Option("--all", help="Every version, not just the newest.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Print the loaded lists with their versions, dates, entry counts and sources."""
    with database() as db, db.begin() as conn:
        current_lists(conn)  # records shipped lists on first use
        versions = list_version_history(conn) if all_versions else latest_versions(conn)
    if as_json:
        print_json(
            [
                {
                    "list_id": v.list_id,
                    "version": v.version,
                    "title": v.info.title,
                    "authority": v.info.authority,
                    "as_of": v.info.as_of.isoformat() if v.info.as_of else None,
                    "as_of_source": v.info.as_of_source,
                    "loaded_at": v.loaded_at.isoformat(),
                    "entries": v.entry_count,
                    "origin": v.origin,
                    "format": v.format,
                    "file_name": v.file_name,
                    "sha256": v.sha256,
                }
                for v in versions
            ]
        )
        return
    table = Table(title="Restricted-party lists", box=box.SIMPLE_HEAD)
    for column in ("list", "v", "as of", "loaded", "entries", "origin (sha256)"):
        table.add_column(column, no_wrap=column != "origin (sha256)", overflow="fold")
    for v in versions:
        as_of = v.info.as_of.isoformat() if v.info.as_of else "unknown"
        table.add_row(
            v.list_id,
            str(v.version),
            as_of + {"file": " (file date)", "given": " (given)"}.get(v.info.as_of_source, ""),
            v.loaded_at.strftime("%Y-%m-%d"),
            str(v.entry_count),
            f"{v.origin if v.origin == 'shipped' else v.format + ' ' + v.file_name} ({v.sha256[:8]})",
        )
    console.print(table)


def _print_diff(diff: ListDiff) -> None:
    start = f"version {diff.from_version}" if diff.from_version else "nothing"
    console.print(
        f"{diff.list_id}: {start} -> version {diff.to_version}: "
        f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed"
    )
    if diff.from_version is None:
        return  # a first version: every entry is new, listing them says nothing
    for label, entries in (("+", diff.added), ("-", diff.removed)):
        for entry in entries[:50]:
            console.print(f"  {label} {entry.entity_id}  {entry.name}", highlight=False)
        if len(entries) > 50:
            console.print(f"  {label} ... and {len(entries) - 50} more")
    for old, new in diff.changed[:50]:
        console.print(f"  ~ {new.entity_id}  {old.name} -> {new.name}", highlight=False)


@lists_app.command("load")
def lists_load(
    file: Annotated[
        Path,
        typer.Argument(help="The published file (for OFAC: sdn.csv, with alt.csv and add.csv beside it)."),
    ],
    format: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")],
    list_id: Annotated[
        str | None, typer.Option("--list-id", help="Store under this list id (default per format).")
    ] = None,
    org: OrgOption = "default",
    rescreen: Annotated[
        bool, typer.Option("--screen/--no-screen", help="Re-screen the inventory afterwards.")
    ] = True,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The day the file is as of (YYYY-MM-DD); default: the file's own date, else its modification day.",
        ),
    ] = None,
) -> None:
    """Load a published list file as a new version (all or nothing), then re-screen the inventory."""
    if format not in FORMATS:
        raise fail(f"--format {format!r} is not one of {', '.join(FORMATS)}")
    try:
        as_of_day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise fail(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from None
    if not file.exists():
        raise fail(f"{file}: no such file", EXIT_NOT_FOUND)
    with database() as db:
        try:
            with progress_bar(transient=True) as progress:
                progress.add_task(f"reading {file.name}", total=None)
                outcome = load_list_file(
                    db, file, format, list_id, loaded_by=getpass.getuser(), as_of=as_of_day
                )
        except ListFileError as exc:
            raise fail(f"{exc} (nothing loaded; the previous version stays in force)") from None
        v = outcome.version
        if outcome.unchanged:
            console.print(f"{v.list_id}: same file as version {v.version} ({v.sha256[:12]}); nothing loaded")
            return
        console.print(
            f"loaded {v.list_id} version {v.version}: {v.entry_count} entries, sha256 {v.sha256[:12]}"
        )
        if outcome.diff is not None:
            _print_diff(outcome.diff)
        if rescreen:
            screen_and_report(db, org)


@lists_app.command("diff")
def lists_diff(
    list_id: Annotated[str, typer.Argument(help="List id, as `netvet lists show` prints it.")],
    from_version: Annotated[
        int | None, typer.Option("--from", help="Older version (default: the one before --to).")
    ] = None,
    to_version: Annotated[
        int | None, typer.Option("--to", help="Newer version (default: the newest).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Entries added, removed and changed between two versions of a list."""
    with database() as db, db.begin() as conn:
        current_lists(conn)
        try:
            diff = diff_versions(conn, list_id, from_version, to_version)
        except LookupError as exc:
            raise fail(str(exc), EXIT_NOT_FOUND) from None
    if as_json:
        payload = {
            "list": diff.list_id,
            "from_version": diff.from_version,
            "to_version": diff.to_version,
            "added": [{"entity_id": e.entity_id, "name": e.name} for e in diff.added],
            "removed": [{"entity_id": e.entity_id, "name": e.name} for e in diff.removed],
            "changed": [
                {"entity_id": n.entity_id, "before": o.name, "after": n.name} for o, n in diff.changed
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    _print_diff(diff)


# ---------------------------------------------------------------- screening


def screen_name(
    name: Annotated[str, typer.Argument(help="The name to screen, in any script.")],
    country: CountryOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lists: ListsOption = None,
    threshold: ThresholdOption = None,
    candidates: CandidatesOption = NEAR_MISSES,
    fail_on: FailOnOption = None,
) -> None:
    """Screen one name against every list (or --lists), with explanations."""
    country = valid_country(country)
    stop_at = _fail_on(fail_on)
    screener, book = _screener_from_db(lists, threshold)
    screening = screener.screen(name, country=country, decisions=book, near_misses=candidates)
    if as_json:
        typer.echo(json.dumps(screening_json(screening), ensure_ascii=False, indent=2))
    else:
        console.print(f"{name!r} (normalised '{screening.normalised}'): {_status(screening.status.value)}")
        table = Table()
        for column in ("status", "score", "lists", "entity", "matched name", "why"):
            table.add_column(column, overflow="fold")
        for r in screening.results:
            table.add_row(
                _status(r.status.value),
                f"{r.score:.2f}",
                ", ".join(r.lists) or r.list_id,
                f"{r.entity_id} ({r.entity_name})",
                r.matched_name,
                r.explanation.summary(),
            )
        if screening.results:
            console.print(table)
    if _reached(screening.status, stop_at):
        raise typer.Exit(EXIT_FLAGGED)


def _csv_rows(file: Path, column: str, country_column: str | None) -> Iterator[tuple[int, dict[str, str]]]:
    """The file's rows one at a time (a 50,000-row file is never held in memory)."""
    with file.open(encoding="utf-8-sig", newline="") as fh:
        # Spreadsheets export with commas, semicolons or tabs depending on the locale.
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(fh.read(8192), delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        fh.seek(0)
        reader = csv.DictReader(fh, dialect=dialect)
        header = reader.fieldnames or []
        for wanted in (column, country_column):
            if wanted is not None and wanted not in header:
                raise fail(f"{file}: no column {wanted!r} (columns: {', '.join(header)})")
        for row in reader:
            yield reader.line_num, row


def screen_file(
    file: Annotated[Path, typer.Argument(help="A CSV file with a header row.")],
    column: Annotated[str, typer.Option("--column", help="The column holding the names.")],
    country_column: Annotated[
        str | None, typer.Option("--country-column", help="A column with ISO country codes.")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write one result per input row to this JSON file.")
    ] = None,
    lists: ListsOption = None,
    threshold: ThresholdOption = None,
    candidates: CandidatesOption = NEAR_MISSES,
    fail_on: FailOnOption = None,
) -> None:
    """Screen a CSV file of names in bulk, one result per input row, streamed: each row is screened,
    written and forgotten, so memory stays flat however long the file is."""
    if not file.exists():
        raise fail(f"{file}: no such file", EXIT_NOT_FOUND)
    stop_at = _fail_on(fail_on)
    screener, book = _screener_from_db(lists, threshold)
    counts = {s.value: 0 for s in ScreeningStatus} | {"error": 0}
    worst = ScreeningStatus.CLEAR
    try:
        with file.open("rb") as fh:
            total = max(0, sum(1 for _ in fh) - 1)
        partial = json_out.with_name(json_out.name + ".partial") if json_out is not None else None
        out = partial.open("w", encoding="utf-8") if partial is not None else None
        try:
            with progress_bar() as progress:
                task = progress.add_task(f"screening {file.name}", total=total)
                if out is not None:
                    out.write("[")
                for number, (line, row) in enumerate(_csv_rows(file, column, country_column)):
                    item = _screen_row(screener, book, row, line, column, country_column, candidates)
                    status = item["status"] or "error"
                    counts[status] += 1
                    if status != "error" and _reached(ScreeningStatus(status), ScreeningStatus.REVIEW):
                        worst = max(worst, ScreeningStatus(status), key=_ORDER.__getitem__)
                    if out is not None:
                        out.write(("," if number else "") + "\n" + json.dumps(item, ensure_ascii=False))
                    elif status != "clear":
                        best = item["results"][0] if item["results"] else None
                        what = f"{best['entity_id']} {best['score']:.2f}" if best else item.get("error", "")
                        progress.console.print(
                            f"line {line}: {item['name']!r} {_status(status)} {what}", highlight=False
                        )
                    progress.advance(task)
                if out is not None:
                    out.write("\n]\n")
        finally:
            if out is not None:
                out.close()
        if json_out is not None and partial is not None:
            partial.replace(json_out)  # all or nothing: no half-written results file
            console.print(f"wrote {sum(counts.values())} results to {json_out}")
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise fail(f"{file}: cannot be read as CSV: {exc}") from None
    console.print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    if stop_at is not None and _reached(worst, stop_at):
        raise typer.Exit(EXIT_FLAGGED)


_ORDER = {ScreeningStatus.CLEAR: 0, ScreeningStatus.REVIEW: 1, ScreeningStatus.MATCH: 2}


def _screen_row(
    screener: Screener,
    book: Any,
    row: dict[str, str],
    line: int,
    column: str,
    country_column: str | None,
    candidates: int,
) -> dict[str, Any]:
    name = (row.get(column) or "").strip()
    if not name:
        return {"line": line, "name": "", "status": None, "error": f"empty {column}", "results": []}
    raw_country = (row.get(country_column) or "").strip() if country_column else ""
    country = raw_country.upper() or None
    if country is not None and not is_country_code(country):
        error = f"line {line}, field {country_column}: {raw_country!r} is not an ISO country code"
        return {"line": line, "name": name, "status": None, "error": error, "results": []}
    screening = screener.screen(name, country=country, decisions=book, near_misses=candidates)
    return {"line": line, **screening_json(screening)}


def screen_and_report(db: Database, org: str) -> None:
    """Screen the stored inventory, print the counts and what changed since the previous screening."""
    with progress_bar() as progress:
        task = progress.add_task("screening the inventory", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = screen_inventory(db, org, progress=advance)
    console.print(
        f"screened {summary.names_screened} names of organisation {org!r}: "
        + ", ".join(f"{k} {v}" for k, v in summary.by_status.items())
    )
    if summary.previous_run_id is None:
        return
    if not summary.changes:
        console.print("no change since the previous screening")
        return
    table = Table(title=f"changed since the previous screening ({len(summary.changes)})")
    for col in ("name", "list", "entity", "before", "after"):
        table.add_column(col, overflow="fold")
    for change in summary.changes:
        table.add_row(
            change.name,
            change.list_id,
            change.entity_id,
            _status(change.before) if change.before else "-",
            _status(change.after) if change.after else "-",
        )
    console.print(table)


def screen(org: OrgOption = "default") -> None:
    """Screen the stored inventory's vendors, manufacturers and component suppliers; store the results."""
    with database() as db:
        screen_and_report(db, org)


def decide(
    name: Annotated[
        str, typer.Argument(help="The name as screened (any spelling that normalises the same).")
    ],
    entity: Annotated[str, typer.Option("--entity", help="Entity id (as screen-name prints it).")],
    reason: Annotated[str, typer.Option("--reason", help="Why: kept with the decision.")],
    confirm: Annotated[bool, typer.Option("--confirm", help="The name is this entity.")] = False,
    dismiss: Annotated[bool, typer.Option("--dismiss", help="The name is not this entity.")] = False,
    by: Annotated[str | None, typer.Option("--by", help="Who decides (default: the login name).")] = None,
    org: OrgOption = "default",
) -> None:
    """Confirm or dismiss a candidate: one decision for the name and the entity, whichever lists it is
    on; it holds for every later screening until one of the entity's entries changes in a list reload."""
    if confirm == dismiss:
        raise fail("give exactly one of --confirm or --dismiss")
    decision = Decision.CONFIRMED if confirm else Decision.DISMISSED
    with database() as db, db.begin() as conn:
        try:
            record = record_decision(conn, name, entity, decision, reason, by or getpass.getuser(), org)
            audit(
                conn,
                org,
                f"screening.{decision.value}",
                name,
                {"entity_id": entity, "lists": sorted(record.entry_hashes), "reason": reason},
            )
        except LookupError as exc:
            raise fail(str(exc), EXIT_NOT_FOUND) from None
        except ValueError as exc:
            raise fail(str(exc)) from None
    console.print(
        f"{record.decision.value}: '{record.name}' (normalised '{record.name_key}') against "
        f"{record.entity_id} (on {', '.join(sorted(record.entry_hashes))}), by {record.decided_by} at "
        f"{record.decided_at:%Y-%m-%d %H:%M} UTC",
        highlight=False,
    )


def decisions(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    org: OrgOption = "default",
) -> None:
    """Analysts' decisions, newest first: who, when, why, and whether each is still in force."""
    with database() as db, db.begin() as conn:
        lists, _ = current_lists(conn)
        rows = decision_history(conn, org)
    hashes = current_entry_hashes(lists)
    for row in rows:
        record = DecisionRecord(**{k: row[k] for k in DecisionRecord.model_fields})
        row["in_force"] = record.holds_for(hashes.get(row["entity_id"], {}))
        row["lists"] = sorted(row.pop("entry_hashes"))
    if as_json:
        typer.echo(json.dumps(rows, default=str, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Screening decisions ({len(rows)})", box=box.SIMPLE_HEAD)
    for column in ("when", "who", "name", "entity", "lists", "decision", "reason", "in force"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            f"{row['decided_at']:%Y-%m-%d %H:%M}",
            row["decided_by"],
            row["name"],
            row["entity_id"],
            ", ".join(row["lists"]),
            row["decision"],
            row["reason"],
            "yes" if row["in_force"] else "no: the entity's entries changed",
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(lists_app, name="lists")
    app.command("screen-name")(screen_name)
    app.command("screen-file")(screen_file)
    app.command("screen")(screen)
    app.command("decide")(decide)
    app.command("decisions")(decisions)
