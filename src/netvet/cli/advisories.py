"""Advisory commands: `netvet advisories load | match | top | vex`."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from netvet.advisories.asset_index import AssetIndex, AssetView
from netvet.advisories.matcher import Match, Matcher, MatchStatus
from netvet.advisories.model import (
    READER_VERSION,
    Advisory,
    DocumentRejected,
    KevEntry,
    ParsedDocument,
    SourceFormat,
    ValidationIssue,
)
from netvet.advisories.priority import prioritise
from netvet.advisories.reader import MAX_DOCUMENT_BYTES, check_size, parse_document
from netvet.advisories.vex import VexMatch, checked_vex_document, tracking_id
from netvet.cli.common import (
    EXIT_INVALID_INPUT,
    EXIT_NOT_FOUND,
    OrgOption,
    console,
    database,
    err_console,
    fail,
    progress_bar,
)
from netvet.storage import Database
from netvet.storage import advisories as store
from netvet.storage.inventory import DEFAULT_ORGANIZATION
from netvet.storage.sharing_export import advisories_for

advisories_app = typer.Typer(
    help="Security advisories: load CSAF 2.0 / CVE JSON 5 / NVD / CISA KEV (JSON or CSV), match them "
    "to the inventory by OS family and model, rank what to patch, write CSAF VEX.",
    no_args_is_help=True,
)
SHOWN_ISSUES = 10


def _files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".json", ".csv"))
            )
        elif path.exists():
            found.append(path)
        else:
            raise fail(f"{path}: no such file or directory", EXIT_NOT_FOUND)
    return found


def _load_one(db: Database, path: Path, max_size: int) -> ParsedDocument:
    check_size(str(path), path.stat().st_size, max_size)  # before reading a huge file into memory
    raw = path.read_bytes()
    document = parse_document(raw, str(path), max_size)
    with db.begin() as conn:  # one transaction per file: a failure stores nothing from it
        store.store_document(conn, document, hashlib.sha256(raw).hexdigest())
    return document


@advisories_app.command("load")
def load(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or directories (searched for *.json and *.csv).")
    ],
    max_size: Annotated[
        int, typer.Option("--max-size", help="Refuse documents larger than this many bytes.")
    ] = MAX_DOCUMENT_BYTES,
) -> None:
    """Validate and store advisories; a rejected document stores nothing and is reported with its reasons."""
    files = _files(paths)
    if not files:
        raise fail("no .json or .csv files found in " + ", ".join(map(str, paths)))
    table = Table(title="Advisory load")
    for column in ("file", "format", "result"):
        table.add_column(column, overflow="fold")
    rejected: list[DocumentRejected] = []
    with database() as db, progress_bar(transient=True) as progress:
        task = progress.add_task("loading advisories", total=len(files))
        for path in files:
            try:
                document = _load_one(db, path, max_size)
                what = (
                    f"{len(document.kev)} KEV entries"
                    if document.kev
                    else f"{len(document.advisories)} advisory(ies): "
                    + ", ".join(a.id for a in document.advisories[:3])
                    + (" ..." if len(document.advisories) > 3 else "")
                )
                table.add_row(str(path), document.source_format.value, f"[green]loaded[/] {what}")
            except DocumentRejected as exc:
                rejected.append(exc)
                table.add_row(str(path), "-", f"[red]rejected[/] ({len(exc.issues)} reason(s))")
            except OSError as err:
                issue = ValidationIssue(test="io", path="/", message=f"cannot be read: {err.strerror}")
                rejected.append(DocumentRejected(str(path), [issue]))
                table.add_row(str(path), "-", "[red]unreadable[/]")
            progress.advance(task)
    console.print(table)
    console.print(f"{len(files) - len(rejected)} file(s) loaded, {len(rejected)} rejected")
    for rejection in rejected:
        err_console.print(f"[bold red]rejected:[/] {rejection.source}", highlight=False, soft_wrap=True)
        for issue in rejection.issues[:SHOWN_ISSUES]:
            err_console.print(
                f"  test {issue.test} at {issue.path}: {issue.message}", highlight=False, soft_wrap=True
            )
        if len(rejection.issues) > SHOWN_ISSUES:
            err_console.print(f"  ... and {len(rejection.issues) - SHOWN_ISSUES} more", highlight=False)
    if rejected:
        raise typer.Exit(EXIT_INVALID_INPUT)


def _advisories_and_assets(db: Database, organization_id: str) -> tuple[list[Advisory], list[AssetView]]:
    with db.connect() as conn:
        advisories = list(advisories_for(conn, organization_id))
        assets = store.load_asset_views(conn, organization_id)
    if not advisories:
        raise fail("no advisories loaded: run `netvet advisories load FILE_OR_DIR` first", EXIT_NOT_FOUND)
    if not assets:
        raise fail(
            f"organisation {organization_id!r} has no assets: import an inventory first", EXIT_NOT_FOUND
        )
    return advisories, assets


def _vendor_aliases(db: Database, organization_id: str, assets: list[AssetView]) -> dict[str, list[str]]:
    """Inventory vendor names the screening layer resolves to a listed company (automatic match or
    confirmed by an analyst): the stored screening run when there is one, else a fresh screening."""
    from netvet.screening.api import vendor_evidence_for_names
    from netvet.storage.screening import vendor_evidence

    try:
        with db.connect() as conn:
            evidence = vendor_evidence(conn, organization_id)
        names = {n for a in assets for n in (a.vendor, a.manufacturer) if n}
        missing = names - set(evidence)
        if missing:
            evidence.update(vendor_evidence_for_names(sorted(missing)))
    except Exception as exc:  # matching still works on normalised names alone
        err_console.print(
            f"[yellow]warning:[/] screening could not resolve vendor names ({exc}); "
            "matching on normalised names only",
            highlight=False,
        )
        return {}
    return {
        name: list(dict.fromkeys(e.entity_name for e in found if e.counts_as_restricted))
        for name, found in evidence.items()
        if any(e.counts_as_restricted for e in found)
    }


def _exploited(kev: dict[str, KevEntry]) -> dict[str, str]:
    """What each row of a KEV-listed CVE says about its exploitation."""
    return {
        cve: f"CISA KEV: exploited, added {e.date_added.isoformat()}"
        + (", used in ransomware campaigns" if e.known_ransomware else "")
        for cve, e in kev.items()
    }


@advisories_app.command("match")
def match(
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the match rows to this JSON file.")
    ] = None,
    organization_id: OrgOption = DEFAULT_ORGANIZATION,
) -> None:
    """Match every loaded advisory against the inventory and store the results."""
    with database() as db:
        advisories, assets = _advisories_and_assets(db, organization_id)
        with db.connect() as conn:
            exploited = _exploited(store.kev_catalogue(conn))
        # Received STIX vulnerabilities are built by netvet.sharing, not by the readers.
        stale = sum(
            1 for a in advisories if a.reader < READER_VERSION and a.source_format is not SourceFormat.STIX
        )
        with progress_bar(transient=True) as progress:
            task = progress.add_task("indexing assets", total=None)
            aliases = _vendor_aliases(db, organization_id, assets)
            index = AssetIndex.build(assets, vendor_aliases=aliases)
            records = {a.id for a in advisories if a.source_format is SourceFormat.CVE5}
            matcher = Matcher(index, exploited, records)
            progress.update(task, description="matching advisories", total=len(advisories), completed=0)
            matches: list[Match] = []
            for advisory in advisories:
                matches.extend(matcher.match_advisory(advisory))
                progress.advance(task)
        with db.begin() as conn:
            store.replace_matches(conn, organization_id, matches)
    counts = {status: 0 for status in MatchStatus}
    for m in matches:
        counts[m.status] += 1
    table = Table(title=f"{len(advisories):,} advisories against {len(assets):,} assets")
    table.add_column("status")
    table.add_column("rows", justify="right")
    for status, count in counts.items():
        table.add_row(status.value, f"{count:,}")
    console.print(table)
    console.print(_families_table(index))
    for advisory_id, what in matcher.not_analysed[:SHOWN_ISSUES]:
        console.print(f"{advisory_id}: {what}", highlight=False)
    if len(matcher.not_analysed) > SHOWN_ISSUES:
        console.print(f"... and {len(matcher.not_analysed) - SHOWN_ISSUES} more NVD entries not analysed yet")
    if stale:
        err_console.print(
            f"[yellow]warning:[/] {stale:,} advisories were loaded by an older netvet and lack what its "
            "readers take now (OS families, CVE platforms, CISA ADP flags): load them again",
            highlight=False,
        )
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps([m.row() for m in matches], indent=1), encoding="utf-8")
        console.print(f"wrote {len(matches):,} rows to {json_out}")


def _families_table(index: AssetIndex) -> Table:
    """How many assets run each OS family, so an analyst sees what the records could reach."""
    counts: dict[str, int] = {}
    for group, members in enumerate(index.groups):
        family = index.group_families[group].family
        name = family.name if family else "no OS family (matched by model only)"
        counts[name] = counts.get(name, 0) + len(members)
    table = Table(title="Assets by OS family")
    table.add_column("family")
    table.add_column("assets", justify="right")
    for name, count in sorted(counts.items(), key=lambda item: -item[1]):
        table.add_row(name, f"{count:,}")
    return table


@advisories_app.command("top")
def top(
    limit: Annotated[int, typer.Option("--limit", help="How many vulnerabilities to list.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    organization_id: OrgOption = DEFAULT_ORGANIZATION,
) -> None:
    """What to patch first: affected vulnerabilities ranked by CVSS, CISA KEV and domain (core first)."""
    with database() as db, db.connect() as conn:
        rows = store.list_matches(conn, organization_id, [MatchStatus.AFFECTED.value])
        if not rows:
            raise fail("no affected assets stored: run `netvet advisories match` first", EXIT_NOT_FOUND)
        wanted = {r["advisory_id"] for r in rows}
        vulnerabilities = {
            (a.id, v.label): v
            for a in advisories_for(conn, organization_id)
            if a.id in wanted
            for v in a.vulnerabilities
        }
        kev = set(store.kev_catalogue(conn))
        domains = {a.id: a.domain for a in store.load_asset_views(conn, organization_id)}
    ranked = prioritise(
        ((r["advisory_id"], r["vulnerability"], r["asset_id"]) for r in rows), vulnerabilities, kev, domains
    )[:limit]
    if as_json:
        console.print_json(
            data=[
                {
                    "rank": i,
                    "advisory_id": p.advisory_id,
                    "cve": p.cve,
                    "cvss": p.severity.score,
                    "cvss_version": p.severity.version,
                    "kev": p.kev,
                    "assets": p.assets,
                    "by_domain": dict(p.by_domain),
                    "score": p.score,
                    "explanation": p.explanation,
                }
                for i, p in enumerate(ranked, 1)
            ]
        )
        return
    table = Table(title="Patch first")
    for column in ("#", "vulnerability", "advisory", "CVSS", "KEV", "affected assets by domain", "score"):
        table.add_column(column, overflow="fold")
    for i, p in enumerate(ranked, 1):
        table.add_row(
            str(i),
            p.vulnerability,
            p.advisory_id,
            f"{p.severity.score} (v{p.severity.version})" if p.severity.score is not None else "-",
            "[bold red]yes[/]" if p.kev else "no",
            ", ".join(f"{d} {n}" for d, n in p.by_domain),
            f"{p.score:.1f}",
        )
    console.print(table)


@advisories_app.command("vex")
def vex(
    out: Annotated[Path, typer.Option("--out", help="Directory for the CSAF VEX documents.")],
    publisher: Annotated[
        str, typer.Option("--publisher", help="Publisher name written in each document.")
    ] = ("Network operator"),
    namespace: Annotated[
        str, typer.Option("--namespace", help="Publisher namespace (a URI) written in each document.")
    ] = "urn:netvet:operator",
    organization_id: OrgOption = DEFAULT_ORGANIZATION,
) -> None:
    """Write, per matched advisory, a CSAF 2.0 csaf_vex document for the operator's own products."""
    with database() as db, db.connect() as conn:
        rows = store.list_matches(conn, organization_id)
        if not rows:
            raise fail("no match results stored: run `netvet advisories match` first", EXIT_NOT_FOUND)
        by_advisory: dict[str, list[VexMatch]] = {}
        for r in rows:
            by_advisory.setdefault(r["advisory_id"], []).append(
                VexMatch(r["vulnerability"], r["asset_id"], MatchStatus(r["status"]), r["explanation"])
            )
        advisories = list(store.iter_advisories(conn, by_advisory))
        assets = {a.id: a for a in store.load_asset_views(conn, organization_id)}
    out.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    written = 0
    with progress_bar(transient=True) as progress:
        task = progress.add_task("writing VEX documents", total=len(advisories))
        for advisory in advisories:
            try:
                document = checked_vex_document(
                    advisory, by_advisory[advisory.id], assets, publisher, namespace, now
                )
            except DocumentRejected as exc:
                raise fail(f"VEX for {advisory.id} failed netvet's own validation: {exc}") from exc
            # CSAF 5.1 file name: the tracking id, lower-cased, other characters as underscores.
            name = "".join(c if c.isalnum() or c in "+-" else "_" for c in tracking_id(advisory.id).lower())
            (out / f"{name}.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
            written += 1
            progress.advance(task)
    console.print(f"wrote {written} CSAF VEX document(s) to {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(advisories_app, name="advisories")
