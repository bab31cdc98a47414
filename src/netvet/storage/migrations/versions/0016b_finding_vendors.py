"""Stored findings carry their vendor's canonical name and restricted entity beside the name as written.

Revision ID: 0016b_finding_vendors
Revises: 0016_shared_assessments
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016b_finding_vendors"
down_revision: str | Sequence[str] | None = "0016_shared_assessments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessment_findings") as batch:
        batch.add_column(sa.Column("vendor_canonical", sa.Text(), nullable=True))
        batch.add_column(sa.Column("vendor_entity_id", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assessment_findings") as batch:
        batch.drop_column("vendor_entity_id")
        batch.drop_column("vendor_canonical")
