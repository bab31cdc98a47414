"""run_assessment over a stored inventory (SQLite and PostgreSQL), with stored licences and extensions."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from netvet.data import DataFileError, parse_yaml_text
from netvet.policy.loader import LICENCES_SCHEMA
from netvet.storage import Database
from netvet.storage import findings as stored
from netvet.storage import inventory as store
from netvet.storage.findings import Recorder
from netvet.storage.policy import (
    add_licence_document,
    rule_packs,
    run_assessment,
    run_timeline,
    stored_licences,
)
from netvet.storage.tables import sites

from .conftest import EVIDENCE, rule_yaml

ORG = "default"


def _store(db: Database, rows: list[dict[str, Any]]) -> None:
    with db.begin() as conn:
        store.ensure_organization(conn, ORG)
        site_rows = {
            r["site_id"]: {
                "organization_id": ORG,
                "id": r["site_id"],
                "country": r["country"],
                "kind": r.get("site_kind"),
                "national_security": r.get("national_security"),
            }
            for r in rows
        }
        store.upsert(conn, sites, list(site_rows.values()), ["organization_id", "id"])
        store.insert_assets(
            conn,
            [
                {
                    "organization_id": ORG,
                    "id": r["id"],
                    "site_id": r["site_id"],
                    "vendor": r["vendor"],
                    "manufacturer": r.get("manufacturer"),
                    "role": r["role"],
                    "domain": r["domain"],
                    "technology": r.get("technology"),
                    "installed_on": r.get("installed_on"),
                    "purchased_on": r.get("purchased_on"),
                    "funding": r.get("funding"),
                    "row_hash": "x" * 32,
                }
                for r in rows
            ],
        )


NETWORK = [
    {
        "id": "lon-amf",
        "site_id": "LON-DC",
        "country": "GB",
        "vendor": "Huawei Technologies Co., Ltd.",
        "role": "AMF",
        "domain": "core",
        "technology": "5G",
        "purchased_on": date(2019, 1, 10),
    },
    {
        "id": "lon-gnb",
        "site_id": "LON-001",
        "country": "GB",
        "vendor": "Acme",
        "manufacturer": "HiSilicon",
        "role": "gNB",
        "domain": "ran",
        "technology": "5G",
        "installed_on": date(2021, 3, 1),
    },
    {
        "id": "tor-enb",
        "site_id": "TOR-001",
        "country": "CA",
        "vendor": "Huawei Technologies Co., Ltd.",
        "role": "eNodeB",
        "domain": "ran",
        "technology": "4G",
    },
    {
        "id": "par-gnb",
        "site_id": "PAR-001",
        "country": "FR",
        "vendor": "Huawei Technologies Co., Ltd.",
        "role": "gNB",
        "domain": "ran",
        "technology": "5G",
    },
    {
        "id": "mad-gnb",
        "site_id": "MAD-001",
        "country": "ES",
        "vendor": "Ericsson AB",
        "role": "gNB",
        "domain": "ran",
        "technology": "5G",
    },
]


def test_run_assessment_reads_the_stored_network(db: Database, tmp_path: Path) -> None:
    _store(db, NETWORK)
    out = tmp_path / "findings.json"
    recorder = Recorder("ann", "cli")
    result = run_assessment(
        db, ORG, ["uk", "ca"], date(2024, 7, 1), evidence=EVIDENCE, record=recorder, findings_file=out
    )
    found = {(f.rule_id, f.asset_id): f.status.value for f in result.findings()}
    assert found[("uk-dvd-core", "lon-amf")] == "violation"
    assert found[("uk-dvd-5g-removal", "lon-gnb")] == "due"  # reached through HiSilicon -> huawei
    # Canada's statement is an expectation, not law: its deadline is shown, as advice.
    assert found[("ca-4g-removal", "tor-enb")] == "advisory"
    assert not any(asset_id == "par-gnb" for _, asset_id in found)  # France not selected
    document = json.loads(out.read_text())
    assert document["summary"]["at"] == "2024-07-01"
    assert len(document["findings"]) == len(found)
    assert {
        "asset_id",
        "site_id",
        "rule_id",
        "jurisdiction",
        "status",
        "deadline",
        "source",
        "explanation",
    } <= set(document["findings"][0])
    with db.connect() as conn:
        [recorded] = stored.list_results(conn, ORG)
        kept = stored.result_frame(conn, recorded)
    assert recorded.id == recorder.assessment_id and recorded.jurisdictions == ("uk", "ca")
    assert not recorded.what_if and recorded.created_by == "ann"
    assert sorted(zip(kept["rule_id"], kept["asset_id"], kept["status"], strict=True)) == sorted(
        (rule_id, asset_id, status) for (rule_id, asset_id), status in found.items()
    )


def test_every_asset_under_its_own_country_by_default(db: Database) -> None:
    _store(db, NETWORK)
    result = run_assessment(db, ORG, None, date(2024, 7, 1), evidence=EVIDENCE)
    by_asset = {f.asset_id: f.jurisdiction for f in result.findings() if f.asset_id}
    assert by_asset["par-gnb"] == "fr" and by_asset["tor-enb"] == "ca"
    assert "mad-gnb" not in by_asset


def test_stored_authorisation_turns_a_violation_into_licensed(db: Database) -> None:
    _store(db, NETWORK)
    text = """
