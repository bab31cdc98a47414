"""Verify any plan (ours, or a user's edited copy) against the constraints, listing every violation.

The constraints are the ones the plan states in its `parameters` (crews, budget, neighbour distance,
precedence). Given the planning instance as well, the checker also holds the plan to the inventory:
every asset to replace appears once, each task's region, cost, crew-days and deadline are right, and
the stated objective is the exposure the weeks really give.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from netvet.planning.instance import PlanningInstance
from netvet.planning.neighbours import neighbour_pairs
from netvet.planning.parameters import CrewTable, PrecedenceRule, PrecedenceScope, quarter_label
from netvet.planning.plan import PlanTask, SiteLocation, UnscheduledWork

_TOLERANCE = 1e-6


class PlanViolation(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: str
    message: str
    site_id: str | None = None
    region: str | None = None
    week_start: date | None = None

    def __str__(self) -> str:
        return f"[{self.kind}] {self.message}"


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=0.01)


def _field_errors(exc: ValidationError, where: str) -> list[PlanViolation]:
    return [
        PlanViolation(kind="format", message=f"{where}, field {'.'.join(map(str, e['loc']))}: {e['msg']}")
        for e in exc.errors()
    ]


def check_plan(plan: Mapping[str, Any], instance: PlanningInstance | None = None) -> list[PlanViolation]:
    """Every way the plan breaks a constraint it states (and, with an instance, the inventory)."""
    out: list[PlanViolation] = []
    for key in ("parameters", "tasks", "objective", "bound", "gap", "unmet"):
        if key not in plan:
            out.append(PlanViolation(kind="format", message=f"the plan has no top-level '{key}'"))
    if out:
        return out
    params = plan["parameters"]
    try:
        start = date.fromisoformat(str(params["start"]))
        horizon = int(params["horizon_weeks"])
        crews_raw = params["crews"]
        crews = CrewTable(
            int(crews_raw["default"]), {str(k): int(v) for k, v in crews_raw.get("regions", {}).items()}
        )
        days = float(params["days_per_crew_week"])
        budget = None if params.get("budget_per_quarter") is None else float(params["budget_per_quarter"])
        neighbour_km = None if params.get("neighbour_km") is None else float(params["neighbour_km"])
        rules = [PrecedenceRule.parse(str(r)) for r in params.get("precedence", [])]
    except (KeyError, TypeError, ValueError) as exc:
        return [PlanViolation(kind="format", message=f"parameters: {exc}")]

    tasks: list[PlanTask] = []
    for i, raw in enumerate(plan["tasks"]):
        try:
            tasks.append(PlanTask.model_validate(raw))
        except ValidationError as exc:
            out.extend(_field_errors(exc, f"task {i}"))
    unscheduled: list[UnscheduledWork] = []
    for i, raw in enumerate(plan.get("unscheduled", [])):
        try:
            unscheduled.append(UnscheduledWork.model_validate(raw))
        except ValidationError as exc:
            out.extend(_field_errors(exc, f"unscheduled item {i}"))
    if out:
        return out

    week_of: list[int] = []
    for t in tasks:
        offset = (t.week_start - start).days
        week = offset // 7
        if offset % 7 or not 0 <= week < horizon:
            out.append(
                PlanViolation(
                    kind="week",
                    message=f"task at site {t.site_id}: week_start {t.week_start} is not a week of the plan "
                    f"(Mondays from {start}, {horizon} weeks)",
                    site_id=t.site_id,
                    week_start=t.week_start,
                )
            )
        week_of.append(week)

    # One task per site and week; each asset once.
    seen_site_week: set[tuple[str, date]] = set()
    seen_asset: dict[str, str] = {}
    for t in tasks:
        if (t.site_id, t.week_start) in seen_site_week:
            out.append(
                PlanViolation(
                    kind="duplicate",
                    message=f"site {t.site_id} has two tasks in the week of {t.week_start}",
                    site_id=t.site_id,
                    week_start=t.week_start,
                )
            )
        seen_site_week.add((t.site_id, t.week_start))
        for a in t.asset_ids:
            if a in seen_asset:
                out.append(
                    PlanViolation(
                        kind="duplicate",
                        message=f"asset {a} is replaced twice (sites {seen_asset[a]} and {t.site_id})",
                        site_id=t.site_id,
                    )
                )
            seen_asset[a] = t.site_id

    # Crews per region per week.
    load: dict[tuple[str, date], float] = defaultdict(float)
    for t in tasks:
        load[(t.region, t.week_start)] += t.crew_days
    for (region, week_start), used in sorted(load.items()):
        cap = crews.crews(region) * days
        if used > cap + _TOLERANCE:
            out.append(
                PlanViolation(
                    kind="crews",
                    message=f"region {region}, week of {week_start}: {used:g} crew-days planned, {crews.crews(region)} crews give {cap:g}",
                    region=region,
                    week_start=week_start,
                )
            )

    # Budget per quarter.
    spend: dict[str, float] = defaultdict(float)
    for t in tasks:
        spend[quarter_label(t.week_start)] += t.cost
    if budget is not None:
        for quarter, used in sorted(spend.items()):
            if used > budget + 0.01:
                out.append(
                    PlanViolation(
                        kind="budget",
                        message=f"quarter {quarter}: {used:,.2f} planned against a budget of {budget:,.2f}",
                    )
                )

    # Deadlines: slack must be what the dates say, and lateness must be owned up to in `unmet`.
    unmet_keys = set()
    for u in plan["unmet"]:
        if isinstance(u, Mapping):
            unmet_keys.add((str(u.get("deadline")), str(u.get("region"))))
    for t in tasks:
        if t.deadline is None:
            continue
        slack = (t.deadline - (t.week_start + timedelta(days=6))).days
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
        inside = u.deadline is not None and ((u.deadline - start).days - 6) // 7 < horizon
        if u.deadline is not None and inside and (u.deadline.isoformat(), u.region) not in unmet_keys:
            out.append(
                PlanViolation(
                    kind="deadline",
                    message=f"site {u.site_id}: work due {u.deadline} is left out of the plan and `unmet` does not say so",
                    site_id=u.site_id,
                    region=u.region,
                )
            )

    # Precedence.
    out.extend(_check_precedence(rules, tasks, week_of, unscheduled))

    # Neighbours out of service in the same week.
    if neighbour_km:
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
            by_week[t.week_start].add(t.site_id)
        for week_start, active in sorted(by_week.items()):
            points = [(s, *locations[s]) for s in active if s in locations]
            for a, b in neighbour_pairs(points, neighbour_km):
                out.append(
                    PlanViolation(
                        kind="neighbours",
                        message=f"sites {a} and {b} are within {neighbour_km:g} km and both out of service in the week of {week_start}",
                        site_id=a,
                        week_start=week_start,
                    )
                )

    # Summary figures must match the tasks.
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

    if instance is not None:
        out.extend(_check_against_instance(instance, tasks, unscheduled, week_of, objective))
    return out


def _check_precedence(
    rules: list[PrecedenceRule], tasks: list[PlanTask], week_of: list[int], unscheduled: list[UnscheduledWork]
) -> list[PlanViolation]:
    out = []
    for rule in rules:
        before, after = rule.before.value, rule.after.value

        def scope_key(t: PlanTask, rule: PrecedenceRule = rule) -> str:
            if rule.scope is PrecedenceScope.SITE:
                return t.site_id
            return t.region if rule.scope is PrecedenceScope.REGION else "network"

        last_before: dict[str, int] = {}
        for t, w in zip(tasks, week_of, strict=True):
            if before in t.domains:
                last_before[scope_key(t)] = max(last_before.get(scope_key(t), -1), w)
        for t, w in zip(tasks, week_of, strict=True):
            if after not in t.domains:
                continue
            key = scope_key(t)
            if before in t.domains or (key in last_before and last_before[key] >= w):
                out.append(
                    PlanViolation(
                        kind="precedence",
                        message=f"{rule}: {after} work at site {t.site_id} in the week of {t.week_start} does not wait for {before} work ({rule.scope.value} {key})",
                        site_id=t.site_id,
                        week_start=t.week_start,
                    )
                )
        held_back = set()
        for u in unscheduled:
            if before in u.domains:
                scope = (
                    u.site_id
                    if rule.scope is PrecedenceScope.SITE
                    else (u.region if rule.scope is PrecedenceScope.REGION else "network")
                )
                held_back.add(scope)
        for t in tasks:
            if after in t.domains and scope_key(t) in held_back:
                out.append(
                    PlanViolation(
                        kind="precedence",
                        message=f"{rule}: {after} work at site {t.site_id} is planned while {before} work it waits for is left out",
                        site_id=t.site_id,
                        week_start=t.week_start,
                    )
                )
    return out


def _check_against_instance(
    instance: PlanningInstance,
    tasks: list[PlanTask],
    unscheduled: list[UnscheduledWork],
    week_of: list[int],
    objective: float,
) -> list[PlanViolation]:
    out = []
    package_of_asset = {a: p for p in instance.packages for a in p.asset_ids}
    covered: set[str] = set()
    week_of_package: dict[int, int | None] = {p.index: None for p in instance.packages}
    for t, w in zip(tasks, week_of, strict=True):
        packages = {package_of_asset[a].index for a in t.asset_ids if a in package_of_asset}
        unknown = [a for a in t.asset_ids if a not in package_of_asset]
        if unknown:
            out.append(
                PlanViolation(
                    kind="inventory",
                    message=f"site {t.site_id}: assets {', '.join(unknown)} need no replacement (or do not exist)",
                    site_id=t.site_id,
                )
            )
        covered.update(t.asset_ids)
        if len(packages) != 1:
            if packages:
                out.append(
                    PlanViolation(
                        kind="inventory",
                        message=f"site {t.site_id}: one task mixes work the precedence rules split into stages",
                        site_id=t.site_id,
                    )
                )
            continue
        p = instance.packages[packages.pop()]
        week_of_package[p.index] = w
        if set(t.asset_ids) != set(p.asset_ids):
            out.append(
                PlanViolation(
                    kind="inventory",
                    message=f"site {t.site_id}: the task replaces {len(t.asset_ids)} of the {len(p.asset_ids)} assets of its stage",
                    site_id=t.site_id,
                )
            )
        if t.site_id != p.site_id or t.region != p.region:
            out.append(
                PlanViolation(
                    kind="inventory",
                    message=f"task at {t.site_id}/{t.region}: its assets are at site {p.site_id} in region {p.region}",
                    site_id=t.site_id,
                )
            )
        if not _close(t.cost, p.cost) or not _close(t.crew_days, p.crew_days):
            out.append(
                PlanViolation(
                    kind="inventory",
                    message=f"site {t.site_id}: cost {t.cost} / crew-days {t.crew_days} differ from the catalogue's {p.cost} / {p.crew_days}",
                    site_id=t.site_id,
                )
            )
        if t.deadline != p.deadline:
            out.append(
                PlanViolation(
                    kind="deadline",
                    message=f"site {t.site_id}: deadline {t.deadline} differs from the findings' {p.deadline}",
                    site_id=t.site_id,
                )
            )
    left_out = {a for u in unscheduled for a in u.asset_ids}
    missing = [a for a in package_of_asset if a not in covered and a not in left_out]
    if missing:
        out.append(
            PlanViolation(
                kind="coverage",
                message=f"{len(missing)} asset(s) to replace appear in no task and not in `unscheduled`, e.g. {', '.join(sorted(missing)[:5])}",
            )
        )
    if not missing and len(out) == 0 and all(0 <= w < instance.horizon for w in week_of):
        real = sum(instance.exposure(p, week_of_package[p.index]) for p in instance.packages)
        if not math.isclose(real, objective, rel_tol=1e-6, abs_tol=1e-3):
            out.append(
                PlanViolation(
                    kind="summary",
                    message=f"the stated objective {objective} is not the exposure of these weeks ({real:.6f})",
                )
            )
    return out
