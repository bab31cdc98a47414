from __future__ import annotations

from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from netvet.settings import get_settings
from netvet.storage import Database, open_database
from netvet.storage import inventory as store
from netvet.storage.db import alembic_config


def test_database_is_at_every_area_head(db: Database) -> None:
    heads = set(ScriptDirectory.from_config(alembic_config(db.engine)).get_heads())
    with db.connect() as conn:
        assert set(MigrationContext.configure(conn).get_current_heads()) == heads
    tables = set(inspect(db.engine).get_table_names())
    assert {"organizations", "sites", "assets", "components", "imports"} <= tables


def test_migrate_twice_changes_nothing(db: Database) -> None:
    with db.begin() as conn:
        store.ensure_organization(conn, "op-1", "Operator One")
    db.migrate()
    with db.connect() as conn:
        organization = store.get_organization(conn, "op-1")
    assert organization is not None and organization.name == "Operator One"


def test_a_failed_transaction_leaves_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError), db.begin() as conn:
        store.ensure_organization(conn, "op-2")
        raise RuntimeError("abort")
    with db.connect() as conn:
        assert store.get_organization(conn, "op-2") is None


def test_default_database_is_a_sqlite_file_under_netvet_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("NETVET_DATABASE_URL", raising=False)
    monkeypatch.setenv("NETVET_HOME", str(tmp_path / "home"))
    settings = get_settings()
    assert settings.sqlite_path == tmp_path / "home" / "netvet.sqlite"
    open_database().dispose()
    assert settings.sqlite_path.exists()
    monkeypatch.setenv("NETVET_DATABASE_URL", "postgresql://u@127.0.0.1/x")
    assert get_settings().sqlite_path is None


def test_migrations_build_exactly_the_declared_tables(db: Database) -> None:
    """Every area's Alembic branch, applied to an empty database, matches its table declarations."""
    from alembic.autogenerate import compare_metadata

    import netvet.storage.all_tables  # noqa: F401  (registers every area's tables)
    from netvet.storage.tables import metadata

    with db.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        differences = compare_metadata(context, metadata)
    assert differences == []
