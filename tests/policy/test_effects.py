"""Each effect type on small hand-built networks, with the date boundaries that matter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from netvet.model.findings import FindingStatus
from netvet.model.screening import ScreeningStatus
from netvet.policy import RulePack, assess
from netvet.policy.licences import Licence, Window
from netvet.policy.rules import DateWindow, Scope, Source, VendorTarget

from .conftest import EVIDENCE, ZTE_REVIEW, asset, frame, rule_yaml

MakePack = Callable[..., RulePack]


def statuses(
    pack: RulePack, network: object, at: date, **kwargs: object
) -> dict[tuple[str, str | None], str]:
    result = assess(network, EVIDENCE, [pack], at, **kwargs)  # type: ignore[arg-type]
    return {(f.rule_id, f.asset_id): f.status.value for f in result.findings()}


# --- ban on new installs / purchases -------------------------------------------------------------


def test_ban_bites_on_equipment_installed_on_or_after_the_effective_day(make_pack: MakePack) -> None:
    pack = make_pack(
        rule_yaml("ban", "{type: ban}", "adopted: 2022-10-13\neffective: 2022-10-13", reads="installation")
    )
    network = frame(
        asset("before", installed_on=date(2022, 10, 12)),
        asset("on-the-day", installed_on=date(2022, 10, 13)),
        asset("unknown-date"),
        asset("other-vendor", vendor="Ericsson AB", installed_on=date(2023, 1, 1)),
    )
    found = statuses(pack, network, date(2024, 1, 1))
    # Without an installation date the ban can be neither applied nor ruled out.
    assert found == {("ban", "on-the-day"): "violation", ("ban", "unknown-date"): "unknown"}
    [unknown] = [
        f
        for f in assess(network, EVIDENCE, [pack], date(2024, 1, 1)).findings()
        if f.asset_id == "unknown-date"
    ]
    assert (
        "installation date not recorded: cannot tell whether the ban on equipment installed from 2022-10-13 applies."
        in (unknown.explanation)
    )


def test_purchase_ban_reads_the_purchase_date_not_the_install_date(make_pack: MakePack) -> None:
    pack = make_pack(
        rule_yaml("ban", "{type: ban}", "adopted: 2020-07-14\neffective: 2021-01-01", reads="purchase")
    )
    network = frame(
        asset("bought-2020", purchased_on=date(2020, 12, 31), installed_on=date(2021, 6, 1)),
        asset("bought-2021", purchased_on=date(2021, 1, 1), installed_on=date(2021, 2, 1)),
    )
    assert statuses(pack, network, date(2021, 3, 1)) == {("ban", "bought-2021"): "violation"}
    # Assessed before the purchase happened, nothing is wrong yet.
    assert statuses(pack, network, date(2020, 12, 31)) == {}


# --- removal by a deadline -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (date(2023, 12, 30), "due"),  # the day before the deadline
        (date(2023, 12, 31), "due"),  # the deadline day itself: the equipment may remain until its end
        (date(2024, 1, 1), "violation"),  # the day after
    ],
)
def test_removal_deadline_boundaries(make_pack: MakePack, at: date, expected: str) -> None:
    pack = make_pack(
        rule_yaml(
            "core-out",
            "{type: removal}",
            "adopted: 2022-10-13\ndeadline: 2023-12-31\nscope: {domains: [core]}",
        )
    )
    network = frame(asset("amf", role="AMF", domain="core"), asset("gnb"))
    result = assess(network, EVIDENCE, [pack], at)
    [finding] = result.findings()
    assert (finding.asset_id, finding.status.value, finding.deadline) == ("amf", expected, date(2023, 12, 31))


def test_removal_without_a_date_is_broken_from_the_day_it_takes_effect(make_pack: MakePack) -> None:
    pack = make_pack(
        rule_yaml("excluded", "{type: removal}", "adopted: 2020-01-28\nscope: {domains: [core]}")
    )
    network = frame(asset("amf", role="AMF", domain="core"))
    assert statuses(pack, network, date(2020, 1, 28)) == {("excluded", "amf"): "violation"}
    assert statuses(pack, network, date(2020, 1, 27)) == {}  # not adopted yet


def test_unknown_technology_is_never_taken_for_5g(make_pack: MakePack) -> None:
    pack = make_pack(
        rule_yaml(
            "5g-out",
            "{type: removal}",
            "adopted: 2020-07-14\ndeadline: 2027-12-31\nscope: {technologies: [5G]}",
        )
    )
    network = frame(asset("nr"), asset("blank", technology=None), asset("lte", technology="4G"))
    result = assess(network, EVIDENCE, [pack], date(2028, 1, 5))
    found = {f.asset_id: f for f in result.findings()}
    assert set(found) == {"nr", "blank"}
    assert found["nr"].status is FindingStatus.VIOLATION
    assert (found["blank"].status, found["blank"].deadline) == (FindingStatus.UNKNOWN, date(2027, 12, 31))
    assert "technology not recorded: cannot tell whether this rule applies." in found["blank"].explanation
    assert (found["blank"].missing, found["nr"].missing) == ("technology", None)


# --- caps --------------------------------------------------------------------------------------------


def _cap_network() -> object:
    # Four sites. Huawei has 1 item at each of s1, s2 and s3; s4 has 5 Ericsson items.
    # By sites: 3 of 4 = 75%. By equipment: 3 of 8 = 37.5%.
    rows = [asset(f"hw{i}", site=f"s{i}") for i in (1, 2, 3)]
    rows += [asset(f"er{i}", vendor="Ericsson AB", site="s4") for i in range(5)]
    return frame(*rows)


def _cap_rule(measured_by: str) -> str:
    return rule_yaml(
        f"cap-{measured_by}",
        f"{{type: cap, share: 0.35, measured_by: {measured_by}, metric_confirmed: true}}",
        "adopted: 2020-01-28\ndeadline: 2023-10-31\nscope: {domains: [ran]}",
    )


def test_cap_measured_by_sites(make_pack: MakePack) -> None:
    pack = make_pack(_cap_rule("sites"))
    [finding] = assess(_cap_network(), EVIDENCE, [pack], date(2024, 1, 1)).findings()  # type: ignore[arg-type]
    assert finding.asset_id is None and finding.status is FindingStatus.VIOLATION
    assert finding.measured_share == pytest.approx(0.75)
    assert finding.cap == 0.35 and finding.cap_metric == "sites"
    # At most floor(0.35 * 4) = 1 site may stay: 2 of the 3 must change supplier.
    assert finding.excess == 2
    assert "3 of 4 sites" in finding.explanation


def test_cap_measured_by_equipment_on_the_same_network(make_pack: MakePack) -> None:
    pack = make_pack(_cap_rule("equipment"))
    [finding] = assess(_cap_network(), EVIDENCE, [pack], date(2024, 1, 1)).findings()  # type: ignore[arg-type]
    assert finding.measured_share == pytest.approx(3 / 8)
    # floor(0.35 * 8) = 2 items may stay: 1 must go.
    assert (finding.cap_metric, finding.excess) == ("equipment", 1)


def test_cap_is_due_before_its_deadline_and_silent_when_met(make_pack: MakePack) -> None:
    pack = make_pack(_cap_rule("equipment"))
    [finding] = assess(_cap_network(), EVIDENCE, [pack], date(2023, 10, 31)).findings()  # type: ignore[arg-type]
    assert finding.status is FindingStatus.DUE
    met = frame(
        asset("hw1", site="s1"), *[asset(f"er{i}", vendor="Ericsson AB", site="s2") for i in range(3)]
    )
    assert assess(met, EVIDENCE, [pack], date(2024, 1, 1)).findings() == []


# --- reporting duty ------------------------------------------------------------------------------


def test_report_duty_gives_one_network_finding_with_the_next_due_date(make_pack: MakePack) -> None:
    pack = make_pack(
        rule_yaml(
            "annual",
            '{type: report, annual_due: "03-31", annual_from: 2023}',
            "adopted: 2020-03-12\ndeadline: 2022-05-05",
        )
    )
    network = frame(asset("a", site="s1"), asset("b", site="s1"), asset("c", vendor="Ericsson AB"))
    [first] = assess(network, EVIDENCE, [pack], date(2022, 1, 10)).findings()
    assert (first.status, first.asset_id, first.deadline) == (FindingStatus.REPORT, None, date(2022, 5, 5))
    assert "2 items at 1 sites" in first.explanation
    [later] = assess(network, EVIDENCE, [pack], date(2024, 4, 1)).findings()
    assert later.deadline == date(2025, 3, 31)


# --- licence requirement and licences ----------------------------------------------------------------


def _licence(
    valid_from: date, valid_until: date, issued: date | None = None, holder: str | None = None
) -> Licence:
    return Licence(
        id="auth-1",
        title="Authorisation 1",
        kind="authorisation",
        organization_id=holder,
        rules=("needs-licence",),
        windows=(Window(issued=issued or valid_from, valid_from=valid_from, valid_until=valid_until),),
        sources=(Source(citation="operator record"),),
    )


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (date(2021, 12, 31), "violation"),  # the day before the licence starts
        (date(2022, 1, 1), "licensed"),  # the day it starts
        (date(2024, 12, 31), "licensed"),  # its last day
        (date(2025, 1, 1), "violation"),  # expired
    ],
)
def test_licence_window_starts_and_expires(make_pack: MakePack, at: date, expected: str) -> None:
    pack = make_pack(rule_yaml("needs-licence", "{type: licence}", "adopted: 2019-08-01"))
    network = frame(asset("gnb"))
    licence = _licence(date(2022, 1, 1), date(2024, 12, 31))
    [finding] = assess(network, EVIDENCE, [pack], at, licences=[licence]).findings()
    assert finding.status.value == expected
    if expected == "licensed":
        assert finding.deadline == date(2024, 12, 31)
        assert "Authorisation 1 (auth-1)" in finding.explanation


def test_an_authorisation_on_record_answers_the_fact_a_rule_turns_on(make_pack: MakePack) -> None:
    # Belgium's regularisation of equipment deployed before 2023-05-11 turns on whether a request was
    # granted, which no inventory holds: unknown until the authorisation is recorded, then licensed.
    pack = make_pack(
        rule_yaml(
            "needs-licence",
            "{type: licence}",
            "adopted: 2022-02-17\neffective: 2023-05-11\nneeds_record: whether a regularisation request was granted",
        )
    )
    network = frame(asset("gnb"))
    [open_question] = assess(network, EVIDENCE, [pack], date(2023, 6, 1)).findings()
    assert open_question.status is FindingStatus.UNKNOWN
    assert open_question.missing == "whether a regularisation request was granted"
    licence = _licence(date(2023, 5, 11), date(2031, 5, 10))
    [answered] = assess(network, EVIDENCE, [pack], date(2023, 6, 1), licences=[licence]).findings()
    assert (answered.status, answered.deadline) == (FindingStatus.LICENSED, date(2031, 5, 10))


def test_licence_extension_counts_only_once_issued(make_pack: MakePack) -> None:
    pack = make_pack(rule_yaml("needs-licence", "{type: licence}", "adopted: 2019-05-16"))
    licence = Licence(
        id="tgl",
        title="TGL",
        kind="general-licence",
        rules=("needs-licence",),
        vendors=VendorTarget(entities=("huawei",)),
        windows=(
            Window(issued=date(2019, 5, 20), valid_from=date(2019, 5, 20), valid_until=date(2019, 8, 19)),
            Window(issued=date(2019, 8, 19), valid_from=date(2019, 8, 19), valid_until=date(2019, 11, 18)),
        ),
        sources=(Source(citation="BIS"),),
    )
    network = frame(asset("gnb", country="GB"))
    [early] = assess(network, EVIDENCE, [pack], date(2019, 7, 1), licences=[licence]).findings()
    assert (early.status, early.deadline) == (FindingStatus.LICENSED, date(2019, 8, 19))
    [later] = assess(network, EVIDENCE, [pack], date(2019, 9, 1), licences=[licence]).findings()
    assert (later.status, later.deadline) == (FindingStatus.LICENSED, date(2019, 11, 18))
    [expired] = assess(network, EVIDENCE, [pack], date(2019, 11, 19), licences=[licence]).findings()
    assert expired.status is FindingStatus.VIOLATION


def test_licence_held_by_another_organisation_does_not_cover(make_pack: MakePack) -> None:
    pack = make_pack(rule_yaml("needs-licence", "{type: licence}", "adopted: 2019-08-01"))
    network = frame(asset("mine"), asset("theirs", organization_id="other"))
    licence = _licence(date(2020, 1, 1), date(2030, 1, 1), holder="other")
    found = statuses(pack, network, date(2021, 1, 1), licences=[licence])
    assert found == {("needs-licence", "mine"): "violation", ("needs-licence", "theirs"): "licensed"}


# --- vendors, overlaps, supersession, time travel --------------------------------------------------


def test_vendor_reached_only_through_an_affiliate_link(make_pack: MakePack) -> None:
    pack = make_pack(rule_yaml("gone", "{type: removal}", "adopted: 2020-01-01\ndeadline: 2021-01-01"))
    network = frame(
        asset("chip-box", vendor="Acme Radio", manufacturer="HiSilicon"),
        asset("plain", vendor="Acme Radio"),
    )
    [finding] = assess(network, EVIDENCE, [pack], date(2022, 1, 1)).findings()
    assert finding.asset_id == "chip-box"
    assert "'HiSilicon' -> hisilicon" in finding.explanation
    assert "affiliate of huawei" in finding.explanation


def test_overlapping_rules_each_give_their_finding(make_pack: MakePack) -> None:
    pack = make_pack(
        rule_yaml(
            "five-g",
            "{type: removal}",
            "adopted: 2020-07-14\ndeadline: 2027-12-31\nscope: {technologies: [5G]}",
        )
        + rule_yaml(
            "core", "{type: removal}", "adopted: 2022-10-13\ndeadline: 2023-12-31\nscope: {domains: [core]}"
        )
    )
    network = frame(asset("amf", role="AMF", domain="core"))
    assert statuses(pack, network, date(2024, 6, 1)) == {
        ("five-g", "amf"): "due",
        ("core", "amf"): "violation",
    }


def test_a_newer_rule_supersedes_an_older_one_only_once_adopted(make_pack: MakePack) -> None:
    pack = make_pack(
        rule_yaml("old", "{type: removal}", "adopted: 2020-07-14\ndeadline: 2027-12-31")
        + rule_yaml("new", "{type: removal}", "adopted: 2022-10-13\ndeadline: 2027-12-31\nsupersedes: [old]")
    )
    network = frame(asset("gnb"))
    assert statuses(pack, network, date(2021, 1, 1)) == {("old", "gnb"): "due"}
    assert statuses(pack, network, date(2023, 1, 1)) == {("new", "gnb"): "due"}


def test_review_names_are_pending_and_dismissed_names_never_count(make_pack: MakePack) -> None:
    pack = make_pack(rule_yaml("zte", "{type: removal}", "adopted: 2020-01-01", vendors="{entities: [zte]}"))
    network = frame(
        asset("r1", vendor="ZTE-ish Telecom"),
        asset("r2", vendor="ZTE-ish Telecom"),
        asset("d", vendor="Zeta Networks"),
    )
    result = assess(network, EVIDENCE, [pack], date(2021, 1, 1))
    assert result.findings() == []
    assert result.pending_review == {"ZTE-ish Telecom": 2}


def test_a_name_in_review_is_pending_only_for_assets_no_rule_reaches_otherwise(make_pack: MakePack) -> None:
    pack = make_pack(rule_yaml("zte", "{type: removal}", "adopted: 2020-01-01", vendors="{entities: [zte]}"))
    zte = ZTE_REVIEW.model_copy(update={"name": "ZTE", "status": ScreeningStatus.MATCH, "score": 1.0})
    network = frame(
        asset("r1", vendor="ZTE-ish Telecom", manufacturer="ZTE"),  # reached: its manufacturer is ZTE
        asset("r2", vendor="ZTE-ish Telecom"),
    )
    result = assess(network, {**EVIDENCE, "ZTE": [zte]}, [pack], date(2021, 1, 1))
    assert {f.asset_id for f in result.findings()} == {"r1"}
    assert result.pending_review == {"ZTE-ish Telecom": 1}  # only r2 waits on the review


def test_rules_apply_only_to_sites_in_the_pack_countries(make_pack: MakePack) -> None:
    pack = make_pack(rule_yaml("gone", "{type: removal}", "adopted: 2020-01-01"), countries="GB, IE")
    network = frame(asset("gb"), asset("ie", country="IE"), asset("fr", country="FR"))
    result = assess(network, EVIDENCE, [pack], date(2021, 1, 1))
    assert {f.asset_id for f in result.findings()} == {"gb", "ie"}
    assert result.assets_outside == 1


def test_designation_reaches_vendors_only_from_its_date(make_pack: MakePack) -> None:
    pack = make_pack(
        rule_yaml("toolbox", "{type: removal}", "adopted: 2020-01-29", vendors="{designations: [hrs]}"),
        designations='- {id: hrs, title: HRS, designated: 2023-06-15, entities: [huawei], sources: [{citation: "European Commission"}]}',
    )
    network = frame(asset("gnb"))
    assert statuses(pack, network, date(2023, 6, 14)) == {}
    assert statuses(pack, network, date(2023, 6, 15)) == {("toolbox", "gnb"): "violation"}


def test_operator_deadline_from_an_extension(make_pack: MakePack) -> None:
    from netvet.policy.licences import Extension

    pack = make_pack(rule_yaml("rr", "{type: removal}", "adopted: 2022-07-18\ndeadline_from_operator: true"))
    network = frame(asset("gnb", country="GB"))
    # Without the recipient's own deadline the rule does not disappear: the finding says what is missing.
    [missing] = assess(network, EVIDENCE, [pack], date(2023, 1, 1)).findings()
    assert (missing.status, missing.deadline) == (FindingStatus.UNKNOWN, None)
    assert "none is recorded for this organisation" in missing.explanation
    assert missing.missing == "the organisation's own deadline"
    first = Extension(
        id="e1",
        rule="rr",
        deadline=date(2024, 1, 1),
        issued=date(2022, 9, 1),
        sources=(Source(citation="FCC"),),
    )
    second = first.model_copy(update={"id": "e2", "deadline": date(2024, 7, 1), "issued": date(2023, 12, 1)})
    [before] = assess(network, EVIDENCE, [pack], date(2023, 6, 1), extensions=[first, second]).findings()
    assert (before.status, before.deadline) == (FindingStatus.DUE, date(2024, 1, 1))
    [after] = assess(network, EVIDENCE, [pack], date(2024, 2, 1), extensions=[first, second]).findings()
    assert (after.status, after.deadline) == (FindingStatus.DUE, date(2024, 7, 1))


def test_a_one_off_report_whose_date_passed_is_history_not_a_duty(make_pack: MakePack) -> None:
    pack = make_pack(rule_yaml("once", "{type: report}", "adopted: 2019-11-22\ndeadline: 2020-04-22"))
    network = frame(asset("gnb"))
    [due] = assess(network, EVIDENCE, [pack], date(2020, 4, 22)).findings()
    assert (due.status, due.deadline) == (FindingStatus.REPORT, date(2020, 4, 22))
    later = assess(network, EVIDENCE, [pack], date(2020, 4, 23))
    assert later.findings() == [] and "passed" in later.rules_skipped["once"]


def test_evidence_names_each_entity_once_with_its_best_score(make_pack: MakePack) -> None:
    pack = make_pack(rule_yaml("gone", "{type: removal}", "adopted: 2020-01-01"))
    weaker = EVIDENCE["Huawei Technologies Co., Ltd."][0].model_copy(
        update={"score": 0.80, "list_id": "bis-entity"}
    )
    evidence = {
        **EVIDENCE,
        "Huawei Technologies Co., Ltd.": [weaker, *EVIDENCE["Huawei Technologies Co., Ltd."]],
    }
    [finding] = assess(frame(asset("gnb")), evidence, [pack], date(2021, 1, 1)).findings()
    assert finding.explanation.count("-> huawei") == 1 and "score 0.98" in finding.explanation


def test_progress_is_reported_once_per_rule(make_pack: MakePack) -> None:
    pack = make_pack(
        rule_yaml("a", "{type: removal}", "adopted: 2020-01-01")
        + rule_yaml("b", "{type: removal}", "adopted: 2020-01-01")
    )
    calls: list[tuple[int, int]] = []
    assess(
        frame(asset("gnb")),
        EVIDENCE,
        [pack],
        date(2021, 1, 1),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1, 2), (2, 2)]


def test_funding_scope_covers_a_programme_and_its_sub_funds(make_pack: MakePack) -> None:
    pack = make_pack(
        rule_yaml(
            "usf",
            "{type: ban}",
            "adopted: 2019-11-22\neffective: 2020-06-30\nscope: {funding: [USF]}",
            reads="purchase",
        )
    )
    bought = date(2021, 1, 1)
    network = frame(
        asset("high-cost", funding="USF High-Cost", purchased_on=bought),
        asset("plain", funding="usf", purchased_on=bought),
        asset("private", funding="Private", purchased_on=bought),
        asset("usfx", funding="USFX", purchased_on=bought),
    )
    assert set(statuses(pack, network, date(2022, 1, 1))) == {("usf", "high-cost"), ("usf", "plain")}


def test_a_licence_date_window_does_not_cover_unknown_dates(make_pack: MakePack) -> None:
    pack = make_pack(rule_yaml("needs-licence", "{type: licence}", "adopted: 2019-05-16"))
    licence = _licence(date(2019, 5, 20), date(2020, 8, 13)).model_copy(
        update={"scope": Scope(purchased=DateWindow(before=date(2019, 5, 16)))}
    )
    network = frame(
        asset("old", purchased_on=date(2018, 1, 1)),
        asset("unknown"),
        asset("new", purchased_on=date(2019, 6, 1)),
    )
    found = statuses(pack, network, date(2020, 1, 1), licences=[licence])
    assert found == {
        ("needs-licence", "old"): "licensed",
        # The licence covers only equipment bought before the day: without the date, nobody can tell.
        ("needs-licence", "unknown"): "unknown",
        ("needs-licence", "new"): "violation",
    }


def test_summary_counts_findings_by_legal_status(make_pack: MakePack) -> None:
    pack = make_pack(
        rule_yaml("law", "{type: removal}", "adopted: 2020-01-01")
        + rule_yaml("advice", "{type: removal}", "adopted: 2020-01-01").replace(
            "legal_status: binding", "legal_status: guidance"
        )
    )
    summary = assess(frame(asset("a"), asset("b")), EVIDENCE, [pack], date(2021, 1, 1)).summary()
    assert summary["findings_by_legal_status"] == {"binding": 2, "guidance": 2}
    # Guidance is never a violation: the same breach under advice is advisory, counted apart.
    assert summary["findings_by_jurisdiction_and_status"] == {"tt": {"violation": 2, "advisory": 2}}


def test_the_timeline_uses_the_extensions_in_force_as_the_assessment_does(make_pack: MakePack) -> None:
    from netvet.policy.licences import Extension
    from netvet.policy.timeline import timeline

    pack = make_pack(rule_yaml("rr", "{type: removal}", "adopted: 2022-07-18\ndeadline_from_operator: true"))
    network = frame(asset("gnb", country="GB"))
    granted = Extension(
        id="e1",
        rule="rr",
        deadline=date(2024, 1, 1),
        issued=date(2022, 9, 1),
        sources=(Source(citation="FCC"),),
    )
    later = granted.model_copy(update={"id": "e2", "deadline": date(2024, 7, 1), "issued": date(2023, 12, 1)})
    other = granted.model_copy(
        update={"id": "e3", "deadline": date(2030, 1, 1), "organization_id": "someone-else"}
    )

    def deadlines(today: date) -> set[date]:
        events = timeline(network, EVIDENCE, [pack], today, extensions=[granted, later, other])
        return {e.day for e in events if e.rule_id == "rr" and "deadline" in e.event}

    assert deadlines(date(2023, 6, 1)) == {date(2024, 1, 1)}  # the later extension was not yet issued
    assert deadlines(date(2024, 2, 1)) == {date(2024, 7, 1)}


def test_a_proposal_is_advisory_never_binding(make_pack: MakePack) -> None:
    yaml = rule_yaml("csa2", "{type: removal}", "adopted: 2026-01-20\nscope: {domains: [core]}")
    pack = make_pack(yaml.replace("legal_status: binding", "legal_status: proposal"))
    network = frame(asset("amf", role="AMF", domain="core"))
    assert assess(network, EVIDENCE, [pack], date(2026, 6, 1)).findings() == []  # proposals only on request
    [finding] = assess(network, EVIDENCE, [pack], date(2026, 6, 1), include_proposals=True).findings()
    assert (finding.status, finding.deadline) == (FindingStatus.ADVISORY, None)
    assert finding.explanation.startswith("Test rule csa2: a proposal, not law:")


def test_guidance_is_advisory_with_only_the_date_its_source_names(make_pack: MakePack) -> None:
    guidance = (
        rule_yaml("dated", "{type: removal}", "adopted: 2020-07-14\ndeadline: 2027-12-31")
        + rule_yaml("undated", "{type: removal}", "adopted: 2020-01-28")
    ).replace("legal_status: binding", "legal_status: guidance")
    pack = make_pack(guidance)
    network = frame(asset("gnb"))
    for day in (date(2027, 12, 31), date(2028, 1, 1)):  # either side of the recommended date
        found = {f.rule_id: (f.status, f.deadline) for f in assess(network, EVIDENCE, [pack], day).findings()}
        assert found == {
            "dated": (FindingStatus.ADVISORY, date(2027, 12, 31)),
            "undated": (FindingStatus.ADVISORY, None),  # the adoption day is not a deadline
        }


def test_a_binding_exclusion_not_yet_in_effect_is_due_without_a_deadline(make_pack: MakePack) -> None:
    # The effective day is when the duty starts, not a day by which equipment in place must be gone:
    # a source that sets no removal date gives no deadline (docs/policy.md, "What each status means").
    pack = make_pack(rule_yaml("excluded", "{type: removal}", "adopted: 2022-05-19\neffective: 2022-09-01"))
    network = frame(asset("gnb"))
    [before] = assess(network, EVIDENCE, [pack], date(2022, 8, 31)).findings()
    assert (before.status, before.deadline) == (FindingStatus.DUE, None)
    assert "not yet on 2022-08-31" in before.explanation
    [after] = assess(network, EVIDENCE, [pack], date(2022, 9, 1)).findings()
    assert (after.status, after.deadline) == (FindingStatus.VIOLATION, None)


def test_an_authorisation_regime_not_yet_in_effect_sets_no_deadline(make_pack: MakePack) -> None:
    # Belgium's 5G authorisations: the law of 2022-02-17 took effect with the decrees of 2023-05-11, and
    # operators already deploying filed regularisation requests (EU TRIS 2021/0206/B): 2023-05-10 was
    # never a last day.
    pack = make_pack(rule_yaml("authorised", "{type: licence}", "adopted: 2022-02-17\neffective: 2023-05-11"))
    network = frame(asset("gnb"))
    [before] = assess(network, EVIDENCE, [pack], date(2023, 5, 10)).findings()
    assert (before.status, before.deadline) == (FindingStatus.DUE, None)
    assert "from 2023-05-11, when the rule takes effect" in before.explanation


# --- missing data in network-wide findings; one report per provider; a later measure governs -------


def test_a_cap_that_missing_technology_could_break_is_unknown_not_compliant(make_pack: MakePack) -> None:
    pack = make_pack(
        rule_yaml(
            "cap",
            "{type: cap, share: 0.5, measured_by: equipment, metric_confirmed: true}",
            "adopted: 2020-01-28\ndeadline: 2023-10-31\nscope: {domains: [ran], technologies: [5G]}",
        )
    )
    # Known 5G items: 1 Huawei of 2 (50%, at the cap). Two Huawei items without a technology could be 5G.
    network = frame(
        asset("hw", site="s1"),
        asset("er", vendor="Ericsson AB", site="s2"),
        asset("blank1", site="s3", technology=None),
        asset("blank2", site="s4", technology=None),
    )
    [finding] = assess(network, EVIDENCE, [pack], date(2024, 1, 1)).findings()
    assert finding.status is FindingStatus.UNKNOWN and finding.measured_share == 0.5
    assert "2 more items could not be placed (technology not recorded)" in finding.explanation
    known = frame(asset("hw", site="s1"), asset("er", vendor="Ericsson AB", site="s2"))
    assert assess(known, EVIDENCE, [pack], date(2024, 1, 1)).findings() == []


def test_a_provider_files_one_report_whatever_the_countries_of_its_sites(make_pack: MakePack) -> None:
    pack = make_pack(
        rule_yaml("annual", '{type: report, annual_due: "03-31", annual_from: 2023}', "adopted: 2020-03-12"),
        countries="US, PR",
    )
    network = frame(
        asset("us", country="US"),
        asset("pr", country="PR"),
        asset("theirs", country="US", organization_id="b"),
    )
    found = assess(network, EVIDENCE, [pack], date(2024, 1, 1)).findings()
    assert sorted((f.organization_id, f.country) for f in found) == [("b", "US"), ("default", None)]
    [mine] = [f for f in found if f.organization_id == "default"]
    assert "2 items at 2 sites in PR, US" in mine.explanation and mine.deadline == date(2024, 3, 31)


def test_a_report_that_turns_on_missing_purchase_dates_is_unknown(make_pack: MakePack) -> None:
    pack = make_pack(
        rule_yaml(
            "annual",
            '{type: report, annual_due: "03-31", annual_from: 2023}',
            "adopted: 2020-03-12\nscope: {purchased: {on_or_after: 2018-08-14}}",
            reads="purchase",
        )
    )
    network = frame(asset("old", purchased_on=date(2017, 1, 1)), asset("blank"))
    [finding] = assess(network, EVIDENCE, [pack], date(2024, 1, 1)).findings()
    assert finding.status is FindingStatus.UNKNOWN
    assert "1 more items may fall under it: purchase (contract) date not recorded" in finding.explanation


def test_a_later_national_measure_governs_what_an_eu_recommendation_also_reaches(make_pack: MakePack) -> None:
    eu = rule_yaml(
        "toolbox", "{type: removal}", "adopted: 2020-01-29\ndeadline: 2022-12-31\nscope: {domains: [core]}"
    )
    national = rule_yaml(
        "national",
        "{type: removal}",
        "adopted: 2024-07-11\ndeadline: 2026-12-31\nscope: {domains: [core]}\nprevails_over: [toolbox]",
    )
    # Even a binding recommendation with an earlier date may not turn the same asset into an earlier breach.
    pack = make_pack(eu + national)
    network = frame(asset("amf", role="AMF", domain="core"), asset("gnb"))
    found = {f.rule_id: f for f in assess(network, EVIDENCE, [pack], date(2025, 1, 1)).findings()}
    assert (found["national"].status, found["national"].deadline) == (FindingStatus.DUE, date(2026, 12, 31))
    assert (found["toolbox"].status, found["toolbox"].deadline) == (FindingStatus.ADVISORY, None)
    assert "governs this equipment: national (due, deadline 2026-12-31)" in found["toolbox"].explanation


def test_next_deadlines_list_each_status_of_a_rule_in_a_stable_order(make_pack: MakePack) -> None:
    pack = make_pack(
        rule_yaml(
            "5g-out",
            "{type: removal}",
            "adopted: 2022-10-13\ndeadline: 2027-12-31\nscope: {technologies: [5G]}",
        )
    )
    network = frame(asset("nr"), asset("blank", technology=None), asset("nr2"))
    for _ in range(5):
        rows = assess(network, EVIDENCE, [pack], date(2026, 1, 1)).next_deadlines().rows()
        assert [(rule, status, n) for _, _, rule, status, n in rows] == [
            ("5g-out", "due", 2),
            ("5g-out", "unknown", 1),
        ]
