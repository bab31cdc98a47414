"""Verify any plan (ours, or a user's edited copy) against the constraints, listing every violation.

The constraints are the ones the plan states in its `parameters`: crews per region and specialised
teams per week, budget per quarter, the phases of each domain (order and shortest length), neighbour
distance and precedence. Given the planning instance as well, the checker also holds the plan to the
inventory (`checker_inventory`): every asset to replace appears, each task's phases, cost and
crew-days are the catalogue's, and the stated objective is the exposure the weeks really give.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from netvet.planning.catalogue import DOMAIN_ORDER, FIELD_CREW, REPLACEMENT
from netvet.planning.checker_inventory import check_against_instance
from netvet.planning.instance import PlanningInstance
from netvet.planning.neighbours import neighbour_pairs
from netvet.planning.parameters import CrewTable, PrecedenceRule, PrecedenceScope, quarter_label
from netvet.planning.plan import PlanCap, PlanTask, SiteLocation, UnscheduledWork
from netvet.planning.violation import PlanViolation

M = TypeVar("M", bound=BaseModel)
_TOLERANCE = 1e-6
_DAYS_TOLERANCE = 2e-3  # crew-days are written with three decimals


@dataclass(frozen=True)
class Stated:
    """The plan's own parameters, read."""

    start: date
    horizon: int
    crews: CrewTable
    days: float
    budget: float | None
    neighbour_km: float | None
    rules: list[PrecedenceRule]
    phases: dict[str, list[dict[str, Any]]]

    def week_of(self, day: date) -> int:
        return (day - self.start).days // 7

    def capacity(self, crew: str, region: str) -> tuple[float, str, str]:
        """Crew-days a week, who gives them, and how many crews or teams that is."""
        if crew == FIELD_CREW:
            n = self.crews.crews(region)
            return n * self.days, f"region {region}", f"{n} crews"
        n = self.crews.teams(crew, 0)
        return n * self.days, f"{crew} teams", f"{n} teams"

    def phases_for(self, domains: list[str]) -> list[dict[str, Any]]:
        for domain in DOMAIN_ORDER:
            if domain in domains and domain in self.phases:
                return self.phases[domain]
        return [{"phase": REPLACEMENT, "min_weeks": 1, "crew": FIELD_CREW}]


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=0.01)


def _field_errors(exc: ValidationError, where: str) -> list[PlanViolation]:
    return [
        PlanViolation(kind="format", message=f"{where}, field {'.'.join(map(str, e['loc']))}: {e['msg']}")
        for e in exc.errors()
    ]


def _parse(rows: Any, model: type[M], label: str, out: list[PlanViolation]) -> list[M]:
    """Each row read as `model`; every field at fault goes to `out`, naming the row."""
    parsed = []
    for i, raw in enumerate(rows):
        try:
            parsed.append(model.model_validate(raw))
        except ValidationError as exc:
            out.extend(_field_errors(exc, f"{label} {i}"))
    return parsed


def _stated(params: Mapping[str, Any]) -> Stated:
    phases = params.get("phases") or {}
    if not isinstance(phases, Mapping):
        raise TypeError("'phases' maps domains to lists of phases")
    return Stated(
        start=date.fromisoformat(str(params["start"])),
        horizon=int(params["horizon_weeks"]),
        crews=CrewTable.from_dict(params["crews"]),
        days=float(params["days_per_crew_week"]),
        budget=None if params.get("budget_per_quarter") is None else float(params["budget_per_quarter"]),
        neighbour_km=None if params.get("neighbour_km") is None else float(params["neighbour_km"]),
        rules=[PrecedenceRule.parse(str(r)) for r in params.get("precedence", [])],
        phases={str(d): [dict(s) for s in steps] for d, steps in phases.items()},
    )


