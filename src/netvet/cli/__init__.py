"""The `netvet` command line. Each area registers its commands from its own module."""

from __future__ import annotations

import sys

import typer

from netvet.cli import advisories, demo, inventory, planning, policy, report, screening, serve, share

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


for area in (inventory, demo, policy, advisories, serve, report, screening, planning, share):
    area.register(app)


JURISDICTION_FLAGS = ("--jurisdiction", "-j")


def with_bare_jurisdiction(argv: list[str]) -> list[str]:
    """`--jurisdiction` given with no value means every asset under its own country's rules.

    Click options cannot take an optional value, so a bare flag (last, or followed by another option)
    is given the value `all` before parsing.
    """
    fixed: list[str] = []
    for position, arg in enumerate(argv):
        fixed.append(arg)
        following = argv[position + 1] if position + 1 < len(argv) else None
        if arg in JURISDICTION_FLAGS and (following is None or following.startswith("-")):
            fixed.append("all")
    return fixed


def main() -> None:
    app(args=with_bare_jurisdiction(sys.argv[1:]), prog_name="netvet")
