"""Network caps: which sites to clear so the cap holds by its date, at the least cost (worked out by hand)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from netvet.model.findings import FindingStatus
from netvet.model.inventory import Domain
from netvet.planning import CapMethod, PlanningInstance, check_plan, solve

from .builders import START, Network, catalogue, instance, network

RAN = Domain.RAN
# Four radio types priced apart (equipment, crew-days); no labour rate, no site overhead.
PRICES = {
    "RRU25": (25_000.0, 5.0),
    "AAU20": (20_000.0, 5.0),
    "AAU26": (26_000.0, 5.0),
    "R40": (40_000.0, 5.0),
}
KEY = "be-ran-cap@BE"


def capped_network(
    deadline: date, metric: str = "equipment", excess: int = 5, status: str = "binding"
) -> tuple[Network, list[str]]:
    """P: 4 items at 25k (100k), Q: 3 at 20k (60k), R: 2 at 26k (52k), S: 1 at 40k; none due for removal."""
    net = network()
    members: list[str] = []
    for site, role, count, region in (
        ("P", "RRU25", 4, "East"),
        ("Q", "AAU20", 3, "West"),
        ("R", "AAU26", 2, "West"),
        ("S", "R40", 1, "East"),
    ):
        members += net.add(site, [RAN] * count, None, region=region, status=None, roles=[role] * count)
    net.finding(
        None,
        None,
        deadline,
        FindingStatus.VIOLATION if deadline < START else FindingStatus.DUE,
        "BE",
        status,
        "be-ran-cap",
        country="BE",
        cap=0.35,
        cap_metric=metric,
        measured_share=0.8,
        excess=excess,
        effect="cap",
    )
    return net, members


def planned(crews: int | dict[str, int] = 4, **kwargs: object) -> PlanningInstance:
    net, members = capped_network(**kwargs)  # type: ignore[arg-type]
    return instance(net, catalogue(roles=PRICES), horizon=20, crews=crews, cap_members={KEY: members})


def test_the_cheapest_sites_that_clear_the_excess_are_chosen_and_planned_by_the_cap_date() -> None:
    # Five items to clear. Q + R clear 3 + 2 for 60k + 52k = 112k; every other cover costs more
    # (P + S 140k, P + R 150k, P + Q 160k). Cheapest per item first takes Q (20k), then P (25k):
    # 7 items for 160k, and neither can be given back.
    deadline = START + timedelta(days=90)
    inst = planned(deadline=deadline)
    [cap] = inst.caps
    assert (cap.sites, cap.cleared, cap.cost, cap.cost_bound) == (("Q", "R"), 5, 112_000, 112_000)
    plan = solve(inst, time_limit=5)
    assert {t.site_id for t in plan.tasks} == {"Q", "R"}
    assert all(t.deadline == deadline and t.slack_days is not None and t.slack_days >= 0 for t in plan.tasks)
    assert plan.total_cost == 112_000 and plan.caps[0].planned
    assert check_plan(plan.to_json_dict(), inst) == []
    net, members = capped_network(deadline)
    greedy = instance(
        net,
        catalogue(roles=PRICES),
        horizon=20,
        crews=4,
        cap_members={KEY: members},
        cap_method=CapMethod.GREEDY,
    )
    assert (greedy.caps[0].sites, greedy.caps[0].cost) == (("P", "Q"), 160_000)


def test_a_choice_the_crews_cannot_finish_by_the_date_gives_way_to_one_they_can() -> None:
    # The cap is due at the end of week 1. West (Q, R) has one crew: 10 crew-days by then, and Q + R
    # need 25. East (P, S) has four: 40 by then. Covers that fit: P + S (140k) and P + R (150k).
    inst = planned(crews={"East": 4, "West": 1}, deadline=START + timedelta(days=13))
    [cap] = inst.caps
    assert (cap.sites, cap.cost) == (("P", "S"), 140_000)
    plan = solve(inst, time_limit=5)
    assert plan.unmet == [] and check_plan(plan.to_json_dict(), inst) == []


def test_a_cap_counted_by_sites_clears_the_cheapest_sites() -> None:
    # Two sites to clear: S (40k) and R (52k).
    inst = planned(deadline=START + timedelta(days=90), metric="sites", excess=2)
    assert (inst.caps[0].sites, inst.caps[0].cleared, inst.caps[0].cost) == (("R", "S"), 2, 92_000)


def test_a_site_due_for_removal_anyway_clears_for_free_and_moves_up() -> None:
    # P's items are due for removal by another rule a year out: choosing P costs nothing more, so P
    # (4 items) and S (1 item, 40k) clear the 5; P's work now falls due by the cap's date.
    deadline = START + timedelta(days=90)
    net, members = capped_network(deadline)
    for asset_id in members[:4]:
        net.finding(
            asset_id, "P", START + timedelta(days=400), FindingStatus.DUE, "BE", "binding", "be-removal"
        )
    inst = instance(net, catalogue(roles=PRICES), horizon=20, crews=4, cap_members={KEY: members})
    assert (inst.caps[0].sites, inst.caps[0].cost) == (("P", "S"), 40_000)
    p = next(p for p in inst.packages if p.site_id == "P")
    assert p.deadline == deadline and set(p.rule_ids) == {"be-removal", "be-ran-cap"}


def test_an_overdue_cap_is_planned_first_and_a_guidance_cap_only_shown() -> None:
    overdue = planned(deadline=START - timedelta(days=100))
    assert overdue.caps[0].sites == ("Q", "R")
    assert all(p.overdue for p in overdue.packages)
    plan = solve(overdue, time_limit=5)
    assert plan.tasks[0].week_start == START and all(t.overdue for t in plan.tasks)
    assert check_plan(plan.to_json_dict(), overdue) == []
    guidance = planned(deadline=START + timedelta(days=90), status="guidance")
    [cap] = guidance.caps
    assert not cap.rule.planned and cap.sites == ("Q", "R") and guidance.packages == []


def test_the_checker_recounts_what_a_plan_says_its_cap_sites_clear() -> None:
    inst = planned(deadline=START + timedelta(days=90))
    plan = solve(inst, time_limit=5).to_json_dict()
    plan["caps"][0]["cleared"] = 4
    assert [v.kind for v in check_plan(plan)] == ["cap"]  # 4 of the 5 it must
    net, members = capped_network(START + timedelta(days=90))
    rebuilt = instance(net, catalogue(roles=PRICES), horizon=20, crews=4, cap_members={KEY: members})
    assert "cap" in [v.kind for v in check_plan(plan, rebuilt)]
    assert rebuilt.caps[0].cleared == pytest.approx(5)
