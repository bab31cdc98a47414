"""Inventory commands: info, import, stats, demo."""

from __future__ import annotations

import typer
from rich.table import Table

from netvet import __version__
from netvet.cli.common import console, database
from netvet.settings import get_settings


def info() -> None:
    """Show where netvet keeps its data and which version is running."""
    settings = get_settings()
    table = Table(show_header=False, box=None)
    table.add_row("netvet", __version__)
    table.add_row("database", settings.database_url)
    if settings.sqlite_path is not None:
        table.add_row("sqlite file", str(settings.sqlite_path))
    table.add_row("output directory", str(settings.output_dir))
    with database() as db:
        table.add_row("schema", "migrated")
        del db
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(info)
