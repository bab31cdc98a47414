from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from netvet.report.charts import (
    CapGauge,
    Obligation,
    cap_gauge_chart,
    timeline_chart,
    vendor_share_chart,
    vendor_shares,
)
from netvet.report.context import VendorCount
from netvet.screening.vendors import CanonicalVendor

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    """The chart must be well-formed XML (inline SVG that a browser and a PDF printer both accept)."""
    return ET.fromstring(str(markup))


def test_the_share_chart_counts_each_canonical_vendor_once() -> None:
    """Screening resolved "华为" and "HUAWEI" to the listed entity huawei; the directory knows "LM Ericsson"
    (Telefonaktiebolaget LM Ericsson's name) and "Zhejiang Dahua" is Dahua's legal name."""
    vendors = {
        "HUAWEI": CanonicalVendor("huawei", "Huawei", "huawei"),
        "华为": CanonicalVendor("huawei", "Huawei", "huawei"),
    }
    counts = [
        VendorCount("HUAWEI", "ran", 5),
        VendorCount("华为", "core", 1),
        VendorCount("LM Ericsson", "ran", 2),
        VendorCount("Ericsson", "ran", 1),
        VendorCount("Zhejiang Dahua Technology Co., Ltd.", "other", 3),
    ]
    _, rows = vendor_shares(counts, vendors)
    assert {row.domain: dict(row.segments) for row in rows} == {
        "core": {"Huawei": 1},
        "ran": {"Huawei": 5, "Ericsson": 3},
        "other": {"Dahua": 3},
    }


def test_vendor_shares_split_each_domain_and_fold_the_tail_into_other() -> None:
    counts = [
        VendorCount("Huawei", "ran", 60),
        VendorCount("HUAWEI", "ran", 20),
        VendorCount("Ericsson", "ran", 20),
    ]
    counts += [VendorCount(f"Vendor{i}", "transport", 10 - i) for i in range(10)]
    series, rows = vendor_shares(counts)
    assert series[-1] == "Other" and len(series) == 8
    ran = next(row for row in rows if row.domain == "ran")
    assert dict(ran.segments) == {"Huawei": 80, "Ericsson": 20}
    transport = next(row for row in rows if row.domain == "transport")
    assert sum(n for _, n in transport.segments) == transport.total == 55
    assert [row.domain for row in rows] == ["ran", "transport"]  # the field's order, not alphabetical


def test_vendor_share_chart_draws_a_segment_per_vendor_and_domain() -> None:
    counts = [
        VendorCount("Huawei", "ran", 75),
        VendorCount("Ericsson", "ran", 25),
        VendorCount("Cisco", "transport", 5),
    ]
    root = parse(vendor_share_chart(counts))
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]
    assert len(bars) == 3
    widths = {bar.find(f"{SVG}title").text.split(":")[1].split()[0]: float(bar.get("width")) for bar in bars}  # type: ignore[union-attr]
    assert widths["Huawei"] == pytest.approx(3 * widths["Ericsson"], rel=0.01)
    assert widths["Cisco"] == pytest.approx(
        widths["Huawei"] + widths["Ericsson"], rel=0.01
    )  # 100% of transport


def test_cap_gauge_fill_is_the_measured_share_and_the_line_is_the_cap() -> None:
    gauge = CapGauge("uk cap", 0.5, 0.35, "violation", 3, "sites", date(2020, 1, 28))
    root = parse(cap_gauge_chart([gauge]))
    track, fill = (rect for rect in root.iter(f"{SVG}rect"))
    assert float(fill.get("width")) == pytest.approx(0.5 * float(track.get("width")), abs=0.1)  # type: ignore[arg-type]
    line = next(root.iter(f"{SVG}line"))
    assert float(line.get("x1")) == pytest.approx(20 + 0.35 * float(track.get("width")), abs=0.1)  # type: ignore[arg-type]
    assert "3 sites over the cap" in "".join(root.itertext())


def test_timeline_places_obligations_in_date_order_around_the_assessment_date() -> None:
    items = [
        Obligation(date(2023, 12, 31), "uk", "uk-dvd-core", "violation", 1),
        Obligation(date(2027, 12, 31), "uk", "uk-dvd-5g-removal", "due", 2),
    ]
    markup = timeline_chart(items, date(2026, 11, 25))
    root = parse(markup)
    dots = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "obligation"]
    assert len(dots) == 2
    assert float(dots[0].get("cx")) < float(dots[1].get("cx"))  # type: ignore[arg-type]
    assert dots[0].get("fill") == "#c0392b" and dots[1].get("fill") == "#e67e22"
    assert re.search(r"assessed 2026-11-25", str(markup))


def test_chart_text_is_escaped() -> None:
    gauge = CapGauge("<script>alert(1)</script> & co", 0.5, 0.35, "violation", 1, "sites", None)
    markup = cap_gauge_chart([gauge])
    assert "<script>" not in str(markup)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in str(markup)
    parse(markup)
