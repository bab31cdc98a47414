"""Every finding, for other tools: CSV, JSON (schema in docs/findings.schema.json) and XLSX (a sheet per jurisdiction)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from netvet.report.context import FINDING_COLUMNS, ReportData
from netvet.report.summary import status_counts
from netvet.spreadsheets import csv_safe_frame, xlsx_cell

JSON_FORMAT = "netvet-findings/1"
EXPORT_FORMATS = ("csv", "json", "xlsx")
SHEET_NAME_LIMIT = 31  # Excel's limit
SHEET_ROW_LIMIT = 1_048_575  # Excel's 1,048,576 rows less the header
WHAT_IF_COLUMN = "what_if"


def export_frame(data: ReportData) -> pl.DataFrame:
    """The findings in a stable order, with the columns of FINDING_COLUMNS."""
    return data.findings.select(list(FINDING_COLUMNS)).sort(
        "jurisdiction", "rule_id", "asset_id", "site_id", nulls_last=True, maintain_order=True
    )


def labelled_frame(data: ReportData) -> pl.DataFrame:
    """The findings for a spreadsheet: a what-if's carry its scenario on every row (column `what_if`),
    so a sheet copied or filtered elsewhere still says it is not the network's status."""
    frame = export_frame(data)
    if data.what_if is None:
        return frame
    return frame.with_columns(pl.lit(data.what_if, dtype=pl.String).alias(WHAT_IF_COLUMN))


def write_csv(data: ReportData, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    csv_safe_frame(labelled_frame(data)).write_csv(path, date_format="%Y-%m-%d")
    return path


def json_header(data: ReportData) -> dict[str, Any]:
    return {
        "format": JSON_FORMAT,
        "organization_id": data.organization_id,
        "organization_name": data.organization_name,
        "at": data.at.isoformat(),
        "jurisdictions": list(data.jurisdictions),
        "what_if": data.what_if,
        "generated_at": data.generated_at.isoformat(timespec="seconds"),
        "summary": {"findings": data.findings.height, "by_status": status_counts(data.findings)},
    }


def write_json(data: ReportData, path: Path) -> Path:
    """The header, then the findings written by polars in one go (not row by row in Python)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = export_frame(data).with_columns(pl.col("deadline").dt.to_string("%Y-%m-%d"))
    header = json.dumps(json_header(data), indent=2)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(header[:-2] + ',\n  "findings": ')
        fh.write(frame.write_json() if frame.height else "[]")
        fh.write("\n}\n")
    return path


def sheet_name(jurisdiction: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", jurisdiction.upper() or "NONE")[:SHEET_NAME_LIMIT]
    name, n = base, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _new_sheet(workbook: Workbook, name: str, columns: list[str]) -> Any:
    sheet = workbook.create_sheet(name)
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    return sheet


def write_xlsx(data: ReportData, path: Path) -> Path:
    """One sheet per jurisdiction (continued on "XX (2)" past Excel's row limit), in write-only mode so
    100,000 rows stay in bounded memory; text cells are strings, never formulas."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(write_only=True)
    frame = labelled_frame(data)
    columns = frame.columns
    used: set[str] = set()
    jurisdictions = sorted({j or "" for j in frame.get_column("jurisdiction").to_list()})
    if not jurisdictions:
        _new_sheet(workbook, sheet_name("findings", used), columns)
    for jurisdiction in jurisdictions:
        mine = (
            frame.filter(pl.col("jurisdiction") == jurisdiction)
            if jurisdiction
            else frame.filter(pl.col("jurisdiction").is_null())
        )
        for start in range(0, max(mine.height, 1), SHEET_ROW_LIMIT):
            sheet = _new_sheet(workbook, sheet_name(jurisdiction, used), columns)
            for row in mine.slice(start, SHEET_ROW_LIMIT).iter_rows():
                sheet.append([xlsx_cell(sheet, value) for value in row])
    workbook.save(path)
    return path


def write_export(data: ReportData, fmt: str, path: Path) -> Path:
    writers = {"csv": write_csv, "json": write_json, "xlsx": write_xlsx}
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    return writers[fmt](data, path)
