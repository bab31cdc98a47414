"""The plan as users and other modules see it, and how a schedule becomes one."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from netvet.planning.caps import CapOutcome
from netvet.planning.catalogue import FIELD_CREW, REPLACEMENT
from netvet.planning.heuristic import Schedule, total_exposure
from netvet.planning.instance import PlanningInstance, WorkPackage
from netvet.planning.optimiser import SolveReport
from netvet.planning.parameters import quarter_label
from netvet.planning.unmet import Fix, find_fix, late_groups, reachable

PLAN_FORMAT = "netvet-plan/2"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class TaskWeek(_Frozen):
    week_start: date
    crew_days: float


class PlanTask(_Frozen):
    """One phase of the work at a site (all of it, when its domain has no phases)."""

    site_id: str
    region: str
    week_start: date  # the first week with work
    asset_ids: list[str]
    cost: float
    crew_days: float
    deadline: date | None
    slack_days: int | None  # days between the end of the task and the deadline; negative when late
    stage: int = 0
    domains: list[str] = []
    rule_ids: list[str] = []
    phase: str = REPLACEMENT
    phase_index: int = 0
    crew: str = FIELD_CREW
    weeks: list[TaskWeek] = []  # the task's crew-days per week; plans of format 1 did all in week_start
    finish: date | None = None  # Sunday of its last week; a phase lasts at least its shortest length
    overdue: bool = False  # in breach when the plan starts: its deadline had passed, or it is a violation

    def work_weeks(self) -> list[TaskWeek]:
        return self.weeks or [TaskWeek(week_start=self.week_start, crew_days=self.crew_days)]

    def end(self) -> date:
        return self.finish or self.week_start + timedelta(days=6)

    def cost_by_week(self) -> dict[date, float]:
        """Money is spent with the crew-days; a task without crew-days pays in its first week."""
        if self.crew_days <= 0:
            return {self.week_start: self.cost}
        out: dict[date, float] = defaultdict(float)
        for w in self.work_weeks():
            out[w.week_start] += self.cost * w.crew_days / self.crew_days
        return out


class UnscheduledWork(_Frozen):
    site_id: str
    region: str
    asset_ids: list[str]
    cost: float
    crew_days: float
    deadline: date | None
    reason: str
    domains: list[str] = []
    stage: int = 0


class UnmetFix(_Frozen):
    extra_crews: dict[str, int]
    extra_budget_per_quarter: float
    verified: bool
    floor_crews: dict[str, int]
    floor_budget_per_quarter: float
    note: str
    extra_teams: dict[str, int] = {}  # specialised crews (network-wide)
    floor_teams: dict[str, int] = {}


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
    overdue: bool = False  # in breach when the plan starts


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


class PlanCap(_Frozen):
    """A network cap: the sites chosen to clear so the vendor group's share falls to the cap."""

    rule_id: str
    jurisdiction: str
    country: str | None
    cap: float | None
    cap_metric: str | None  # sites or equipment
    measured_share: float | None
    excess: int  # sites or items to move to another supplier
    deadline: date | None
    planned: bool  # binding caps are planned; guidance caps show the choice they would take
    candidates: int  # sites holding capped items
    available: int  # what clearing all of them would take off the count
    sites: list[str]
    cleared: int
    cost: float  # extra money: the items no other rule already makes work for
    cost_bound: float  # no choice meeting the same limits costs less
    method: str
    note: str


class PlanUnknown(_Frozen):
    """Findings that could not be decided for lack of data: not planned."""

    rule_id: str
    jurisdiction: str
    assets: int
    sites: int
    example: str


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
    caps: list[PlanCap] = []
    unknown: list[PlanUnknown] = []

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def plan_parameters(instance: PlanningInstance) -> dict[str, Any]:
    params = instance.parameters
    catalogue = instance.catalogue
    crews = params.crews.as_dict()
    teams = {crew: instance.teams(crew) for crew in sorted(catalogue.specialists)}
    if teams:
        crews["specialists"] = teams
    return {
        "start": params.start.isoformat(),
        "horizon_weeks": params.horizon_weeks,
        "crews": crews,
        "days_per_crew_week": catalogue.days_per_crew_week,
        "budget_per_quarter": params.budget_per_quarter,
        "neighbour_km": params.neighbour_km,
        "precedence": [str(r) for r in params.precedence],
        "jurisdictions": list(params.jurisdictions),
        "advisory_work": params.advisory_work,
        "catalogue_version": catalogue.version,
        "phases": {
            domain: [
                {"phase": s.name, "share": s.share, "min_weeks": s.min_weeks, "crew": s.crew} for s in steps
            ]
            for domain, steps in sorted(catalogue.phases.items())
        },
        "risk": {
            "domain_weights": dict(catalogue.risk.domain_weights),
            "late_multiplier": catalogue.risk.late_multiplier,
            "unfinished_weeks": catalogue.risk.unfinished_weeks,
            "advisory_share": catalogue.risk.advisory_share,
        },
    }


