"""Chart data for the report: per region, the weeks with work and the spans they form (data only)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from netvet.planning.plan import Plan


class GanttWeek(BaseModel):
    model_config = ConfigDict(frozen=True)

    week_start: date
    sites: int
    assets: int
    crew_days: float
    cost: float
    late_tasks: int


class GanttSpan(BaseModel):
    """A run of consecutive weeks in which a region has work: one bar of the chart."""

    model_config = ConfigDict(frozen=True)

    start: date  # Monday of the first week
    end: date  # Sunday of the last week
    sites: int
    assets: int
    cost: float


class GanttRegion(BaseModel):
    model_config = ConfigDict(frozen=True)

    region: str
    start: date
    end: date
    sites: int
    cost: float
    spans: list[GanttSpan]
    weeks: list[GanttWeek]


def gantt_by_region(plan: Plan) -> list[GanttRegion]:
    """One row per region, sorted by when its work starts."""
    by_region: dict[str, dict[date, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, task in enumerate(plan.tasks):
        by_region[task.region][task.week_start].append(i)
    rows = []
    for region, weeks in by_region.items():
        week_rows = []
        for start in sorted(weeks):
            tasks = [plan.tasks[i] for i in weeks[start]]
            week_rows.append(
                GanttWeek(
                    week_start=start,
                    sites=len({t.site_id for t in tasks}),
                    assets=sum(len(t.asset_ids) for t in tasks),
                    crew_days=round(sum(t.crew_days for t in tasks), 3),
                    cost=round(sum(t.cost for t in tasks), 2),
                    late_tasks=sum(1 for t in tasks if t.slack_days is not None and t.slack_days < 0),
                )
            )
        spans: list[GanttSpan] = []
        run: list[GanttWeek] = []
        for w in [*week_rows, None]:
            if w is not None and (not run or w.week_start - run[-1].week_start == timedelta(weeks=1)):
                run.append(w)
                continue
            if run:
                spans.append(
                    GanttSpan(
                        start=run[0].week_start,
                        end=run[-1].week_start + timedelta(days=6),
                        sites=sum(x.sites for x in run),
                        assets=sum(x.assets for x in run),
                        cost=round(sum(x.cost for x in run), 2),
                    )
                )
            run = [w] if w is not None else []
        rows.append(
            GanttRegion(
                region=region,
                start=week_rows[0].week_start,
                end=week_rows[-1].week_start + timedelta(days=6),
                sites=len({plan.tasks[i].site_id for ids in weeks.values() for i in ids}),
                cost=round(sum(w.cost for w in week_rows), 2),
                spans=spans,
                weeks=week_rows,
            )
        )
    return sorted(rows, key=lambda r: (r.start, r.region))
