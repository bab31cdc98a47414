"""Deadlines come from binding rules only; guidance adds priority; overdue work starts first, by risk;
undecided findings are reported, not planned."""

from __future__ import annotations

from datetime import timedelta

import pytest

from netvet.model.findings import FindingStatus
from netvet.model.inventory import Domain
from netvet.planning import PlanMethod, check_plan, solve

from .builders import START, instance, network

CORE, RAN, TRANSPORT = Domain.CORE, Domain.RAN, Domain.TRANSPORT


def test_a_task_deadline_is_the_earliest_binding_one_and_guidance_sets_none() -> None:
    net = network()
    # A: a binding deadline, and guidance with an earlier date (an adoption date, not a deadline).
    [a] = net.add("A", [RAN], START + timedelta(days=300), legal_status="binding")
    net.finding(a, "A", START - timedelta(days=900), FindingStatus.ADVISORY, "EU", "guidance", "eu-toolbox")
    # B: only guidance. C: an older engine's "violation" from a guidance rule: still no deadline.
    net.add("B", [RAN], START + timedelta(days=40), status=FindingStatus.ADVISORY, legal_status="guidance")
    net.add("C", [RAN], START - timedelta(days=30), status=FindingStatus.VIOLATION, legal_status="guidance")
    # D: two binding rules (a contract is binding on its parties): the earlier date drives it.
    [d] = net.add("D", [RAN], START + timedelta(days=200), legal_status="contract", rule_id="de-contract")
    net.finding(d, "D", START + timedelta(days=90), FindingStatus.DUE, "UK", "binding", "uk-dvd")
    inst = instance(net)
    by_site = {p.site_id: p for p in inst.packages}
    assert by_site["A"].deadline == START + timedelta(days=300)
    assert by_site["B"].deadline is None and by_site["C"].deadline is None
    assert by_site["D"].deadline == START + timedelta(days=90)
    # Weights (RAN 1): binding 1, guidance adds half; guidance alone is half.
    assert (by_site["A"].weight, by_site["B"].weight, by_site["D"].weight) == (1.5, 0.5, 1.0)
    assert not by_site["C"].overdue
    assert set(by_site["A"].rule_ids) == {"uk-removal", "eu-toolbox"}


def test_guidance_gives_priority_between_equal_deadlines() -> None:
    # One crew, one site a week. P and Q share a binding deadline far ahead; guidance also reaches P
    # (weight 1.5 against 1). P first: 1.5 x 1 + 1 x 2 = 3.5; Q first would give 1 + 1.5 x 2 = 4.
    net = network()
    [p] = net.add("P", [RAN], START + timedelta(days=300))
    net.finding(p, "P", None, FindingStatus.ADVISORY, "EU", "guidance", "eu-toolbox")
    net.add("Q", [RAN], START + timedelta(days=300))
    plan = solve(instance(net, horizon=4), time_limit=5)
    assert {t.site_id: t.week_start for t in plan.tasks} == {"P": START, "Q": START + timedelta(weeks=1)}
    assert plan.objective == pytest.approx(3.5)


def test_advisory_work_can_be_left_out() -> None:
    net = network()
    net.add("B", [RAN], None, status=FindingStatus.ADVISORY, legal_status="guidance")
    net.add("A", [RAN], START + timedelta(days=30))
    inst = instance(net, advisory_work=False)
    assert [p.site_id for p in inst.packages] == ["A"]
    assert any("only guidance reaches" in n for n in inst.notes)


