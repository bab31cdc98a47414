"""The replacement plan's section: Gantt by region and by multi-week site work (phases as bars), cost per
quarter against the budget, and the burn-down."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from markupsafe import Markup

from netvet.report.svg import SERIES_COLOURS, STATUS_COLOURS, num, svg, text, title

if TYPE_CHECKING:
    from netvet.planning.gantt import GanttProject, GanttRegion
    from netvet.planning.plan import BurnDownWeek, Plan, QuarterCost

WIDTH = 760
LEFT = 170.0
RIGHT = WIDTH - 20.0
MAX_PROJECTS = 20  # site rows drawn; the rest are in the plan's JSON


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


def gantt_chart(regions: Sequence[GanttRegion], projects: Sequence[GanttProject] = ()) -> Markup:
    """Region rows (runs of weeks with work), then one row per site whose work runs for weeks, with a
    bar per phase and a tick at its deadline."""
    shown = list(projects[:MAX_PROJECTS])
    starts = [r.start for r in regions] + [p.start for p in shown]
    ends = [r.end for r in regions] + [p.end for p in shown]
    start, end = min(starts), max(ends)
    span = max((end - start).days, 1)

    def x_of(day: date) -> float:
        return LEFT + (RIGHT - LEFT) * (day - start).days / span

    row_height = 24
    gap = 22 if shown else 0
    rows = len(regions) + len(shown)
    bottom = 20 + rows * row_height + gap
    parts: list[str] = []
    for year in range(start.year + 1, end.year + 1):
        tick = date(year, 1, 1)
        parts.append(
            f'<line x1="{num(x_of(tick))}" x2="{num(x_of(tick))}" y1="14" y2="{bottom}" stroke="#cfd8dc"/>'
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
    if shown:
        top = 20 + len(regions) * row_height + gap
        parts.append(
            text(
                LEFT - 8,
                top - 6,
                "Work that runs for weeks",
                size=11,
                anchor="end",
                extra=' font-weight="bold"',
            )
        )
    phases: dict[str, str] = {}
    for index, project in enumerate(shown):
        y = 20 + (len(regions) + index) * row_height + gap
        parts.append(text(LEFT - 8, y + 13, f"{project.site_id} ({project.region})", size=11, anchor="end"))
        for bar in project.bars:
            colour = phases.setdefault(bar.phase, SERIES_COLOURS[len(phases) % len(SERIES_COLOURS)])
            width = max(x_of(bar.end) - x_of(bar.start), 2.0)
            caption = (
                f"{project.site_id}: {bar.phase.replace('_', ' ')} {bar.start} to {bar.end}, "
                f"{bar.crew_days:g} crew-days in {bar.work_weeks} week(s) by {bar.crew} crews"
                + (" (late)" if bar.late else "")
            )
            parts.append(
                f'<rect class="gantt-phase" x="{num(x_of(bar.start))}" y="{y}" width="{num(width)}" height="16" '
                f'fill="{colour}" stroke="{"#c0392b" if bar.late else "none"}">{title(caption)}</rect>'
            )
        if project.deadline is not None and start <= project.deadline <= end:
            x = x_of(project.deadline)
            parts.append(
                f'<line class="gantt-deadline" x1="{num(x)}" x2="{num(x)}" y1="{y - 2}" y2="{y + 18}" '
                f'stroke="#c0392b" stroke-width="2">{title(f"deadline {project.deadline}")}</line>'
            )
    legend_y = bottom + 14
    parts.append(text(LEFT, legend_y, f"{start} to {end}", size=10))
    x = LEFT + 150
    for phase, colour in phases.items():
        parts.append(f'<rect x="{num(x)}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(text(x + 14, legend_y, phase.replace("_", " "), size=10))
        x += 24 + 6 * len(phase)
    if len(projects) > len(shown):
        parts.append(
            text(
                RIGHT,
                legend_y,
                f"{len(projects) - len(shown)} more sites in the plan JSON",
                size=10,
                anchor="end",
            )
        )
    return svg(WIDTH, legend_y + 8, "".join(parts), label="Gantt by region and multi-week work")


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
    from netvet.planning.gantt import gantt_by_region, gantt_projects

    regions = gantt_by_region(plan)
    return PlanSection(
        gantt=gantt_chart(regions, gantt_projects(plan)) if regions else None,
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
