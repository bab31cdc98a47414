from __future__ import annotations

from datetime import timedelta

import pytest

from netvet.model.findings import Finding, FindingStatus
from netvet.model.inventory import Domain
from netvet.planning.instance import deadline_week
from netvet.planning.parameters import PrecedenceRule, PrecedenceScope

from .builders import START, catalogue, instance, network


def test_only_violation_and_due_findings_become_work() -> None:
    net = network()
    net.add("A", [Domain.RAN], START + timedelta(days=30))
    net.add("B", [Domain.RAN], START + timedelta(days=30), status=FindingStatus.LICENSED)
    net.add("C", [Domain.RAN], None, status=FindingStatus.REPORT)
    net.add("D", [Domain.RAN], START - timedelta(days=30), status=FindingStatus.VIOLATION)
    inst = instance(net)
    assert [p.site_id for p in inst.packages] == ["A", "D"]
    assert inst.packages[1].deadline_week == -1


def test_a_missing_licence_alone_is_not_replacement_work() -> None:
    net = network()
    net.add("A", [Domain.RAN], START - timedelta(days=30), status=FindingStatus.VIOLATION)
    net.add("B", [Domain.RAN], START - timedelta(days=30), status=FindingStatus.VIOLATION)
    net.add("B", [Domain.CORE], START + timedelta(days=60))
    licence_only = {net.assets[0].id, net.assets[1].id}
    net.findings = [
        f.model_copy(update={"effect": "licence"}) if f.asset_id in licence_only else f for f in net.findings
    ]
    inst = instance(net)
    assert [p.site_id for p in inst.packages] == ["B"]
    assert [a for p in inst.packages for a in p.asset_ids] == [net.assets[2].id]
    assert any("need only a licence" in note for note in inst.notes)


def test_jurisdiction_filter() -> None:
    net = network()
    net.add("A", [Domain.RAN], START + timedelta(days=30), jurisdiction="UK")
    net.add("B", [Domain.RAN], START + timedelta(days=30), jurisdiction="DE")
    assert [p.site_id for p in instance(net, jurisdictions=("de",)).packages] == ["B"]


def test_the_earliest_deadline_of_a_site_drives_its_package() -> None:
    net = network()
    net.add("A", [Domain.RAN], START + timedelta(days=300))
    net.add("A", [Domain.CORE], START + timedelta(days=30))
    [package] = instance(net).packages
    assert package.deadline == START + timedelta(days=30)
    assert package.weight == 1 + 3
    assert package.crew_days == 10 and package.cost == 2000


def test_cost_adds_assets_site_visit_and_labour() -> None:
    cat = catalogue(crew_days=0.5, cost=100.0, crew_day_rate=1000.0)
    net = network()
    net.add("A", [Domain.RAN, Domain.RAN, Domain.TRANSPORT], START + timedelta(days=30))
    [package] = instance(net, cat).packages
    assert package.crew_days == pytest.approx(1.5)
    assert package.cost == pytest.approx(3 * 100 + 1.5 * 1000)


@pytest.mark.parametrize(("days", "week"), [(5, -1), (6, 0), (12, 0), (13, 1), (-40, -1), (20, 2)])
def test_deadline_week_is_the_last_week_that_ends_by_the_deadline(days: int, week: int) -> None:
    params = instance(network()).parameters
    assert deadline_week(params, START + timedelta(days=days)) == week


def test_precedence_rules_split_a_site_into_stages() -> None:
    net = network()
    net.add("A", [Domain.TRANSPORT, Domain.RAN, Domain.OTHER], START + timedelta(days=30))
    inst = instance(net, precedence=["transport>ran@site"])
    assert [(p.stage, p.domains) for p in inst.packages] == [(0, ("other", "transport")), (1, ("ran",))]
    assert inst.site_precedence == [(0, 1)]


def test_precedence_parsing() -> None:
    assert PrecedenceRule.parse("core before ran") == PrecedenceRule(
        Domain.CORE, Domain.RAN, PrecedenceScope.SITE
    )
    assert str(PrecedenceRule.parse("Core>RAN@network")) == "core>ran@network"
    for bad in ("core>core", "core>radio", "core->ran", "core>ran@planet"):
        with pytest.raises(ValueError):
            PrecedenceRule.parse(bad)


def test_a_cap_whose_sites_are_not_known_is_noted_not_planned() -> None:
    net = network()
    net.findings.append(
        Finding(
            rule_id="uk-cap",
            jurisdiction="UK",
            status=FindingStatus.VIOLATION,
            asset_id=None,
            site_id=None,
            deadline=None,
            source="t",
            explanation="cap",
            country="GB",
            cap=0.35,
            excess=12,
            effect="cap",
            legal_status="binding",
        )
    )
    inst = instance(net)  # no cap members given: which sites hold the capped equipment is unknown
    assert inst.packages == [] and inst.caps == []
    assert any("uk-cap@GB" in n and "not known" in n for n in inst.notes)


def test_start_moves_back_to_monday() -> None:
    inst = instance(network(), start=START + timedelta(days=3))
    assert inst.parameters.start == START


def test_cyclic_precedence_is_refused() -> None:
    with pytest.raises(ValueError, match="cycle"):
        instance(network(), precedence=["core>ran@site", "ran>transport@network", "transport>core"])
