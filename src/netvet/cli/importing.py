"""What `netvet import` shares: the mapping from its options, the row errors, and the --dry-run preview."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from netvet.cli.common import console, err_console, fail
from netvet.ingest import ImportReport, RowError
from netvet.ingest.mapping import ColumnMapping, MappingChoice, MappingError, load_mapping

DEFAULT_SHOWN_ERRORS = 20
EXIT_ROWS_REJECTED = 3  # --skip-invalid imported the valid rows but rejected some (docs/inventory-format.md)

MappingOption = Annotated[
    str | None,
    typer.Option(
        "--mapping",
        help="A saved mapping file (YAML/JSON) or a preset: netbox-csv (NetBox UI export), netbox-api "
        "(NetBox REST JSON). Default: a preset the file is recognised as, else netvet's columns.",
    ),
]
MapOption = Annotated[
    list[str] | None,
    typer.Option("--map", help="'HEADER=column', e.g. 'Node Type=role'; repeatable; adds to --mapping."),
]
SaveMappingOption = Annotated[
    Path | None, typer.Option("--save-mapping", help="Write the mapping used (with --map) to this file.")
]
DateFormatOption = Annotated[
    str | None,
    typer.Option(
        "--date-format", help="day-first (31/03/2024), month-first (03/31/2024) or a pattern (%d.%m.%Y)."
    ),
]
CountryOption = Annotated[
    str | None,
    typer.Option("--country", help="The country (ISO 3166-1 code or name) of rows that give none."),
]
ErrorsOption = Annotated[
    str,
    typer.Option("--errors", help="How many row errors to print: a number, or 'all'."),
]


def mapping_choice(
    name: str | None, maps: Sequence[str], date_format: str | None, country: str | None
) -> MappingChoice:
    """The mapping the options ask for, checked before anything is read."""
    try:
        choice = MappingChoice(
            load_mapping(name) if name is not None else None, tuple(maps), date_format, country
        )
        (choice.base or ColumnMapping.default()).with_options(choice.maps, date_format, country)
    except MappingError as exc:
        raise fail(str(exc)) from None
    return choice


def save_mapping(report: ImportReport, path: Path) -> None:
    """--save-mapping: the mapping the file was read with, to read the next export the same way."""
    if report.mapping is None:
        return
    try:
        report.mapping.save(path)
    except (MappingError, OSError) as exc:
        raise fail(f"{path}: cannot write the mapping: {exc}") from None
    console.print(f"mapping saved to {path}: read the next export with --mapping {path}")


def error_limit(value: str) -> int | None:
    """--errors: a number, or None for all."""
    if value.strip().lower() == "all":
        return None
    if not value.strip().isdigit():
        raise fail(f"--errors {value!r}: give a number or 'all'")
    return int(value)


def print_errors(errors: Sequence[RowError], file_name: str, limit: int | None, total_rows: int) -> None:
    """Each error on its own line (file, row, column, value), then how many more there are."""
    shown = errors if limit is None else errors[:limit]
    for error in shown:
        err_console.print(error.describe(file_name), highlight=False, markup=False)
    if len(errors) > len(shown):
        err_console.print(
            f"... and {len(errors) - len(shown):,} more error(s) in {total_rows:,} rejected row(s): "
            "--errors all lists every one",
            highlight=False,
        )


def print_preview(report: ImportReport, limit: int | None) -> None:
    """--dry-run: how the file is read (the mapping, the fields left out) and what an import would do."""
    mapping, plan = report.mapping, report.plan
    if mapping is not None and plan is not None:
        console.print(f"{report.file_name} read as {mapping.name}", highlight=False)
        table = Table()
        table.add_column("netvet column", no_wrap=True)
        table.add_column("from")
        for column, sources in plan.columns.items():
            through = f" (values through the {column} table)" if column in mapping.values else ""
            table.add_row(column, " else ".join(sources) + through)
        if mapping.country:
            table.add_row("country (default)", f"{mapping.country} where a row gives none")
        console.print(table)
        if plan.absent:
            console.print("not in this file: " + "; ".join(plan.absent), highlight=False)
        if plan.ignored:
            console.print("ignored (no netvet column): " + ", ".join(plan.ignored), highlight=False)
    if report.problems:
        raise fail(f"{report.file_name}: " + "; ".join(report.problems))
    print_errors(report.errors, report.file_name, limit, report.rows_rejected)
    console.print(
        f"{report.rows_valid + report.rows_rejected:,} row(s): {report.rows_valid:,} valid, "
        f"{report.rows_rejected:,} invalid. Nothing was written (--dry-run)."
    )
