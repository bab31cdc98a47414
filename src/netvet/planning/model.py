"""The MILP: a done-by (step) formulation over classes of identical sites, with work spread over weeks.

For each class of interchangeable sites and each job (phase) of their work, three monotone series
over the weeks t of the horizon:
- X[t] counts the sites whose job is done by the end of week t (integer);
- U[t] is the work done on the job by then, in sites' worth (continuous; W U[t] crew-days): done
  sites need their work, X[t] <= U[t], and a week's work W (U[t] - U[t-1]) counts against its pool's
  capacity (and its money, C (U[t] - U[t-1]), against the quarter's budget);
- S[t] counts the sites whose job has started by week t (integer), for phases with a shortest length
  m: X[t] <= S[t-m+1], and no work before a start, U[t] <= S[t].
A job waits for the one before it: U_b[t] <= X_a[t-1]. Exposure is linear in X of each package's
last job. Sites with the same region, work, weights, deadline and release form one class, so a
3,000-site network becomes a few hundred classes. The model is a relaxation of the schedule (a site's
work may be split finer than a crew can), so its bound is valid; the plan itself comes from the
schedule generator, in the order the model's weeks give.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

from netvet.planning.instance import PlanningInstance, Pool, WorkPackage


@dataclass
class SiteClass:
    region: str
    packages: list[WorkPackage]  # the template site's packages, by stage
    jobs: list[int]  # the template's jobs, in order (position -> job index)
    inner: list[tuple[int, int]]  # positions (before, after) that wait on each other
    release: list[int]  # per position: first week the job may work (after work placed before the model)
    sites: list[list[int]] = field(default_factory=list)  # per site: job index per position


@dataclass
class Columns:
    done: int  # X[t] starts here
    work: int | None  # U[t], in sites' worth of work; None for a job without crew-days
    started: int | None  # S[t]; None unless the phase has a shortest length


@dataclass
class Model:
    classes: list[SiteClass]
    columns: dict[tuple[int, int], Columns]  # (class, position)
    lp: highspy.HighsLp
    rows: int
    neighbour_rows: int = 0
    group_columns: list[tuple[int, tuple[int, ...]]] = field(
        default_factory=list
    )  # Z[t] and its BEFORE packages
    active_columns: dict[str, int] = field(default_factory=dict)  # site -> A[t]


@dataclass(frozen=True)
class Room:
    """What the work in the model may use: pool capacity per week, money per quarter, and the release
    week and blocked weeks of each site (from work placed before the model)."""

    capacity: Mapping[Pool, Sequence[float]]
    budget: Sequence[float] | None
    release: Mapping[int, int]  # package -> first week it may start
    blocked: Mapping[str, set[int]]  # site -> weeks a neighbour placed earlier is out of service


def site_classes(
    instance: PlanningInstance, packages: Sequence[int], room: Room, singletons: set[str]
) -> list[SiteClass]:
    by_site: dict[str, list[WorkPackage]] = defaultdict(list)
    for i in packages:
        by_site[instance.packages[i].site_id].append(instance.packages[i])
    found: dict[tuple[object, ...], SiteClass] = {}
    for site_id in sorted(by_site):
        bundle = sorted(by_site[site_id], key=lambda p: p.stage)
        jobs = [j for p in bundle for j in p.jobs]
        position = {j: k for k, j in enumerate(jobs)}
        inner = sorted(
            {(position[a], position[b]) for b in jobs for a in instance.job_predecessors[b] if a in position}
        )
        release = [room.release.get(instance.jobs[j].package, 0) for j in jobs]
        key = (
            bundle[0].region,
            tuple((p.domains, p.weight, p.deadline_week, len(p.jobs)) for p in bundle),
            tuple(
                (j.phase, j.crew, j.crew_days, j.cost, j.min_weeks) for j in (instance.jobs[i] for i in jobs)
            ),
            tuple(inner),
            tuple(release),
            site_id if site_id in singletons or room.blocked.get(site_id) else None,
        )
        cls = found.get(key)
        if cls is None:
            cls = found[key] = SiteClass(bundle[0].region, bundle, jobs, inner, release)
        cls.sites.append(jobs)
    return list(found.values())


def _column_wise(
    rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_cols: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Triplets to HiGHS's column-wise arrays (start, index, value), adding up repeated entries."""
    order = np.lexsort((rows, cols))
    rows, cols, vals = rows[order], cols[order], vals[order]
    if len(rows):
        first = np.ones(len(rows), dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        at = np.flatnonzero(first)
        vals = np.add.reduceat(vals, at)
        rows, cols = rows[at], cols[at]
    starts = np.zeros(n_cols + 1, dtype=np.int32)
    np.cumsum(np.bincount(cols, minlength=n_cols), out=starts[1:])
    return starts, rows.astype(np.int32), vals.astype(np.float64)


class _Builder:
    def __init__(self) -> None:
        self.cost: list[float] = []
        self.upper: list[float] = []
        self.integer: list[bool] = []
        self.rows_i: list[int] = []
        self.cols_j: list[int] = []
        self.vals: list[float] = []
        self.row_up: list[float] = []

    def series(self, horizon: int, up: float, integer: bool) -> int:
        base = len(self.cost)
        self.cost.extend([0.0] * horizon)
        self.upper.extend([up] * horizon)
        self.integer.extend([integer] * horizon)
        return base

    def row(self, entries: Sequence[tuple[int, float]], bound: float) -> None:
        r = len(self.row_up)
        for j, v in entries:
            self.rows_i.append(r)
            self.cols_j.append(j)
            self.vals.append(v)
        self.row_up.append(bound)

    def monotone(self, base: int, horizon: int) -> None:
        for t in range(1, horizon):
            self.row(((base + t - 1, 1.0), (base + t, -1.0)), 0.0)

    def zero_before(self, base: int | None, week: int) -> None:
        if base is not None:
            for t in range(min(week, len(self.upper) - base)):
                self.upper[base + t] = 0.0


def build_model(
    instance: PlanningInstance,
    classes: list[SiteClass],
    room: Room,
    neighbours: Sequence[tuple[str, str]],
    groups: Sequence[tuple[tuple[int, ...], tuple[int, ...]]],
) -> Model:
    """The MILP over `classes`; `groups` are (before packages, after packages) inside the model."""
    horizon = instance.horizon
    risk = instance.catalogue.risk
    b = _Builder()
    columns: dict[tuple[int, int], Columns] = {}
    offset = 0.0
    last_position: dict[int, tuple[int, int]] = {}  # package -> (class, position of its last job)
    first_position: dict[int, tuple[int, int]] = {}
    for c, cls in enumerate(classes):
        n = float(len(cls.sites))
        for k, j in enumerate(cls.jobs):
            job = instance.jobs[j]
            done = b.series(horizon, n, True)
            work = b.series(horizon, n, False) if job.crew_days > 0 else None
            started = b.series(horizon, n, True) if job.min_weeks > 1 else None
            columns[(c, k)] = Columns(done, work, started)
            # X and S only ever bound other series from above and X earns its exposure, so an optimum
            # can always take them monotone: their monotone rows are left out (fewer rows, faster LP),
            # except for a job without crew-days, whose money follows X or S.
            for base in (done, work, started):
                if base is not None:
                    if base == work or work is None:
                        b.monotone(base, horizon)
                    b.zero_before(base, cls.release[k])
            if work is not None:
                for t in range(horizon):
                    b.row(((done + t, 1.0), (work + t, -1.0)), 0.0)
            if started is not None:
                m = job.min_weeks
                b.zero_before(done, m - 1)
                for t in range(m - 1, horizon):
                    b.row(((done + t, 1.0), (started + t - m + 1, -1.0)), 0.0)
                if work is not None:
                    for t in range(horizon):
                        b.row(((work + t, 1.0), (started + t, -1.0)), 0.0)
        for site in cls.sites:
            for k, j in enumerate(site):
                package = instance.packages[instance.jobs[j].package]
                if j == package.jobs[0]:
                    first_position[package.index] = (c, k)
                if j == package.jobs[-1]:
                    last_position[package.index] = (c, k)
        for p in cls.packages:
            k = cls.jobs.index(p.jobs[-1])
            rate = [1.0 if tau <= p.deadline_week else risk.late_multiplier for tau in range(horizon + 1)]
            done = columns[(c, k)].done
            for t in range(horizon):
                coef = rate[t + 1] + (risk.unfinished_weeks * rate[horizon] if t == horizon - 1 else 0.0)
                b.cost[done + t] -= p.weight * coef
            offset += n * p.weight * (sum(rate) + risk.unfinished_weeks * rate[horizon])
        # A job waits for the one before it (phases in order, and site precedence).
        for before, after in cls.inner:
            a_cols, z_cols = columns[(c, before)], columns[(c, after)]
            # With crew-days, X <= U <= X_before already holds X back; without, X itself waits.
            for base in (z_cols.started, z_cols.work if z_cols.work is not None else z_cols.done):
                if base is None:
                    continue
                b.upper[base] = 0.0
                for t in range(1, horizon):
                    b.row(((base + t, 1.0), (a_cols.done + t - 1, -1.0)), 0.0)
    _capacity_rows(instance, classes, columns, room, b)
    _budget_rows(instance, classes, columns, room, b)
    group_columns = _group_rows(instance, classes, columns, groups, first_position, last_position, b)
    first_neighbour_row = len(b.row_up)
    active_columns = _neighbour_rows(instance, classes, columns, room, neighbours, b)

    n_cols, n_rows = len(b.cost), len(b.row_up)
    starts, indices, values = _column_wise(
        np.asarray(b.rows_i, dtype=np.int64), np.asarray(b.cols_j, dtype=np.int64), np.asarray(b.vals), n_cols
    )
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = np.asarray(b.cost, dtype=np.float64)
    lp.col_lower_ = np.zeros(n_cols)
    lp.col_upper_ = np.asarray(b.upper, dtype=np.float64)
    lp.row_lower_ = np.full(n_rows, -highspy.kHighsInf)
    lp.row_upper_ = np.asarray(b.row_up, dtype=np.float64)
    lp.offset_ = offset
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = starts
    lp.a_matrix_.index_ = indices
    lp.a_matrix_.value_ = values
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in b.integer
    ]
    return Model(classes, columns, lp, n_rows, n_rows - first_neighbour_row, group_columns, active_columns)


