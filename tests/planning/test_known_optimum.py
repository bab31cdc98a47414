"""Hand-sized instances whose optimal plans can be worked out on paper."""

from __future__ import annotations

from datetime import timedelta

import pytest

from netvet.model.inventory import Domain
from netvet.planning import Plan, PlanMethod, check_plan, solve

from .builders import START, catalogue, instance, network

CORE, RAN, TRANSPORT = Domain.CORE, Domain.RAN, Domain.TRANSPORT


def weeks(plan: Plan) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for t in plan.tasks:
        out.setdefault(t.site_id, []).append((t.week_start - START).days // 7)
    return out


def three_sites_one_crew() -> Plan:
    # One crew does one site a week. Weights 1 (ran), 2 (transport), 3 (core); every order meets the
    # deadlines, so exposure is sum of weight x weeks in service: heaviest first gives 3+4+3 = 10,
    # earliest deadline first (A, B, C) gives 1+4+9 = 14.
    net = network()
    net.add("A", [RAN], START + timedelta(days=20))
    net.add("B", [TRANSPORT], START + timedelta(days=27))
    net.add("C", [CORE], START + timedelta(days=34))
    return solve(instance(net, horizon=6), time_limit=10)


def test_optimiser_finds_the_heaviest_first_order_and_proves_it() -> None:
    plan = three_sites_one_crew()
    assert plan.objective == pytest.approx(10)
    assert plan.bound == pytest.approx(10)
    assert plan.gap == pytest.approx(0)
    assert weeks(plan) == {"C": [0], "B": [1], "A": [2]}
    assert plan.greedy_objective == pytest.approx(14)
    assert plan.improvement_over_greedy == pytest.approx(4 / 14, abs=1e-6)
    assert plan.unmet == []


def test_greedy_is_earliest_deadline_first() -> None:
    net = network()
    net.add("A", [RAN], START + timedelta(days=20))
    net.add("B", [TRANSPORT], START + timedelta(days=27))
    net.add("C", [CORE], START + timedelta(days=34))
    plan = solve(instance(net, horizon=6), PlanMethod.GREEDY)
    assert weeks(plan) == {"A": [0], "B": [1], "C": [2]}
    assert plan.objective == pytest.approx(14)


def test_a_deadline_outweighs_a_heavier_site() -> None:
    # A (weight 1) is due at the end of week 0; C (weight 3) much later. A first: 1 + 3x2 = 7.
    # C first would make A a week late: 3 + 1x(1 + 10) = 14.
    net = network()
    net.add("A", [RAN], START + timedelta(days=6))
    net.add("C", [CORE], START + timedelta(days=60))
    plan = solve(instance(net, horizon=4), time_limit=10)
    assert weeks(plan) == {"A": [0], "C": [1]}
    assert plan.objective == pytest.approx(7)
    assert plan.tasks[0].slack_days == 0


@pytest.mark.parametrize(("neighbour_km", "expected"), [(None, 4.0), (5.0, 5.0), (0.5, 4.0)])
def test_neighbours_are_not_out_of_service_in_the_same_week(
    neighbour_km: float | None, expected: float
) -> None:
    # Two crews could do both sites in week 0 (3 + 1 = 4); 1.1 km apart, a 5 km rule splits them
    # (core first: 3 + 1x2 = 5); a 0.5 km rule does not bite.
    net = network()
    net.add("A", [CORE], START + timedelta(days=60), lat=51.5, lon=-0.10)
    net.add("B", [RAN], START + timedelta(days=60), lat=51.51, lon=-0.10)
    inst = instance(net, horizon=4, crews=2, neighbour_km=neighbour_km)
    plan = solve(inst, time_limit=10)
    assert plan.objective == pytest.approx(expected)
    assert check_plan(plan.to_json_dict(), inst) == []


def test_budget_per_quarter_spreads_the_work() -> None:
    # 1,000 a quarter, 1,000 a site: one site per calendar quarter (weeks 0, 13 and 26 from
    # 2027-01-04), heaviest first: 3x1 + 2x14 + 1x27 = 58.
    net = network()
    for site, domain in (("A", RAN), ("B", TRANSPORT), ("C", CORE)):
        net.add(site, [domain], START + timedelta(days=400))
    plan = solve(instance(net, catalogue(crew_days=1), horizon=30, crews=3, budget=1000), time_limit=10)
    assert weeks(plan) == {"C": [0], "B": [13], "A": [26]}
    assert plan.objective == pytest.approx(58)
    assert [q.cost for q in plan.cost_per_quarter] == [1000, 1000, 1000]


def test_transport_before_ran_at_a_site_takes_two_visits() -> None:
    net = network()
    net.add("A", [TRANSPORT, RAN], START + timedelta(days=60))
    together = solve(instance(net, horizon=4, crews=2), time_limit=10)
    assert weeks(together) == {"A": [0]} and together.objective == pytest.approx(3)
    staged = solve(instance(net, horizon=4, crews=2, precedence=["transport>ran@site"]), time_limit=10)
    assert weeks(staged) == {"A": [0, 1]}
    assert [t.domains for t in staged.tasks] == [["transport"], ["ran"]]
    assert staged.objective == pytest.approx(2 * 1 + 1 * 2)


def test_core_before_ran_across_the_network() -> None:
    net = network()
    net.add("CORE1", [CORE], START + timedelta(days=60), region="East")
    net.add("CELL1", [RAN], START + timedelta(days=60), region="West")
    free = solve(instance(net, horizon=4), time_limit=10)
    assert free.objective == pytest.approx(4)
    inst = instance(net, horizon=4, precedence=["core>ran@network"])
    ordered = solve(inst, time_limit=10)
    assert weeks(ordered) == {"CORE1": [0], "CELL1": [1]}
    assert ordered.objective == pytest.approx(5)
    assert check_plan(ordered.to_json_dict(), inst) == []


def test_burn_down_counts_assets_still_in_service() -> None:
    plan = three_sites_one_crew()
    assert [w.non_compliant_assets for w in plan.burn_down] == [2, 1, 0, 0, 0, 0]
    assert plan.burn_down[0].week_start == START
