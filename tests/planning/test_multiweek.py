"""Hand-sized instances of work that spans weeks and of phases, whose optimal plans are worked out on paper."""

from __future__ import annotations

from datetime import timedelta

import pytest

from netvet.model.inventory import Domain
from netvet.planning import Plan, PlanMethod, check_plan, solve

from .builders import START, catalogue, instance, network

CORE, MANAGEMENT, RAN = Domain.CORE, Domain.MANAGEMENT, Domain.RAN


def weeks_of(plan: Plan, site: str) -> list[tuple[int, float]]:
    [task] = [t for t in plan.tasks if t.site_id == site]
    return [((w.week_start - START).days // 7, w.crew_days) for w in task.weeks]


def test_a_big_job_spreads_over_weeks_and_the_small_one_goes_first() -> None:
    # One crew: 5 crew-days a week. BIG: four core assets (weight 3 each: 12), 3 crew-days each = 12
    # crew-days, so it cannot finish before week 2 (12 > 10). S: one RAN asset (weight 1), 3 crew-days.
    # S first: S done in week 0 (1 x 1), BIG gets 2 + 5 + 5 and is done in week 2 (12 x 3): 37.
    # BIG first (earliest deadline first, BIG is due a week earlier): BIG 5 + 5 + 2, S in week 2: 39.
    net = network()
    net.add("BIG", [CORE] * 4, START + timedelta(days=34))
    net.add("S", [RAN], START + timedelta(days=41))
    inst = instance(net, catalogue(crew_days=3), horizon=8)
    plan = solve(inst, time_limit=10)
    assert weeks_of(plan, "S") == [(0, 3.0)]
    assert weeks_of(plan, "BIG") == [(0, 2.0), (1, 5.0), (2, 5.0)]
    assert plan.objective == pytest.approx(37) and plan.bound == pytest.approx(37)
    assert plan.greedy_objective == pytest.approx(39)
    greedy = solve(inst, PlanMethod.GREEDY)
    assert weeks_of(greedy, "BIG") == [(0, 5.0), (1, 5.0), (2, 2.0)] and weeks_of(greedy, "S") == [(2, 3.0)]
    for p in (plan, greedy):
        assert check_plan(p.to_json_dict(), inst) == []


def core_phases(
    shares: tuple[float, float, float] = (0.5, 0.25, 0.25),
) -> dict[str, list[tuple[str, float, int, str]]]:
    return {
        "core": [
            ("parallel_run", shares[0], 3, "core_team"),
            ("migration", shares[1], 2, "vendor"),
            ("decommission", shares[2], 1, "field"),
        ]
    }


def test_core_swap_phases_run_in_order_each_at_least_its_shortest_length() -> None:
    # Four core assets of 5 crew-days: 20 crew-days, split 10 / 5 / 5. Parallel run at least 3 weeks
    # (one core team: 5 a week), migration at least 2 (one vendor team), decommission 1 (field crew).
    # Earliest: parallel run weeks 0-2, migration 3-4, decommission 5: done on day 41, the deadline.
    net = network()
    net.add("DC", [CORE] * 4, START + timedelta(days=41))
    cat = catalogue(crew_days=5, phases=core_phases(), teams={"core_team": 1, "vendor": 1})
    inst = instance(net, cat, horizon=10)
    for plan in (solve(inst, time_limit=10), solve(inst, PlanMethod.GREEDY)):
        tasks = sorted(plan.tasks, key=lambda t: t.phase_index)
        assert [(t.phase, t.crew) for t in tasks] == [
            ("parallel_run", "core_team"),
            ("migration", "vendor"),
            ("decommission", "field"),
        ]
        assert [((t.week_start - START).days // 7, (t.end() - START).days) for t in tasks] == [
            (0, 20),
            (3, 34),
            (5, 41),
        ]
        # Paced over its shortest length: a third of the 10 crew-days a week.
        assert [w.crew_days for w in tasks[0].weeks] == [3.333, 3.333, 3.334]
        assert tasks[-1].slack_days == 0 and plan.unmet == []
        assert plan.objective == pytest.approx(12 * 6)  # weight 4 x 3, six weeks in service
        assert check_plan(plan.to_json_dict(), inst) == []


def test_a_deadline_before_the_phases_can_end_is_unmet_whatever_the_resources() -> None:
    net = network()
    net.add("DC", [CORE] * 4, START + timedelta(days=34))  # a week before the earliest finish
    cat = catalogue(crew_days=5, phases=core_phases(), teams={"core_team": 1, "vendor": 1})
    inst = instance(net, cat, horizon=10, crews=4)
    plan = solve(inst, time_limit=10)
    [unmet] = plan.unmet
    assert unmet.days_late == 7 and unmet.fix is None
    assert "shortest lengths" in unmet.cause and "parallel run 3, migration 2, decommission 1" in unmet.cause
    assert check_plan(plan.to_json_dict(), inst) == []


def test_two_core_swaps_share_one_specialised_team() -> None:
    # Sites in two regions, one core team (5 crew-days a week) for both. Each: 15 crew-days, a parallel
    # run of 10 (at least 3 weeks) then a migration of 5 (at least 1 week, one vendor team).
    # Weeks 0-2 give the team 15 crew-days: one parallel run can end in week 2, the other not before
    # week 3. So one site is done in week 3 at best, the other in week 4 at best. A (core, weight 2)
    # first: 2 x 4 + 1 x 5 = 13; B first would give 14. The team's work adds up to at most 5 a week.
    phases = {
        d: [("parallel_run", 2 / 3, 3, "core_team"), ("migration", 1 / 3, 1, "vendor")]
        for d in ("core", "management")
    }
    cat = catalogue(
        crew_days=15,
        weights={"core": 2, "management": 1, "ran": 1, "transport": 1, "other": 1},
        phases=phases,
        teams={"core_team": 1, "vendor": 1},
    )
    net = network()
    net.add("A", [CORE], START + timedelta(days=200), region="North")
    net.add("B", [MANAGEMENT], START + timedelta(days=200), region="South")
    inst = instance(net, cat, horizon=10)
    plan = solve(inst, time_limit=10)
    done = {t.site_id: (t.end() - START).days // 7 for t in plan.tasks if t.phase == "migration"}
    assert done == {"A": 3, "B": 4}
    assert plan.objective == pytest.approx(13) and plan.bound == pytest.approx(13)
    team: dict[int, float] = {}
    for t in plan.tasks:
        if t.crew == "core_team":
            for w in t.weeks:
                team[(w.week_start - START).days // 7] = (
                    team.get((w.week_start - START).days // 7, 0) + w.crew_days
                )
    assert max(team.values()) <= 5 + 1e-9 and sum(team.values()) == pytest.approx(20)
    assert check_plan(plan.to_json_dict(), inst) == []


def test_more_specialised_teams_is_the_fix_when_they_are_the_bottleneck() -> None:
    # Two parallel runs of 10 crew-days due with the site by the end of week 3: one team gives 20
    # crew-days by then but the migrations (1 week each, one vendor team) must follow; with one core
    # team one site ends in week 4. Two core teams let both parallel runs end in week 2.
    phases = {"core": [("parallel_run", 2 / 3, 3, "core_team"), ("migration", 1 / 3, 1, "vendor")]}
    cat = catalogue(crew_days=15, phases=phases, teams={"core_team": 1, "vendor": 2})
    net = network()
    net.add("A", [CORE], START + timedelta(days=27), region="North")
    net.add("B", [CORE], START + timedelta(days=27), region="South")
    inst = instance(net, cat, horizon=10)
    plan = solve(inst, time_limit=10)
    [unmet] = [u for u in plan.unmet]
    assert unmet.fix is not None and unmet.fix.verified
    assert unmet.fix.extra_teams == {"core_team": 1} and unmet.fix.extra_crews == {}
    assert check_plan(plan.to_json_dict(), inst) == []


def test_work_pauses_for_a_week_when_an_urgent_phase_needs_the_crew() -> None:
    # One field crew (5 crew-days a week) and one core team. DC: one core asset of 10 crew-days, a
    # parallel run of 5 (core team, week 0 at the earliest) then a decommission of 5 (field crew, week 1
    # at the earliest), due by the end of week 1; core weight 3. BIG: one RAN asset of 10 field
    # crew-days, due by the end of week 2; weight 1.
    # BIG in weeks 0 and 2 around DC's decommission in week 1: DC 3 x 2 + BIG 1 x 3 = 9.
    # BIG in weeks 0-1: DC's decommission slips to week 2, a week late: 3 x (2 + 10) + 1 x 2 = 38.
    # DC's decommission in week 1 and BIG in weeks 2-3: 6 + 1 x (3 + 10) = 19. So BIG pauses in week 1.
    phases = {"core": [("parallel_run", 0.5, 1, "core_team"), ("decommission", 0.5, 1, "field")]}
    cat = catalogue(crew_days=10, phases=phases, teams={"core_team": 1})
    net = network()
    net.add("DC", [CORE], START + timedelta(days=13))
    net.add("BIG", [RAN], START + timedelta(days=20))
    inst = instance(net, cat, horizon=6)
    for plan in (solve(inst, time_limit=10), solve(inst, PlanMethod.GREEDY)):
        assert weeks_of(plan, "BIG") == [(0, 5.0), (2, 5.0)]
        [big] = [t for t in plan.tasks if t.site_id == "BIG"]
        assert big.week_start == START and big.end() == START + timedelta(days=20) and big.slack_days == 0
        dc = {
            t.phase: [((w.week_start - START).days // 7, w.crew_days) for w in t.weeks]
            for t in plan.tasks
            if t.site_id == "DC"
        }
        assert dc == {"parallel_run": [(0, 5.0)], "decommission": [(1, 5.0)]}
        assert plan.objective == pytest.approx(9) and plan.unmet == []
        assert check_plan(plan.to_json_dict(), inst) == []
    assert solve(inst, time_limit=10).bound == pytest.approx(9)


def test_the_json_keeps_the_first_format_fields_and_adds_phase_and_crew_days_per_week() -> None:
    # The core swap above: parallel run 10 crew-days over weeks 0-2, migration 5 over 3-4, decommission 5.
    net = network()
    net.add("DC", [CORE] * 4, START + timedelta(days=41))
    cat = catalogue(crew_days=5, phases=core_phases(), teams={"core_team": 1, "vendor": 1})
    plan = solve(instance(net, cat, horizon=10), time_limit=10).to_json_dict()
    first_format = {
        "site_id",
        "region",
        "week_start",
        "asset_ids",
        "cost",
        "crew_days",
        "deadline",
        "slack_days",
    }
    added = {"phase", "phase_index", "crew", "weeks", "finish", "overdue"}
    for task in plan["tasks"]:
        assert first_format | added <= set(task)
        assert sum(w["crew_days"] for w in task["weeks"]) == pytest.approx(task["crew_days"])
        assert task["week_start"] == task["weeks"][0]["week_start"]
    shares = {t["phase"]: [(w["week_start"], w["crew_days"]) for w in t["weeks"]] for t in plan["tasks"]}
    week = [(START + timedelta(weeks=k)).isoformat() for k in range(6)]
    assert shares == {
        "parallel_run": [(week[0], 3.333), (week[1], 3.333), (week[2], 3.334)],
        "migration": [(week[3], 2.5), (week[4], 2.5)],
        "decommission": [(week[5], 5.0)],
    }
    assert plan["format"] == "netvet-plan/2"