def _capacity_rows(
    instance: PlanningInstance,
    classes: list[SiteClass],
    columns: dict[tuple[int, int], Columns],
    room: Room,
    b: _Builder,
) -> None:
    horizon = instance.horizon
    by_pool: dict[Pool, list[tuple[int, float]]] = defaultdict(list)
    for (c, k), cols in columns.items():
        if cols.work is not None:
            job = instance.jobs[classes[c].jobs[k]]
            by_pool[job.pool(classes[c].region)].append((cols.work, job.crew_days))
    for pool, bases in sorted(by_pool.items()):
        for t in range(horizon):
            entries = [(base + t, days) for base, days in bases]
            if t > 0:
                entries += [(base + t - 1, -days) for base, days in bases]
            b.row(entries, max(0.0, room.capacity[pool][t]))


def _budget_rows(
    instance: PlanningInstance,
    classes: list[SiteClass],
    columns: dict[tuple[int, int], Columns],
    room: Room,
    b: _Builder,
) -> None:
    if room.budget is None:
        return
    weeks_of: dict[int, list[int]] = defaultdict(list)
    for t, q in enumerate(instance.quarter_of_week()):
        weeks_of[q].append(t)
    scale = max(1.0, max(room.budget, default=1.0))  # rows in budgets, not currency: HiGHS scales better
    for q in sorted(weeks_of):
        first, last = weeks_of[q][0], weeks_of[q][-1]
        entries = []
        for (c, k), cols in columns.items():
            job = instance.jobs[classes[c].jobs[k]]
            # Money is spent with the crew-days; a job without crew-days pays when it starts.
            if cols.work is not None:
                base, money = cols.work, job.cost / scale
            else:
                base, money = (cols.started if cols.started is not None else cols.done), job.cost / scale
            if money == 0:
                continue
            entries.append((base + last, money))
            if first > 0:
                entries.append((base + first - 1, -money))
        b.row(entries, max(0.0, room.budget[q]) / scale)


