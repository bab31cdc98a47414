"""`netvet demo`: the main job on the built-in demo network."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from netvet.cli.common import console, database, fail
from netvet.cli.inventory import run_import, stats
from netvet.demo import generate_inventory
from netvet.ingest.writers import write_inventory
from netvet.settings import get_settings
from netvet.storage import inventory as store


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
) -> None:
    """Generate the demo operator group, import it, and run the main job on it."""
    output_dir = get_settings().output_dir
    inventory_file = out or output_dir / "demo-inventory.jsonl"
    try:
        with console.status("generating the demo network"):
            written = write_inventory(generate_inventory(seed, sites, country), inventory_file)
    except ValueError as exc:
        raise fail(str(exc)) from None
    console.print(f"demo inventory: {written:,} assets written to {inventory_file}")
    with database() as db:
        report = run_import(db, inventory_file, organization_id=store.DEFAULT_ORGANIZATION, replace=True)
        console.print(
            f"imported: {report.rows_added:,} added, {report.rows_updated:,} updated, "
            f"{report.rows_unchanged:,} unchanged, {report.rows_removed:,} removed"
        )
    stats(store.DEFAULT_ORGANIZATION)
    console.print(f"output: {output_dir}")


def register(app: typer.Typer) -> None:
    app.command()(demo)
