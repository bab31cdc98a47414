"""User names unique within an organisation; failed logins for throttling

Revision ID: 0013_api_logins
Revises: 0006_api
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_api_logins"
down_revision: str | Sequence[str] | None = "0006_api"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite rebuilds the table for this (batch mode); env.py turns foreign keys off meanwhile so the
    # tokens and sessions that point at users survive the rebuild.
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_username", type_="unique")
        batch.create_unique_constraint("uq_users_organization_id", ["organization_id", "username"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index("ix_login_failures_account", "login_failures", ["organization_id", "username", "at"])
    op.create_index("ix_login_failures_address", "login_failures", ["address", "at"])


def downgrade() -> None:
    op.drop_index("ix_login_failures_address", table_name="login_failures")
    op.drop_index("ix_login_failures_account", table_name="login_failures")
    op.drop_table("login_failures")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_organization_id", type_="unique")
        batch.create_unique_constraint("uq_users_username", ["username"])
