"""Inventory commands: info, import, stats."""

from __future__ import annotations

from dataclasses import replace as replace_choice
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import Connection

from netvet import __version__
from netvet.cli.common import (
    EXIT_INVALID_INPUT,
    JsonOption,
    OrgOption,
    audit,
    console,
    database,
    fail,
    print_json,
    progress_bar,
)
from netvet.cli.importing import (
    DEFAULT_SHOWN_ERRORS,
    EXIT_ROWS_REJECTED,
    CountryOption,
    DateFormatOption,
    ErrorsOption,
    MapOption,
    MappingOption,
    SaveMappingOption,
    error_limit,
    mapping_choice,
    print_errors,
    print_preview,
    save_mapping,
)
from netvet.cli.netbox import fetch_source
from netvet.ingest import ImportReport, InventoryFileError, import_inventory
from netvet.ingest.importer import REPLACE_MAX_REMOVED_SHARE
from netvet.ingest.mapping import MappingChoice, presets
from netvet.screening.vendors import asset_vendor
from netvet.settings import get_settings
from netvet.storage import Database
from netvet.storage import inventory as store
from netvet.storage.vendors import organization_vendors


def info(org: OrgOption = store.DEFAULT_ORGANIZATION, as_json: JsonOption = False) -> None:
    """Show where netvet keeps its data, which version is running, and what the organisation holds."""
    settings = get_settings()
    with database() as db, db.connect() as conn:
        facts: dict[str, Any] = {
            "netvet": __version__,
            "database": settings.database_url,
            "sqlite_file": str(settings.sqlite_path) if settings.sqlite_path is not None else None,
            "output_directory": str(settings.output_dir),
            "organization_id": org,
            "assets": store.count_assets(conn, org),
            "sites": store.count_sites(conn, org),
        }
    if as_json:
        print_json(facts)
        return
    table = Table(show_header=False, box=None)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")  # a path is shown whole, never cut with an ellipsis
    for key, value in facts.items():
        if value is not None:
            shown = f"{value:,}" if isinstance(value, int) else str(value)
            table.add_row(key.replace("_", " ").replace("organization id", "organisation"), shown)
    console.print(table)


def run_import(
    db: Database,
    file: Path,
    fmt: str | None = None,
    organization_id: str = store.DEFAULT_ORGANIZATION,
    skip_invalid: bool = False,
    rejects: Path | None = None,
    replace: bool = False,
    mapping: MappingChoice | None = None,
    dry_run: bool = False,
    shown_errors: int | None = DEFAULT_SHOWN_ERRORS,
    force: bool = False,
) -> ImportReport:
    """Import with a progress bar counted in rows; on failure print the errors (file, row, column) and
    exit non-zero."""
    try:
        with progress_bar(transient=True) as progress:
            verb = "checking" if dry_run else "importing"
            task = progress.add_task(f"{verb} {file.name} (rows)", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            return import_inventory(
                db,
                file,
                fmt,
                organization_id,
                skip_invalid,
                rejects,
                advance,
                replace=replace,
                before_commit=_audit_import,
                mapping=mapping,
                dry_run=dry_run,
                force=force,
            )
    except InventoryFileError as exc:
        print_errors(exc.errors, exc.file_name, shown_errors, len({e.row for e in exc.errors}))
        raise fail(str(exc), EXIT_INVALID_INPUT) from None


def _audit_import(conn: Connection, report: ImportReport) -> None:
    audit(
        conn,
        report.organization_id,
        "inventory.import",
        report.file_name,
        {
            "import_id": report.import_id,
            "sha256": report.sha256,
            "added": report.rows_added,
            "updated": report.rows_updated,
            "rejected": report.rows_rejected,
            "removed": report.rows_removed,
        },
    )


def import_command(
    file: Annotated[
        str,
        typer.Argument(
            help="Inventory file (CSV, JSON, JSON lines or XLSX), or with --from netbox the NetBox URL."
        ),
    ],
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv, json or xlsx (default: from the file name).")
    ] = None,
    mapping_name: MappingOption = None,
    maps: MapOption = None,
    save_mapping_to: SaveMappingOption = None,
    date_format: DateFormatOption = None,
    country: CountryOption = None,
    from_source: Annotated[
        str | None,
        typer.Option(
            "--from", help="netbox: read the devices of the NetBox at the URL through its REST API."
        ),
    ] = None,
    token_env: Annotated[
        str | None,
        typer.Option("--token-env", help="The environment variable holding the NetBox API token."),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Read and check every row, show the mapping and the errors, write nothing."
        ),
    ] = False,
    errors: ErrorsOption = str(DEFAULT_SHOWN_ERRORS),
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Import the valid rows; write rejected rows with reasons to a file; exit 3 if any.",
        ),
    ] = False,
    rejects: Annotated[Path | None, typer.Option(help="Where --skip-invalid writes rejected rows.")] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="The file is a full snapshot: remove stored assets it does not list (refused when that "
            f"is more than {REPLACE_MAX_REMOVED_SHARE:.0%} of them, unless --force).",
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="With --replace: remove the unlisted assets however many.")
    ] = False,
    org: Annotated[
        str, typer.Option("--org", help="Organisation the inventory belongs to (one that exists).")
    ] = store.DEFAULT_ORGANIZATION,
    new_org: Annotated[
        bool, typer.Option("--new-org", help="Create the organisation named by --org if it is new.")
    ] = False,
) -> None:
    """Import an inventory file (or a NetBox): every row validated, nothing stored unless all rows are valid.

    Exit codes: 0 imported; 2 bad input, nothing stored; 3 --skip-invalid stored the valid rows and
    rejected some (listed in the rejects file).
    """
    limit = error_limit(errors)
    choice = mapping_choice(mapping_name, maps or [], date_format, country)
    with database() as db:
        if org != store.DEFAULT_ORGANIZATION and not new_org:
            with db.connect() as conn:
                if store.get_organization(conn, org) is None:
                    raise fail(f"--org {org!r}: no such organisation; pass --new-org to create it")
        if from_source is not None:
            path = fetch_source(from_source, file, token_env)
            choice = replace_choice(choice, base=choice.base or presets()["netbox-api"])
        else:
            path = Path(file)
        report = run_import(
            db, path, fmt, org, skip_invalid, rejects, replace, choice, dry_run, limit, force=force
        )
    if save_mapping_to is not None:
        save_mapping(report, save_mapping_to)
    if dry_run:
        print_preview(report, limit)
        return
    if report.mapping is not None and report.mapping.source in presets():
        console.print(f"read as {report.mapping.name} (preset {report.mapping.source})")
    console.print(
        f"imported [bold]{path.name}[/] (sha256 {report.sha256[:12]}…): "
        f"{report.rows_added:,} added, {report.rows_updated:,} updated, "
        f"{report.rows_unchanged:,} unchanged, {report.rows_rejected:,} rejected"
        + (f", {report.rows_removed:,} removed" if replace else "")
    )
    if report.rejects_path is not None:
        console.print(f"rejected rows and their reasons: {report.rejects_path}")
    if report.rows_rejected:
        print_errors(report.errors, report.file_name, limit, report.rows_rejected)
        raise typer.Exit(EXIT_ROWS_REJECTED)


