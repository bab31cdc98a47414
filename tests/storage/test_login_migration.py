"""0013_api_logins on a database that already holds users, tokens and sessions (SQLite rebuilds the
users table for it: the rows pointing at users must survive)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from netvet.storage import Database, access
from netvet.storage import inventory as store
from netvet.storage.db import alembic_config, make_engine


def test_users_tokens_and_sessions_survive_the_migration(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    config = alembic_config(engine)
    before = [r for r in ScriptDirectory.from_config(config).get_heads() if r != "0016_shared_assessments"]
    command.upgrade(config, "0006_api")
    for head in before:
        if head != "0013_api_logins":
            command.upgrade(config, head)
    with engine.begin() as conn:
        store.ensure_organization(conn, "acme")
        conn.execute(
            text(
                "INSERT INTO users (organization_id, username, role, created_at) "
                "VALUES ('acme', 'ann', 'admin', '2026-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) "
                "VALUES (1, 't', :hash, 'nvt_x', '2026-01-01 00:00:00')"
            ),
            {"hash": access.secret_hash("nvt_secret")},
        )
    db = Database(engine)
    db.migrate()
    with db.begin() as conn:
        use = access.user_for_token(conn, "nvt_secret")
        assert use is not None and use.user.username == "ann"
        store.ensure_organization(conn, "globex")
        access.create_user(conn, "globex", "ann", access.Role.VIEWER)  # same name, other organisation
        with pytest.raises(access.AccessError, match="already exists in this organisation"):
            access.create_user(conn, "acme", "ann", access.Role.VIEWER)
        access.create_session(conn, 1, timedelta(hours=1))
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1  # on again after migrating
    engine.dispose()


def test_user_names_are_unique_per_organisation_on_both_databases(db: Database) -> None:
    with db.begin() as conn:
        for org in ("acme", "globex"):
            store.ensure_organization(conn, org)
            access.create_user(conn, org, "ops", access.Role.VIEWER)
        assert [u.organization_id for u in access.users_named(conn, "ops")] == ["acme", "globex"]
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"), db.begin() as conn:
        conn.execute(
            access.users.insert().values(
                organization_id="acme", username="ops", role="viewer", created_at=access.now()
            )
        )
