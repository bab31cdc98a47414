"""The rip-and-replace planner: findings, assets and sites in; a scheduled, costed plan out.

Pure: no I/O. `make_plan` is the one entry point the CLI, API and reports use; `check_plan` verifies
any plan (ours or a user's edited one); `gantt_by_region` and `gantt_projects` give the report its
chart data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

from netvet.model.findings import Finding
from netvet.model.inventory import Asset, Site
from netvet.model.roles import RoleTable
from netvet.planning.builder import build_instance
from netvet.planning.caps import CapMethod
from netvet.planning.catalogue import CostCatalogue
from netvet.planning.checker import check_plan
from netvet.planning.gantt import GanttProject, GanttRegion, gantt_by_region, gantt_projects
from netvet.planning.heuristic import greedy_schedule, total_exposure
from netvet.planning.instance import Job, PlanningInstance, WorkPackage
from netvet.planning.optimiser import SolveReport, optimise
from netvet.planning.parameters import (
    CrewTable,
    PlanningParameters,
    PrecedenceRule,
    PrecedenceScope,
    default_horizon,
)
from netvet.planning.plan import Plan, PlanTask, build_plan
from netvet.planning.violation import PlanViolation


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
        report = SolveReport("greedy", "earliest deadline first", instance.least_exposure(), 0.0, value)
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
    cap_members: Mapping[str, Sequence[str]] | None = None,
) -> Plan:
    caps = CapMethod.GREEDY if method is PlanMethod.GREEDY else CapMethod.OPTIMAL
    instance = build_instance(findings, assets, sites, catalogue, parameters, roles, cap_members, caps)
    return solve(instance, method, time_limit)


__all__ = [
    "CapMethod",
    "CostCatalogue",
    "CrewTable",
    "GanttProject",
    "GanttRegion",
    "Job",
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
    "gantt_projects",
    "make_plan",
    "solve",
]
