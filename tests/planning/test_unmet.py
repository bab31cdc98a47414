"""Instances that cannot meet every deadline: the plan says which, by how much, and what would fix it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from netvet.model.inventory import Domain
from netvet.planning import PlanMethod, check_plan, solve

from .builders import START, catalogue, instance, network


def test_deadline_before_the_first_week_ends_cannot_be_met_by_any_resource() -> None:
    net = network()
    net.add("A", [Domain.RAN], START + timedelta(days=3))
    inst = instance(net, horizon=4, crews=5)
    plan = solve(inst, time_limit=5)
    [unmet] = plan.unmet
    assert unmet.deadline == START + timedelta(days=3)
    assert unmet.days_late == 3  # done in week 0, which ends on day 6
    assert unmet.fix is None and "first week" in unmet.cause
    assert check_plan(plan.to_json_dict(), inst) == []


def test_too_few_crews_names_the_late_sites_and_the_crews_that_would_fix_it() -> None:
    # Four one-crew-week sites due by the end of week 1, one crew: two are late (weeks 2 and 3).
    # Four crew-weeks in two weeks need two crews: one more.
    net = network()
    for site in "ABCD":
        net.add(site, [Domain.RAN], START + timedelta(days=13))
    inst = instance(net, horizon=6, crews=1)
    plan = solve(inst, time_limit=5)
    [unmet] = plan.unmet
    assert (unmet.sites, unmet.assets, unmet.days_late, unmet.not_done_in_horizon) == (2, 2, 14, 0)
    assert unmet.fix is not None and unmet.fix.verified
    assert unmet.fix.extra_crews == {"North": 1} == unmet.fix.floor_crews
    assert unmet.fix.extra_budget_per_quarter == 0
    assert check_plan(plan.to_json_dict(), inst) == []
    # With the extra crew, nothing is late.
    assert solve(instance(net, horizon=6, crews=2), time_limit=5).unmet == []


def test_too_little_budget_names_the_extra_money_per_quarter() -> None:
    # 1,000 a quarter, two 1,000 sites due in the first quarter: one waits for April.
    net = network()
    for site in "AB":
        net.add(site, [Domain.RAN], START + timedelta(days=34))
    inst = instance(net, catalogue(crew_days=1), horizon=20, crews=3, budget=1000)
    plan = solve(inst, time_limit=5)
    [unmet] = plan.unmet
    assert unmet.sites == 1 and unmet.days_late == 97 - 34  # done in week 13, which ends on day 97
    assert unmet.fix is not None and unmet.fix.verified
    assert unmet.fix.extra_budget_per_quarter == pytest.approx(1000)
    assert unmet.fix.extra_crews == {}
    assert check_plan(plan.to_json_dict(), inst) == []


def test_work_larger_than_a_region_can_do_in_a_week_spans_weeks() -> None:
    # 15 crew-days at one site, one crew (5 crew-days a week): three full weeks, done by day 20 of 60.
    net = network()
    net.add("CORE", [Domain.CORE, Domain.CORE, Domain.CORE], START + timedelta(days=60))
    inst = instance(net, horizon=8, crews=1)
    for plan in (solve(inst, time_limit=5), solve(inst, PlanMethod.GREEDY)):
        [task] = plan.tasks
        assert [(w.week_start, w.crew_days) for w in task.weeks] == [
            (START + timedelta(weeks=k), 5.0) for k in range(3)
        ]
        assert task.finish == START + timedelta(days=20) and task.slack_days == 40
        assert plan.unscheduled == [] and plan.unmet == []
        assert check_plan(plan.to_json_dict(), inst) == []


def test_work_too_big_for_its_deadline_goes_to_unmet_with_the_crews_that_fix_it() -> None:
    # The same 15 crew-days due by the end of week 1 (day 13): one crew does 10 by then, so it ends in
    # week 2, 7 days late; two crews do 20 by then.
    net = network()
    net.add("CORE", [Domain.CORE, Domain.CORE, Domain.CORE], START + timedelta(days=13))
    inst = instance(net, horizon=8, crews=1)
    plan = solve(inst, time_limit=5)
    [unmet] = plan.unmet
    assert unmet.days_late == 7 and unmet.not_done_in_horizon == 0
    assert unmet.fix is not None and unmet.fix.extra_crews == {"North": 1} == unmet.fix.floor_crews
    assert check_plan(plan.to_json_dict(), inst) == []


def test_an_infeasible_instance_still_yields_a_plan_for_what_can_be_done() -> None:
    net = network()
    net.add("EARLY", [Domain.RAN], START + timedelta(days=2))
    for site in "ABC":
        net.add(site, [Domain.RAN], START + timedelta(days=90))
    plan = solve(instance(net, horizon=8, crews=1), time_limit=5)
    assert {t.site_id for t in plan.tasks} == {"EARLY", "A", "B", "C"}
    assert [u.deadline for u in plan.unmet] == [START + timedelta(days=2)]