def test_overdue_work_starts_first_in_order_of_risk() -> None:
    # One crew, one site a week (late weeks count 10 times). O2 (core, weight 3) and O1 (RAN, 1) were
    # due before the start; F (transport, 2) is due at the end of week 1. The rule puts O2, then O1,
    # then F (late by a week): 3x10 + 1x10x2 + (2x2 + 2x10) = 74. Exposure alone would do F before O1
    # (64), which is why it is a rule and not left to the objective.
    net = network()
    net.add("O1", [RAN], START - timedelta(days=10), status=FindingStatus.VIOLATION)
    net.add("O2", [CORE], START - timedelta(days=30), status=FindingStatus.VIOLATION)
    net.add("F", [TRANSPORT], START + timedelta(days=13))
    inst = instance(net, horizon=6)
    for plan in (solve(inst, time_limit=5), solve(inst, PlanMethod.GREEDY)):
        weeks = {t.site_id: (t.week_start - START).days // 7 for t in plan.tasks}
        assert weeks == {"O2": 0, "O1": 1, "F": 2}
        assert {t.site_id for t in plan.tasks if t.overdue} == {"O1", "O2"}
        assert plan.objective == pytest.approx(74)
        overdue = {u.deadline: u for u in plan.unmet}
        assert overdue[START - timedelta(days=30)].overdue and overdue[START - timedelta(days=30)].fix is None
        assert "overdue" in overdue[START - timedelta(days=10)].cause
        late = overdue[START + timedelta(days=13)]
        assert not late.overdue and late.days_late == 7
        assert late.fix is not None and late.fix.extra_crews == {"North": 1}
        assert check_plan(plan.to_json_dict(), inst) == []


def test_undecided_findings_are_reported_not_planned() -> None:
    net = network()
    net.add("U1", [RAN], None, status=FindingStatus.UNKNOWN, rule_id="uk-dvd-5g-removal")
    net.add("U2", [RAN], None, status=FindingStatus.UNKNOWN, rule_id="uk-dvd-5g-removal")
    net.add(
        "L",
        [RAN],
        None,
        status=FindingStatus.LICENCE_REQUIRED,
        jurisdiction="US",
        rule_id="us-bis-entity-list",
    )
    net.add("A", [RAN], START + timedelta(days=30))
    inst = instance(net)
    assert [p.site_id for p in inst.packages] == ["A"]
    [unknown] = inst.unknown
    assert (unknown.rule_id, unknown.assets, unknown.sites) == ("uk-dvd-5g-removal", 2, 2)
    assert any("need only a licence" in n for n in inst.notes)
    plan = solve(inst, time_limit=5)
    assert [u.rule_id for u in plan.unknown] == ["uk-dvd-5g-removal"]


def test_a_violation_without_a_deadline_is_overdue_and_started_first() -> None:
    # A ban broken today (no removal date in the rule): in breach now, so it goes before work that is
    # merely due, however heavy (one crew, one site a week).
    net = network()
    net.add("V", [RAN], None, status=FindingStatus.VIOLATION, rule_id="se-pts-no-new-central-functions")
    net.add("F", [CORE], START + timedelta(days=13))
    inst = instance(net, horizon=4)
    plan = solve(inst, time_limit=5)
    weeks = {t.site_id: ((t.week_start - START).days // 7, t.overdue, t.deadline) for t in plan.tasks}
    assert weeks == {"V": (0, True, START), "F": (1, False, START + timedelta(days=13))}
    [breach] = plan.unmet
    assert breach.overdue and "already in breach" in breach.cause and breach.fix is None
    assert check_plan(plan.to_json_dict(), inst) == []


def test_a_binding_rule_not_yet_in_effect_weighs_as_binding_but_sets_no_deadline() -> None:
    # The engine gives `due` without a deadline for a binding rule adopted but not yet in effect (its
    # effective day is when the duty starts, not a removal date). N: such a finding on a RAN asset,
    # weight 1; G: guidance only, weight 0.5. One crew, one site a week, no deadline for either:
    # N first, 1 x 1 + 0.5 x 2 = 2; G first would give 0.5 + 1 x 2 = 2.5.
    net = network()
    net.add("N", [RAN], None, status=FindingStatus.DUE, legal_status="binding")
    net.add("G", [RAN], None, status=FindingStatus.ADVISORY, legal_status="guidance")
    inst = instance(net, horizon=4)
    by_site = {p.site_id: p for p in inst.packages}
    assert (by_site["N"].deadline, by_site["N"].weight, by_site["N"].overdue) == (None, 1.0, False)
    plan = solve(inst, time_limit=5)
    assert {t.site_id: (t.week_start - START).days // 7 for t in plan.tasks} == {"N": 0, "G": 1}
    assert plan.objective == pytest.approx(2) and plan.unmet == []
    assert check_plan(plan.to_json_dict(), inst) == []
