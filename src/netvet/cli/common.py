"""What every command shares: the console, opening the database, and turning errors into exit codes."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy import Connection

from netvet.storage import Database, access, open_database

console = Console()
err_console = Console(stderr=True)

# Exit codes scripts can rely on.
EXIT_INVALID_INPUT = 2
EXIT_NOT_FOUND = 3


def fail(message: str, code: int = EXIT_INVALID_INPUT) -> typer.Exit:
    """Print an error to stderr, on one line whatever the terminal width (paths stay greppable), and
    return the Exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def database() -> Iterator[Database]:
    db = open_database()
    try:
        yield db
    finally:
        db.dispose()


def progress_bar(transient: bool = False) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=transient,
    )


def audit(conn: Connection, organization_id: str, action: str, target: str, detail: dict[str, Any]) -> None:
    """Record a write made from the command line in the audit log the API lists (who: the OS user)."""
    access.record_audit(conn, organization_id, getpass.getuser(), "cli", action, target, detail)
