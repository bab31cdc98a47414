"""The report in a real browser: Debian's Chromium driven by Playwright, with the network cut off."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from netvet.report import html_to_pdf, write_html
from netvet.report.context import ReportData

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TEST_OUTPUT = Path(__file__).resolve().parents[2] / "test-output"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI, where .ci/run installs Debian's chromium")
        pytest.skip(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to run browser tests"
        )
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def boxes(page: Any, selector: str) -> list[dict[str, float]]:
    return [handle.bounding_box() for handle in page.query_selector_all(selector)]  # type: ignore[no-any-return]


def test_report_renders_fully_offline(browser: Any, report_data: ReportData, tmp_path: Path) -> None:
    report = write_html(report_data, tmp_path / "report.html")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    page = context.new_page()
    problems: list[str] = []
    requests: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report.as_uri(), wait_until="load")

    assert problems == []
    assert requests == [report.as_uri()], "the report must not fetch anything"

    charts = boxes(page, "svg.chart")
    assert len(charts) == 3  # vendor share, caps, timeline
    assert all(box["width"] > 300 and box["height"] > 40 for box in charts)
    bars = boxes(page, "svg.chart rect.bar")
    assert len(bars) >= 5 and all(box["width"] > 0 and box["height"] > 0 for box in bars)
    gauge = boxes(page, "rect.gauge")
    assert len(gauge) == 1 and gauge[0]["width"] > 100
    assert len(boxes(page, "circle.obligation")) == 6

    maps = boxes(page, "svg.map")
    assert len(maps) == 3 and all(box["width"] > 100 and box["height"] > 100 for box in maps)
    outlines = boxes(page, "svg.map path.outline")
    assert outlines and all(box["width"] > 0 and box["height"] > 0 for box in outlines)
    sites = page.query_selector_all("svg.map circle.site")
    assert len(sites) == 7
    assert sum(int(site.get_attribute("data-sites")) for site in sites) == 7
    for site, box in zip(sites, boxes(page, "svg.map circle.site"), strict=True):
        assert box["width"] > 0, site.get_attribute("class")
    # Every marker lies inside its panel.
    for panel in page.query_selector_all("svg.map"):
        outer = panel.bounding_box()
        for marker in panel.query_selector_all("circle.site"):
            inner = marker.bounding_box()
            assert outer["x"] <= inner["x"] and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1

    TEST_OUTPUT.mkdir(exist_ok=True)
    shot = TEST_OUTPUT / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    context.close()


def test_findings_table_sorts_and_filters(browser: Any, report_data: ReportData, tmp_path: Path) -> None:
    report = write_html(report_data, tmp_path / "report.html")
    context = browser.new_context(offline=True)
    page = context.new_page()
    page.goto(report.as_uri())

    def visible_rules() -> list[str]:
        return page.eval_on_selector_all(
            "#findings-table tbody tr:not([hidden])", "rows => rows.map(r => r.cells[1].textContent.trim())"
        )

    assert page.inner_text("#finding-count") == "7 of 7 rows"
    page.click("#findings-table th:nth-child(2)")  # Rule, ascending
    rules = visible_rules()
    assert rules == sorted(rules)
    page.click("#findings-table th:nth-child(2)")  # descending
    assert visible_rules() == sorted(rules, reverse=True)

    page.select_option("#status-filter", "due")
    assert visible_rules() == ["uk-dvd-5g-removal", "uk-dvd-5g-removal"]
    page.select_option("#status-filter", "")
    page.fill("#finding-filter", "zte")
    assert visible_rules() == ["us-fcc-covered-list"]
    assert page.inner_text("#finding-count") == "1 of 7 rows"
    context.close()


def test_pdf_is_printed_by_chromium(
    chromium: Path, report_data: ReportData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NETVET_CHROMIUM", str(chromium))
    html = write_html(report_data, tmp_path / "report.html")
    pdf = html_to_pdf(html, tmp_path / "report.pdf")
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF-")
    assert content.count(b"/Type /Page") - content.count(b"/Type /Pages") >= 2  # several pages