licences:
  - id: anssi-par-001
    title: ANSSI authorisation Paris 001
    kind: authorisation
    organization_id: default
    rules: [fr-anssi-5g-authorisation]
    scope: {sites: [PAR-001]}
    windows: [{issued: 2020-09-01, valid_from: 2020-09-01, valid_until: 2025-08-31}]
    sources: [{citation: "ANSSI decision (operator record)"}]
"""
    data = parse_yaml_text(text, "anssi.yaml", LICENCES_SCHEMA)
    with db.begin() as conn:
        assert add_licence_document(conn, ORG, data, "anssi.yaml", rule_packs()) == (1, 0)
    with db.connect() as conn:
        licences, _ = stored_licences(conn, ORG)
    assert [licence.id for licence in licences] == ["anssi-par-001"]

    def status(at: date) -> str:
        result = run_assessment(db, ORG, ["fr"], at, evidence=EVIDENCE)
        return next(f.status.value for f in result.findings() if f.rule_id == "fr-anssi-5g-authorisation")

    assert status(date(2020, 8, 31)) == "violation"
    assert status(date(2021, 1, 1)) == "licensed"
    assert status(date(2025, 9, 1)) == "violation"


def test_licence_for_an_unknown_rule_is_refused(db: Database) -> None:
    data = parse_yaml_text(
        "extensions: [{id: e1, rule: no-such-rule, deadline: 2024-01-01, issued: 2023-01-01, sources: [{citation: FCC letter}]}]",
        "ext.yaml",
        LICENCES_SCHEMA,
    )
    with pytest.raises(DataFileError, match="no-such-rule"), db.begin() as conn:
        add_licence_document(conn, ORG, data, "ext.yaml", rule_packs())


def test_bad_extra_policy_stops_before_anything_is_evaluated(
    db: Database, write_pack: Callable[..., Path]
) -> None:
    _store(db, NETWORK)
    bad = write_pack(
        rule_yaml("es-x", "{type: removal}", "adopted: 2020-13-01"), jurisdiction="es-x", countries="ES"
    )
    with pytest.raises(DataFileError) as caught:
        run_assessment(
            db, ORG, None, date(2024, 1, 1), [bad], evidence=EVIDENCE, record=Recorder("ann", "cli")
        )
    assert caught.value.path == str(bad) and caught.value.key == "rules[0].adopted"
    with db.connect() as conn:
        assert stored.list_results(conn, ORG) == []


def test_timeline_lists_only_rules_that_reach_the_network(db: Database) -> None:
    _store(db, NETWORK)
    events = run_timeline(db, ORG, None, evidence=EVIDENCE, today=date(2026, 1, 1))
    days = [e.day for e in events]
    assert days == sorted(days)
    rules = {e.rule_id for e in events}
    assert {"uk-dvd-core", "ca-4g-removal", "fr-anssi-5g-authorisation"} <= rules
    assert not any(r.startswith(("us-", "de-", "se-")) for r in rules)  # no stored asset in those countries
    core = [(e.day, e.event) for e in events if e.rule_id == "uk-dvd-core"]
    assert core == [(date(2022, 10, 13), "adopted"), (date(2023, 12, 31), "deadline (last day allowed)")]


def test_timeline_ends_a_superseded_rule_where_the_newer_one_was_adopted(db: Database) -> None:
    _store(db, NETWORK)
    events = run_timeline(db, ORG, ["uk"], evidence=EVIDENCE, today=date(2026, 1, 1))
    old = [(e.day, e.event) for e in events if e.rule_id == "uk-2020-5g-removal"]
    assert old == [(date(2020, 7, 14), "adopted"), (date(2022, 10, 13), "superseded")]


def test_the_site_attribute_for_national_security_reaches_the_rules(db: Database) -> None:
    rows = [
        {**NETWORK[1], "id": f"gnb-{flag}", "site_id": f"SITE-{flag}", "manufacturer": None,
         "vendor": "Huawei Technologies Co., Ltd.", "national_security": value}
        for flag, value in (("yes", True), ("no", False), ("blank", None))
    ]  # fmt: skip
    _store(db, rows)
    result = run_assessment(db, ORG, ["uk"], date(2023, 2, 1), evidence=EVIDENCE)
    found = {f.asset_id: f for f in result.findings() if f.rule_id == "uk-dvd-sensitive-sites"}
    assert {a: f.status.value for a, f in found.items()} == {"gnb-yes": "violation", "gnb-blank": "unknown"}
    assert "national-security significance (site attribute national_security) not recorded: cannot tell" in (
        found["gnb-blank"].explanation
    )
    assert (
        found["gnb-blank"].missing
        == "the site's national-security significance (site attribute national_security)"
    )
