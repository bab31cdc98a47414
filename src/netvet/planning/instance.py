"""The planning instance: what must be replaced, grouped into work packages, and the jobs a schedule places.

A work package is the replacement work at one site (one per stage when precedence rules split a
site's work). It is done in one or more phases, each a job: a domain without phases in the catalogue
is one job for the region's field crews; a core swap is a parallel run, a migration and a
decommission, each with its own crew type and shortest length. A job's crew-days may be spread over
any weeks, under each week's capacity of its crews; a package is done when its last job finishes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from netvet.planning.caps import CapOutcome
from netvet.planning.catalogue import FIELD_CREW, CostCatalogue
from netvet.planning.parameters import PlanningParameters, quarter_label

NO_REGION = "(no region)"
Pool = tuple[str, str]  # the crews a job draws on: (crew type, region); network-wide crews have region ""


@dataclass(frozen=True, slots=True)
class Job:
    """One phase of a work package."""

    index: int
    package: int
    position: int  # the phase's place in its package, from 0
    phase: str
    crew: str
    crew_days: float
    cost: float
    min_weeks: int  # the phase lasts at least this many weeks, from its first week to its last

    def pool(self, region: str) -> Pool:
        return (self.crew, region) if self.crew == FIELD_CREW else (self.crew, "")


@dataclass(frozen=True, slots=True)
class WorkPackage:
    index: int
    site_id: str
    region: str
    stage: int
    domains: tuple[str, ...]
    asset_ids: tuple[str, ...]
    cost: float
    crew_days: float
    weight: float  # exposure of one week in service, before any lateness multiplier
    deadline: date | None  # the earliest deadline among the binding findings that reach its assets
    deadline_week: int  # last week whose end meets the deadline; -1 if none can
    rule_ids: tuple[str, ...]
    jobs: tuple[int, ...] = ()
    overdue: bool = False  # in breach when the plan starts: the deadline passed, or a violation without one


@dataclass(frozen=True, slots=True)
class GroupPrecedence:
    """Every package in `before` is done in an earlier week than any package in `after` starts."""

    rule: str
    before: tuple[int, ...]
    after: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class UnknownWork:
    """Findings that could not be decided for lack of data: not planned, reported."""

    rule_id: str
    jurisdiction: str
    assets: int
    sites: int
    example: str  # one finding's explanation, which says what is missing


@dataclass
class PlanningInstance:
    parameters: PlanningParameters
    catalogue: CostCatalogue
    packages: list[WorkPackage]
    jobs: list[Job]
    regions: list[str]
    site_precedence: list[tuple[int, int]]  # (before package, after package) at one site
    group_precedence: list[GroupPrecedence]
    neighbour_sites: list[tuple[str, str]]
    site_coordinates: dict[str, tuple[float, float]]
    notes: list[str] = field(default_factory=list)
    caps: list[CapOutcome] = field(default_factory=list)
    unknown: list[UnknownWork] = field(default_factory=list)

    @property
    def horizon(self) -> int:
        return self.parameters.horizon_weeks

    def pool(self, job: Job) -> Pool:
        return job.pool(self.packages[job.package].region)

    @cached_property
    def pools(self) -> list[Pool]:
        return sorted({self.pool(j) for j in self.jobs})

    def teams(self, crew: str) -> int:
        default = self.catalogue.specialists[crew].teams if crew in self.catalogue.specialists else 0
        return self.parameters.crews.teams(crew, default)

    def capacity(self, pool: Pool) -> float:
        """Crew-days a pool of crews can spend in one week."""
        crew, region = pool
        count = self.parameters.crews.crews(region) if crew == FIELD_CREW else self.teams(crew)
        return count * self.catalogue.days_per_crew_week

    @cached_property
    def job_predecessors(self) -> list[list[int]]:
        """Jobs that must finish in an earlier week than each job starts: the phase before it, and the
        last phase of any package a site rule puts first."""
        before: list[list[int]] = [[] for _ in self.jobs]
        for p in self.packages:
            for a, b in zip(p.jobs, p.jobs[1:], strict=False):
                before[b].append(a)
        for a, b in self.site_precedence:
            before[self.packages[b].jobs[0]].append(self.packages[a].jobs[-1])
        return before

    def quarter_of_week(self) -> list[int]:
        """For each week of the horizon, the index of its calendar quarter (from 0)."""
        labels = self.quarter_labels()
        index = {label: i for i, label in enumerate(labels)}
        return [index[quarter_label(self.parameters.week_start(t))] for t in range(self.horizon)]

    def quarter_labels(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in range(self.horizon):
            seen.setdefault(quarter_label(self.parameters.week_start(t)), None)
        return list(seen)

    def earliest_finish(self) -> list[int]:
        """The earliest week each job can finish with unlimited crews: its phases' shortest lengths,
        one after the other, after whatever precedence holds it back."""
        finish = [0] * len(self.jobs)
        group_after: dict[int, list[int]] = defaultdict(list)
        for g, group in enumerate(self.group_precedence):
            for q in group.after:
                group_after[self.packages[q].jobs[0]].append(g)
        for _ in range(len(self.group_precedence) + 1):
            changed = False
            for job in self.jobs:  # jobs are numbered package by package, phases in order
                start = max((finish[b] + 1 for b in self.job_predecessors[job.index]), default=0)
                for g in group_after[job.index]:
                    start = max(
                        start,
                        max(finish[self.packages[p].jobs[-1]] for p in self.group_precedence[g].before) + 1,
                    )
                value = start + max(1, job.min_weeks) - 1
                if value != finish[job.index]:
                    finish[job.index] = value
                    changed = True
            if not changed:
                break
        return finish

    def least_exposure(self) -> float:
        """A bound no plan can beat: each package done at its earliest finish (or never, past the horizon)."""
        earliest = self.earliest_finish()
        total = 0.0
        for p in self.packages:
            week = earliest[p.jobs[-1]]
            total += self.exposure(p, week if week < self.horizon else None)
        return total

    def exposure(self, package: WorkPackage, week: int | None) -> float:
        """Risk-weighted exposure of a package finished in `week` (None: not done within the horizon).

        Each week in service (the week the work finishes included) counts its weight, times the late
        multiplier once the deadline week has passed.
        """
        risk = self.catalogue.risk
        end = self.horizon if week is None else week
        on_time = max(0, min(end, package.deadline_week) + 1)
        late = end + 1 - on_time
        total = on_time + risk.late_multiplier * late
        if week is None:
            rate = 1.0 if self.horizon <= package.deadline_week else risk.late_multiplier
            total += risk.unfinished_weeks * rate
        return package.weight * total


def deadline_week(parameters: PlanningParameters, deadline: date | None) -> int:
    """Last week index whose end is on or before the deadline (a large number when there is none)."""
    if deadline is None:
        return 10**6
    return max(-1, ((deadline - parameters.start).days - 6) // 7)
