"""A constructive schedule: place jobs one by one, each as early as its crews, money and rules allow.

This is the serial schedule-generation scheme of project scheduling, with work spread over weeks: a
job takes what crew-days its pool has left each week until its crew-days are done, and a phase with
a shortest length is paced over it (its crew-days spread evenly over its minimum weeks, catching up
when a week is short). Work whose deadline had already passed when the plan starts is placed first,
in order of risk (weekly exposure, then exposure per crew-day); the rest follows the given order:
earliest deadline first for the greedy plan, or the optimiser's weeks.
"""

from __future__ import annotations

import copy
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from netvet.planning.instance import PlanningInstance, Pool, WorkPackage

_EPS = 1e-9


def _floor3(value: float) -> float:
    """Crew-days in thousandths, so a week's shares never add up past its capacity."""
    return math.floor(value * 1000 + 1e-6) / 1000


@dataclass
class Schedule:
    """When each job is done: crew-days per week, first and last week (None: not within the horizon)."""

    work: list[dict[int, float]]
    start: list[int | None]
    finish: list[int | None]

    @classmethod
    def empty(cls, jobs: int) -> Schedule:
        return cls([{} for _ in range(jobs)], [None] * jobs, [None] * jobs)

    def done(self, package: WorkPackage) -> int | None:
        """The week a package's last phase finishes."""
        return self.finish[package.jobs[-1]]


@dataclass
class Resources:
    """Crew-days per pool and week, and money per quarter (None: no budget limit)."""

    capacity: dict[Pool, list[float]]
    budget: list[float] | None

    @classmethod
    def of(
        cls, instance: PlanningInstance, extra: Mapping[Pool, int] | None = None, extra_budget: float = 0.0
    ) -> Resources:
        days = instance.catalogue.days_per_crew_week
        capacity = {
            pool: [instance.capacity(pool) + (extra or {}).get(pool, 0) * days] * instance.horizon
            for pool in instance.pools
        }
        budget = instance.parameters.budget_per_quarter
        quarters = max(instance.quarter_of_week(), default=0) + 1
        return cls(capacity, None if budget is None else [budget + extra_budget] * quarters)


class Placer:
    """The state of a schedule being built: what each pool and quarter has left, who is out of service."""

    def __init__(self, instance: PlanningInstance, resources: Resources | None = None) -> None:
        self.instance = instance
        resources = resources or Resources.of(instance)
        self.capacity = {pool: list(weeks) for pool, weeks in resources.capacity.items()}
        self.budget = list(resources.budget) if resources.budget is not None else None
        self.quarter = instance.quarter_of_week()
        self.busy: list[set[str]] = [set() for _ in range(instance.horizon)]
        self.adjacent: dict[str, set[str]] = defaultdict(set)
        for a, b in instance.neighbour_sites:
            self.adjacent[a].add(b)
            self.adjacent[b].add(a)
        self.groups_of_first: dict[int, list[int]] = defaultdict(list)
        for g, group in enumerate(instance.group_precedence):
            for q in group.after:
                self.groups_of_first[instance.packages[q].jobs[0]].append(g)
        self.schedule = Schedule.empty(len(instance.jobs))
        self.placed = [False] * len(instance.jobs)

    def copy(self) -> Placer:
        twin = copy.copy(self)
        twin.capacity = {pool: list(weeks) for pool, weeks in self.capacity.items()}
        twin.budget = list(self.budget) if self.budget is not None else None
        twin.busy = [set(s) for s in self.busy]
        twin.schedule = Schedule(
            [dict(w) for w in self.schedule.work], list(self.schedule.start), list(self.schedule.finish)
        )
        twin.placed = list(self.placed)
        return twin

    def release(self, j: int) -> int | None:
        """The first week job j may work in, or None when work it waits for is not done."""
        instance = self.instance
        start = 0
        for b in instance.job_predecessors[j]:
            finish = self.schedule.finish[b]
            if not self.placed[b] or finish is None:
                return None
            start = max(start, finish + 1)
        for g in self.groups_of_first[j]:
            for q in instance.group_precedence[g].before:
                last = instance.packages[q].jobs[-1]
                finish = self.schedule.finish[last]
                if not self.placed[last] or finish is None:
                    return None  # a BEFORE package is still to come, or left out
                start = max(start, finish + 1)
        return start

    def place(self, j: int, earliest: int = 0) -> bool:
        """Put job j in the earliest weeks it fits; False (and nothing held) when it does not fit."""
        instance = self.instance
        self.placed[j] = True
        job = instance.jobs[j]
        package = instance.packages[job.package]
        first = self.release(j)
        if first is None:
            return False
        weeks = self.capacity[instance.pool(job)]
        near = self.adjacent.get(package.site_id, set())
        horizon = instance.horizon
        total = job.crew_days
        span = max(1, job.min_weeks)
        rate = job.cost / total if total > 0 else 0.0
        work: dict[int, float] = {}
        spent: dict[int, float] = defaultdict(float)  # money this job takes from each quarter so far
        done = 0.0
        start: int | None = None
        t = max(first, earliest)
        while t < horizon:
            if near and near & self.busy[t]:
                t += 1
                continue
            q = self.quarter[t]
            money = self.budget[q] - spent[q] if self.budget is not None else math.inf
            if total <= _EPS:  # no crew-days: it needs only its money, in one week
                if money + 1e-6 >= job.cost:
                    work[t] = 0.0
                    start = t
                    break
                t += 1
                continue
            # Paced: by the i-th week of the phase at most i / span of its crew-days are done.
            target = total * min(1.0, ((t - start + 1) if start is not None else 1) / span)
            amount = min(weeks[t], target - done, money / rate if rate > 0 else math.inf)
            amount = total - done if amount > 0 and total - done - amount <= 1e-6 else _floor3(amount)
            if amount > _EPS:
                if start is None:
                    start = t
                work[t] = amount
                spent[q] += amount * rate
                done += amount
                if total - done <= 1e-6:
                    break
            t += 1
        if start is None or t >= horizon or start + span - 1 >= horizon:
            return False
        for week, amount in work.items():
            weeks[week] -= amount
            if self.budget is not None:
                self.budget[self.quarter[week]] -= job.cost if total <= _EPS else amount * rate
            self.busy[week].add(package.site_id)
        self.schedule.work[j] = work
        self.schedule.start[j] = start
        self.schedule.finish[j] = max(max(work), start + span - 1)
        return True

    def place_all(self, order: Iterable[int], earliest: Sequence[int] | None = None) -> None:
        for j in order:
            if not self.placed[j]:
                self.place(j, earliest[j] if earliest is not None else 0)


