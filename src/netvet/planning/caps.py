"""Network caps (a vendor group at most a share of a domain): which sites to clear, at the least cost.

A cap finding says how many sites or items must move to another supplier by a date (the excess).
Clearing a candidate site replaces the cap's items there: it takes one site (cap by sites) or its
items (cap by equipment) off the count. The choice is a covering problem solved with HiGHS: least
money for the items not already planned, such that each cap is covered and, where the cap's date
is still ahead, the chosen work fits the field crews (and budget) left by that date once the work
already due by then is counted. When no choice fits, the one that overruns the crews least is
taken, then the cheapest of those. `greedy` takes the cheapest sites per unit cleared instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import highspy
import numpy as np

from netvet.planning.solver import new_solver


class CapMethod(StrEnum):
    OPTIMAL = "milp"
    GREEDY = "greedy"  # cheapest per unit cleared first
    GIVEN = "given"  # the sites a plan names (for checking it)


@dataclass(frozen=True, slots=True)
class CapCandidate:
    site_id: str
    region: str
    units: int  # what clearing the site takes off the cap's count: 1 site, or its items
    asset_ids: tuple[str, ...]  # the cap's items at the site
    extra_cost: float  # money for the items not otherwise planned (labour included)
    extra_days: float  # field crew-days for them
    moved_days: float  # crew-days of work already planned at the site, due later, that must move up
    visit_cost: float  # the site overhead, when nothing else is planned there
    visit_days: float


@dataclass(frozen=True)
class CapRule:
    """What a cap finding says: which rule, where, the cap, how far over it the network is, by when."""

    key: str  # rule_id@country
    rule_id: str
    jurisdiction: str
    country: str | None
    cap: float | None
    cap_metric: str | None
    measured_share: float | None
    excess: int
    deadline: date | None
    planned: bool  # binding caps are planned; guidance caps show the choice they would take


@dataclass(frozen=True)
class CapDemand:
    rule: CapRule
    deadline_week: int
    candidates: tuple[CapCandidate, ...]


@dataclass(frozen=True)
class CapRoom:
    """What is left by each cap date once the work already due by then is counted."""

    crew_days: Mapping[tuple[str, int], float]  # (region, week) -> field crew-days left by that week's end
    money: Mapping[int, float] | None  # week -> money left by then (None: no budget)


@dataclass(frozen=True)
class CapOutcome:
    rule: CapRule
    candidates: int
    available: int  # what clearing every candidate would take off the count
    sites: tuple[str, ...]
    cleared: int
    cost: float
    cost_bound: float  # no choice that meets the same crew and budget limits costs less
    method: str
    note: str


def choose_sites(
    demands: Sequence[CapDemand],
    room: CapRoom,
    method: CapMethod = CapMethod.OPTIMAL,
    given: Mapping[str, Sequence[str]] | None = None,
    time_limit: float = 20.0,
) -> list[CapOutcome]:
    """Which candidate sites each cap clears."""
    if not demands:
        return []
    if method is CapMethod.GIVEN:
        chosen = {d.rule.key: set((given or {}).get(d.rule.key, ())) for d in demands}
        bound, note = 0.0, "the sites the plan names"
    elif method is CapMethod.GREEDY:
        chosen = {d.rule.key: _cheapest_per_unit(d) for d in demands}
        bound, note = 0.0, "cheapest per unit cleared first; crews and budget not weighed"
    else:
        chosen, bound, note = _milp(demands, room, time_limit)
    return [
        _outcome(d, chosen[d.rule.key], bound if method is CapMethod.OPTIMAL else 0.0, method, note)
        for d in demands
    ]


def _outcome(demand: CapDemand, chosen: set[str], bound: float, method: CapMethod, note: str) -> CapOutcome:
    picked = [c for c in demand.candidates if c.site_id in chosen]
    cleared = sum(c.units for c in picked)
    cost = sum(c.extra_cost + c.visit_cost for c in picked)
    if not demand.candidates:
        note = "no item in the inventory counts towards the cap (are its vendors screened?)"
    elif cleared < demand.rule.excess:
        available = sum(c.units for c in demand.candidates)
        note = f"{note}; only {cleared} of the {demand.rule.excess} to clear" + (
            f" (the inventory holds {available})" if available < demand.rule.excess else ""
        )
    return CapOutcome(
        rule=demand.rule,
        candidates=len(demand.candidates),
        available=sum(c.units for c in demand.candidates),
        sites=tuple(sorted(chosen)),
        cleared=cleared,
        cost=round(cost, 2),
        cost_bound=round(min(bound, cost), 2),
        method=method.value,
        note=note,
    )


def _cheapest_per_unit(demand: CapDemand) -> set[str]:
    def price(c: CapCandidate) -> tuple[float, float, str]:
        return ((c.extra_cost + c.visit_cost) / max(c.units, 1), c.extra_days + c.moved_days, c.site_id)

    chosen: list[CapCandidate] = []
    cleared = 0
    for c in sorted(demand.candidates, key=price):
        if cleared >= demand.rule.excess:
            break
        chosen.append(c)
        cleared += c.units
    # Give back the dearest picks the others already cover.
    for c in sorted(chosen, key=lambda c: -(c.extra_cost + c.visit_cost)):
        if cleared - c.units >= demand.rule.excess:
            chosen.remove(c)
            cleared -= c.units
    return {c.site_id for c in chosen}


def _milp(
    demands: Sequence[CapDemand], room: CapRoom, time_limit: float
) -> tuple[dict[str, set[str]], float, str]:
    """Least cost cover; the crew and money rows are soft, their overrun minimised first."""
    cost: list[float] = []
    upper: list[float] = []
    integer: list[bool] = []
    rows: list[tuple[list[tuple[int, float]], float, float]] = []  # (entries, lower, upper)
    pick: list[tuple[str, str]] = []  # column -> (cap key, site)
    visit_col: dict[str, int] = {}
    load_days: dict[tuple[str, int], list[tuple[int, float]]] = defaultdict(list)
    load_money: dict[int, list[tuple[int, float]]] = defaultdict(list)
    visited: set[tuple[str, int]] = set()
    weeks = sorted({d.deadline_week for d in demands if d.rule.planned and d.deadline_week >= 0})

    def column(c: float, integral: bool = True, up: float = 1.0) -> int:
        cost.append(c)
        upper.append(up)
        integer.append(integral)
        return len(cost) - 1

    for d in demands:
        cover: list[tuple[int, float]] = []
        for c in d.candidates:
            j = column(c.extra_cost)
            pick.append((d.rule.key, c.site_id))
            cover.append((j, float(c.units)))
            if c.visit_cost or c.visit_days:
                if c.site_id not in visit_col:
                    visit_col[c.site_id] = column(c.visit_cost)
                    pick.append(("", c.site_id))
                v = visit_col[c.site_id]
                rows.append(([(v, 1.0), (j, -1.0)], 0.0, highspy.kHighsInf))
            if not d.rule.planned or d.deadline_week < 0:
                continue
            for week in weeks:
                if week < d.deadline_week:
                    continue
                load_days[(c.region, week)].append((j, c.extra_days + c.moved_days))
                load_money[week].append((j, c.extra_cost))
                if c.site_id in visit_col and (c.site_id, week) not in visited:
                    visited.add((c.site_id, week))  # a visit is paid once, whichever caps choose the site
                    load_days[(c.region, week)].append((visit_col[c.site_id], c.visit_days))
                    load_money[week].append((visit_col[c.site_id], c.visit_cost))
        rows.append((cover, float(min(d.rule.excess, sum(c.units for c in d.candidates))), highspy.kHighsInf))
    overrun: list[int] = []
    for (region, week), entries in sorted(load_days.items()):
        o = column(0.0, integral=False, up=highspy.kHighsInf)
        overrun.append(o)
        rows.append(
            ([*entries, (o, -1.0)], -highspy.kHighsInf, max(0.0, room.crew_days.get((region, week), 0.0)))
        )
    if room.money is not None:
        scale = max(1.0, max((abs(v) for v in room.money.values()), default=1.0))
        for week, entries in sorted(load_money.items()):
            o = column(0.0, integral=False, up=highspy.kHighsInf)
            overrun.append(o)
            rows.append(
                (
                    [(j, v / scale) for j, v in entries] + [(o, -1.0)],
                    -highspy.kHighsInf,
                    max(0.0, room.money[week]) / scale,
                )
            )
    money_cost = np.asarray(cost)
    solver = _model(money_cost, upper, integer, rows, time_limit)
    note = "least cost that fits the crews and budget left by each cap's date"
    for o in overrun:  # first: can every cap be met in time? Forbid any overrun and see.
        solver.changeColBounds(o, 0.0, 0.0)
    solver.run()
    if overrun and solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        columns = np.arange(len(cost), dtype=np.int32)
        least = np.zeros(len(cost))
        least[overrun] = 1.0
        for o in overrun:
            solver.changeColBounds(o, 0.0, highspy.kHighsInf)
        solver.changeColsCost(len(cost), columns, least)
        solver.run()
        worst = float(solver.getInfo().objective_function_value)
        solver.addRow(
            -highspy.kHighsInf,
            worst + 1e-6,
            len(overrun),
            np.asarray(overrun, dtype=np.int32),
            np.ones(len(overrun)),
        )
        solver.changeColsCost(len(cost), columns, money_cost)
        solver.run()
        note = "no choice fits the crews and budget left by the cap's date: the least overrun, then the least cost"
    values = np.asarray(solver.getSolution().col_value)
    info = solver.getInfo()
    bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else 0.0
    chosen: dict[str, set[str]] = {d.rule.key: set() for d in demands}
    for j, (key, site) in enumerate(pick):
        if key and values[j] > 0.5:
            chosen[key].add(site)
    return chosen, bound, note


def _model(
    cost: np.ndarray,
    upper: list[float],
    integer: list[bool],
    rows: list[tuple[list[tuple[int, float]], float, float]],
    time_limit: float,
) -> Any:
    solver = new_solver()
    solver.setOptionValue("time_limit", time_limit)
    solver.setOptionValue("mip_rel_gap", 0.0)
    n = len(cost)
    solver.addVars(n, np.zeros(n), np.asarray(upper, dtype=np.float64))
    solver.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
    solver.changeColsIntegrality(
        n,
        np.arange(n, dtype=np.int32),
        np.asarray(
            [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer]
        ),
    )
    for entries, low, high in rows:
        solver.addRow(
            low,
            high,
            len(entries),
            np.asarray([j for j, _ in entries], dtype=np.int32),
            np.asarray([v for _, v in entries], dtype=np.float64),
        )
    return solver
