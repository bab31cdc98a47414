"""Imports every module that declares tables, so `metadata` is complete (for Alembic)."""

from netvet.storage import (
    access,  # noqa: F401
    advisories,  # noqa: F401
    findings,  # noqa: F401
    logins,  # noqa: F401
    policy,  # noqa: F401
    screening,  # noqa: F401
    sharing,  # noqa: F401
    tables,  # noqa: F401
    taxii,  # noqa: F401
)
