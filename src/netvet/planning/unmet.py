"""Deadlines a plan cannot meet, how late they are, and the least extra crews or budget that would fix them.

The least extras are searched, not guessed: a cumulative test gives a floor no smaller resource can
beat (work due by week t must fit in the crew-days and money of weeks 0..t), then the
earliest-deadline-first schedule is rerun with more crews or money until every deadline that can be
met is met, and finally each extra is lowered again while that stays true.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from netvet.planning.heuristic import Resources, Schedule, greedy_schedule
from netvet.planning.instance import PlanningInstance, WorkPackage

MAX_ROUNDS = 40


@dataclass(frozen=True)
class Fix:
    extra_crews: dict[str, int]
    extra_budget_per_quarter: float
    verified: bool  # the greedy schedule meets every reachable deadline with these extras
    floor_crews: dict[str, int]  # no fewer extra crews can work (cumulative test)
    floor_budget_per_quarter: float
    note: str


def is_late(instance: PlanningInstance, p: WorkPackage, week: int | None) -> bool:
    """Done after its deadline week, or not done although the deadline falls inside the horizon."""
    if p.deadline is None:
        return False
    if week is None:
        return p.deadline_week < instance.horizon
    return week > p.deadline_week


def reachable(p: WorkPackage) -> bool:
    """A deadline at least one full week after the start can be met with enough resources."""
    return p.deadline is not None and p.deadline_week >= 0


def _floors(instance: PlanningInstance) -> tuple[dict[str, int], float]:
    days = instance.catalogue.days_per_crew_week
    horizon = instance.horizon
    quarter = instance.quarter_of_week()
    due = [p for p in instance.packages if reachable(p) and p.deadline_week < horizon]
    crews: dict[str, int] = {}
    for region in instance.regions:
        mine = sorted((p for p in due if p.region == region), key=lambda p: p.deadline_week)
        need = 0.0
        demand = 0.0
        for p in mine:
            demand += p.crew_days
            need = max(need, demand / (days * (p.deadline_week + 1)), p.crew_days / days)
        crews[region] = max(0, math.ceil(need - 1e-9) - instance.parameters.crews.crews(region))
    budget = instance.parameters.budget_per_quarter
    extra_budget = 0.0
    if budget is not None:
        spend = 0.0
        for p in sorted(due, key=lambda p: p.deadline_week):
            spend += p.cost
            extra_budget = max(extra_budget, spend / (quarter[p.deadline_week] + 1) - budget, p.cost - budget)
    return crews, extra_budget


def _late_reachable(instance: PlanningInstance, schedule: Schedule) -> list[WorkPackage]:
    return [
        p
        for p in instance.packages
        if reachable(p) and p.deadline_week < instance.horizon and is_late(instance, p, schedule[p.index])
    ]


def _resources(instance: PlanningInstance, crews: dict[str, int], budget: float) -> Resources:
    base = instance.parameters.budget_per_quarter
    return Resources(
        {
            r: (instance.parameters.crews.crews(r) + crews.get(r, 0)) * instance.catalogue.days_per_crew_week
            for r in instance.regions
        },
        None if base is None else base + budget,
    )


def find_fix(instance: PlanningInstance, schedule: Schedule) -> Fix | None:
    """Least extra crews per region and budget per quarter under which no reachable deadline is missed."""
    if not _late_reachable(instance, schedule):
        return None
    floor_crews, floor_budget = _floors(instance)
    crews = dict(floor_crews)
    budget = floor_budget
    base_budget = instance.parameters.budget_per_quarter
    step_budget = max(1.0, 0.05 * (base_budget or 0.0))

    def misses(crews: dict[str, int], budget: float) -> list[WorkPackage]:
        return _late_reachable(instance, greedy_schedule(instance, _resources(instance, crews, budget)))

    late = misses(crews, budget)
    rounds = 0
    while late and rounds < MAX_ROUNDS:
        rounds += 1
        regions = {p.region for p in late}
        for r in regions:
            crews[r] = crews.get(r, 0) + max(1, math.ceil(0.1 * instance.parameters.crews.crews(r)))
        if base_budget is not None:
            budget += step_budget
            step_budget *= 1.5
        late = misses(crews, budget)
    if late:
        return Fix(
            crews,
            budget,
            False,
            floor_crews,
            floor_budget,
            "even these extras leave deadlines missed: neighbour or precedence rules hold the work back",
        )
    # Give back what is not needed: budget by bisection, then crews, every region a step at a time
    # in one run (a region that turns late keeps its crews).
    if base_budget is not None and budget > floor_budget:
        low, high = floor_budget, budget
        for _ in range(8):
            mid = (low + high) / 2
            if misses(crews, mid):
                low = mid
            else:
                high = mid
        budget = high
    settled: set[str] = set()
    while True:
        trial = {r: n - 1 if n > floor_crews.get(r, 0) and r not in settled else n for r, n in crews.items()}
        if trial == crews:
            break
        late_regions = {p.region for p in misses(trial, budget)}
        if not late_regions:
            crews = trial
            continue
        settled |= {r for r in trial if trial[r] != crews[r] and r in late_regions}
        if not settled & {r for r in trial if trial[r] != crews[r]}:
            # The regions that turned late were not the ones lowered (a shared budget): stop here.
            break
    exact = crews == floor_crews and math.isclose(budget, floor_budget, rel_tol=1e-6, abs_tol=1.0)
    note = (
        "least possible: equal to the cumulative floor"
        if exact
        else "enough by the greedy schedule; the floor shows how few could at best suffice"
    )
    return Fix(
        {r: n for r, n in crews.items() if n},
        math.ceil(budget),
        True,
        {r: n for r, n in floor_crews.items() if n},
        math.ceil(floor_budget),
        note,
    )


def late_groups(instance: PlanningInstance, schedule: Schedule) -> dict[tuple[str, str], list[WorkPackage]]:
    """Late packages grouped by (deadline, region)."""
    groups: dict[tuple[str, str], list[WorkPackage]] = defaultdict(list)
    for p in instance.packages:
        if is_late(instance, p, schedule[p.index]) and p.deadline is not None:
            groups[(p.deadline.isoformat(), p.region)].append(p)
    return dict(sorted(groups.items()))
