"""`netvet demo`: the main job on the built-in demo network."""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from netvet.cli.common import console, database, fail, progress_bar
from netvet.cli.inventory import run_import
from netvet.cli.policy import print_assessment, print_stored
from netvet.cli.screening import screen_and_report
from netvet.demo import generate_inventory, load_demo_shape
from netvet.ingest.writers import write_inventory
from netvet.report import write_report
from netvet.report.methods import methods_for
from netvet.settings import get_settings
from netvet.storage import inventory as store
from netvet.storage.findings import Recorder
from netvet.storage.policy import run_assessment


def demo(
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same network.")] = 1,
    sites: Annotated[
        int | None, typer.Option(help="About how many radio sites in all (default ~3,700).")
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="Generate one country only (ISO code, e.g. GB).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Where to write the generated inventory (.csv, .jsonl or .xlsx).")
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="Assess as on this date (YYYY-MM-DD); default today.")
    ] = None,
) -> None:
    """Generate the demo operator group, then import, screen, assess and report on it (the main job)."""
    day = date.fromisoformat(at) if at else date.today()
    output_dir = get_settings().output_dir
    inventory_file = out or output_dir / "demo-inventory.jsonl"
    try:
        with console.status("generating the demo network"):
            written = write_inventory(generate_inventory(seed, sites, country), inventory_file)
    except ValueError as exc:
        raise fail(str(exc)) from None
    console.print(f"demo inventory: {written:,} assets written to {inventory_file}")
    organization = store.DEFAULT_ORGANIZATION
    with database() as db:
        report = run_import(db, inventory_file, organization_id=organization, replace=True)
        signatory = load_demo_shape().signatory_aliases(country)
        with db.begin() as conn:
            store.add_aliases(conn, organization, signatory)
        console.print(
            f"imported: {report.rows_added:,} added, {report.rows_updated:,} updated, "
            f"{report.rows_unchanged:,} unchanged, {report.rows_removed:,} removed"
        )
        if signatory:
            console.print(
                f"recorded as a signatory of national contracts under: {', '.join(signatory)} (demo network data)"
            )
        screen_and_report(db, organization)
        findings_file = output_dir / f"assessment-{day}.json"
        report_file = output_dir / "netvet-report.html"
        with progress_bar(transient=True) as progress:
            task = progress.add_task("assessing every site under its own country's rules", total=2)
            recorder = Recorder(getpass.getuser(), "cli")
            assessment = run_assessment(
                db, organization, None, day, record=recorder, findings_file=findings_file
            )
            progress.update(task, advance=1, description="writing the report")
            methods = methods_for((), assessment.rules_skipped, (), db)
            write_report(db, organization, report_file, None, day, assessment=assessment, methods=methods)
            progress.update(task, advance=1)
    print_assessment(assessment)
    print_stored(recorder, None)
    console.print(f"findings (JSON): {findings_file}")
    console.print(f"report (HTML):   {report_file}")
    console.print(f"output directory: {output_dir}")


def register(app: typer.Typer) -> None:
    app.command()(demo)