def package_density(package: WorkPackage) -> float:
    return package.weight / package.crew_days if package.crew_days > 0 else math.inf


def edf_key(package: WorkPackage) -> tuple[float, ...]:
    """Earliest deadline first; among equal deadlines the most exposure removed per crew-day."""
    return (float(package.deadline_week), -package_density(package))


def risk_key(package: WorkPackage) -> tuple[float, ...]:
    """Highest weekly exposure first, then the most exposure removed per crew-day."""
    return (-package.weight, -package_density(package))


def overdue_packages(instance: PlanningInstance) -> set[int]:
    """Packages whose deadline had passed at the start, and every package they wait for."""
    chosen = {p.index for p in instance.packages if p.overdue}
    waits_for: dict[int, set[int]] = defaultdict(set)
    for a, b in instance.site_precedence:
        waits_for[b].add(a)
    for group in instance.group_precedence:
        for q in group.after:
            waits_for[q].update(group.before)
    stack = list(chosen)
    while stack:
        for a in waits_for[stack.pop()]:
            if a not in chosen:
                chosen.add(a)
                stack.append(a)
    return chosen


def precedence_levels(instance: PlanningInstance) -> list[int]:
    """Per package: 0 when no group rule holds it back; one more for each group rule it waits on."""
    level = [0] * len(instance.packages)
    for _ in range(len(instance.group_precedence) + 2):
        changed = False
        for before, after in instance.site_precedence:
            if level[after] < level[before]:
                level[after] = level[before]
                changed = True
        for group in instance.group_precedence:
            floor = max(level[p] for p in group.before) + 1
            for q in group.after:
                if level[q] < floor:
                    level[q] = floor
                    changed = True
        if not changed:
            break
    return level


def priority_order(
    instance: PlanningInstance,
    key: Callable[[WorkPackage], tuple[float, ...]],
    packages: Iterable[int] | None = None,
    levels_first: bool = True,
) -> list[int]:
    """Jobs of the given packages (default: all) by their package's key, predecessors never after successors.

    `levels_first` puts every package a group rule holds back after all those it waits for; an
    order that already respects the rules (the optimiser's weeks) can leave it off.
    """
    chosen = sorted(packages) if packages is not None else range(len(instance.packages))
    keys = {i: key(instance.packages[i]) for i in chosen}
    # A predecessor inherits its successor's urgency, so the pair stays together and in order.
    for before, after in sorted(instance.site_precedence, key=lambda pq: -instance.packages[pq[1]].stage):
        if before in keys and after in keys and keys[after] < keys[before]:
            keys[before] = keys[after]
    level = precedence_levels(instance)

    def order_key(i: int) -> tuple[object, ...]:
        p = instance.packages[i]
        if levels_first:
            return (level[i], keys[i], p.stage, p.site_id)
        return (keys[i][0], level[i], keys[i], p.stage, p.site_id)  # keys[i][0] is the week

    return [j for i in sorted(keys, key=order_key) for j in instance.packages[i].jobs]


def place_overdue(instance: PlanningInstance, resources: Resources | None = None) -> Placer:
    """A placer holding the overdue work, started first in order of risk."""
    placer = Placer(instance, resources)
    placer.place_all(priority_order(instance, risk_key, overdue_packages(instance)))
    return placer


def greedy_schedule(instance: PlanningInstance, resources: Resources | None = None) -> Schedule:
    """The earliest-deadline-first plan (after the overdue work)."""
    placer = place_overdue(instance, resources)
    placer.place_all(priority_order(instance, edf_key))
    return placer.schedule


def total_exposure(instance: PlanningInstance, schedule: Schedule) -> float:
    return sum(instance.exposure(p, schedule.done(p)) for p in instance.packages)
