"""The replacement plan's section: Gantt by region, cost per quarter against the budget, and the burn-down."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from markupsafe import Markup

from netvet.report.svg import SERIES_COLOURS, STATUS_COLOURS, num, svg, text, title

if TYPE_CHECKING:
    from netvet.planning.gantt import GanttRegion
    from netvet.planning.plan import BurnDownWeek, Plan, QuarterCost

WIDTH = 760
LEFT = 170.0
RIGHT = WIDTH - 20.0


@dataclass(frozen=True)
class PlanSection:
    gantt: Markup | None
    cost: Markup | None
    burn_down: Markup | None
    total_cost: float
    currency: str
    method: str
    solver_status: str
    unmet: int
    unscheduled: int
    notes: tuple[str, ...]


def _ticks(start: date, end: date) -> list[date]:
    """Month starts when the plan spans under two years, else year starts."""
    if (end - start).days < 730:
        months = [
            date(start.year + (start.month + i) // 12, (start.month + i) % 12 + 1, 1) for i in range(25)
        ]
        return [m for m in months if start < m <= end]
    return [date(year, 1, 1) for year in range(start.year + 1, end.year + 1)]


def money(value: float) -> str:
    """Short axis labels: 38.3M, 950k."""
    for limit, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.1f}{suffix}"
    return f"{value:.0f}"


def gantt_chart(regions: Sequence[GanttRegion]) -> Markup:
    start = min(r.start for r in regions)
    end = max(r.end for r in regions)
    span = max((end - start).days, 1)

    def x_of(day: date) -> float:
        return LEFT + (RIGHT - LEFT) * (day - start).days / span

    row_height = 24
    parts: list[str] = []
    for year in range(start.year + 1, end.year + 1):
        tick = date(year, 1, 1)
        parts.append(
            f'<line x1="{num(x_of(tick))}" x2="{num(x_of(tick))}" y1="14" y2="{20 + len(regions) * row_height}" stroke="#cfd8dc"/>'
        )
        parts.append(text(x_of(tick) + 3, 12, year, size=10))
    for index, region in enumerate(regions):
        y = 20 + index * row_height
        parts.append(text(LEFT - 8, y + 13, region.region, size=11, anchor="end"))
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        for span_ in region.spans:
            width = max(x_of(span_.end) - x_of(span_.start), 2.0)
            caption = f"{region.region}: {span_.start} to {span_.end}, {span_.sites:,} site-weeks, {span_.assets:,} assets"
            parts.append(
                f'<rect class="gantt-bar" x="{num(x_of(span_.start))}" y="{y}" width="{num(width)}" height="16" '
                f'fill="{colour}">{title(caption)}</rect>'
            )
    parts.append(text(LEFT, 34 + len(regions) * row_height, f"{start} to {end}", size=10))
    return svg(WIDTH, 42 + len(regions) * row_height, "".join(parts), label="Gantt by region")


def cost_chart(quarters: Sequence[QuarterCost], currency: str) -> Markup:
    height = 220.0
    base = height - 30
    top = max([q.cost for q in quarters] + [q.budget or 0.0 for q in quarters]) or 1.0
    slot = (RIGHT - 60) / len(quarters)
    parts = [f'<line x1="60" x2="{RIGHT}" y1="{base}" y2="{base}" stroke="#607d8b"/>']
    parts.append(text(56, 20, money(top), size=10, anchor="end"))
    parts.append(text(56, base, "0", size=10, anchor="end"))
    for index, quarter in enumerate(quarters):
        x = 60 + index * slot
        bar_height = (base - 16) * quarter.cost / top
        caption = f"{quarter.quarter}: {quarter.cost:,.0f} {currency}"
        if quarter.budget is not None:
            caption += f" (budget {quarter.budget:,.0f})"
        parts.append(
            f'<rect class="cost-bar" x="{num(x + slot * 0.15)}" y="{num(base - bar_height)}" width="{num(slot * 0.7)}" '
            f'height="{num(bar_height)}" fill="#0072B2">{title(caption)}</rect>'
        )
        if quarter.budget is not None:
            y = base - (base - 16) * quarter.budget / top
            parts.append(
                f'<line x1="{num(x)}" x2="{num(x + slot)}" y1="{num(y)}" y2="{num(y)}" stroke="#c0392b" stroke-width="2"/>'
            )
        if len(quarters) <= 16 or index % 2 == 0:
            parts.append(text(x + slot / 2, base + 14, quarter.quarter, size=9, anchor="middle"))
    return svg(WIDTH, height, "".join(parts), label="Cost per quarter")


def burn_down_chart(weeks: Sequence[BurnDownWeek]) -> Markup:
    height = 220.0
    base = height - 30
    top = max(w.non_compliant_assets for w in weeks) or 1
    start, end = weeks[0].week_start, weeks[-1].week_start
    span = max((end - start).days, 1)
    points = " ".join(
        f"{num(60 + (RIGHT - 60) * (w.week_start - start).days / span)},{num(base - (base - 16) * w.non_compliant_assets / top)}"
        for w in weeks
    )
    parts = [
        f'<line x1="60" x2="{RIGHT}" y1="{base}" y2="{base}" stroke="#607d8b"/>',
        text(56, 20, f"{top:,}", size=10, anchor="end"),
        text(56, base, "0", size=10, anchor="end"),
        text(60, base + 16, start.isoformat(), size=10),
        text(RIGHT, base + 16, end.isoformat(), size=10, anchor="end"),
        f'<polyline class="burn-down" points="{points}" fill="none" stroke="{STATUS_COLOURS["violation"]}" stroke-width="2">'
        f"{title('Non-compliant assets per week')}</polyline>",
    ]
    return svg(WIDTH, height, "".join(parts), label="Burn-down of non-compliant assets")


def plan_section(plan: Plan | None) -> PlanSection | None:
    if plan is None:
        return None
    from netvet.planning.gantt import gantt_by_region

    regions = gantt_by_region(plan)
    return PlanSection(
        gantt=gantt_chart(regions) if regions else None,
        cost=cost_chart(plan.cost_per_quarter, plan.currency) if plan.cost_per_quarter else None,
        burn_down=burn_down_chart(plan.burn_down) if plan.burn_down else None,
        total_cost=plan.total_cost,
        currency=plan.currency,
        method=plan.method,
        solver_status=plan.solver_status,
        unmet=len(plan.unmet),
        unscheduled=len(plan.unscheduled),
        notes=tuple(plan.notes),
    )
