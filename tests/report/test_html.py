from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from netvet.model.findings import Finding
from netvet.report import render_html, write_report
from netvet.report.context import ReportData
from netvet.storage import Database

SECTIONS = ("summary", "vendors", "caps", "timeline", "map", "findings", "forms", "methods")


def test_report_is_self_contained(report_data: ReportData) -> None:
    page = render_html(report_data)
    assert page.startswith("<!DOCTYPE html>")
    assert "<link" not in page and "@import" not in page
    assert not re.search(r"""\ssrc\s*=""", page), "nothing may be loaded from elsewhere"
    assert not re.search(r"""url\((?!#)""", page), "CSS may only refer to in-page fragments"
    assert not re.search(r"""href\s*=\s*["'](?!#)""", page), "links stay inside the page"
    assert "default-src 'none'" in page


def test_report_has_every_section_and_the_numbers(report_data: ReportData) -> None:
    page = render_html(report_data)
    for section in SECTIONS:
        assert f'<section id="{section}"' in page
    assert 'id="plan"' not in page  # no plan given
    assert page.count('class="site s-') == 7  # 8 sites, one without coordinates
    assert page.count('<svg class="map"') == 3  # GB, US, DE
    assert '<rect class="gauge"' in page
    assert page.count('class="obligation"') == 6
    assert page.count("<tr data-status=") == 7
    assert "uk-dvd-full-fibre-cap: Huawei at most 35% of full fibre" in page  # UK form, met requirement
    assert "FCC Covered List" in page and "superseded by uk-dvd-5g-removal" in page  # methods


def test_text_from_data_is_escaped(report_data: ReportData) -> None:
    page = render_html(report_data)
    assert "&lt;b&gt;not met&lt;/b&gt;" in page
    assert "<b>not met</b>" not in page


def test_large_finding_lists_are_grouped_in_the_table(
    report_data: ReportData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("netvet.report.summary.TABLE_LIMIT", 3)
    page = render_html(report_data)
    assert "7 findings: the table groups them" in page and "(at most 3 rows)" in page
    assert page.count("<tr data-status=") == 3


def test_write_report_with_given_findings(
    report_db: Database, findings: list[Finding], tmp_path: Path
) -> None:
    out = write_report(
        report_db, "default", tmp_path / "r" / "report.html", ["uk"], date(2026, 11, 25), findings=findings
    )
    page = out.read_text(encoding="utf-8")
    assert "Assessed on 2026-11-25 under UK" in page
    assert page.count("<tr data-status=") == 7


def test_write_report_refuses_an_unknown_format(report_db: Database, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="html, pdf"):
        write_report(report_db, "default", tmp_path / "r.doc", format="doc", findings=[])


def test_empty_inventory_still_renders(sqlite_db: Database, tmp_path: Path) -> None:
    out = write_report(sqlite_db, "default", tmp_path / "empty.html", at=date(2026, 1, 1), findings=[])
    page = out.read_text(encoding="utf-8")
    assert "The inventory is empty." in page and "No site has coordinates." in page


def test_forms_say_whether_their_rules_were_assessed(report_db: Database, findings: list[Finding]) -> None:
    from netvet.report.context import gather

    uk_only = [f for f in findings if f.jurisdiction == "uk"]
    page = render_html(gather(report_db, "default", uk_only, date(2026, 11, 25), ("uk",)))
    assert "The US rules were not part of this assessment." in page
    us_abroad = [f for f in findings if f.asset_id == "BER-1-BBU"]  # a US rule, but at a German site
    page = render_html(gather(report_db, "default", us_abroad, date(2026, 11, 25)))
    assert "No equipment at a US site is flagged under the US rules." in page
    assert "The UK rules were not part of this assessment." in page