def _fix_model(instance: PlanningInstance, fix: Fix | None, late: list[WorkPackage]) -> UnmetFix | None:
    if fix is None:
        return None
    region = late[0].region
    crews = {crew for p in late for j in p.jobs if (crew := instance.jobs[j].crew) != FIELD_CREW}

    def pick(values: dict[tuple[str, str], int]) -> tuple[dict[str, int], dict[str, int]]:
        field = {r: n for (crew, r), n in values.items() if crew == FIELD_CREW and r == region}
        teams = {crew: n for (crew, _), n in values.items() if crew in crews}
        return field, teams

    extra_crews, extra_teams = pick(fix.extra)
    floor_crews, floor_teams = pick(fix.floor)
    return UnmetFix(
        extra_crews=extra_crews,
        extra_budget_per_quarter=fix.extra_budget_per_quarter,
        verified=fix.verified,
        floor_crews=floor_crews,
        floor_budget_per_quarter=fix.floor_budget_per_quarter,
        note=fix.note,
        extra_teams=extra_teams,
        floor_teams=floor_teams,
    )


def _phase_lengths(instance: PlanningInstance, p: WorkPackage) -> str:
    return ", ".join(
        f"{instance.jobs[j].phase.replace('_', ' ')} {instance.jobs[j].min_weeks}" for j in p.jobs
    )


def _cause(instance: PlanningInstance, late: list[WorkPackage], earliest: list[int]) -> str:
    params = instance.parameters
    first = late[0]
    if first.overdue and first.deadline is not None:
        if first.deadline >= params.start:
            return "overdue: already in breach (the rule sets no deadline); started first, in order of risk"
        return (
            f"overdue: the deadline passed {(params.start - first.deadline).days} days before the plan starts; "
            "started first, in order of risk"
        )
    if first.deadline_week < 0:
        return "the deadline falls before the end of the first week of the plan: no resources can meet it"
    slowest = max(late, key=lambda p: earliest[p.jobs[-1]])
    if slowest.deadline_week < earliest[slowest.jobs[-1]]:
        return (
            f"the phases' shortest lengths ({_phase_lengths(instance, slowest)} weeks) end in the week of "
            f"{params.week_start(earliest[slowest.jobs[-1]])} at the earliest: no resources can meet it"
        )
    return "crews, budget, neighbour or precedence rules leave too little room before the deadline"


def build_plan(instance: PlanningInstance, schedule: Schedule, report: SolveReport) -> Plan:
    params = instance.parameters
    horizon = instance.horizon
    tasks: list[PlanTask] = []
    unscheduled: list[UnscheduledWork] = []
    done_by_week = [0] * horizon
    spend: dict[str, float] = defaultdict(float)
    earliest = instance.earliest_finish()
    for p in instance.packages:
        finish = schedule.done(p)
        if finish is None:
            shortest = earliest[p.jobs[-1]]
            reason = "not finished within the horizon under the crews, budget, neighbour and precedence rules"
            if shortest >= horizon:
                reason = f"its phases need at least {shortest + 1} weeks ({_phase_lengths(instance, p)}); the horizon has {horizon}"
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
                    stage=p.stage,
                )
            )
            continue
        done_by_week[finish] += len(p.asset_ids)
        for j in p.jobs:
            job = instance.jobs[j]
            start, end = schedule.start[j], schedule.finish[j]
            assert start is not None and end is not None
            task = PlanTask(
                site_id=p.site_id,
                region=p.region,
                week_start=params.week_start(start),
                asset_ids=list(p.asset_ids),
                cost=job.cost,
                crew_days=job.crew_days,
                deadline=p.deadline,
                slack_days=(p.deadline - params.week_end(end)).days if p.deadline else None,
                stage=p.stage,
                domains=list(p.domains),
                rule_ids=list(p.rule_ids),
                phase=job.phase,
                phase_index=job.position,
                crew=job.crew,
                weeks=[
                    TaskWeek(week_start=params.week_start(t), crew_days=round(amount, 3))
                    for t, amount in sorted(schedule.work[j].items())
                ],
                finish=params.week_end(end),
                overdue=p.overdue,
            )
            for week, money in task.cost_by_week().items():
                spend[quarter_label(week)] += money
            tasks.append(task)
    tasks.sort(key=lambda t: (t.week_start, t.region, t.site_id, t.stage, t.phase_index))
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
            done = schedule.done(p)
            finished = after_horizon if done is None else params.week_end(done)
            undone += done is None
            worst = max(worst, (finished - deadline).days)
        unmet.append(
            UnmetDeadline(
                deadline=deadline,
                region=region,
                rule_ids=sorted({r for p in late for r in p.rule_ids}),
                sites=len({p.site_id for p in late}),
                assets=sum(len(p.asset_ids) for p in late),
                days_late=worst,
                not_done_in_horizon=undone,
                cause=_cause(instance, late, earliest),
                fix=_fix_model(instance, fix, late) if all(reachable(p, earliest) for p in late) else None,
                overdue=late[0].overdue,
            )
        )
    objective = total_exposure(instance, schedule)
    bound = min(report.bound, objective)
    gap = (objective - bound) / objective if objective > 0 else 0.0
    greedy = report.greedy_objective
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
        notes=[*instance.notes, *report.notes],
        model={
            "classes": report.classes,
            "columns": report.columns,
            "rows": report.rows,
            "components": report.components,
            "neighbours_in_model": report.neighbours_in_model,
        },
        caps=[_cap(c) for c in instance.caps],
        unknown=[PlanUnknown(**asdict(u)) for u in instance.unknown],
    )


def _cap(outcome: CapOutcome) -> PlanCap:
    facts = {k: v for k, v in asdict(outcome.rule).items() if k != "key"}
    choice = {k: v for k, v in asdict(outcome).items() if k != "rule"}
    return PlanCap(**facts, **choice)
