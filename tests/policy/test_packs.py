"""Loading rule packs: the shipped ones are sound, and a bad file is refused with file, line and key."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from netvet.data import DataFileError
from netvet.policy import (
    UnknownJurisdictionError,
    assess,
    load_pack,
    load_packs,
    select_packs,
    shipped_licences,
    shipped_packs,
)
from netvet.policy.loader import shipped_pack_paths
from netvet.policy.rules import Confidence, EffectType

from .conftest import EVIDENCE, asset, frame, rule_yaml

FACTS = Path(__file__).resolve().parents[3] / "shared" / "policy-facts.md"


def test_shipped_packs_cover_the_required_jurisdictions() -> None:
    codes = {pack.jurisdiction for pack in shipped_packs()}
    assert {"us", "uk", "eu", "de", "se", "ca", "au", "fr", "ee", "be"} <= codes
    # Every effect type is used by at least one shipped rule.
    effects = {rule.effect.type for pack in shipped_packs() for rule in pack.rules}
    assert effects == set(EffectType)


def test_every_shipped_rule_cites_a_numbered_source_with_a_url() -> None:
    for pack in shipped_packs():
        for rule in pack.rules:
            assert any(s.id and s.url for s in rule.sources), rule.id
            if rule.confidence is Confidence.UNVERIFIED:
                assert rule.unverified, rule.id


def test_shipped_source_ids_exist_in_the_policy_facts() -> None:
    if not FACTS.exists():
        pytest.skip(f"{FACTS} not found (only beside the project's checkout)")
    known = set(re.findall(r"^- (S\d+) ", FACTS.read_text(encoding="utf-8"), flags=re.MULTILINE))
    cited = {s.id for pack in shipped_packs() for rule in pack.rules for s in rule.sources if s.id}
    licences, _ = shipped_licences()
    cited |= {s.id for licence in licences for s in licence.sources if s.id}
    assert cited - known == set()


def test_schema_error_names_file_line_and_key(write_pack: Callable[..., Path]) -> None:
    path = write_pack(rule_yaml("bad", "{type: removal, share: 2}", "adopted: 2020-01-01"))
    with pytest.raises(DataFileError) as caught:
        load_pack(path)
    error = caught.value
    assert error.path == str(path)
    assert error.key == "rules[0].effect.share"
    assert error.line == 13  # the effect line of the first rule (5 header lines, then 8 rule lines)
    assert "2" in error.message


def test_ban_without_an_effective_date_is_refused(write_pack: Callable[..., Path]) -> None:
    path = write_pack(rule_yaml("ban", "{type: ban}", "adopted: 2020-01-01", reads="installation"))
    with pytest.raises(DataFileError, match="effective"):
        load_pack(path)


def test_unknown_designation_and_duplicate_ids_are_refused(write_pack: Callable[..., Path]) -> None:
    path = write_pack(
        rule_yaml("r", "{type: removal}", "adopted: 2020-01-01", vendors="{designations: [nobody]}")
    )
    with pytest.raises(DataFileError) as caught:
        load_pack(path)
    assert caught.value.key == "rules[0].vendors.designations"
    twice = write_pack(
        rule_yaml("r", "{type: removal}", "adopted: 2020-01-01")
        + rule_yaml("r", "{type: removal}", "adopted: 2020-01-01"),
        name="twice.yaml",
    )
    with pytest.raises(DataFileError, match="used twice") as caught:
        load_pack(twice)
    assert caught.value.line == 15  # where the second rule with that id starts


def test_a_user_pack_may_not_reuse_a_shipped_rule_id(write_pack: Callable[..., Path]) -> None:
    path = write_pack(
        rule_yaml("uk-dvd-core", "{type: removal}", "adopted: 2020-01-01"),
        jurisdiction="es-whatif",
        countries="ES",
    )
    with pytest.raises(DataFileError, match="already defined"):
        load_packs([*shipped_pack_paths(), path])


def test_what_if_spain_adopts_the_uk_core_rule(write_pack: Callable[..., Path]) -> None:
    path = write_pack(
        rule_yaml(
            "es-whatif-core",
            "{type: removal}",
            "adopted: 2026-01-01\ndeadline: 2027-12-31\nscope: {domains: [core]}",
        ),
        jurisdiction="es-whatif",
        countries="ES",
    )
    packs = load_packs([*shipped_pack_paths(), path])
    network = frame(asset("mad-amf", country="ES", role="AMF", domain="core"))
    result = assess(network, EVIDENCE, packs, date(2028, 1, 1), jurisdictions=["es-whatif"])
    assert [(f.rule_id, f.status.value) for f in result.findings()] == [("es-whatif-core", "violation")]


def test_unknown_jurisdiction_is_named() -> None:
    with pytest.raises(UnknownJurisdictionError, match="xx"):
        assess(frame(asset("a")), EVIDENCE, shipped_packs(), date(2024, 1, 1), jurisdictions=["xx"])


def test_a_national_pack_is_also_named_by_its_iso_country_code() -> None:
    """ISO 3166-1 calls the United Kingdom GB; its pack is `uk`. A pack of several countries (eu) has no
    country code, and a country with only the EU's rules (ES) names no pack."""
    packs = shipped_packs()
    chosen = [pack.jurisdiction for pack in select_packs(packs, ["GB", "de", "uk"])]
    assert chosen == ["uk", "de"]  # gb and uk are one pack, given once
    assert [p.jurisdiction for p in select_packs(packs, ["us"])] == ["us"]
    for code in ("es", "at", "pr"):
        with pytest.raises(UnknownJurisdictionError, match=f"{code}.*gb \\(uk\\)"):
            select_packs(packs, [code])


