from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import pytest
from openpyxl import load_workbook

from netvet.report.context import FINDING_COLUMNS, ReportData
from netvet.report.exports import sheet_name, write_export

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "findings.schema.json").read_text())


def test_csv_has_every_finding_and_column(report_data: ReportData, tmp_path: Path) -> None:
    path = write_export(report_data, "csv", tmp_path / "f.csv")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 7
    assert list(rows[0]) == list(FINDING_COLUMNS)
    core = next(r for r in rows if r["rule_id"] == "uk-dvd-core")
    assert core["deadline"] == "2023-12-31" and core["country"] == "GB"
    assert "<b>not met</b>" in core["explanation"]  # data, not markup: exports keep the text as it is


def test_json_validates_against_the_published_schema(report_data: ReportData, tmp_path: Path) -> None:
    document = json.loads(write_export(report_data, "json", tmp_path / "f.json").read_text())
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    summary = document["summary"]
    assert summary["findings"] == 7 and len(summary["by_status"]) == 7  # every status, zeros included
    assert {s: n for s, n in summary["by_status"].items() if n} == {
        "violation": 3,
        "due": 2,
        "report": 1,
        "licensed": 1,
    }
    cap = next(f for f in document["findings"] if f["rule_id"] == "uk-2020-hrv-access-cap")
    assert cap["asset_id"] is None and cap["measured_share"] == 0.5 and cap["excess"] == 1


def test_the_published_schema_names_every_status_worst_first() -> None:
    from netvet.model.findings import FindingStatus

    statuses = [status.value for status in FindingStatus]
    assert SCHEMA["$defs"]["finding"]["properties"]["status"]["enum"] == statuses
    assert SCHEMA["properties"]["summary"]["properties"]["by_status"]["propertyNames"]["enum"] == statuses


def test_json_schema_rejects_a_bad_status(report_data: ReportData, tmp_path: Path) -> None:
    document = json.loads(write_export(report_data, "json", tmp_path / "f.json").read_text())
    document["findings"][0]["status"] = "fine"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)


def test_xlsx_has_one_sheet_per_jurisdiction(report_data: ReportData, tmp_path: Path) -> None:
    workbook = load_workbook(write_export(report_data, "xlsx", tmp_path / "f.xlsx"), read_only=True)
    assert workbook.sheetnames == ["UK", "US"]
    uk = list(workbook["UK"].iter_rows(values_only=True))
    assert list(uk[0]) == list(FINDING_COLUMNS)
    assert len(uk) == 1 + 4
    assert {row[1] for row in uk[1:]} == {"uk"}


def test_sheet_names_stay_unique_and_within_excel_limits() -> None:
    used: set[str] = set()
    long = "x" * 40
    assert sheet_name(long, used) == "X" * 31
    assert sheet_name(long, used) == "X" * 27 + " (2)"
    assert sheet_name("a/b", used) == "A-B"


def test_unknown_format_is_refused(report_data: ReportData, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="csv, json, xlsx"):
        write_export(report_data, "pdf", tmp_path / "f.pdf")


def test_xlsx_continues_a_jurisdiction_on_a_new_sheet_past_the_row_limit(
    report_data: ReportData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("netvet.report.exports.SHEET_ROW_LIMIT", 3)
    workbook = load_workbook(write_export(report_data, "xlsx", tmp_path / "f.xlsx"), read_only=True)
    assert workbook.sheetnames == ["UK", "UK (2)", "US"]  # UK has 4 findings, US 3
    rows = [len(list(workbook[name].iter_rows(values_only=True))) - 1 for name in workbook.sheetnames]
    assert rows == [3, 1, 3]
