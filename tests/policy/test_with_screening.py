"""End to end with the screening area's stored results: import, screen, assess."""

from __future__ import annotations

from datetime import date

from netvet.storage import Database
from netvet.storage.policy import run_assessment
from netvet.storage.screening import screen_inventory

from .test_storage import NETWORK, _store


def test_assess_uses_the_stored_screening_results(sqlite_db: Database) -> None:
    _store(sqlite_db, NETWORK)  # "Acme", "Ericsson AB" screen clear and sort before Huawei
    screen_inventory(sqlite_db, "default")
    result = run_assessment(sqlite_db, "default", ["uk"], date(2024, 7, 1))
    found = {(f.rule_id, f.asset_id): f.status.value for f in result.findings()}
    assert found[("uk-dvd-core", "lon-amf")] == "violation"
    assert "-> huawei" in next(f.explanation for f in result.findings() if f.asset_id == "lon-amf")


def test_an_affiliate_is_reached_only_from_the_day_its_entry_was_listed(sqlite_db: Database) -> None:
    # Huawei Cloud joined the Entity List on 2020-08-17 (85 FR 51596), Huawei itself on 2019-05-16.
    cloud = {
        "id": "us-cloud",
        "site_id": "US-DC",
        "country": "US",
        "vendor": "Huawei Cloud Computing Technology Co. Ltd.",
        "role": "Server",
        "domain": "other",
        "technology": None,
        "purchased_on": date(2019, 1, 10),
    }
    _store(sqlite_db, [cloud])
    screen_inventory(sqlite_db, "default")

    def entity_list_status(at: date) -> str | None:
        result = run_assessment(sqlite_db, "default", ["us"], at)
        return next((f.status.value for f in result.findings() if f.rule_id == "us-bis-entity-list"), None)

    assert entity_list_status(date(2020, 8, 16)) is None
    # Listed, and the TGL expired 2020-08-13: support needs a licence (using the equipment stays lawful).
    assert entity_list_status(date(2020, 8, 17)) == "licence_required"


def test_a_decision_applies_from_the_day_it_was_taken(sqlite_db: Database) -> None:
    from netvet.model.screening import Decision
    from netvet.storage.screening import record_decision

    _store(sqlite_db, NETWORK)
    screen_inventory(sqlite_db, "default")
    with sqlite_db.begin() as conn:
        record_decision(
            conn, "Huawei Technologies Co., Ltd.", "huawei", Decision.DISMISSED, "test only", "ann"
        )

    def core_findings(at: date) -> list[str]:
        result = run_assessment(sqlite_db, "default", ["uk"], at)
        return [f.rule_id for f in result.findings() if f.asset_id == "lon-amf"]

    assert "uk-dvd-core" in core_findings(date(2024, 7, 1))  # before the dismissal: the rules saw a match
    assert core_findings(date.today()) == []
