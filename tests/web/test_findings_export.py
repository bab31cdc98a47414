"""The dashboard's findings page offers them as CSV and XLSX (with its filters) and the report as PDF."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from netvet.report.pdf import find_chromium

from .conftest import import_and_assess, log_in

API_DATA = Path(__file__).resolve().parent.parent / "data" / "api"
WEB_DATA = Path(__file__).resolve().parent.parent / "data" / "web"


def test_findings_export_as_csv_xlsx_and_the_report_as_pdf(client: TestClient) -> None:
    csrf = log_in(client, "ann")
    import_and_assess(client, csrf, WEB_DATA / "inventory-spellings.csv", "2026-11-25", ["uk"])
    page = client.get("/findings?vendor=Huawei").text
    total = int(re.search(r"<strong>([\d,]+)</strong> finding", page).group(1).replace(",", ""))  # type: ignore[union-attr]
    links = dict(re.findall(r'<a href="([^"]+)" download>(CSV|XLSX|PDF)</a>', page))
    by_kind = {kind: href.replace("&amp;", "&") for href, kind in links.items()}
    assert set(by_kind) == {"CSV", "XLSX", "PDF"} and "vendor=Huawei" in by_kind["CSV"]

    exported = client.get(by_kind["CSV"])
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == total > 0
    # Every Huawei spelling, each under the one canonical vendor, the name as written beside it.
    assert {r["vendor_canonical"] for r in rows} == {"Huawei"}
    assert {"Huawei", "华为技术有限公司", "HUAWEI TECHNOLOGIES CO., LTD"} <= {r["vendor"] for r in rows}

    workbook = load_workbook(io.BytesIO(client.get(by_kind["XLSX"]).content), read_only=True)
    sheet = workbook["UK"]
    header, *data = list(sheet.iter_rows(values_only=True))
    assert "vendor_canonical" in header and len(data) == total

    if find_chromium() is not None:
        pdf = client.get(by_kind["PDF"])
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
