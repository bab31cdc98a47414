"""Imports every module that declares tables, so `metadata` is complete (for Alembic)."""

from netvet.storage import (
    advisories,  # noqa: F401
    tables,  # noqa: F401
)
