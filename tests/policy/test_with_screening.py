"""End to end with the screening area's stored results: import, screen, assess."""

from __future__ import annotations

from datetime import date

import pytest

from netvet.storage import Database
from netvet.storage.policy import run_assessment
from netvet.storage.screening import screen_inventory

from .test_storage import NETWORK, _store


@pytest.mark.xfail(
    strict=True,
    reason=(
        "storage/screening.py _result_rows: rows of clear names lack the result keys, and one executemany "
        "takes its columns from the first row, so every stored result loses its list_id when the first "
        "name screened is clear; remove this marker once screening stores every key"
    ),
)
def test_assess_uses_the_stored_screening_results(sqlite_db: Database) -> None:
    _store(sqlite_db, NETWORK)  # "Acme", "Ericsson AB" screen clear and sort before Huawei
    screen_inventory(sqlite_db, "default")
    result = run_assessment(sqlite_db, "default", ["uk"], date(2024, 7, 1))
    found = {(f.rule_id, f.asset_id): f.status.value for f in result.findings()}
    assert found[("uk-dvd-core", "lon-amf")] == "violation"
    assert "-> huawei" in next(f.explanation for f in result.findings() if f.asset_id == "lon-amf")
