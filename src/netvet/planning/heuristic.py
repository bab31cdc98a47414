"""A constructive schedule: place packages one by one, each in the earliest week it fits.

This is the serial schedule-generation scheme of project scheduling. Given earliest-deadline-first
order it is the greedy planner; given the optimiser's weeks as the order it turns an aggregated
solution into site-by-site weeks and repairs what aggregation ignored (neighbour conflicts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from netvet.planning.instance import PlanningInstance, WorkPackage

Schedule = list[int | None]  # week index per package, None when not done within the horizon
_EPS = 1e-6


@dataclass(frozen=True)
class Resources:
    """Crew-days per region per week and money per quarter (None: no budget limit)."""

    capacity: Mapping[str, float]
    budget_per_quarter: float | None

    @classmethod
    def of(cls, instance: PlanningInstance) -> Resources:
        return cls(
            {r: instance.capacity(r) for r in instance.regions}, instance.parameters.budget_per_quarter
        )


def edf_key(package: WorkPackage) -> tuple[float, ...]:
    """Earliest deadline first; among equal deadlines the most exposure removed per crew-day."""
    density = package.weight / package.crew_days if package.crew_days > 0 else float("inf")
    return (float(package.deadline_week), -density)


def precedence_levels(instance: PlanningInstance) -> list[int]:
    """0 for packages no group rule holds back; one more for each group rule they wait on."""
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
    instance: PlanningInstance, key: Callable[[WorkPackage], tuple[float, ...]], levels_first: bool = True
) -> list[int]:
    """Packages sorted by `key`, with predecessors never after their successors.

    `levels_first` puts every package a group rule holds back after all those it waits for; an
    order that already respects the rules (the optimiser's weeks) can leave it off.
    """
    packages = instance.packages
    keys = [key(p) for p in packages]
    # A predecessor inherits its successor's urgency, so the pair stays together and in order.
    for before, after in sorted(instance.site_precedence, key=lambda pq: -packages[pq[1]].stage):
        if keys[after] < keys[before]:
            keys[before] = keys[after]
    level = precedence_levels(instance)
    if levels_first:
        return sorted(
            range(len(packages)), key=lambda i: (level[i], keys[i], packages[i].stage, packages[i].site_id)
        )
    # keys[i][0] is the week the order comes from; group rules break ties within a week.
    return sorted(
        range(len(packages)),
        key=lambda i: (keys[i][0], level[i], keys[i], packages[i].stage, packages[i].site_id),
    )


def list_schedule(
    instance: PlanningInstance,
    order: Sequence[int],
    resources: Resources | None = None,
    earliest: Sequence[int] | None = None,
) -> Schedule:
    """Place each package in `order` in the earliest week (from `earliest`, default 0) where it fits."""
    resources = resources or Resources.of(instance)
    packages = instance.packages
    horizon = instance.horizon
    quarter = instance.quarter_of_week()
    cap_left = {r: [resources.capacity.get(r, 0.0)] * horizon for r in instance.regions}
    budget = resources.budget_per_quarter
    budget_left = [budget if budget is not None else float("inf")] * (max(quarter) + 1)
    next_quarter = [horizon] * horizon  # first week of the following quarter
    for t in range(horizon - 2, -1, -1):
        next_quarter[t] = t + 1 if quarter[t + 1] != quarter[t] else next_quarter[t + 1]
    busy: list[set[str]] = [set() for _ in range(horizon)]
    adjacent: dict[str, set[str]] = defaultdict(set)
    for a, b in instance.neighbour_sites:
        adjacent[a].add(b)
        adjacent[b].add(a)
    predecessors: dict[int, list[int]] = defaultdict(list)
    for before, after in instance.site_precedence:
        predecessors[after].append(before)
    groups_of_after: dict[int, list[int]] = defaultdict(list)
    for g, group in enumerate(instance.group_precedence):
        for q in group.after:
            groups_of_after[q].append(g)
    # First week each region may still have room, so full weeks are not scanned again and again.
    min_need = {
        r: min((p.crew_days for p in packages if p.region == r), default=0.0) for r in instance.regions
    }
    first_open = dict.fromkeys(instance.regions, 0)

    week: Schedule = [None] * len(packages)
    placed = [False] * len(packages)
    group_release: dict[int, int | None] = {}

    def release_of_group(g: int) -> int | None:
        if g not in group_release:
            before = instance.group_precedence[g].before
            if not all(placed[p] for p in before):
                return None  # order broken: a BEFORE package is still to come
            weeks = [week[p] for p in before]
            group_release[g] = (
                None if any(w is None for w in weeks) else max(w for w in weeks if w is not None) + 1
            )
        return group_release[g]

    for i in order:
        p = packages[i]
        placed[i] = True
        start = earliest[i] if earliest is not None else 0
        blocked = False
        for pred in predecessors[i]:
            pw = week[pred]
            if pw is None:
                blocked = True
                break
            start = max(start, pw + 1)
        for g in groups_of_after[i]:
            release = release_of_group(g)
            if release is None:
                blocked = True
                break
            start = max(start, release)
        if blocked:
            continue
        caps = cap_left[p.region]
        near = adjacent.get(p.site_id, set())
        t = max(start, first_open[p.region])
        while t < horizon:
            if budget_left[quarter[t]] + _EPS < p.cost:
                t = next_quarter[t]  # the rest of this quarter has no money for it either
                continue
            if caps[t] + _EPS >= p.crew_days and not (near and near & busy[t]):
                break
            t += 1
        if t >= horizon:
            continue
        week[i] = t
        caps[t] -= p.crew_days
        budget_left[quarter[t]] -= p.cost
        busy[t].add(p.site_id)
        while first_open[p.region] < horizon and caps[first_open[p.region]] + _EPS < min_need[p.region]:
            first_open[p.region] += 1
    return week


def greedy_schedule(instance: PlanningInstance, resources: Resources | None = None) -> Schedule:
    """The earliest-deadline-first plan."""
    return list_schedule(instance, priority_order(instance, edf_key), resources)


def total_exposure(instance: PlanningInstance, schedule: Schedule) -> float:
    return sum(instance.exposure(p, schedule[p.index]) for p in instance.packages)
