"""The optimiser's fallbacks: neighbour rule left to the repair step, model too large, decomposition."""

from __future__ import annotations

from datetime import timedelta

import pytest

from netvet.model.inventory import Domain
from netvet.planning import check_plan
from netvet.planning.heuristic import total_exposure
from netvet.planning.optimiser import optimise
from netvet.planning.plan import build_plan

from .builders import START, instance, network


def row_of_sites(n: int, km_apart: float = 1.0) -> list[tuple[str, float, float]]:
    return [(f"S{i}", 51.0 + i * km_apart / 111.2, 0.0) for i in range(n)]


def test_neighbour_rule_enforced_by_repair_when_left_out_of_the_model() -> None:
    net = network()
    for i, (site, lat, lon) in enumerate(row_of_sites(8)):
        net.add(site, [Domain.CORE if i % 2 else Domain.RAN], START + timedelta(days=120), lat=lat, lon=lon)
    inst = instance(net, horizon=10, crews=8, neighbour_km=1.5)
    exact, exact_report = optimise(inst, time_limit=10)
    relaxed, relaxed_report = optimise(inst, time_limit=10, max_neighbour_sites=0)
    assert exact_report.neighbours_in_model and not relaxed_report.neighbours_in_model
    # A path of 8 sites, each next to the next: two weeks suffice (alternate sites), heaviest first.
    for schedule, report in ((exact, exact_report), (relaxed, relaxed_report)):
        plan = build_plan(inst, schedule, report)
        assert check_plan(plan.to_json_dict(), inst) == []
    assert total_exposure(inst, exact) == pytest.approx(exact_report.bound)
    # The relaxation's bound is lower (it ignores the rule) and still below the plan it repaired.
    assert relaxed_report.bound <= exact_report.bound + 1e-6
    assert relaxed_report.bound <= total_exposure(inst, relaxed) + 1e-6


def test_model_too_large_keeps_the_greedy_plan_with_the_trivial_bound() -> None:
    net = network()
    for site in "ABC":
        net.add(site, [Domain.RAN], START + timedelta(days=60))
    inst = instance(net, horizon=6)
    schedule, report = optimise(inst, max_columns=1)
    assert report.method == "greedy" and "too large" in report.status
    assert report.bound == pytest.approx(sum(inst.exposure(p, 0) for p in inst.packages))
    assert check_plan(build_plan(inst, schedule, report).to_json_dict(), inst) == []


def test_regions_without_shared_constraints_are_solved_apart() -> None:
    net = network()
    for region in ("North", "South", "East"):
        for k in range(3):
            net.add(
                f"{region}{k}",
                [Domain.RAN, Domain.CORE][k % 2 : k % 2 + 1],
                START + timedelta(days=60),
                region=region,
            )
    apart = optimise(instance(net, horizon=6), time_limit=10)[1]
    together = optimise(instance(net, horizon=6, budget=10**9), time_limit=10)[1]
    assert (apart.components, together.components) == (3, 1)
    # A budget that never binds changes nothing but the decomposition: the same proven optimum.
    assert apart.bound == pytest.approx(together.bound)
