"""The dashboard's assessment: a day and jurisdictions chosen in the form; what-ifs shown apart, labelled."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

from netvet.policy.assessment import empty_findings
from netvet.storage import Database
from netvet.storage import findings as stored

from .conftest import log_in

API_DATA = Path(__file__).resolve().parent.parent / "data" / "api"


def _import(client: TestClient, csrf: str) -> None:
    client.post(
        "/imports",
        data={"csrf_token": csrf},
        files={"file": ("inventory.csv", (API_DATA / "inventory.csv").read_bytes())},
    )


def test_the_form_assesses_on_the_day_under_the_packs_ticked(client: TestClient, web_db: Database) -> None:
    csrf = log_in(client, "ann")
    overview = client.get("/").text
    assert 'name="jurisdiction" value="uk"' in overview and 'type="date" name="at"' in overview
    _import(client, csrf)
    started = client.post(
        "/assess", data={"csrf_token": csrf, "at": "2027-06-30", "jurisdiction": ["gb", "us"]}
    )
    assert "Assessment for 2027-06-30 under uk, us started" in started.text
    client.app.state.jobs.wait_idle(120)  # type: ignore[attr-defined]
    with web_db.connect() as conn:
        [result] = stored.list_results(conn, "acme")
    assert result.at == date(2027, 6, 30) and result.jurisdictions == ("uk", "us")
    refused = client.post("/assess", data={"csrf_token": csrf, "jurisdiction": ["atlantis"]})
    assert "Not started: unknown jurisdiction(s) atlantis" in refused.text


def test_a_what_if_is_offered_apart_and_labelled(client: TestClient, web_db: Database) -> None:
    log_in(client, "ann")
    with web_db.begin() as conn:
        plain = stored.save_result(
            conn,
            "acme",
            date(2026, 11, 25),
            ["uk"],
            {"findings": 0, "findings_by_jurisdiction_and_status": {}},
            empty_findings(),
            "ann",
            stored.access.now(),
        )
        what_if = stored.save_result(
            conn,
            "acme",
            date(2026, 11, 25),
            ["uk", "es-whatif"],
            {"findings": 0, "findings_by_jurisdiction_and_status": {}},
            empty_findings(),
            "ann",
            stored.access.now(),
            "extra pack whatif-es.yaml",
        )
    overview = client.get("/").text
    assert "Latest: 2026-11-25 (uk)" in overview
    assert (
        f'href="/findings?assessment={what_if}">what-if: 2026-11-25 (uk, es-whatif), extra pack whatif-es.yaml'
        in overview
    )
    page = client.get("/findings").text
    assert f'<option value="{plain}" selected>' in page and "What-if assessment" not in page
    chosen = client.get(f"/findings?assessment={what_if}").text
    assert f'<option value="{what_if}" selected>' in chosen
    assert "What-if assessment (extra pack whatif-es.yaml): not the network's status" in chosen
