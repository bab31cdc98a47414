"""The plan as users and other modules see it, and how a schedule becomes one."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from netvet.planning.heuristic import Schedule, total_exposure
from netvet.planning.instance import PlanningInstance
from netvet.planning.optimiser import SolveReport
from netvet.planning.parameters import quarter_label
from netvet.planning.unmet import Fix, find_fix, late_groups, reachable

PLAN_FORMAT = "netvet-plan/1"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class PlanTask(_Frozen):
    site_id: str
    region: str
    week_start: date
    asset_ids: list[str]
    cost: float
    crew_days: float
    deadline: date | None
    slack_days: int | None  # days between the end of the week and the deadline; negative when late
    stage: int = 0
    domains: list[str] = []
    rule_ids: list[str] = []


class UnscheduledWork(_Frozen):
    site_id: str
    region: str
    asset_ids: list[str]
    cost: float
    crew_days: float
    deadline: date | None
    reason: str
    domains: list[str] = []


class UnmetFix(_Frozen):
    extra_crews: dict[str, int]
    extra_budget_per_quarter: float
    verified: bool
    floor_crews: dict[str, int]
    floor_budget_per_quarter: float
    note: str


class UnmetDeadline(_Frozen):
    deadline: date
    region: str
    rule_ids: list[str]
    sites: int
    assets: int
    days_late: int  # the worst; work left out of the horizon counts as done in the week after it
    not_done_in_horizon: int
    cause: str
    fix: UnmetFix | None


class BurnDownWeek(_Frozen):
    week_start: date
    non_compliant_assets: int


class QuarterCost(_Frozen):
    quarter: str
    cost: float
    budget: float | None


class SiteLocation(_Frozen):
    region: str
    latitude: float | None = None
    longitude: float | None = None


class Plan(_Frozen):
    format: str = PLAN_FORMAT
    method: str
    solver_status: str
    seconds: float
    objective: float
    bound: float
    gap: float
    greedy_objective: float
    improvement_over_greedy: float  # relative: (greedy - objective) / greedy
    total_cost: float
    currency: str
    parameters: dict[str, Any]
    unmet: list[UnmetDeadline]
    tasks: list[PlanTask]
    unscheduled: list[UnscheduledWork]
    burn_down: list[BurnDownWeek]
    cost_per_quarter: list[QuarterCost]
    sites: dict[str, SiteLocation]
    notes: list[str]
    model: dict[str, Any] = {}  # size of the optimiser's model: classes, columns, rows, components

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def plan_parameters(instance: PlanningInstance) -> dict[str, Any]:
    params = instance.parameters
    catalogue = instance.catalogue
    return {
        "start": params.start.isoformat(),
        "horizon_weeks": params.horizon_weeks,
        "crews": params.crews.as_dict(),
        "days_per_crew_week": catalogue.days_per_crew_week,
        "budget_per_quarter": params.budget_per_quarter,
        "neighbour_km": params.neighbour_km,
        "precedence": [str(r) for r in params.precedence],
        "jurisdictions": list(params.jurisdictions),
        "catalogue_version": catalogue.version,
        "risk": {
            "domain_weights": dict(catalogue.risk.domain_weights),
            "late_multiplier": catalogue.risk.late_multiplier,
            "unfinished_weeks": catalogue.risk.unfinished_weeks,
        },
    }


def _fix_model(fix: Fix | None, region: str) -> UnmetFix | None:
    if fix is None:
        return None
    return UnmetFix(
        extra_crews={region: fix.extra_crews[region]} if region in fix.extra_crews else {},
        extra_budget_per_quarter=fix.extra_budget_per_quarter,
        verified=fix.verified,
        floor_crews={region: fix.floor_crews[region]} if region in fix.floor_crews else {},
        floor_budget_per_quarter=fix.floor_budget_per_quarter,
        note=fix.note,
    )


def build_plan(instance: PlanningInstance, schedule: Schedule, report: SolveReport) -> Plan:
    params = instance.parameters
    horizon = instance.horizon
    tasks: list[PlanTask] = []
    unscheduled: list[UnscheduledWork] = []
    done_by_week = [0] * horizon
    spend: dict[str, float] = defaultdict(float)
    for p in instance.packages:
        week = schedule[p.index]
        if week is None:
            reason = "does not fit in the horizon under the crews, budget, neighbour and precedence rules"
            if p.crew_days > instance.capacity(p.region):
                reason = f"needs {p.crew_days:g} crew-days in one week; region {p.region} has {instance.capacity(p.region):g}"
            unscheduled.append(
                UnscheduledWork(
                    site_id=p.site_id,
                    region=p.region,
                    asset_ids=list(p.asset_ids),
                    cost=p.cost,
                    crew_days=p.crew_days,
                    deadline=p.deadline,
                    reason=reason,
                    domains=list(p.domains),
                )
            )
            continue
        done_by_week[week] += len(p.asset_ids)
        spend[quarter_label(params.week_start(week))] += p.cost
        tasks.append(
            PlanTask(
                site_id=p.site_id,
                region=p.region,
                week_start=params.week_start(week),
                asset_ids=list(p.asset_ids),
                cost=p.cost,
                crew_days=p.crew_days,
                deadline=p.deadline,
                slack_days=(p.deadline - params.week_end(week)).days if p.deadline else None,
                stage=p.stage,
                domains=list(p.domains),
                rule_ids=list(p.rule_ids),
            )
        )
    tasks.sort(key=lambda t: (t.week_start, t.region, t.site_id, t.stage))
    remaining = sum(len(p.asset_ids) for p in instance.packages)
    burn_down = []
    for t in range(horizon):
        remaining -= done_by_week[t]
        burn_down.append(BurnDownWeek(week_start=params.week_start(t), non_compliant_assets=remaining))

    fix = find_fix(instance, schedule)
    unmet = []
    after_horizon = params.week_end(horizon)  # the earliest that work left out could finish
    for (deadline_text, region), late in late_groups(instance, schedule).items():
        deadline = date.fromisoformat(deadline_text)
        worst = 0
        undone = 0
        for p in late:
            week = schedule[p.index]
            end = after_horizon if week is None else params.week_end(week)
            undone += week is None
            worst = max(worst, (end - deadline).days)
        if not reachable(late[0]):
            cause = (
                "the deadline falls before the end of the first week of the plan: no resources can meet it"
            )
            fix_model = None
        else:
            cause = "crews, budget, neighbour or precedence rules leave too little room before the deadline"
            fix_model = _fix_model(fix, region)
        unmet.append(
            UnmetDeadline(
                deadline=deadline,
                region=region,
                rule_ids=sorted({r for p in late for r in p.rule_ids}),
                sites=len({p.site_id for p in late}),
                assets=sum(len(p.asset_ids) for p in late),
                days_late=worst,
                not_done_in_horizon=undone,
                cause=cause,
                fix=fix_model,
            )
        )
    objective = total_exposure(instance, schedule)
    bound = min(report.bound, objective)
    gap = (objective - bound) / objective if objective > 0 else 0.0
    greedy = report.greedy_objective
    notes = [*instance.notes, *report.notes]
    return Plan(
        method=report.method,
        solver_status=report.status,
        seconds=round(report.seconds, 3),
        objective=round(objective, 6),
        bound=round(bound, 6),
        gap=round(max(0.0, gap), 6),
        greedy_objective=round(greedy, 6),
        improvement_over_greedy=round((greedy - objective) / greedy, 6) if greedy > 0 else 0.0,
        total_cost=round(sum(t.cost for t in tasks), 2),
        currency=instance.catalogue.currency,
        parameters=plan_parameters(instance),
        unmet=unmet,
        tasks=tasks,
        unscheduled=unscheduled,
        burn_down=burn_down,
        cost_per_quarter=[
            QuarterCost(quarter=q, cost=round(spend.get(q, 0.0), 2), budget=params.budget_per_quarter)
            for q in instance.quarter_labels()
        ],
        sites={
            s: SiteLocation(
                region=region,
                latitude=instance.site_coordinates.get(s, (None, None))[0],
                longitude=instance.site_coordinates.get(s, (None, None))[1],
            )
            for s, region in sorted({p.site_id: p.region for p in instance.packages}.items())
        },
        notes=notes,
        model={
            "classes": report.classes,
            "columns": report.columns,
            "rows": report.rows,
            "components": report.components,
            "neighbours_in_model": report.neighbours_in_model,
        },
    )
