"""The `netvet` command line. Each area registers its commands from its own module."""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Annotated, Any

import typer

AREAS = ("inventory", "demo", "policy", "advisories", "serve", "report", "screening", "planning", "share")
# Commands whose area is imported alone when they are the one run: `netvet screen-name` answers in well
# under two seconds instead of importing every area (polars, followthemoney, reporting) first.
QUICK = {
    name: "screening" for name in ("screen-name", "screen-file", "screen", "decide", "decisions", "lists")
}


def build_app(areas: tuple[str, ...] = AREAS) -> typer.Typer:
    app = typer.Typer(
        name="netvet",
        help="netvet: which vendor's equipment sits where, what the rules say about it, and what replacing it takes.",
        no_args_is_help=True,
        rich_markup_mode="rich",
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def root(
        version: Annotated[
            bool,
            typer.Option(
                "--version", help="Print netvet's version and exit.", is_eager=True, callback=_version
            ),
        ] = False,
    ) -> None:
        """netvet: which vendor's equipment sits where, what the rules say about it, and what replacing it takes."""

    for area in areas:
        import_module(f"netvet.cli.{area}").register(app)
    return app


def _version(value: bool) -> None:
    if value:
        from netvet import __version__

        print(f"netvet {__version__}")
        raise typer.Exit()


def __getattr__(name: str) -> Any:
    """`netvet.cli.app`: the whole command line, built on first use."""
    if name == "app":
        globals()["app"] = built = build_app()
        return built
    raise AttributeError(name)


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
    args = with_bare_jurisdiction(sys.argv[1:])
    quick = QUICK.get(args[0]) if args else None
    if quick:
        # jsonschema imports rfc3987_syntax when it is installed (it builds a grammar at import: about
        # a second) to check "iri" formats, which no netvet schema uses: the quick path does without.
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    command_line = build_app((quick,)) if quick else build_app()
    try:
        command_line(args=args, prog_name="netvet")
    except Exception as exc:
        from netvet.cli.common import fail  # here: the quick path imports neither unless it fails
        from netvet.storage.db import is_disk_full

        if not is_disk_full(exc):
            raise
        # Every write is one transaction, rolled back whole when it fails, so nothing was half-written.
        raise SystemExit(
            fail("the disk is full; nothing was changed. Free some space and run it again.").exit_code
        ) from None
