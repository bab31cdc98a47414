"""Solve a planning instance: overdue work first, then the MILP (HiGHS) over the rest, then repair.

1. Work already overdue at the start is placed first, in order of risk (`heuristic.place_overdue`).
2. The rest is split into components (regions that share no budget, network-wide rule, neighbour
   pair or specialised crews), and each is modelled (`model.build_model`) over what the overdue
   work left: its LP relaxation gives a bound and, rounded, a list order; HiGHS then searches from
   the best list schedule found so far (the greedy one, or the LP's) until the gap or time limit.
3. The model's weeks become a list order, which the schedule generator turns into the plan.
The bound adds up each component's best proven bound and the exposure the rule fixes (overdue work).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

from netvet.planning.catalogue import FIELD_CREW
from netvet.planning.heuristic import (
    Placer,
    Schedule,
    edf_key,
    overdue_packages,
    place_overdue,
    priority_order,
    total_exposure,
)
from netvet.planning.instance import PlanningInstance, WorkPackage
from netvet.planning.model import Model, Room, build_model, site_classes
from netvet.planning.parameters import PrecedenceScope
from netvet.planning.solver import new_solver


@dataclass
class SolveReport:
    method: str
    status: str
    bound: float
    seconds: float
    greedy_objective: float
    classes: int = 0
    columns: int = 0
    rows: int = 0
    components: int = 0
    neighbours_in_model: bool = True
    notes: list[str] = field(default_factory=list)


def _components(instance: PlanningInstance, packages: Sequence[int]) -> list[list[int]]:
    """Groups of packages that constraints tie together (by region); each group is one model."""
    regions = sorted({instance.packages[i].region for i in packages})
    if instance.parameters.budget_per_quarter is not None or any(
        r.scope is PrecedenceScope.NETWORK for r in instance.parameters.precedence
    ):
        return [list(packages)]
    parent = {r: r for r in regions}

    def find(r: str) -> str:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    def join(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb

    region_of_site = {instance.packages[i].site_id: instance.packages[i].region for i in packages}
    for a, b in instance.neighbour_sites:
        if a in region_of_site and b in region_of_site:
            join(region_of_site[a], region_of_site[b])
    shared: dict[str, list[str]] = defaultdict(list)  # specialised crews serve every region
    for i in packages:
        for j in instance.packages[i].jobs:
            if instance.jobs[j].crew != FIELD_CREW:
                shared[instance.jobs[j].crew].append(instance.packages[i].region)
    for members in shared.values():
        for r in members[1:]:
            join(members[0], r)
    groups: dict[str, list[int]] = defaultdict(list)
    for i in packages:
        groups[find(instance.packages[i].region)].append(i)
    return list(groups.values())


def _room(instance: PlanningInstance, placer: Placer, packages: Sequence[int]) -> tuple[Room, list[int]]:
    """What the overdue work leaves for the rest, and the packages it leaves unable to start."""
    schedule = placer.schedule
    release: dict[int, int] = {}
    blocked_packages: list[int] = []
    groups_of: dict[int, list[int]] = defaultdict(list)
    for g, group in enumerate(instance.group_precedence):
        for q in group.after:
            groups_of[q].append(g)
    for i in packages:
        p = instance.packages[i]
        first = p.jobs[0]
        waits = [b for b in instance.job_predecessors[first] if placer.placed[b]]
        waits += [
            instance.packages[q].jobs[-1]
            for g in groups_of[i]
            for q in instance.group_precedence[g].before
            if placer.placed[instance.packages[q].jobs[-1]]
        ]
        finishes = [schedule.finish[b] for b in waits]
        if any(f is None for f in finishes):
            blocked_packages.append(i)
            continue
        release[i] = max((f + 1 for f in finishes if f is not None), default=0)
    busy_by_site: dict[str, set[int]] = defaultdict(set)
    for t, sites in enumerate(placer.busy):
        for s in sites:
            busy_by_site[s].add(t)
    blocked: dict[str, set[int]] = defaultdict(set)
    for a, b in instance.neighbour_sites:
        blocked[a] |= busy_by_site.get(b, set())
        blocked[b] |= busy_by_site.get(a, set())
    room = Room(
        capacity=placer.capacity,
        budget=placer.budget,
        release=release,
        blocked={s: weeks for s, weeks in blocked.items() if weeks},
    )
    return room, blocked_packages


def _warm_values(instance: PlanningInstance, model: Model, schedule: Schedule) -> np.ndarray:
    """A schedule as a point of the model (a MIP start)."""
    horizon = instance.horizon
    values = np.zeros(model.lp.num_col_)
    for z, before in model.group_columns:
        finishes = [schedule.done(instance.packages[p]) for p in before]
        if all(f is not None for f in finishes):
            values[z + max(f for f in finishes if f is not None) : z + horizon] = 1.0
    for site_id, a in model.active_columns.items():
        for p in instance.packages:
            if p.site_id == site_id:
                for j in p.jobs:
                    for week in schedule.work[j]:
                        values[a + week] = 1.0
    for (c, k), cols in model.columns.items():
        for site in model.classes[c].sites:
            j = site[k]
            finish, start = schedule.finish[j], schedule.start[j]
            if finish is not None:
                values[cols.done + finish : cols.done + horizon] += 1.0
            if cols.started is not None and start is not None and finish is not None:
                values[cols.started + start : cols.started + horizon] += 1.0
            if cols.work is not None and finish is not None:
                share = np.zeros(horizon)
                for week, amount in schedule.work[j].items():
                    share[week] += amount / instance.jobs[j].crew_days
                values[cols.work : cols.work + horizon] += np.minimum(np.cumsum(share), 1.0)
    return values


def _weeks(instance: PlanningInstance, model: Model, values: np.ndarray, at_start: bool) -> dict[int, float]:
    """Per package, the week the model puts it (its last job's finish, or with `at_start` its first
    job's start): the i-th site of a class takes the week its count passes i - 1/2 (rounding the LP)."""
    horizon = instance.horizon
    weeks: dict[int, float] = {}
    for c, cls in enumerate(model.classes):
        for p in cls.packages:
            k = cls.jobs.index(p.jobs[0] if at_start else p.jobs[-1])
            cols = model.columns[(c, k)]
            if at_start and cols.started is not None:
                base, step, shift = cols.started, 1.0, 0.5
            elif at_start and cols.work is not None:
                base, step, shift = cols.work, 1.0, 1e-6
            else:
                base, step, shift = cols.done, 1.0, 0.5
            series = values[base : base + horizon]
            for i, site in enumerate(cls.sites):
                reached = np.nonzero(series >= i * step + shift - 1e-9)[0]
                weeks[instance.jobs[site[k]].package] = float(reached[0]) if len(reached) else float(horizon)
    return weeks


def _order(
    instance: PlanningInstance, packages: Sequence[int], weeks: dict[int, float], levels_first: bool
) -> list[int]:
    horizon = instance.horizon

    def key(p: WorkPackage) -> tuple[float, ...]:
        return (weeks.get(p.index, float(horizon)), *edf_key(p))

    return priority_order(instance, key, packages, levels_first=levels_first)


@dataclass
class _Best:
    placer: Placer
    packages: Sequence[int]
    order: list[int] = field(default_factory=list)
    value: float = float("inf")

    def value_of(self, instance: PlanningInstance, schedule: Schedule) -> float:
        return sum(
            instance.exposure(instance.packages[i], schedule.done(instance.packages[i]))
            for i in self.packages
        )

    def consider(self, instance: PlanningInstance, order: list[int]) -> Schedule:
        trial = self.placer.copy()
        trial.place_all(order)
        value = self.value_of(instance, trial.schedule)
        if value < self.value - 1e-9:
            self.order, self.value = order, value
        return trial.schedule


def optimise(
    instance: PlanningInstance,
    time_limit: float = 100.0,
    relative_gap: float = 0.005,
    max_columns: int = 600_000,
    max_neighbour_sites: int = 1_500,
    threads: int | None = None,
) -> tuple[Schedule, SolveReport]:
    """Best schedule found within the time limit, with a proven lower bound on its exposure."""
    started = time.monotonic()
    fixed_set = overdue_packages(instance)
    placer = place_overdue(instance)
    greedy_placer = placer.copy()
    greedy_placer.place_all(priority_order(instance, edf_key))
    greedy = greedy_placer.schedule
    greedy_value = total_exposure(instance, greedy)
    earliest = instance.earliest_finish()
    trivial = instance.least_exposure()

    def least(packages: Sequence[int]) -> float:
        weeks = (earliest[instance.packages[i].jobs[-1]] for i in packages)
        return sum(
            instance.exposure(instance.packages[i], w if w < instance.horizon else None)
            for i, w in zip(packages, weeks, strict=True)
        )

    report = SolveReport("greedy", "not run", trivial, 0.0, greedy_value)
    rest = [p.index for p in instance.packages if p.index not in fixed_set]
    if not rest:
        report.status = "nothing to plan" if not instance.packages else "overdue work only: placed by rule"
        report.bound = total_exposure(instance, greedy)
        report.seconds = time.monotonic() - started
        return greedy, report
    room, unable = _room(instance, placer, rest)
    fixed_value = sum(
        instance.exposure(instance.packages[i], greedy.done(instance.packages[i])) for i in fixed_set
    )
    fixed_value += sum(instance.exposure(instance.packages[i], None) for i in unable)
    modelled = [i for i in rest if i not in set(unable)]

    neighbour_sites = {s for pair in instance.neighbour_sites for s in pair}
    exact_neighbours = len(neighbour_sites) <= max_neighbour_sites
    neighbours = instance.neighbour_sites if exact_neighbours else []
    report.neighbours_in_model = exact_neighbours or not instance.neighbour_sites
    if not exact_neighbours:
        report.notes.append(
            f"{len(neighbour_sites)} sites have neighbours: the neighbour rule is applied by the repair "
            "step, not the model (the bound is that of the relaxation)"
        )
    components = _components(instance, modelled) if modelled else []
    report.components = len(components)
    parts = []
    for packages in components:
        classes = site_classes(instance, packages, room, neighbour_sites if exact_neighbours else set())
        parts.append((packages, classes))
    total_cols = sum(
        instance.horizon
        * sum(1 + (instance.jobs[j].crew_days > 0) + (instance.jobs[j].min_weeks > 1) for j in cls.jobs)
        for _, classes in parts
        for cls in classes
    )
    report.classes = sum(len(classes) for _, classes in parts)
    if total_cols > max_columns:
        report.method = "greedy"
        report.status = f"model too large ({total_cols} columns > {max_columns}); greedy plan kept"
        report.bound = fixed_value + least(modelled)
        report.seconds = time.monotonic() - started
        return greedy, report

    bound = fixed_value
    statuses = []
    final = placer.copy()
    for packages, classes in parts:
        inside = set(packages)
        groups = [
            (tuple(p for p in g.before if p in inside), tuple(q for q in g.after if q in inside))
            for g in instance.group_precedence
        ]
        groups = [(b, a) for b, a in groups if b and a]
        model = build_model(instance, classes, room, neighbours, groups)
        report.columns += model.lp.num_col_
        report.rows += model.rows
        elapsed = time.monotonic() - started
        share = max(1.0, (time_limit - elapsed) * model.lp.num_col_ / max(total_cols, 1))
        total_cols -= model.lp.num_col_
        best = _Best(placer, packages)
        best.consider(instance, priority_order(instance, edf_key, packages))
        # The LP relaxation: its bound, and its fractional weeks as list orders.
        # Most of the time goes to the LP: it gives the bound and, rounded, usually the best plan.
        relaxed = new_solver(threads)
        relaxed.setOptionValue("time_limit", max(1.0, share * 0.75))
        relaxed.passModel(model.lp)
        n = model.lp.num_col_
        relaxed.changeColsIntegrality(
            n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kContinuous)
        )
        relaxed.run()
        lp_seconds = time.monotonic() - started - elapsed
        lp_bound = -np.inf
        if relaxed.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            lp_bound = float(relaxed.getInfo().objective_function_value)
            values = np.asarray(relaxed.getSolution().col_value)
            for at_start in (False, True):
                best.consider(
                    instance, _order(instance, packages, _weeks(instance, model, values, at_start), True)
                )
        trivial_part = least(packages)
        left = share - (time.monotonic() - started - elapsed)
        if lp_bound > -np.inf and best.value - lp_bound <= relative_gap * best.value:
            status, part_bound = "LP bound reached", lp_bound  # the rounded LP is within the gap: no search
        elif lp_bound == -np.inf or left < 1.2 * lp_seconds:
            # The search would start by solving the same LP again and could not finish it in time.
            status = "LP bound, no time left to search" if lp_bound > -np.inf else "LP not solved in time"
            part_bound = lp_bound
        else:
            solver = new_solver(threads)
            solver.setOptionValue("time_limit", max(1.0, left))
            solver.setOptionValue("mip_rel_gap", relative_gap)
            solver.setOptionValue("random_seed", 0)
            if model.neighbour_rows:
                # HiGHS's presolve (probing, then clique detection) ignores the time limit on neighbour
                # rows: measured at 300 sites it ran 117 s past a 10 s limit before the first node.
                solver.setOptionValue("presolve", "off")
            solver.passModel(model.lp)
            warm = highspy.HighsSolution()
            incumbent = placer.copy()
            incumbent.place_all(best.order)
            warm.col_value = _warm_values(instance, model, incumbent.schedule).tolist()
            warm.value_valid = True
            solver.setSolution(warm)
            solver.run()
            info = solver.getInfo()
            status = solver.modelStatusToString(solver.getModelStatus())
            part_bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else -np.inf
            if info.primal_solution_status != 0:
                values = np.asarray(solver.getSolution().col_value)
                for at_start in (False, True):
                    best.consider(
                        instance, _order(instance, packages, _weeks(instance, model, values, at_start), False)
                    )
        statuses.append(status)
        bound += float(max(part_bound, lp_bound, trivial_part))
        final.place_all(best.order)
    schedule = final.schedule
    report.method = "milp" if exact_neighbours else "milp (neighbour rule repaired after)"
    report.status = ", ".join(sorted(set(statuses)))
    report.bound = max(bound, trivial)
    report.seconds = time.monotonic() - started
    return schedule, report
