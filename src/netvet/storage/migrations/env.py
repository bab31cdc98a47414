"""Alembic environment: runs on the engine netvet hands it (see netvet.storage.db)."""

from __future__ import annotations

from alembic import context

import netvet.storage.all_tables  # noqa: F401  (registers every area's tables on the metadata)
from netvet.storage.tables import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=engine.dialect.name == "sqlite",
    )
    context.run_migrations()
