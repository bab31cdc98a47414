"""Chart data for the report (data only): per region, the weeks with work and the spans they form; and
per site whose work runs for weeks (a core swap's phases), one bar per phase."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from netvet.planning.catalogue import REPLACEMENT
from netvet.planning.plan import Plan, PlanTask


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class GanttWeek(_Frozen):
    week_start: date
    sites: int  # sites with work that week
    assets: int  # assets of the work done that week
    crew_days: float
    cost: float  # money spent that week
    late_tasks: int


class GanttSpan(_Frozen):
    """A run of consecutive weeks in which a region has work: one bar of the chart."""

    start: date  # Monday of the first week
    end: date  # Sunday of the last week
    sites: int  # site-weeks
    assets: int
    cost: float


class GanttRegion(_Frozen):
    region: str
    start: date
    end: date
    sites: int
    cost: float
    spans: list[GanttSpan]
    weeks: list[GanttWeek]


class GanttBar(_Frozen):
    """One phase of a site's work, from its first week to the end of its shortest length or last work."""

    phase: str
    crew: str
    start: date
    end: date
    crew_days: float
    work_weeks: int  # weeks in which crews work on it
    late: bool


class GanttProject(_Frozen):
    site_id: str
    region: str
    start: date
    end: date
    deadline: date | None
    late: bool
    bars: list[GanttBar]


def gantt_by_region(plan: Plan) -> list[GanttRegion]:
    """One row per region, sorted by when its work starts."""
    by_region: dict[str, dict[date, list[tuple[PlanTask, float]]]] = defaultdict(lambda: defaultdict(list))
    for task in plan.tasks:
        money = task.cost_by_week()
        for week in task.work_weeks():
            by_region[task.region][week.week_start].append((task, week.crew_days))
        for week_start, _ in money.items():
            if all(t is not task for t, _ in by_region[task.region][week_start]):
                by_region[task.region][week_start].append((task, 0.0))
    rows = []
    for region, weeks in by_region.items():
        week_rows = []
        for start in sorted(weeks):
            entries = weeks[start]
            packages = {(t.site_id, t.stage): t for t, _ in entries}
            week_rows.append(
                GanttWeek(
                    week_start=start,
                    sites=len({t.site_id for t, _ in entries}),
                    assets=sum(len(t.asset_ids) for t in packages.values()),
                    crew_days=round(sum(days for _, days in entries), 3),
                    cost=round(
                        sum(
                            t.cost_by_week().get(start, 0.0) for t in {id(t): t for t, _ in entries}.values()
                        ),
                        2,
                    ),
                    late_tasks=sum(1 for t, _ in entries if t.slack_days is not None and t.slack_days < 0),
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
                sites=len({t.site_id for entries in weeks.values() for t, _ in entries}),
                cost=round(sum(w.cost for w in week_rows), 2),
                spans=spans,
                weeks=week_rows,
            )
        )
    return sorted(rows, key=lambda r: (r.start, r.region))


def gantt_projects(plan: Plan, min_weeks: int = 3) -> list[GanttProject]:
    """One row per site whose work is done in phases or runs for at least `min_weeks` weeks."""
    by_site: dict[str, list[PlanTask]] = defaultdict(list)
    for task in plan.tasks:
        by_site[task.site_id].append(task)
    rows = []
    for site_id, tasks in by_site.items():
        start = min(t.week_start for t in tasks)
        end = max(t.end() for t in tasks)
        phased = any(t.phase != REPLACEMENT for t in tasks)
        if not phased and (end - start).days + 1 < 7 * min_weeks:
            continue
        tasks.sort(key=lambda t: (t.stage, t.phase_index))
        deadlines = [t.deadline for t in tasks if t.deadline is not None]
        rows.append(
            GanttProject(
                site_id=site_id,
                region=tasks[0].region,
                start=start,
                end=end,
                deadline=min(deadlines) if deadlines else None,
                late=any(t.slack_days is not None and t.slack_days < 0 for t in tasks),
                bars=[
                    GanttBar(
                        phase=t.phase,
                        crew=t.crew,
                        start=t.week_start,
                        end=t.end(),
                        crew_days=t.crew_days,
                        work_weeks=len(t.work_weeks()),
                        late=t.slack_days is not None and t.slack_days < 0,
                    )
                    for t in tasks
                ],
            )
        )
    return sorted(rows, key=lambda r: (r.start, r.site_id))
