"""Deadlines a plan cannot meet, how late they are, and the least extra crews, teams or budget that would fix them.

The least extras are searched, not guessed: a cumulative test gives a floor no smaller resource can
beat (the work each pool must finish by week t must fit in its crew-days of weeks 0..t, and the money
likewise), then the earliest-deadline-first schedule is rerun with more crews or money until every
deadline that can be met is met, and finally each extra is lowered again while that stays true.
A deadline cannot be met by any resource when it passed before the plan starts (overdue), falls in
the first week, or comes before the phases' shortest lengths allow the work to finish.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from netvet.planning.heuristic import Resources, Schedule, greedy_schedule
from netvet.planning.instance import PlanningInstance, Pool, WorkPackage

MAX_ROUNDS = 40


@dataclass(frozen=True)
class Fix:
    extra: dict[Pool, int]  # crews (field pools) or teams (specialised pools)
    extra_budget_per_quarter: float
    verified: bool  # the greedy schedule meets every reachable deadline with these extras
    floor: dict[Pool, int]  # no fewer extra can work (cumulative test)
    floor_budget_per_quarter: float
    note: str


def is_late(instance: PlanningInstance, p: WorkPackage, week: int | None) -> bool:
    """Done after its deadline week, or not done although the deadline falls inside the horizon."""
    if p.deadline is None:
        return False
    if week is None:
        return p.deadline_week < instance.horizon
    return week > p.deadline_week


def reachable(p: WorkPackage, earliest_finish: list[int]) -> bool:
    """Whether enough resources could meet the deadline: not overdue, and after the phases' shortest run."""
    return p.deadline is not None and not p.overdue and p.deadline_week >= earliest_finish[p.jobs[-1]]


def latest_finish(instance: PlanningInstance) -> list[int]:
    """The last week each job may finish for its package to meet its deadline (phases after it still to run)."""
    out = [0] * len(instance.jobs)
    for p in instance.packages:
        week = p.deadline_week
        for j in reversed(p.jobs):
            out[j] = week
            week -= max(1, instance.jobs[j].min_weeks)
    return out


def _floors(instance: PlanningInstance, earliest: list[int]) -> tuple[dict[Pool, int], float]:
    days = instance.catalogue.days_per_crew_week
    horizon = instance.horizon
    quarter = instance.quarter_of_week()
    due = [p for p in instance.packages if reachable(p, earliest) and p.deadline_week < horizon]
    last = latest_finish(instance)
    by_pool: dict[Pool, list[tuple[int, float]]] = defaultdict(list)
    for p in due:
        for j in p.jobs:
            by_pool[instance.pool(instance.jobs[j])].append((last[j], instance.jobs[j].crew_days))
    floor: dict[Pool, int] = {}
    for pool, work in by_pool.items():
        need = 0.0
        demand = 0.0
        for week, crew_days in sorted(work):
            demand += crew_days
            need = max(need, demand / (days * (max(week, 0) + 1)))
        floor[pool] = max(0, math.ceil(need - 1e-9) - round(instance.capacity(pool) / days))
    budget = instance.parameters.budget_per_quarter
    extra_budget = 0.0
    if budget is not None:
        spend = 0.0
        for p in sorted(due, key=lambda p: p.deadline_week):
            spend += p.cost
            extra_budget = max(extra_budget, spend / (quarter[p.deadline_week] + 1) - budget)
    return floor, extra_budget


def _late_reachable(instance: PlanningInstance, schedule: Schedule, earliest: list[int]) -> list[WorkPackage]:
    return [
        p
        for p in instance.packages
        if reachable(p, earliest)
        and p.deadline_week < instance.horizon
        and is_late(instance, p, schedule.done(p))
    ]


def find_fix(instance: PlanningInstance, schedule: Schedule) -> Fix | None:
    """Least extra crews and teams per pool and budget per quarter under which no reachable deadline is missed."""
    earliest = instance.earliest_finish()
    if not _late_reachable(instance, schedule, earliest):
        return None
    floor, floor_budget = _floors(instance, earliest)
    extra = dict(floor)
    budget = floor_budget
    base_budget = instance.parameters.budget_per_quarter
    step_budget = max(1.0, 0.05 * (base_budget or 0.0))
    days = instance.catalogue.days_per_crew_week

    def misses(extra: dict[Pool, int], budget: float) -> list[WorkPackage]:
        resources = Resources.of(instance, extra, budget)
        return _late_reachable(instance, greedy_schedule(instance, resources), earliest)

    late = misses(extra, budget)
    rounds = 0
    while late and rounds < MAX_ROUNDS:
        rounds += 1
        pools = {instance.pool(instance.jobs[j]) for p in late for j in p.jobs}
        for pool in pools:
            extra[pool] = extra.get(pool, 0) + max(1, math.ceil(0.1 * instance.capacity(pool) / days))
        if base_budget is not None:
            budget += step_budget
            step_budget *= 1.5
        late = misses(extra, budget)
    if late:
        return Fix(
            extra,
            budget,
            False,
            floor,
            floor_budget,
            "even these extras leave deadlines missed: neighbour or precedence rules hold the work back",
        )
    # Give back what is not needed: budget by bisection, then crews and teams, every pool a step at a
    # time in one run (a pool whose work turns late keeps its crews).
    if base_budget is not None and budget > floor_budget:
        low, high = floor_budget, budget
        for _ in range(8):
            mid = (low + high) / 2
            if misses(extra, mid):
                low = mid
            else:
                high = mid
        budget = high
    settled: set[Pool] = set()
    while True:
        trial = {r: n - 1 if n > floor.get(r, 0) and r not in settled else n for r, n in extra.items()}
        if trial == extra:
            break
        late_pools = {instance.pool(instance.jobs[j]) for p in misses(trial, budget) for j in p.jobs}
        if not late_pools:
            extra = trial
            continue
        lowered = {r for r in trial if trial[r] != extra[r]}
        settled |= lowered & late_pools
        if not lowered & late_pools:
            # The pools that turned late were not the ones lowered (a shared budget): stop here.
            break
    exact = extra == floor and math.isclose(budget, floor_budget, rel_tol=1e-6, abs_tol=1.0)
    note = (
        "least possible: equal to the cumulative floor"
        if exact
        else "enough by the greedy schedule; the floor shows how few could at best suffice"
    )
    return Fix(
        {r: n for r, n in extra.items() if n},
        math.ceil(budget),
        True,
        {r: n for r, n in floor.items() if n},
        math.ceil(floor_budget),
        note,
    )


def late_groups(instance: PlanningInstance, schedule: Schedule) -> dict[tuple[str, str], list[WorkPackage]]:
    """Late packages grouped by (deadline, region)."""
    groups: dict[tuple[str, str], list[WorkPackage]] = defaultdict(list)
    for p in instance.packages:
        if is_late(instance, p, schedule.done(p)) and p.deadline is not None:
            groups[(p.deadline.isoformat(), p.region)].append(p)
    return dict(sorted(groups.items()))
