"""In Chromium: the dashboard (overview, findings, map) and the report of the same stored assessment show
the same figures (findings by status, vendor shares, caps, sites by status), with one canonical vendor for
every spelling of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .test_browser import DATA, SHOTS, assess_and_wait, browser, live_server, log_in, upload

pytestmark = pytest.mark.browser
__all__ = ["browser", "live_server"]  # fixtures, used by name

SVG_TITLES = "(root) => Array.from(root.querySelectorAll('svg {shape} title')).map(t => t.textContent)"


def _titles(page: Any, section: str, shape: str) -> list[str]:
    return sorted(page.locator(section).first.evaluate(SVG_TITLES.replace("{shape}", shape)))


def _dashboard_counts(page: Any) -> dict[str, int]:
    """Findings by status, summed over the jurisdictions of the overview's table."""
    table = page.locator("section.card", has_text="Assessment").locator("table").first
    statuses = [s.strip().replace(" ", "_") for s in table.locator("thead th").all_inner_texts()[1:]]
    counts = dict.fromkeys(statuses, 0)
    for row in table.locator("tbody tr").all():
        cells = row.locator("td").all_inner_texts()[1:]
        for status, cell in zip(statuses, cells, strict=True):
            counts[status] += int(cell.replace(",", ""))
    return counts


def _report_counts(page: Any, statuses: list[str]) -> dict[str, int]:
    return {s: int(page.locator(f"#summary .card.{s} b").inner_text().replace(",", "")) for s in statuses}


def test_dashboard_and_report_agree_on_the_stored_assessment(
    browser: Any, live_server: str, tmp_path: Path
) -> None:
    base = live_server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, base)
    upload(page, base, DATA / "web" / "inventory-spellings.csv")
    assess_and_wait(page, base)
    page.goto(base + "/")
    dashboard_counts = _dashboard_counts(page)
    dashboard_shares = _titles(page, "section.card:has-text('Vendor share')", "rect.bar")
    dashboard_caps = _titles(page, "section.card:has-text('Caps against limits')", "rect.gauge")
    page.screenshot(path=str(SHOTS / "same-figures-dashboard.png"), full_page=True)
    page.goto(base + "/findings")
    listed = int(page.locator("p.count strong").inner_text().replace(",", ""))
    r7 = page.locator("details.finding summary", has_text="R7 at LON-2").first.inner_text()
    assert "Huawei (as written: Huawie)" in r7
    page.goto(base + "/sites")
    badges = page.locator("a.badge[href^='/sites?status=']").all_inner_texts()
    dashboard_sites = {label.split(":")[0].strip(): int(label.split(":")[1]) for label in badges}

    page.goto(base + "/")
    with page.expect_download() as download:
        page.click("section.card a:text-is('HTML')")
    report_file = tmp_path / "report.html"
    download.value.save_as(report_file)
    report = browser.new_page(viewport={"width": 1280, "height": 900})
    report.goto(report_file.as_uri())
    assert _report_counts(report, list(dashboard_counts)) == dashboard_counts
    assert sum(dashboard_counts.values()) > 0
    assert _titles(report, "#vendors", "rect.bar") == dashboard_shares
    assert _titles(report, "#caps", "rect.gauge") == dashboard_caps
    assert listed == sum(dashboard_counts.values())  # the findings page lists every finding counted
    legend = report.locator("#map .legend span").all_inner_texts()
    report_sites = {
        label.split(":")[0].strip(): int(label.split(":")[1].replace(",", "")) for label in legend
    }
    assert {s: n for s, n in report_sites.items() if n} == {s: n for s, n in dashboard_sites.items() if n}
    report.screenshot(path=str(SHOTS / "same-figures-report.png"), full_page=True)

    # One canonical vendor for every spelling: Huawei, HUAWEI TECHNOLOGIES CO., LTD and 华为技术有限公司 hold
    # 3 of the 5 core elements; LM Ericsson and Telefonaktiebolaget LM Ericsson the other 2. "Huawie" is
    # still in screening review, so R2 stays apart until an analyst confirms it; R7, written "Huawie" but
    # made by Huawei (its manufacturer), is Huawei: of 7 RAN elements, Huawei 3 (R1, R6, R7).
    assert "core: Huawei 3 assets (60.0%)" in dashboard_shares
    assert "core: Ericsson 2 assets (40.0%)" in dashboard_shares
    assert {
        "ran: Huawei 3 assets (42.9%)",
        "ran: Ericsson 2 assets (28.6%)",
        "ran: Huawie 1 assets (14.3%)",
        "ran: Nokia 1 assets (14.3%)",
    } <= set(dashboard_shares)
    assert "other: Dahua 1 assets (100.0%)" in dashboard_shares
    assert not [t for t in dashboard_shares if ": LM " in t or "Zhejiang" in t or "华为" in t]
