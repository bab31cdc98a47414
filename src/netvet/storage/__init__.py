"""Persistence: SQLAlchemy tables, Alembic migrations and repositories (SQLite or PostgreSQL)."""

from netvet.storage.db import Database, open_database

__all__ = ["Database", "open_database"]
