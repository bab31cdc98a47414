"""Cells written to files spreadsheet programs open (CSV, XLSX), with formula injection neutralised.

Excel, LibreOffice and Google Sheets read a text cell beginning with `=`, `+`, `-`, `@`, a tab or a
carriage return as a formula: a vendor name such as `=HYPERLINK("http://...", "Huawei")` would go live
in an export. As OWASP's CSV Injection page and ASVS 5.0 requirement 1.2.10 recommend, such a cell is
prefixed with a single quote in CSV. In XLSX every text is written as a string cell, never a formula,
and a risky one also carries Excel's quote prefix (what Excel stores when a user types '=...): the value
is kept exactly and is not evaluated even when the cell is edited. A plain number (`-0.1426`) is not a
formula and is left as it is.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_START = "=+-@\t\r\0"
_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_RISKY = r"^[=+\-@\t\r\x00]"
_NUMBER_PATTERN = re.compile(_NUMBER)


def is_formula_like(text: str) -> bool:
    return text != "" and text[0] in FORMULA_START and not _NUMBER_PATTERN.match(text)


def csv_value(value: Any) -> Any:
    """The value as a CSV cell: formula-like text gets a leading single quote."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def csv_safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with csv_value applied to every text column (in polars, not row by row)."""
    risky = [
        (
            pl.when(pl.col(name).str.contains(_RISKY) & ~pl.col(name).str.contains(_NUMBER))
            .then(pl.lit("'") + pl.col(name))
            .otherwise(pl.col(name))
            .alias(name)
        )
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    ]
    return frame.with_columns(risky) if risky else frame


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """A write-only cell: text always a string cell (never a formula), quote-prefixed when risky, and
    characters XML cannot hold shown as U+FFFD rather than failing the whole workbook."""
    risky = isinstance(value, str) and is_formula_like(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if risky:
            cell.quotePrefix = True
    return cell
