"""The checker lists every violation of an edited plan, each naming what is wrong."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from netvet.model.inventory import Domain
from netvet.planning import PlanningInstance, check_plan, solve

from .builders import START, catalogue, instance, network


def planned(inst: PlanningInstance) -> dict[str, Any]:
    plan = solve(inst, time_limit=5).to_json_dict()
    assert check_plan(plan, inst) == []
    return plan


def three_sites(horizon: int = 8, **kwargs: Any) -> PlanningInstance:
    net = network()
    net.add("A", [Domain.RAN], START + timedelta(days=90), lat=51.5, lon=-0.1)
    net.add("B", [Domain.TRANSPORT], START + timedelta(days=90), lat=51.51, lon=-0.1)
    net.add("C", [Domain.CORE], START + timedelta(days=90), lat=52.5, lon=-0.1)
    return instance(net, horizon=horizon, **kwargs)


def move(plan: dict[str, Any], site: str, week: int) -> dict[str, Any]:
    """The site's (one-week) task moved to another week, with its dates kept consistent."""
    edited = copy.deepcopy(plan)
    for task in edited["tasks"]:
        if task["site_id"] == site:
            monday = START + timedelta(weeks=week)
            task["week_start"] = monday.isoformat()
            task["weeks"] = [{"week_start": monday.isoformat(), "crew_days": task["crew_days"]}]
            task["finish"] = (monday + timedelta(days=6)).isoformat()
            deadline = date.fromisoformat(task["deadline"])
            task["slack_days"] = (deadline - (monday + timedelta(days=6))).days
    return edited


def kinds(plan: dict[str, Any], inst: PlanningInstance | None = None) -> list[str]:
    return [v.kind for v in check_plan(plan, inst)]


def test_crews_over_capacity() -> None:
    inst = three_sites()
    plan = move(move(planned(inst), "A", 0), "B", 0)
    violations = check_plan(plan, inst)
    crews = [v for v in violations if v.kind == "crews"]
    assert len(crews) == 1 and crews[0].region == "North" and "15 crew-days" in crews[0].message


def test_budget_per_quarter() -> None:
    inst = three_sites(horizon=20, crews=3, budget=2000)
    plan = planned(inst)
    assert len(plan["tasks"]) == 3  # two in the first quarter, one in the second
    plan = move(move(move(plan, "A", 0), "B", 0), "C", 0)
    [v] = [v for v in check_plan(plan, inst) if v.kind == "budget"]
    assert "2027-Q1" in v.message and "3,000.00" in v.message


def test_neighbours_in_the_same_week() -> None:
    inst = three_sites(crews=3, neighbour_km=5)
    plan = move(move(planned(inst), "A", 2), "B", 2)
    [v] = [v for v in check_plan(plan, inst) if v.kind == "neighbours"]
    assert "A and B" in v.message
    # Without the instance the checker reads the coordinates the plan carries.
    assert "neighbours" in kinds(plan)


def test_precedence_order() -> None:
    net = network()
    net.add("A", [Domain.TRANSPORT, Domain.RAN], START + timedelta(days=90))
    inst = instance(net, horizon=8, crews=2, precedence=["transport>ran@site"])
    plan = planned(inst)
    swapped = copy.deepcopy(plan)
    swapped["tasks"][0]["week_start"], swapped["tasks"][1]["week_start"] = (
        swapped["tasks"][1]["week_start"],
        swapped["tasks"][0]["week_start"],
    )
    assert "precedence" in kinds(swapped)


def test_lateness_must_be_owned_up_to() -> None:
    net = network()
    net.add("A", [Domain.RAN], START + timedelta(days=13))
    inst = instance(net, horizon=8)
    plan = move(planned(inst), "A", 4)
    [v] = [v for v in check_plan(plan, inst) if v.kind == "deadline"]
    assert "unmet" in v.message
    wrong_slack = copy.deepcopy(planned(inst))
    wrong_slack["tasks"][0]["slack_days"] = 99
    assert "deadline" in kinds(wrong_slack)


def test_inventory_coverage_cost_and_objective() -> None:
    inst = three_sites()
    plan = planned(inst)
    dropped = copy.deepcopy(plan)
    dropped["tasks"].pop()
    assert "coverage" in kinds(dropped, inst)
    assert "coverage" not in kinds(dropped)  # without the inventory the checker cannot know
    cheaper = copy.deepcopy(plan)
    cheaper["tasks"][0]["cost"] = 1.0
    assert "inventory" in kinds(cheaper, inst)
    flattered = copy.deepcopy(plan)
    flattered["objective"] = plan["objective"] - 1
    flattered["gap"] = (flattered["objective"] - plan["bound"]) / flattered["objective"]
    assert "summary" in kinds(flattered, inst)
    twice = copy.deepcopy(plan)
    twice["tasks"][1]["asset_ids"] += twice["tasks"][0]["asset_ids"]
    assert "duplicate" in kinds(twice)


