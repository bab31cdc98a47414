"""The report for its reader: A4 or Letter, costs in a currency at a stated rate, Chinese names printed
with a CJK font embedded in the PDF."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from netvet.model.findings import Finding
from netvet.planning.plan import Plan
from netvet.report import render_html
from netvet.report.context import ReportData, gather
from netvet.report.pdf import find_chromium, html_to_pdf
from netvet.report.writer import ReportLayout, write_html
from netvet.storage import Database

from .conftest import AT, hand_findings, hand_methods
from .test_plan_section import plan

__all__ = ["plan"]  # the plan fixture, used by name
RATE_DAY = date(2026, 11, 27)


def test_a_plan_shown_in_another_currency_at_a_stated_rate(plan: Plan, report_data: ReportData) -> None:
    layout = ReportLayout.parse("a4", "eur", 0.9, RATE_DAY, plan.currency, "ECB reference rate")
    assert layout.exchange is not None
    converted = layout.exchange.convert(plan)
    assert (converted.currency, converted.total_cost) == ("EUR", round(plan.total_cost * 0.9, 2))
    assert [t.cost for t in converted.tasks] == [round(t.cost * 0.9, 2) for t in plan.tasks]
    assert [(q.cost, q.budget) for q in converted.cost_per_quarter] == [
        (round(q.cost * 0.9, 2), None if q.budget is None else round(q.budget * 0.9, 2))
        for q in plan.cost_per_quarter
    ]
    # What is not money stays as it is.
    assert [t.crew_days for t in converted.tasks] == [t.crew_days for t in plan.tasks]
    assert (converted.gap, converted.seconds) == (plan.gap, plan.seconds)
    report_data.plan, report_data.exchange = converted, layout.exchange
    html = render_html(report_data)
    assert (
        "Costs in EUR, converted from USD at 0.9 EUR per USD, the rate of 2026-11-27, ECB reference rate."
        in html
    )
    assert f"Total cost {converted.total_cost:,.0f} EUR" in html


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("a4", "EUR", None, None, "USD"), "needs the rate and its day"),
        (("a4", None, 0.9, None, "USD"), "needs the currency it converts to"),
        (("a3", None, None, None, "USD"), "paper 'a3': choose a4 or letter"),
        (("a4", "EURO", 0.9, RATE_DAY, "USD"), "give an ISO 4217 code"),
        (("a4", "EUR", -1.0, RATE_DAY, "USD"), "must be above zero"),
    ],
)
def test_an_incomplete_layout_is_refused(options: tuple, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match=re.escape(message)):
        ReportLayout.parse(*options)


def test_the_plans_own_currency_needs_no_rate() -> None:
    assert ReportLayout.parse("letter", "usd", None, None, "USD") == ReportLayout("letter", None)


def _pdf(report_db: Database, tmp_path: Path, paper: str, findings: list[Finding]) -> bytes:
    if find_chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI, where .ci/run installs it")
        pytest.skip("Chromium not found: apt-get install chromium to print PDFs")
    data = gather(report_db, "default", findings, AT, ("uk", "us"), hand_methods())
    data.paper = ReportLayout.parse(paper).paper
    html = write_html(data, tmp_path / f"{paper}.html")
    return html_to_pdf(html, tmp_path / f"{paper}.pdf").read_bytes()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("paper", "points"),
    [("a4", (210 / 25.4 * 72, 297 / 25.4 * 72)), ("letter", (8.5 * 72, 11 * 72))],
)
def test_the_pdf_prints_on_the_paper_asked_for(
    report_db: Database, tmp_path: Path, paper: str, points: tuple[float, float]
) -> None:
    """ISO 216 A4 is 210 x 297 mm, US Letter 8.5 x 11 inches (72 points to the inch); Chromium rounds
    a page to whole CSS pixels, within a point and a half."""
    pdf = _pdf(report_db, tmp_path, paper, hand_findings())
    boxes = {(float(w), float(h)) for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)}
    assert boxes and all(abs(w - points[0]) < 1.5 and abs(h - points[1]) < 1.5 for w, h in boxes), boxes


def _cjk_font_installed() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


@pytest.mark.browser
def test_chinese_vendor_names_are_printed_with_an_embedded_cjk_font(
    report_db: Database, tmp_path: Path
) -> None:
    if not _cjk_font_installed():
        if os.environ.get("CI"):
            pytest.fail("no CJK font in CI, where .ci/run installs fonts-noto-cjk")
        pytest.skip("no CJK font installed: apt-get install fonts-noto-cjk")
    huawei = hand_findings()[0].model_copy(update={"vendor": "华为技术有限公司", "asset_id": "LON-1-AAU"})
    pdf = _pdf(report_db, tmp_path, "a4", [*hand_findings(), huawei])
    # Chromium embeds the CFF outlines of Noto CJK as a Type 3 font: its descriptor names it.
    fonts = set(re.findall(rb"/(?:BaseFont|FontName) /(?:[A-Z]{6}\+)?([\w-]+)", pdf))
    assert any(b"CJK" in font for font in fonts), fonts
