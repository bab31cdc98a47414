"""Alembic environment: runs on the engine netvet hands it (see netvet.storage.db)."""

from __future__ import annotations

from alembic import context

import netvet.storage.all_tables  # noqa: F401  (registers every area's tables on the metadata)
from netvet.storage.tables import metadata

engine = context.config.attributes["engine"]
sqlite = engine.dialect.name == "sqlite"
with engine.connect() as connection:
    if sqlite:
        # Batch mode rebuilds a table by copy, drop and rename; with foreign keys on, dropping a table
        # that other rows point at fails. SQLite only honours this pragma outside a transaction.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with connection.begin():
            context.configure(connection=connection, target_metadata=metadata, render_as_batch=sqlite)
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"a migration broke foreign keys: {broken[:5]}")
    finally:
        if sqlite:
            connection.rollback()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