def stats(
    org: OrgOption = store.DEFAULT_ORGANIZATION,
    as_written: Annotated[
        bool, typer.Option("--as-written", help="One row per vendor name as the inventory writes it.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Print assets by vendor and domain: one row per canonical vendor, with the names it is written as."""
    with database() as db, db.connect() as conn:
        rows = store.assets_by_vendor_and_domain(conn, org)
        vendors = organization_vendors(conn, org)
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for written, manufacturer, domain, n in rows:
        vendor = asset_vendor(vendors[written], vendors[manufacturer] if manufacturer else None)
        # As written, a name may stand for two vendors: "Huawie" alone, and where its manufacturer is Huawei.
        key = (written, vendor.id) if as_written else ("", vendor.id)
        group = groups.setdefault(
            key,
            {
                "vendor": written if as_written else vendor.name,
                "canonical": vendor.name,
                "entity_id": vendor.entity_id,
                "written_as": {},
                "by_domain": {},
                "total": 0,
            },
        )
        group["written_as"][written] = group["written_as"].get(written, 0) + n
        group["by_domain"][domain] = group["by_domain"].get(domain, 0) + n
        group["total"] += n
    ranked = sorted(groups.values(), key=lambda g: (-g["total"], g["vendor"]))
    if as_json:
        print_json({"organization_id": org, "assets": sum(g["total"] for g in ranked), "vendors": ranked})
        return
    if not rows:
        console.print("no assets stored yet: run `netvet import FILE` or `netvet demo`")
        return
    domains = sorted({domain for _, _, domain, _ in rows})
    title = "Assets by vendor (as written) and domain" if as_written else "Assets by vendor and domain"
    table = Table(title=title)
    table.add_column("vendor")
    for domain in domains:
        table.add_column(domain, justify="right")
    table.add_column("total", justify="right", style="bold")
    table.add_column("canonical vendor" if as_written else "written as")
    for group in ranked:
        by_domain = group["by_domain"]
        spellings = sorted(group["written_as"], key=lambda w: (-group["written_as"][w], w))
        table.add_row(
            group["vendor"],
            *(f"{by_domain.get(d, 0):,}" for d in domains),
            f"{group['total']:,}",
            group["canonical"] if as_written else ", ".join(spellings),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(info)
    app.command("import")(import_command)
    app.command()(stats)
