"""The report's charts as inline SVG: vendor share by domain, caps against their limits, the obligations timeline."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from netvet.model.inventory import Domain
from netvet.report.context import VendorCount
from netvet.report.svg import (
    OTHER_COLOUR,
    SERIES_COLOURS,
    STATUS_COLOURS,
    num,
    percent,
    svg,
    text,
    title,
)
from netvet.screening.vendors import CanonicalVendor, asset_vendor, vendor_names

WIDTH = 760
LABEL_WIDTH = 120
TOP_VENDORS = len(SERIES_COLOURS)


@dataclass(frozen=True)
class ShareRow:
    domain: str
    total: int
    segments: tuple[tuple[str, int], ...]  # vendor family, assets


def vendor_shares(
    counts: Sequence[VendorCount], vendors: Mapping[str, CanonicalVendor] | None = None
) -> tuple[list[str], list[ShareRow]]:
    """The largest canonical vendors overall (the rest as "Other"), and each domain's split among them."""
    by_domain: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    overall: dict[str, int] = defaultdict(int)
    written: dict[str, int] = defaultdict(int)
    for count in counts:
        written[count.vendor] += count.assets
        if count.manufacturer:
            written.setdefault(count.manufacturer, 0)
    resolved = vendor_names(written, vendors)
    for count in counts:
        made_by = resolved[count.manufacturer] if count.manufacturer else None
        family = asset_vendor(resolved[count.vendor], made_by).name
        by_domain[count.domain][family] += count.assets
        overall[family] += count.assets
    ranked = sorted(overall, key=lambda family: (-overall[family], family))
    top = ranked[:TOP_VENDORS] if len(ranked) <= TOP_VENDORS else ranked[: TOP_VENDORS - 1]
    series = [*top, "Other"] if len(ranked) > len(top) else top
    known = [d.value for d in Domain]
    rows = []
    for domain in sorted(by_domain, key=lambda d: (known.index(d) if d in known else len(known), d)):
        split = by_domain[domain]
        segments = [(family, split.get(family, 0)) for family in top]
        if "Other" in series:
            segments.append(("Other", sum(n for family, n in split.items() if family not in top)))
        rows.append(ShareRow(domain, sum(split.values()), tuple((f, n) for f, n in segments if n)))
    return series, rows


def vendor_share_chart(
    counts: Sequence[VendorCount], vendors: Mapping[str, CanonicalVendor] | None = None
) -> Markup:
    series, rows = vendor_shares(counts, vendors)
    colour = {family: SERIES_COLOURS[i] for i, family in enumerate(series) if family != "Other"}
    colour["Other"] = OTHER_COLOUR
    bar_width = WIDTH - LABEL_WIDTH - 70
    row_height = 30
    parts: list[str] = []
    for index, row in enumerate(rows):
        y = 10 + index * row_height
        parts.append(text(LABEL_WIDTH - 8, y + 15, row.domain, anchor="end"))
        x = float(LABEL_WIDTH)
        for family, assets in row.segments:
            width = bar_width * assets / row.total
            share = assets / row.total
            parts.append(
                f'<rect class="bar" x="{num(x)}" y="{y}" width="{num(width)}" height="20" '
                f'fill="{colour[family]}">{title(f"{row.domain}: {family} {assets:,} assets ({percent(share)})")}</rect>'
            )
            if width > 38:
                parts.append(
                    text(
                        x + width / 2,
                        y + 14,
                        f"{share * 100:.0f}%",
                        size=10,
                        anchor="middle",
                        extra=' fill="#fff"',
                    )
                )
            x += width
        parts.append(text(LABEL_WIDTH + bar_width + 6, y + 15, f"{row.total:,}", size=11))
    legend_y = 20 + len(rows) * row_height
    x = float(LABEL_WIDTH)
    for family in series:
        parts.append(
            f'<rect x="{num(x)}" y="{legend_y - 9}" width="10" height="10" fill="{colour[family]}"/>'
        )
        parts.append(text(x + 14, legend_y, family, size=11))
        x += 24 + 7 * len(family)
    return svg(WIDTH, legend_y + 12, "".join(parts), label="Vendor share by domain")


@dataclass(frozen=True)
class CapGauge:
    label: str
    measured_share: float
    cap: float
    status: str
    excess: int | None
    metric: str | None
    deadline: date | None


