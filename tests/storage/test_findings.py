"""Which stored assessment is the network's status."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from netvet.policy.assessment import empty_findings
from netvet.storage import Database
from netvet.storage import findings as stored
from netvet.storage import inventory as store


def _save(
    db: Database, at: date, created: datetime, jurisdictions: list[str], scenario: str | None = None
) -> int:
    with db.begin() as conn:
        store.ensure_organization(conn, "op")
        return stored.save_result(
            conn, "op", at, jurisdictions, {}, empty_findings(), "ann", created, scenario
        )


def test_a_what_if_run_never_becomes_the_networks_status(db: Database) -> None:
    now = datetime.now(UTC)
    today = _save(db, date.today(), now - timedelta(hours=2), ["uk"])
    _save(db, date(2019, 1, 1), now - timedelta(hours=1), ["uk"])  # ran later, for a past day
    _save(db, date.today() + timedelta(days=900), now, ["uk"])  # ran last, for a future day
    with db.connect() as conn:
        latest = stored.latest_result(conn, "op")
        assert latest is not None and latest.id == today
        past = stored.latest_result(conn, "op", date(2019, 1, 1))
        assert past is not None and past.at == date(2019, 1, 1)
        assert stored.latest_result(conn, "op", jurisdiction="de") is None


def test_only_future_runs_fall_back_to_the_newest(db: Database) -> None:
    now = datetime.now(UTC)
    _save(db, date.today() + timedelta(days=30), now - timedelta(hours=1), ["uk"])
    newest = _save(db, date.today() + timedelta(days=60), now, ["uk"])
    with db.connect() as conn:
        latest = stored.latest_result(conn, "op")
    assert latest is not None and latest.id == newest


def _finding(site: str, status: str) -> dict[str, object]:
    return {
        "organization_id": "op",
        "rule_id": f"rule-{status}",
        "jurisdiction": "uk",
        "status": status,
        "asset_id": f"{site}-asset",
        "site_id": site,
        "country": "GB",
        "deadline": None,
        "source": "test",
        "explanation": "test",
        "vendor": "Huawei",
        "domain": "ran",
        "measured_share": None,
        "cap": None,
        "cap_metric": None,
        "excess": None,
        "effect": "removal",
        "legal_status": "binding",
        "confidence": "confirmed",
    }


def test_a_site_takes_its_worst_status_and_guidance_or_missing_data_never_outrank_a_breach(
    db: Database,
) -> None:
    import polars as pl

    from netvet.policy.assessment import FINDING_SCHEMA

    rows = [
        _finding("s-breach", "advisory"),
        _finding("s-breach", "violation"),
        _finding("s-breach", "unknown"),
        _finding("s-undecided", "advisory"),
        _finding("s-undecided", "unknown"),
        _finding("s-undecided", "licensed"),
        _finding("s-due", "due"),
        _finding("s-due", "unknown"),
        _finding("s-advice", "advisory"),
        _finding("s-support", "licence_required"),
        _finding("s-support", "report"),
    ]
    frame = pl.DataFrame(rows, schema=FINDING_SCHEMA)
    with db.begin() as conn:
        store.ensure_organization(conn, "op")
        result_id = stored.save_result(
            conn, "op", date(2024, 1, 1), ["uk"], {}, frame, "ann", datetime.now(UTC)
        )
    with db.connect() as conn:
        worst = stored.status_by(conn, result_id, "site_id")
    assert worst == {
        "s-breach": "violation",
        "s-undecided": "unknown",
        "s-due": "due",
        "s-advice": "advisory",
        "s-support": "licence_required",
    }


def test_a_what_if_assessment_is_kept_apart_and_labelled(db: Database) -> None:
    now = datetime.now(UTC)
    status = _save(db, date.today(), now - timedelta(hours=1), ["uk"])
    _save(db, date.today(), now, ["uk"], "extra pack uk-2030.yaml")
    again = _save(db, date.today(), now, ["uk"], "extra pack uk-2030.yaml")  # replaces its own kind only
    with db.connect() as conn:
        latest = stored.latest_result(conn, "op")
        kept = stored.get_result(conn, "op", again)
        listed = sorted(result.id for result in stored.list_results(conn, "op"))
        assert stored.get_result(conn, "other-org", again) is None
    assert latest is not None and latest.id == status and not latest.what_if
    assert kept is not None and kept.what_if
    assert kept.label == f"what-if: {date.today()} (uk), extra pack uk-2030.yaml"
    assert listed == sorted([status, again])
