"""Every plan the planner emits passes the checker, and the optimiser never does worse than greedy.

The instances mix work spread over weeks, core phases with specialised teams, guidance, overdue
work, budgets, neighbours, precedence and a network cap."""

from __future__ import annotations

import json
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netvet.model.findings import FindingStatus
from netvet.model.inventory import Domain
from netvet.planning import PlanMethod, check_plan, solve
from netvet.planning.optimiser import optimise
from netvet.planning.plan import build_plan

from .builders import START, catalogue, instance, network

DOMAINS = [Domain.CORE, Domain.RAN, Domain.TRANSPORT, Domain.MANAGEMENT]
RULES = ["transport>ran@site", "core>ran@network", "management>core@region", "core>transport@site"]


# Core work in phases by specialised teams and field crews, as the shipped catalogue does it.
PHASES = {
    "core": [
        ("parallel_run", 0.4, 2, "core_team"),
        ("migration", 0.4, 3, "vendor"),
        ("decommission", 0.2, 1, "field"),
    ]
}
STATUSES = [FindingStatus.DUE, FindingStatus.VIOLATION, FindingStatus.ADVISORY]


@st.composite
def instances(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    net = network()
    for n in range(draw(st.integers(1, 10))):
        domains = draw(st.lists(st.sampled_from(DOMAINS), min_size=1, max_size=3))
        status = draw(st.sampled_from(STATUSES))
        net.add(
            f"S{n}",
            domains,
            START + timedelta(days=draw(st.integers(-10, 70))),
            region=draw(st.sampled_from(["North", "South", "East"])),
            lat=50 + draw(st.integers(0, 20)) * 0.01,
            lon=draw(st.integers(0, 20)) * 0.01,
            status=status,
            legal_status="guidance" if status is FindingStatus.ADVISORY else "binding",
        )
    cap_members: dict[str, list[str]] = {}
    if draw(st.booleans()):  # a network cap: some sites hold capped radios no other rule reaches
        members: list[str] = []
        for n in range(draw(st.integers(1, 4))):
            count = draw(st.integers(1, 3))
            members += net.add(
                f"C{n}",
                [Domain.RAN] * count,
                None,
                region=draw(st.sampled_from(["North", "South"])),
                status=None,
            )
        deadline = START + timedelta(days=draw(st.integers(-10, 70)))
        net.finding(
            None,
            None,
            deadline,
            FindingStatus.VIOLATION if deadline < START else FindingStatus.DUE,
            "BE",
            "binding",
            "be-ran-cap",
            country="BE",
            cap=0.35,
            cap_metric="equipment",
            measured_share=0.8,
            excess=draw(st.integers(1, len(members))),
            effect="cap",
        )
        cap_members["be-ran-cap@BE"] = members
    cat = catalogue(
        crew_days=draw(st.sampled_from([0.5, 1.0, 2.5, 5.0, 12.0])),
        cost=draw(st.sampled_from([100.0, 1000.0])),
        crew_day_rate=draw(st.sampled_from([0.0, 50.0])),
        phases=draw(st.sampled_from([None, PHASES])),
        teams={"core_team": draw(st.integers(0, 2)), "vendor": 1},
    )
    return instance(
        net,
        cat,
        horizon=draw(st.integers(1, 16)),
        crews=draw(st.one_of(st.integers(0, 3), st.fixed_dictionaries({"North": st.integers(0, 2)}))),
        budget=draw(st.one_of(st.none(), st.sampled_from([500.0, 3000.0, 20000.0]))),
        neighbour_km=draw(st.one_of(st.none(), st.sampled_from([0.5, 2.0, 10.0]))),
        precedence=draw(st.lists(st.sampled_from(RULES), max_size=2, unique=True)),
        cap_members=cap_members,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_emitted_plan_passes_the_checker(inst) -> None:  # type: ignore[no-untyped-def]
    optimised = solve(inst, time_limit=5)
    greedy = solve(inst, PlanMethod.GREEDY)
    for plan in (optimised, greedy):
        as_json = json.loads(json.dumps(plan.to_json_dict()))
        assert check_plan(as_json, inst) == [], plan.method
        assert check_plan(as_json) == []
        assert plan.bound <= plan.objective + 1e-6
        assert 0 <= plan.gap <= 1
    assert optimised.objective <= greedy.objective + 1e-6


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_plans_repaired_without_the_neighbour_rows_also_pass(inst) -> None:  # type: ignore[no-untyped-def]
    schedule, report = optimise(inst, time_limit=5, max_neighbour_sites=0)
    plan = build_plan(inst, schedule, report)
    assert check_plan(plan.to_json_dict(), inst) == []
    assert plan.bound <= plan.objective + 1e-6