def test_time_travel_with_the_shipped_packs() -> None:
    """The same network on 2020-06-01 and 2028-01-01 gives the answers the rules gave on those days."""
    network = frame(
        asset(
            "uk-gnb", purchased_on=date(2019, 3, 1), installed_on=date(2019, 4, 1), national_security=False
        ),
        asset("uk-amf", role="AMF", domain="core", purchased_on=date(2019, 3, 1), national_security=False),
        asset("ca-enb", country="CA", technology="4G", purchased_on=date(2019, 3, 1)),
        asset("se-gnb", country="SE", purchased_on=date(2019, 3, 1)),
    )
    packs = shipped_packs()
    early = {
        (f.rule_id, f.asset_id): f.status.value
        for f in assess(network, EVIDENCE, packs, date(2020, 6, 1)).findings()
    }
    late = {
        (f.rule_id, f.asset_id): f.status.value
        for f in assess(network, EVIDENCE, packs, date(2028, 1, 1)).findings()
    }
    # 2020-06-01: only the January 2020 UK guidance existed (advice, not law); nothing in Canada or
    # Sweden yet.
    assert early == {
        ("uk-2020-hrv-core", "uk-amf"): "advisory",
        ("uk-2020-hrv-access-cap", None): "advisory",
    }
    # 2028-01-01: the DVD deadlines have passed; Sweden's too. Canada's date has passed as well, but
    # its statement is an expectation, not law.
    assert late[("uk-dvd-5g-removal", "uk-gnb")] == "violation"
    assert late[("uk-dvd-core", "uk-amf")] == "violation"
    assert late[("ca-4g-removal", "ca-enb")] == "advisory"
    assert late[("se-pts-central-functions-removal", "se-gnb")] == "violation"
    assert ("uk-2020-hrv-core", "uk-amf") not in late  # superseded by the DVD


def test_covered_list_entries_count_only_from_the_day_they_were_listed() -> None:
    kaspersky = EVIDENCE["Huawei Technologies Co., Ltd."][0].model_copy(
        update={
            "name": "Kaspersky",
            "entity_id": "kaspersky",
            "entity_name": "AO Kaspersky Lab",
            "lists": ("fcc-covered",),
        }
    )
    evidence = {**EVIDENCE, "Kaspersky": [kaspersky]}
    network = frame(
        asset("fw", vendor="Kaspersky", country="US", role="Firewall", domain="transport", technology=None)
    )

    def rules_on(day: date) -> set[str]:
        return {
            f.rule_id
            for f in assess(network, evidence, shipped_packs(), day, jurisdictions=["us"]).findings()
        }

    assert "us-fcc-supply-chain-annual-report" not in rules_on(date(2022, 3, 24))
    assert "us-fcc-supply-chain-annual-report" in rules_on(date(2022, 3, 25))
    # Before its listing no US rule reaches Kaspersky at all.
    assert rules_on(date(2022, 3, 24)) == set()


def test_the_shipped_temporary_general_license_covers_old_huawei_gear_until_it_expired() -> None:
    licences, _ = shipped_licences()
    network = frame(
        asset("old", country="US", purchased_on=date(2018, 6, 1)),
        asset("new", country="US", purchased_on=date(2019, 9, 1)),
    )

    def entity_list(day: date) -> dict[str | None, tuple[str, date | None]]:
        result = assess(network, EVIDENCE, shipped_packs(), day, jurisdictions=["us"], licences=licences)
        return {
            f.asset_id: (f.status.value, f.deadline)
            for f in result.findings()
            if f.rule_id == "us-bis-entity-list"
        }

    assert entity_list(date(2019, 5, 15)) == {}  # before the listing
    # Listed, TGL not yet issued: keeping the equipment is lawful, supporting it needs a licence.
    assert entity_list(date(2019, 5, 17))["old"] == ("licence_required", None)
    assert entity_list(date(2019, 6, 1))["old"] == ("licensed", date(2019, 8, 19))
    assert entity_list(date(2020, 6, 1)) == {
        "old": ("licensed", date(2020, 8, 13)),
        "new": ("licence_required", None),
    }
    assert entity_list(date(2020, 8, 14))["old"] == ("licence_required", None)  # expired


@pytest.mark.parametrize(
    ("extra", "reads", "key", "message"),
    [
        (
            "adopted: 2020-01-01\nscope: {purchased: {before: 2020-01-01}}",
            "presence",
            "reads",
            "purchase date",
        ),
        ("adopted: 2020-01-01\nprevails_over: [nowhere]", "presence", "prevails_over", "'nowhere'"),
        ("adopted: 2020-01-01\nparties: [Vodafone]", "presence", "legal_status", "contract"),
    ],
)
def test_a_rule_whose_fields_contradict_each_other_is_refused(
    write_pack: Callable[..., Path], extra: str, reads: str, key: str, message: str
) -> None:
    path = write_pack(rule_yaml("r", "{type: removal}", extra, reads=reads))
    with pytest.raises(DataFileError, match=message) as caught:
        load_packs([path])
    assert caught.value.key == f"rules[0].{key}"


def test_a_deadline_must_say_how_its_day_counts(write_pack: Callable[..., Path]) -> None:
    text = rule_yaml("r", "{type: removal}", "adopted: 2020-01-01\ndeadline: 2021-01-01\ndeadline_kind: x")
    path = write_pack(text.replace("  deadline_kind: x\n", ""))
    with pytest.raises(DataFileError, match="deadline_kind"):
        load_pack(path)


def test_every_shipped_rule_says_what_it_reads_and_how_its_deadline_counts() -> None:
    for pack in shipped_packs():
        for rule in pack.rules:
            assert rule.reads, rule.id
            assert (rule.deadline is None) == (rule.deadline_kind is None), rule.id
            if rule.legal_status.value == "contract":
                assert rule.parties, rule.id