def cap_gauge_chart(gauges: Sequence[CapGauge]) -> Markup:
    """One bar per cap: the share measured, a line at the cap, and how many must go."""
    bar_width = WIDTH - 2 * 20
    row_height = 58
    parts: list[str] = []
    for index, gauge in enumerate(gauges):
        y = 8 + index * row_height
        over = gauge.excess if gauge.excess is not None else 0
        unit = gauge.metric or "items"
        caption = f"{gauge.label}: {percent(gauge.measured_share)} measured, cap {percent(gauge.cap)}"
        if over > 0:
            caption += f"; {over:,} {unit[:-1] if over == 1 and unit.endswith('s') else unit} over the cap"
        if gauge.deadline:
            caption += f" (by {gauge.deadline.isoformat()})"
        parts.append(text(20, y + 12, caption, size=12))
        parts.append(f'<rect x="20" y="{y + 18}" width="{bar_width}" height="18" fill="#eceff1" rx="3"/>')
        fill_width = bar_width * max(0.0, min(gauge.measured_share, 1.0))
        parts.append(
            f'<rect class="gauge" x="20" y="{y + 18}" width="{num(fill_width)}" height="18" rx="3" '
            f'fill="{STATUS_COLOURS.get(gauge.status, OTHER_COLOUR)}">{title(caption)}</rect>'
        )
        cap_x = 20 + bar_width * gauge.cap
        parts.append(
            f'<line x1="{num(cap_x)}" x2="{num(cap_x)}" y1="{y + 14}" y2="{y + 40}" stroke="#212121" stroke-width="2"/>'
        )
        parts.append(text(cap_x, y + 50, f"cap {percent(gauge.cap)}", size=10, anchor="middle"))
    return svg(WIDTH, 12 + len(gauges) * row_height, "".join(parts), label="Caps against their limits")


@dataclass(frozen=True)
class Obligation:
    deadline: date
    jurisdiction: str
    rule_id: str
    status: str
    findings: int


def _years(start: date, end: date) -> list[date]:
    return [date(year, 1, 1) for year in range(start.year + 1, end.year + 1)]


def timeline_chart(obligations: Sequence[Obligation], at: date) -> Markup:
    """Each obligation as a dot on its date, one row per rule, with the assessment date as a line."""
    first = min([at, *(o.deadline for o in obligations)])
    last = max([at, *(o.deadline for o in obligations)])
    start = date(first.year, 1, 1)
    end = date(last.year + 1, 1, 1)
    axis_left, axis_right = 300.0, WIDTH - 80.0  # room for the last date's label
    span = (end - start).days or 1

    def x_of(day: date) -> float:
        return axis_left + (axis_right - axis_left) * (day - start).days / span

    row_height = 22
    height = 40 + len(obligations) * row_height
    parts = [f'<line x1="{axis_left}" x2="{axis_right}" y1="24" y2="24" stroke="#607d8b"/>']
    for tick in [start, *_years(start, end)]:
        parts.append(
            f'<line x1="{num(x_of(tick))}" x2="{num(x_of(tick))}" y1="20" y2="{height}" stroke="#eceff1"/>'
        )
        parts.append(text(x_of(tick) + 3, 16, tick.year, size=10))
    at_x = x_of(at)
    parts.append(
        f'<line x1="{num(at_x)}" x2="{num(at_x)}" y1="20" y2="{height}" stroke="#212121" stroke-dasharray="4 3"/>'
    )
    parts.append(text(at_x, height - 2, f"assessed {at.isoformat()}", size=10, anchor="middle"))
    for index, item in enumerate(obligations):
        y = 40 + index * row_height
        parts.append(
            text(axis_left - 8, y + 4, f"{item.jurisdiction} · {item.rule_id}", size=11, anchor="end")
        )
        caption = f"{item.rule_id} ({item.jurisdiction}): {item.status} by {item.deadline.isoformat()}, {item.findings:,} findings"
        parts.append(
            f'<circle class="obligation" cx="{num(x_of(item.deadline))}" cy="{y}" r="6" '
            f'fill="{STATUS_COLOURS.get(item.status, OTHER_COLOUR)}">{title(caption)}</circle>'
        )
        parts.append(text(x_of(item.deadline) + 9, y + 4, item.deadline.isoformat(), size=10))
    return svg(WIDTH, height + 6, "".join(parts), label="Timeline of obligations")
