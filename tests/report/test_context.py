from __future__ import annotations

from datetime import date

import polars as pl

from netvet.model.findings import Finding
from netvet.report.context import CLEAR, FINDING_COLUMNS, ReportData, findings_frame, site_statuses
from netvet.storage import Database


def test_findings_frame_from_objects_has_every_column(findings: list[Finding]) -> None:
    frame = findings_frame(findings)
    assert frame.columns == list(FINDING_COLUMNS)
    assert frame.height == len(findings)
    assert frame.get_column("status").to_list()[0] == "due"
    assert frame.get_column("deadline").dtype == pl.Date


def test_findings_frame_from_a_policy_frame_adds_missing_columns_and_drops_extra() -> None:
    policy_frame = pl.DataFrame(
        {"rule_id": ["r1"], "jurisdiction": ["uk"], "status": ["violation"], "confidence": ["confirmed"]}
    )
    frame = findings_frame(policy_frame)
    assert frame.columns == list(FINDING_COLUMNS)
    assert frame.row(0, named=True)["asset_id"] is None
    # The legal footing and what is missing travel with every exported finding; the rest stays behind.
    assert "legal_status" in frame.columns and "missing" in frame.columns
    assert "confidence" not in frame.columns


def test_empty_findings_give_an_empty_frame() -> None:
    assert findings_frame([]).height == 0


def test_site_status_is_the_worst_finding_and_asset_only_findings_find_their_site(
    findings: list[Finding],
) -> None:
    statuses = site_statuses(findings_frame(findings), {"LON-1-AAU": "LON-1"})
    assert statuses["LON-1"] == ("due", 2)  # one finding names the site, the other only the asset
    assert statuses["GB-CORE"] == ("violation", 1)
    assert statuses["BER-1"] == ("licensed", 1)
    assert statuses["KAN-2"] == ("report", 1)
    assert "MAN-2" not in statuses


def test_gather_reads_inventory_and_places_findings(report_data: ReportData) -> None:
    assert report_data.asset_count == 11
    assert report_data.site_count == 8
    assert report_data.countries == ["DE", "GB", "US"]
    by_id = {site.id: site for site in report_data.sites}
    assert by_id["LON-1"].status == "due" and by_id["LON-1"].findings == 2
    assert by_id["MAN-2"].status == CLEAR
    assert by_id["HUB-9"].latitude is None
    # Country comes from the finding's site; the cap finding (no site) keeps none.
    countries = dict(zip(report_data.findings["rule_id"], report_data.findings["country"], strict=False))
    assert countries["us-fcc-covered-list"] == "US"
    assert countries["uk-2020-hrv-access-cap"] is None
    assert sum(c.assets for c in report_data.vendor_counts) == 11


def test_gather_keeps_only_the_organisations_findings(report_db: Database, findings: list[Finding]) -> None:
    from netvet.report.context import gather

    other = findings[0].model_copy(update={"organization_id": "other-operator"})
    data = gather(report_db, "default", [other], date(2026, 1, 1))
    assert data.findings.height == 0


def test_report_reads_the_same_on_sqlite_and_postgresql(db: Database, findings: list[Finding]) -> None:
    from netvet.ingest.importer import import_inventory
    from netvet.report import forms
    from netvet.report.context import gather

    from .conftest import INVENTORY

    import_inventory(db, INVENTORY)
    data = gather(db, "default", findings, date(2026, 11, 25), ("us",))
    assert (data.asset_count, data.site_count) == (11, 8)
    assert {s.id: s.status for s in data.sites}["LON-1"] == "due"
    rows = list(forms.us_covered_rows(db, data))
    assert [r["equipment_id"] for r in rows] == ["BIL-1-BBU", "KAN-2-BBU"]
    assert rows[0]["location"].startswith("BIL-1 / Billings West / 45.78000,-108.50000")
