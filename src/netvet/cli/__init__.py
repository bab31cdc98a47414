"""The `netvet` command line. Each area registers its commands from its own module."""

from __future__ import annotations

import typer

from netvet.cli import advisories, demo, inventory, planning, policy, report, screening, serve

app = typer.Typer(
    name="netvet",
    help="netvet: which vendor's equipment sits where, what the rules say about it, and what replacing it takes.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


@app.callback()
def root() -> None:
    """netvet: which vendor's equipment sits where, what the rules say about it, and what replacing it takes."""


for area in (inventory, demo, policy, advisories, serve, report, screening, planning):
    area.register(app)


def main() -> None:
    app()
