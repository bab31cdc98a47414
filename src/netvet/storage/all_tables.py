"""Imports every module that declares tables, so `metadata` is complete (for Alembic)."""

from netvet.storage import tables  # noqa: F401
