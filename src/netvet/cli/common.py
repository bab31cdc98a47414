"""What every command shares: the console, opening the database, and turning errors into exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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

from netvet.storage import Database, open_database

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