def _group_rows(
    instance: PlanningInstance,
    classes: list[SiteClass],
    columns: dict[tuple[int, int], Columns],
    groups: Sequence[tuple[tuple[int, ...], tuple[int, ...]]],
    first_position: Mapping[int, tuple[int, int]],
    last_position: Mapping[int, tuple[int, int]],
    b: _Builder,
) -> list[tuple[int, tuple[int, ...]]]:
    """Region- or network-wide precedence: Z[t] = 1 when every BEFORE package is done by t."""
    horizon = instance.horizon
    out = []
    for before, after in groups:
        z = b.series(horizon, 1.0, True)
        out.append((z, before))
        for c, k in sorted({last_position[p] for p in before}):
            size = float(len(classes[c].sites))
            for t in range(horizon):
                b.row(((z + t, size), (columns[(c, k)].done + t, -1.0)), 0.0)
        for c, k in sorted({first_position[p] for p in after}):
            size = float(len(classes[c].sites))
            cols = columns[(c, k)]
            for base in (cols.started, cols.work if cols.work is not None else cols.done):
                if base is None:
                    continue
                b.upper[base] = 0.0
                for t in range(1, horizon):
                    b.row(((base + t, 1.0), (z + t - 1, -size)), 0.0)
    return out


def _neighbour_rows(
    instance: PlanningInstance,
    classes: list[SiteClass],
    columns: dict[tuple[int, int], Columns],
    room: Room,
    neighbours: Sequence[tuple[str, str]],
    b: _Builder,
) -> dict[str, int]:
    """Neighbouring sites (singleton classes) not out of service in the same week: A[s,t] = 1 when
    site s has work in week t."""
    horizon = instance.horizon
    site_class = {
        instance.packages[cls.packages[0].index].site_id: c
        for c, cls in enumerate(classes)
        if len(cls.sites) == 1
    }
    wanted = {s for pair in neighbours for s in pair if s in site_class} | {
        s for s in room.blocked if s in site_class
    }
    active: dict[str, int] = {}
    for site in sorted(wanted):
        c = site_class[site]
        a = active[site] = b.series(horizon, 1.0, True)
        for t in room.blocked.get(site, ()):
            if t < horizon:
                b.upper[a + t] = 0.0
        for k in range(len(classes[c].jobs)):
            cols = columns[(c, k)]
            if cols.work is None:
                continue
            for t in range(horizon):
                entries = [(cols.work + t, 1.0), (a + t, -1.0)]
                if t > 0:
                    entries.append((cols.work + t - 1, -1.0))
                b.row(entries, 0.0)
    for s1, s2 in neighbours:
        if s1 in active and s2 in active:
            for t in range(horizon):
                b.row(((active[s1] + t, 1.0), (active[s2] + t, 1.0)), 1.0)
    return active
