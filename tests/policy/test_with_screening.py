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