def test_weeks_and_format() -> None:
    plan = planned(three_sites())
    tuesday = copy.deepcopy(plan)
    tuesday["tasks"][0]["week_start"] = (START + timedelta(days=1)).isoformat()
    assert "week" in kinds(tuesday)
    broken = copy.deepcopy(plan)
    del broken["tasks"][1]["cost"]
    [v] = check_plan(broken)
    assert v.kind == "format" and "task 1" in v.message and "cost" in v.message
    assert kinds({"tasks": []})[0] == "format"


def test_catalogue_currency_and_parameters_round_trip() -> None:
    plan = planned(three_sites(budget=5000, neighbour_km=2, precedence=["core>ran@region"]))
    assert plan["parameters"]["budget_per_quarter"] == 5000
    assert plan["parameters"]["precedence"] == ["core>ran@region"]
    assert plan["currency"] == catalogue().currency


def phased(horizon: int = 10) -> PlanningInstance:
    phases = {
        "core": [
            ("parallel_run", 0.5, 3, "core_team"),
            ("migration", 0.25, 2, "vendor"),
            ("decommission", 0.25, 1, "field"),
        ]
    }
    net = network()
    net.add("DC", [Domain.CORE] * 4, START + timedelta(days=90))
    return instance(
        net, catalogue(crew_days=5, phases=phases, teams={"core_team": 1, "vendor": 1}), horizon=horizon
    )


def test_phases_out_of_order_or_too_short() -> None:
    inst = phased()
    plan = planned(inst)
    early = copy.deepcopy(plan)
    migration = next(t for t in early["tasks"] if t["phase"] == "migration")
    monday = START + timedelta(weeks=2)  # the parallel run ends on Sunday of week 2
    migration["week_start"] = monday.isoformat()
    migration["weeks"] = [
        {"week_start": monday.isoformat(), "crew_days": 2.5},
        {"week_start": (monday + timedelta(weeks=1)).isoformat(), "crew_days": 2.5},
    ]
    migration["finish"] = (monday + timedelta(days=13)).isoformat()
    migration["slack_days"] = (date.fromisoformat(migration["deadline"]) - (monday + timedelta(days=13))).days
    messages = [v.message for v in check_plan(early) if v.kind == "phase"]
    assert any("migration starts in the week of" in m and "before parallel_run ends" in m for m in messages)
    short = copy.deepcopy(plan)
    run = next(t for t in short["tasks"] if t["phase"] == "parallel_run")
    run["finish"] = (START + timedelta(days=13)).isoformat()
    run["weeks"] = [
        {"week_start": START.isoformat(), "crew_days": 5.0},
        {"week_start": (START + timedelta(weeks=1)).isoformat(), "crew_days": 5.0},
    ]
    run["slack_days"] = (date.fromisoformat(run["deadline"]) - (START + timedelta(days=13))).days
    assert any("less than its shortest length of 3" in v.message for v in check_plan(short))
    renamed = copy.deepcopy(plan)
    next(t for t in renamed["tasks"] if t["phase"] == "decommission")["phase"] = "demolition"
    assert "phase" in kinds(renamed)


def test_weekly_capacity_of_specialised_teams_and_crew_days_per_week() -> None:
    inst = phased()
    plan = planned(inst)
    crowded = copy.deepcopy(plan)
    run = next(t for t in crowded["tasks"] if t["phase"] == "parallel_run")
    run["weeks"] = [
        {"week_start": START.isoformat(), "crew_days": 8.0},
        {"week_start": (START + timedelta(weeks=2)).isoformat(), "crew_days": 2.0},
    ]
    [v] = [v for v in check_plan(crowded, inst) if v.kind == "crews"]
    assert "core_team teams" in v.message and "8 crew-days planned, 1 teams give 5" in v.message
    lost = copy.deepcopy(plan)
    next(t for t in lost["tasks"] if t["phase"] == "migration")["weeks"][0]["crew_days"] = 0.5
    assert any("add up to" in v.message for v in check_plan(lost) if v.kind == "week")
