"""The rip-and-replace planner: findings, assets and sites in; a scheduled, costed plan out.

Pure: no I/O. `make_plan` is the one entry point the CLI, API and reports use; `check_plan` verifies
any plan (ours or a user's edited one); `gantt_by_region` gives the report its chart data.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from netvet.model.findings import Finding
from netvet.model.inventory import Asset, Site
from netvet.model.roles import RoleTable
from netvet.planning.catalogue import CostCatalogue
from netvet.planning.checker import PlanViolation, check_plan
from netvet.planning.gantt import GanttRegion, gantt_by_region
from netvet.planning.heuristic import greedy_schedule, total_exposure
from netvet.planning.instance import PlanningInstance, WorkPackage, build_instance
from netvet.planning.optimiser import SolveReport, optimise
from netvet.planning.parameters import (
    CrewTable,
    PlanningParameters,
    PrecedenceRule,
    PrecedenceScope,
    default_horizon,
)
from netvet.planning.plan import Plan, PlanTask, build_plan


class PlanMethod(StrEnum):
    OPTIMISE = "optimise"  # MILP with the greedy plan as warm start
    GREEDY = "greedy"  # earliest deadline first only


def solve(
    instance: PlanningInstance,
    method: PlanMethod = PlanMethod.OPTIMISE,
    time_limit: float = 100.0,
    relative_gap: float = 0.005,
) -> Plan:
    if method is PlanMethod.GREEDY:
        schedule = greedy_schedule(instance)
        value = total_exposure(instance, schedule)
        trivial = sum(instance.exposure(p, 0) for p in instance.packages)
        report = SolveReport("greedy", "earliest deadline first", trivial, 0.0, value)
    else:
        schedule, report = optimise(instance, time_limit=time_limit, relative_gap=relative_gap)
    return build_plan(instance, schedule, report)


def make_plan(
    findings: Iterable[Finding],
    assets: Iterable[Asset],
    sites: Iterable[Site],
    catalogue: CostCatalogue,
    parameters: PlanningParameters,
    roles: RoleTable | None = None,
    method: PlanMethod = PlanMethod.OPTIMISE,
    time_limit: float = 100.0,
) -> Plan:
    instance = build_instance(findings, assets, sites, catalogue, parameters, roles)
    return solve(instance, method, time_limit)


__all__ = [
    "CostCatalogue",
    "CrewTable",
    "GanttRegion",
    "Plan",
    "PlanMethod",
    "PlanTask",
    "PlanViolation",
    "PlanningInstance",
    "PlanningParameters",
    "PrecedenceRule",
    "PrecedenceScope",
    "WorkPackage",
    "build_instance",
    "check_plan",
    "default_horizon",
    "gantt_by_region",
    "make_plan",
    "solve",
]
