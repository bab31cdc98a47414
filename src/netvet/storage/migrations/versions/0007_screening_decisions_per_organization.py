"""Screening decisions belong to one organisation.

Revision ID: 0007_screening_decisions_org
Revises: 0002_screening
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_screening_decisions_org"
down_revision: str | Sequence[str] | None = "0002_screening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Decisions taken before organisations had their own were all the CLI's, whose organisation is
    # "default".
    with op.batch_alter_table("screening_decisions") as batch:
        batch.add_column(
            sa.Column("organization_id", sa.String(length=64), nullable=False, server_default="default")
        )
        batch.create_index("ix_screening_decisions_org", ["organization_id"])


def downgrade() -> None:
    with op.batch_alter_table("screening_decisions") as batch:
        batch.drop_index("ix_screening_decisions_org")
        batch.drop_column("organization_id")
