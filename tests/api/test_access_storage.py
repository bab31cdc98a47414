"""Access storage on SQLite and PostgreSQL: hashed secrets, sessions, jobs, append-only audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from netvet.storage import Database, access
from netvet.storage import inventory as store


def test_tokens_sessions_and_the_append_only_log(db: Database) -> None:
    with db.begin() as conn:
        store.ensure_organization(conn, "acme")
        user = access.create_user(conn, "acme", "ann", access.Role.ANALYST, "twelve chars!!")
        _, secret = access.create_token(conn, user.id, "t", "test")
        cookie, csrf = access.create_session(conn, user.id, timedelta(hours=1))
        expired, _ = access.create_session(conn, user.id, timedelta(seconds=-1))
        access.record_audit(conn, "acme", "ann", "token", "inventory.import", "a.csv", {"rows": 1})
    with db.begin() as conn:
        found = access.user_for_token(conn, secret)
        assert (
            found is not None and found.user.username == "ann" and found.user.organization_kind == "operator"
        )
        assert found.stale  # never used: the first request records its use
        access.touch_token(conn, found.token_id)
        touched = access.user_for_token(conn, secret)
        assert touched is not None and not touched.stale
        session = access.session_for(conn, cookie)
        assert session is not None and session.csrf_token == csrf
        assert access.session_for(conn, expired) is None
        assert access.user_for_token(conn, secret + "x") is None
    with db.begin() as conn:
        access.end_session(conn, cookie)
        assert access.session_for(conn, cookie) is None
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), db.begin() as conn:
            conn.execute(text(statement))
    with db.connect() as conn:
        total, entries = access.list_audit(conn, "acme", 10, 0)
    assert total == 1 and entries[0]["detail"] == {"rows": 1}


def test_jobs_left_running_by_a_stopped_server_are_marked_failed(db: Database) -> None:
    with db.begin() as conn:
        store.ensure_organization(conn, "acme")
        job = access.create_job(conn, "acme", "import", "ann")
        assert access.fail_interrupted_jobs(conn) == 1
        row = access.get_job(conn, job, "acme")
    assert row is not None and row["status"] == "failed" and row["error"]["title"] == "interrupted"
