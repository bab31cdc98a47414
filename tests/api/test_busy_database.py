"""SQLite has one writer at a time: jobs retry a refused write, requests answer 503 instead of 500."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from netvet.api import worker
from netvet.api.security import TOUCH_WAIT_MS
from netvet.api.worker import JobContext, JobRunner
from netvet.storage import Database, access

from .conftest import World


def locked() -> OperationalError:
    return OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))


def test_a_job_refused_by_a_locked_database_is_tried_again(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker.time, "sleep", lambda _seconds: None)
    with sqlite_db.begin() as conn:
        from netvet.storage import inventory as store

        store.ensure_organization(conn, "acme")
    runner = JobRunner(sqlite_db)
    calls: list[int] = []

    def flaky(context: JobContext) -> dict[str, Any]:
        calls.append(1)
        if len(calls) < 3:
            raise locked()
        return {"done": True}

    def always_locked(context: JobContext) -> dict[str, Any]:
        raise locked()

    first = runner.submit("acme", "test", "ann", flaky)
    second = runner.submit("acme", "test", "ann", always_locked)
    runner.wait_idle()
    with sqlite_db.connect() as conn:
        done, failed = access.get_job(conn, first, "acme"), access.get_job(conn, second, "acme")
    assert done is not None and done["status"] == "succeeded" and done["result"] == {"done": True}
    assert len(calls) == 3
    assert (
        failed is not None
        and failed["status"] == "failed"
        and "database is locked" in failed["error"]["detail"]
    )
    runner.shutdown()


def test_a_write_request_while_another_writer_holds_the_database_gets_503(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = world.db.engine.url.database
    assert path is not None
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # what a long import job does for its whole transaction
    waits: list[int] = []
    record_use = access.touch_token

    def touch_and_note_the_wait(conn: Connection, token_id: int) -> None:
        waits.append(conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one())
        record_use(conn, token_id)

    monkeypatch.setattr(access, "touch_token", touch_and_note_the_wait)
    try:
        assert world.get("acme:viewer", "/api/v1/organizations/acme/assets").status_code == 200
        # The first use of a token is recorded without waiting for the lock (a read must not queue
        # behind a long import for a timestamp); checked by the wait in force, not by a clock.
        assert waits == [TOUCH_WAIT_MS]
        response = world.post("acme:admin", "/api/v1/organizations/acme/users", json={"username": "late"})
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503
    assert (
        response.json()["type"] == "urn:netvet:problem:database-busy"
        and response.headers["retry-after"] == "5"
    )
    # The write succeeds once the other writer is gone.
    assert (
        world.post("acme:admin", "/api/v1/organizations/acme/users", json={"username": "late"}).status_code
        == 201
    )
