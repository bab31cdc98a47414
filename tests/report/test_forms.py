from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

from netvet.report import forms
from netvet.report.context import ReportData
from netvet.report.methods import RuleSummary
from netvet.report.writer import write_form
from netvet.storage import Database


def test_us_covered_has_one_row_per_flagged_item_in_the_us(
    report_db: Database, report_data: ReportData
) -> None:
    rows = list(forms.us_covered_rows(report_db, report_data))
    # BIL-1-BBU (covered list) and KAN-2-BBU (annual report); the German site's finding is not the FCC's.
    assert [r["equipment_id"] for r in rows] == ["BIL-1-BBU", "KAN-2-BBU"]
    zte = rows[0]
    # One canonical vendor (data/vendors.yaml), with the inventory's spellings beside it.
    assert zte["manufacturer"] == "ZTE"
    assert zte["manufacturer_as_written"] == "ZTE Corporation / ZTE"
    assert zte["model"] == "ZXSDR B8200"
    assert zte["network_part"] == "access (RAN)"
    assert zte["state_or_region"] == "Montana"
    assert zte["location"].startswith("BIL-1 / Billings West / 45.78000,-108.50000")
    assert zte["obtained_on"] == "2017-05-01" and zte["installed_on"] == "2017-06-01"
    assert zte["federal_funding"] == "USF high-cost"
    assert zte["rules"] == "us-fcc-covered-list" and zte["deadline"] == "2021-03-12"
    unknown = [f.name for f in forms.US_COVERED_FIELDS if f.netvet_source is None]
    assert "frn" in unknown and "purchase_cost" in unknown
    assert all(zte[name] == "" for name in unknown)
    assert list(zte) == [f.name for f in forms.US_COVERED_FIELDS]


def test_us_summary_groups_by_vendor_family(report_data: ReportData) -> None:
    summary = forms.us_covered_summary(report_data)
    assert {(r["vendor"], r["items"]) for r in summary} == {("ZTE", 1), ("Huawei", 1)}


def test_uk_summary_lists_every_requirement_with_its_position(report_data: ReportData) -> None:
    rows = {r["requirement"].split(":")[0]: r for r in forms.uk_dvd_rows(report_data)}
    assert rows["uk-dvd-core"]["position"] == "not compliant"
    assert rows["uk-dvd-core"]["items_not_compliant"] == 1
    assert rows["uk-dvd-5g-removal"]["position"] == "on track (due)"
    assert rows["uk-dvd-5g-removal"]["items_due"] == 2
    assert rows["uk-dvd-5g-removal"]["deadline"] == "2027-12-31"
    assert rows["uk-dvd-full-fibre-cap"]["position"] == "compliant"  # in the pack, no finding
    assert rows["uk-2020-5g-removal"]["position"].startswith("not assessed: superseded")
    cap = rows["uk-2020-hrv-access-cap"]
    assert (cap["measured_share"], cap["cap"], cap["excess"], cap["cap_metric"]) == (
        "0.5000",
        "0.35",
        1,
        "sites",
    )
    assert rows["uk-dvd-core"]["requirement"] == "uk-dvd-core: Huawei out of network cores"


def test_forms_are_written_as_csv_with_the_form_fields(
    report_db: Database, report_data: ReportData, tmp_path: Path
) -> None:
    for form, fields in (("us-covered", forms.US_COVERED_FIELDS), ("uk-dvd", forms.UK_DVD_FIELDS)):
        path = tmp_path / f"{form}.csv"
        count = write_form(report_db, report_data, form, path)
        with path.open(encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == [f.name for f in fields]
            assert len(list(reader)) == count > 0


def test_forms_and_report_never_call_an_undecided_rule_compliant(report_db: Database) -> None:
    from netvet.model.findings import Finding, FindingStatus
    from netvet.report.context import gather
    from netvet.report.html import render_html

    from .conftest import AT, hand_findings, hand_methods

    site_attribute = "the site's national-security significance (site attribute national_security)"
    undecided = [
        Finding(
            rule_id="uk-dvd-sensitive-sites",
            jurisdiction="uk",
            status=FindingStatus.UNKNOWN,
            asset_id=asset_id,
            site_id="LON-1",
            deadline=None,
            source="Designated Vendor Direction 2022",
            explanation="cannot tell",
            vendor="Huawei",
            domain="ran",
            missing=site_attribute,
        )
        for asset_id in ("LON-1-BBU", "LON-1-AAU")
    ] + [
        Finding(
            rule_id="us-rip-and-replace",
            jurisdiction="us",
            status=FindingStatus.UNKNOWN,
            asset_id="KAN-2-BBU",
            site_id="KAN-2",
            deadline=None,
            source="47 CFR 1.50004",
            explanation="the deadline is set for each recipient",
            vendor="Huawei",
            domain="ran",
            missing="the organisation's own deadline",
        )
    ]
    data = gather(report_db, "default", [*hand_findings(), *undecided], AT, ("uk", "us"), hand_methods())
    uk = {r["requirement"].split(":")[0]: r for r in forms.uk_dvd_rows(data)}
    sensitive = uk["uk-dvd-sensitive-sites"]
    assert sensitive["position"] == f"unknown (missing: {site_attribute} for 2 assets)"
    assert (sensitive["items_unknown"], sensitive["missing"]) == (2, f"{site_attribute} for 2 assets")
    assert uk["uk-dvd-core"]["position"] == "not compliant"  # a decided breach stays a breach
    us = {r["equipment_id"]: r for r in forms.us_covered_rows(report_db, data)}
    assert us["KAN-2-BBU"]["status"] == "unknown (missing: the organisation's own deadline)"
    assert us["BIL-1-BBU"]["status"] == "violation"
    html = render_html(data)
    assert f"unknown (missing: {site_attribute} for 2 assets)" in html.replace("&#39;", "'")
    assert "unknown (missing: the organisation&#39;s own deadline for 1 assets)" in html


def test_a_guidance_requirement_without_findings_is_not_called_compliant(report_data: ReportData) -> None:
    # The 2020 roadmap's managed-services milestone was guidance (S41): there is nothing to comply with
    # in law, so the UK form never calls it "compliant", whatever the inventory holds.
    uk = report_data.methods.packs[0]
    guidance = RuleSummary(
        "uk-2020-managed-services", "Huawei managed services out", "guidance", "confirmed", ("S41",)
    )
    methods = replace(
        report_data.methods, packs=[replace(uk, rules=(*uk.rules, guidance)), *report_data.methods.packs[1:]]
    )
    rows = {
        r["requirement"].split(":")[0]: r for r in forms.uk_dvd_rows(replace(report_data, methods=methods))
    }
    assert rows["uk-2020-managed-services"]["position"] == "no findings (guidance, no legal force)"
    assert rows["uk-dvd-full-fibre-cap"]["position"] == "compliant"  # binding, in the pack, no finding
