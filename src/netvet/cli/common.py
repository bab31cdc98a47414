"""What every command shares: the console, opening the database, and turning errors into exit codes."""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

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
from sqlalchemy import Connection, select

from netvet.storage import Database, access, open_database
from netvet.storage.inventory import DEFAULT_ORGANIZATION
from netvet.storage.tables import organizations

# Rich wraps and cuts at 80 columns when there is no terminal. Output piped to a file, grep or a script is
# never cut: it gets a width no line reaches (COLUMNS, when set, still wins).
PIPED_WIDTH = 100_000


def _console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    if stream.isatty() or os.environ.get("COLUMNS"):
        return Console(stderr=stderr)
    return Console(stderr=stderr, width=PIPED_WIDTH)


console = _console()
err_console = _console(stderr=True)

# Exit codes scripts can rely on.
EXIT_INVALID_INPUT = 2
EXIT_NOT_FOUND = 3


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on standard output instead of a table.")]


def print_json(value: Any) -> None:
    """JSON for scripts: written as is, never wrapped or coloured by the console."""
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


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


def known_organization(context: typer.Context, value: str) -> str:
    """An organisation named with --org must exist: a typo is an error, not an empty answer. The
    default organisation stands until the first import creates it."""
    if context.resilient_parsing or value == DEFAULT_ORGANIZATION:
        return value
    with database() as db, db.connect() as conn:
        known = sorted(conn.execute(select(organizations.c.id)).scalars())
    if value not in known:
        listed = ", ".join(known) if known else "none yet (an import creates one)"
        raise fail(f"--org {value!r}: no such organisation; known: {listed}")
    return value


OrgOption = Annotated[
    str,
    typer.Option("--org", help="Organisation id (one that exists).", callback=known_organization),
]


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