def check_plan(plan: Mapping[str, Any], instance: PlanningInstance | None = None) -> list[PlanViolation]:
    """Every way the plan breaks a constraint it states (and, with an instance, the inventory)."""
    out: list[PlanViolation] = []
    for key in ("parameters", "tasks", "objective", "bound", "gap", "unmet"):
        if key not in plan:
            out.append(PlanViolation(kind="format", message=f"the plan has no top-level '{key}'"))
    if out:
        return out
    try:
        stated = _stated(plan["parameters"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return [PlanViolation(kind="format", message=f"parameters: {exc}")]

    tasks = _parse(plan["tasks"], PlanTask, "task", out)
    unscheduled = _parse(plan.get("unscheduled", []), UnscheduledWork, "unscheduled item", out)
    caps = _parse(plan.get("caps", []), PlanCap, "cap", out)
    if out:
        return out

    out.extend(_check_weeks(stated, tasks))
    out.extend(_check_phases(stated, tasks))
    out.extend(_check_overlap_and_assets(tasks))
    out.extend(_check_capacity(stated, tasks))
    spend = _spend(tasks)
    if stated.budget is not None:
        for quarter, used in sorted(spend.items()):
            if used > stated.budget + 0.01:
                out.append(
                    PlanViolation(
                        kind="budget",
                        message=f"quarter {quarter}: {used:,.2f} planned against a budget of {stated.budget:,.2f}",
                    )
                )
    out.extend(_check_deadlines(stated, tasks, unscheduled, plan["unmet"]))
    out.extend(_check_precedence(stated, tasks, unscheduled))
    out.extend(_check_neighbours(stated, tasks, plan, instance))
    out.extend(_check_caps(caps, tasks, unscheduled))
    out.extend(_check_summary(plan, spend))
    if instance is not None:
        out.extend(
            check_against_instance(instance, stated.start, tasks, unscheduled, caps, float(plan["objective"]))
        )
    return out


def _check_weeks(stated: Stated, tasks: list[PlanTask]) -> list[PlanViolation]:
    out = []
    last_sunday = stated.start + timedelta(weeks=stated.horizon, days=-1)
    for t in tasks:
        where = f"task at site {t.site_id} ({t.phase})"
        starts = [t.week_start, *(w.week_start for w in t.weeks)]
        bad = [
            d for d in starts if (d - stated.start).days % 7 or not 0 <= stated.week_of(d) < stated.horizon
        ]
        if bad:
            out.append(
                PlanViolation(
                    kind="week",
                    message=f"{where}: week {bad[0]} is not a week of the plan (Mondays from {stated.start}, {stated.horizon} weeks)",
                    site_id=t.site_id,
                    week_start=bad[0],
                )
            )
            continue
        work = t.work_weeks()
        if len({w.week_start for w in work}) != len(work) or any(w.crew_days < 0 for w in work):
            out.append(
                PlanViolation(
                    kind="week",
                    message=f"{where}: a week is listed twice or has negative crew-days",
                    site_id=t.site_id,
                )
            )
        if min(w.week_start for w in work) != t.week_start:
            out.append(
                PlanViolation(
                    kind="week",
                    message=f"{where}: week_start {t.week_start} is not its first week of work ({min(w.week_start for w in work)})",
                    site_id=t.site_id,
                    week_start=t.week_start,
                )
            )
        total = sum(w.crew_days for w in work)
        if abs(total - t.crew_days) > _DAYS_TOLERANCE:
            out.append(
                PlanViolation(
                    kind="week",
                    message=f"{where}: its weeks add up to {total:g} crew-days, not its {t.crew_days:g}",
                    site_id=t.site_id,
                )
            )
        end = t.end()
        last_work = max(w.week_start for w in work) + timedelta(days=6)
        if end.weekday() != 6 or end < last_work or end > last_sunday:
            out.append(
                PlanViolation(
                    kind="week",
                    message=f"{where}: finish {end} is not a Sunday between its last week of work ({last_work}) and the horizon's end ({last_sunday})",
                    site_id=t.site_id,
                )
            )
        # Overdue: the deadline passed before the start, or (a breach without a deadline) falls on it.
        passed = t.deadline is not None and t.deadline < stated.start
        possible = t.deadline is not None and t.deadline <= stated.start
        if (passed and not t.overdue) or (t.overdue and not possible):
            out.append(
                PlanViolation(
                    kind="deadline",
                    message=f"{where}: overdue says {t.overdue}, but its deadline is {t.deadline} and the plan starts {stated.start}",
                    site_id=t.site_id,
                )
            )
    return out


def _package_key(t: PlanTask) -> tuple[str, int]:
    return (t.site_id, t.stage)


def _check_phases(stated: Stated, tasks: list[PlanTask]) -> list[PlanViolation]:
    """Each package's phases are the catalogue's, in order, each at least its shortest length."""
    out = []
    by_package: dict[tuple[str, int], list[PlanTask]] = defaultdict(list)
    for t in tasks:
        by_package[_package_key(t)].append(t)
    for (site, stage), group in sorted(by_package.items()):
        group.sort(key=lambda t: t.phase_index)
        expected = stated.phases_for(group[0].domains)
        for t in group:
            if not 0 <= t.phase_index < len(expected) or expected[t.phase_index]["phase"] != t.phase:
                names = ", ".join(str(s["phase"]) for s in expected)
                out.append(
                    PlanViolation(
                        kind="phase",
                        message=f"site {site}: phase {t.phase_index} '{t.phase}' is not in the phases of {'/'.join(t.domains)} work ({names})",
                        site_id=site,
                    )
                )
                continue
            step = expected[t.phase_index]
            crew = str(step.get("crew", FIELD_CREW))
            if t.crew != crew:
                out.append(
                    PlanViolation(
                        kind="phase",
                        message=f"site {site}: {t.phase} is done by {crew} crews, not {t.crew}",
                        site_id=site,
                    )
                )
            weeks = ((t.end() - t.week_start).days + 1) // 7
            if weeks < int(step.get("min_weeks", 1)):
                out.append(
                    PlanViolation(
                        kind="phase",
                        message=f"site {site}: {t.phase} lasts {weeks} week(s), less than its shortest length of {step['min_weeks']}",
                        site_id=site,
                        week_start=t.week_start,
                    )
                )
        indices = [t.phase_index for t in group]
        if indices != list(range(len(expected))):
            out.append(
                PlanViolation(
                    kind="phase",
                    message=f"site {site}, stage {stage}: phases {indices} planned; the work has {len(expected)} ({', '.join(str(s['phase']) for s in expected)})",
                    site_id=site,
                )
            )
        for before, after in itertools.pairwise(group):
            if after.week_start <= before.end():
                out.append(
                    PlanViolation(
                        kind="phase",
                        message=f"site {site}: {after.phase} starts in the week of {after.week_start}, before {before.phase} ends ({before.end()})",
                        site_id=site,
                        week_start=after.week_start,
                    )
                )
        if len({frozenset(t.asset_ids) for t in group}) > 1:
            out.append(
                PlanViolation(
                    kind="phase",
                    message=f"site {site}: the phases of one package name different assets",
                    site_id=site,
                )
            )
    return out


def _check_overlap_and_assets(tasks: list[PlanTask]) -> list[PlanViolation]:
    out = []
    seen: set[tuple[str, date]] = set()
    for t in tasks:
        for w in t.work_weeks():
            if (t.site_id, w.week_start) in seen:
                out.append(
                    PlanViolation(
                        kind="duplicate",
                        message=f"site {t.site_id} has two tasks in the week of {w.week_start}",
                        site_id=t.site_id,
                        week_start=w.week_start,
                    )
                )
            seen.add((t.site_id, w.week_start))
    owner: dict[str, tuple[str, int]] = {}
    for t in tasks:
        for a in t.asset_ids:
            if a in owner and owner[a] != _package_key(t):
                out.append(
                    PlanViolation(
                        kind="duplicate",
                        message=f"asset {a} is replaced twice (sites {owner[a][0]} and {t.site_id})",
                        site_id=t.site_id,
                    )
                )
            owner[a] = _package_key(t)
    return out


def _check_capacity(stated: Stated, tasks: list[PlanTask]) -> list[PlanViolation]:
    out = []
    load: dict[tuple[str, str, date], float] = defaultdict(float)
    for t in tasks:
        region = t.region if t.crew == FIELD_CREW else ""
        for w in t.work_weeks():
            load[(t.crew, region, w.week_start)] += w.crew_days
    for (crew, region, week_start), used in sorted(load.items()):
        if crew != FIELD_CREW and crew not in stated.crews.specialists:
            out.append(
                PlanViolation(
                    kind="crews",
                    message=f"crew type {crew!r} is not among the plan's specialised teams",
                    week_start=week_start,
                )
            )
            continue
        cap, who, count = stated.capacity(crew, region)
        if used > cap + 1e-4:
            out.append(
                PlanViolation(
                    kind="crews",
                    message=f"{who}, week of {week_start}: {used:g} crew-days planned, {count} give {cap:g}",
                    region=region or None,
                    week_start=week_start,
                )
            )
    return out


def _spend(tasks: list[PlanTask]) -> dict[str, float]:
    spend: dict[str, float] = defaultdict(float)
    for t in tasks:
        for week, money in t.cost_by_week().items():
            spend[quarter_label(week)] += money
    return spend


def _check_deadlines(
    stated: Stated, tasks: list[PlanTask], unscheduled: list[UnscheduledWork], unmet: Any
) -> list[PlanViolation]:
    """Slack must be what the dates say, and lateness must be owned up to in `unmet`."""
    out = []
    unmet_keys = {(str(u.get("deadline")), str(u.get("region"))) for u in unmet if isinstance(u, Mapping)}
    for t in tasks:
        if t.deadline is None:
            continue
        slack = (t.deadline - t.end()).days
        if t.slack_days != slack:
            out.append(
                PlanViolation(
                    kind="deadline",
                    message=f"site {t.site_id}: slack_days says {t.slack_days}, the dates give {slack}",
                    site_id=t.site_id,
                    week_start=t.week_start,
                )
            )
        if slack < 0 and (t.deadline.isoformat(), t.region) not in unmet_keys:
            out.append(
                PlanViolation(
                    kind="deadline",
                    message=f"site {t.site_id} is done {-slack} days after its deadline {t.deadline} and `unmet` does not say so",
                    site_id=t.site_id,
                    region=t.region,
                    week_start=t.week_start,
                )
            )
    for u in unscheduled:
        # Left out while its deadline could be met inside the horizon (the last week ends by it).
        inside = u.deadline is not None and ((u.deadline - stated.start).days - 6) // 7 < stated.horizon
        if u.deadline is not None and inside and (u.deadline.isoformat(), u.region) not in unmet_keys:
            out.append(
                PlanViolation(
                    kind="deadline",
                    message=f"site {u.site_id}: work due {u.deadline} is left out of the plan and `unmet` does not say so",
                    site_id=u.site_id,
                    region=u.region,
                )
            )
    return out


def _check_precedence(
    stated: Stated, tasks: list[PlanTask], unscheduled: list[UnscheduledWork]
) -> list[PlanViolation]:
    out = []
    first: dict[tuple[str, int], int] = {}
    last: dict[tuple[str, int], int] = {}
    packages: dict[tuple[str, int], PlanTask] = {}
    for t in tasks:
        key = _package_key(t)
        packages.setdefault(key, t)
        first[key] = min(first.get(key, 10**9), stated.week_of(t.week_start))
        last[key] = max(last.get(key, -1), stated.week_of(t.end() - timedelta(days=6)))
    for rule in stated.rules:
        before, after = rule.before.value, rule.after.value

        def scope_of(site: str, region: str, rule: PrecedenceRule = rule) -> str:
            if rule.scope is PrecedenceScope.SITE:
                return site
            return region if rule.scope is PrecedenceScope.REGION else "network"

        last_before: dict[str, int] = {}
        for key, t in packages.items():
            if before in t.domains:
                scope = scope_of(t.site_id, t.region)
                last_before[scope] = max(last_before.get(scope, -1), last[key])
        held_back = {scope_of(u.site_id, u.region) for u in unscheduled if before in u.domains}
        for key, t in packages.items():
            if after not in t.domains:
                continue
            scope = scope_of(t.site_id, t.region)
            if before in t.domains or (scope in last_before and last_before[scope] >= first[key]):
                out.append(
                    PlanViolation(
                        kind="precedence",
                        message=f"{rule}: {after} work at site {t.site_id} in the week of {stated.start + timedelta(weeks=first[key])} does not wait for {before} work ({rule.scope.value} {scope})",
                        site_id=t.site_id,
                        week_start=t.week_start,
                    )
                )
            if scope in held_back:
                out.append(
                    PlanViolation(
                        kind="precedence",
                        message=f"{rule}: {after} work at site {t.site_id} is planned while {before} work it waits for is left out",
                        site_id=t.site_id,
                        week_start=t.week_start,
                    )
                )
    return out


def _check_neighbours(
    stated: Stated, tasks: list[PlanTask], plan: Mapping[str, Any], instance: PlanningInstance | None
) -> list[PlanViolation]:
    """Neighbouring sites are not out of service (have work) in the same week."""
    if not stated.neighbour_km:
        return []
    locations: dict[str, tuple[float, float]] = {}
    if instance is not None:
        locations = dict(instance.site_coordinates)
    else:
        for site_id, raw in (plan.get("sites") or {}).items():
            loc = SiteLocation.model_validate(raw)
            if loc.latitude is not None and loc.longitude is not None:
                locations[site_id] = (loc.latitude, loc.longitude)
    by_week: dict[date, set[str]] = defaultdict(set)
    for t in tasks:
        for w in t.work_weeks():
            by_week[w.week_start].add(t.site_id)
    out = []
    for week_start, active in sorted(by_week.items()):
        points = [(s, *locations[s]) for s in active if s in locations]
        for a, b in neighbour_pairs(points, stated.neighbour_km):
            out.append(
                PlanViolation(
                    kind="neighbours",
                    message=f"sites {a} and {b} are within {stated.neighbour_km:g} km and both out of service in the week of {week_start}",
                    site_id=a,
                    week_start=week_start,
                )
            )
    return out


def _check_caps(
    caps: list[PlanCap], tasks: list[PlanTask], unscheduled: list[UnscheduledWork]
) -> list[PlanViolation]:
    """A planned cap clears what it must, and its sites are in the plan."""
    out = []
    in_plan = {t.site_id for t in tasks} | {u.site_id for u in unscheduled}
    for cap in caps:
        if not cap.planned:
            continue
        if cap.cleared < min(cap.excess, cap.available):
            out.append(
                PlanViolation(
                    kind="cap",
                    message=f"cap {cap.rule_id} ({cap.country}): clears {cap.cleared} of the {cap.excess} it must",
                )
            )
        missing = [s for s in cap.sites if s not in in_plan]
        if missing:
            out.append(
                PlanViolation(
                    kind="cap",
                    message=f"cap {cap.rule_id} ({cap.country}): sites {', '.join(missing[:5])} are chosen but have no work in the plan",
                    site_id=missing[0],
                )
            )
    return out


def _check_summary(plan: Mapping[str, Any], spend: Mapping[str, float]) -> list[PlanViolation]:
    out = []
    stated_quarters = {
        q.get("quarter"): q.get("cost") for q in plan.get("cost_per_quarter", []) if isinstance(q, Mapping)
    }
    for quarter, used in spend.items():
        if quarter in stated_quarters and not _close(float(stated_quarters[quarter] or 0.0), used):
            out.append(
                PlanViolation(
                    kind="summary",
                    message=f"cost_per_quarter says {stated_quarters[quarter]} for {quarter}; the tasks add up to {used:.2f}",
                )
            )
    objective, bound, gap = float(plan["objective"]), float(plan["bound"]), float(plan["gap"])
    if bound > objective * (1 + 1e-6) + _TOLERANCE:
        out.append(
            PlanViolation(kind="summary", message=f"the bound {bound} exceeds the objective {objective}")
        )
    if objective > 0 and abs(gap - (objective - bound) / objective) > 1e-4:
        out.append(PlanViolation(kind="summary", message=f"gap {gap} is not (objective - bound) / objective"))
    return out
