"""policy tables: licences and extensions a user adds, assessment runs

Revision ID: 0003_policy
Revises: 0001_inventory
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_policy"
down_revision: str | Sequence[str] | None = "0001_inventory"
branch_labels: str | Sequence[str] | None = ("policy",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "policy_licences",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "id", "kind", name=op.f("pk_policy_licences")),
    )
    op.create_table(
        "policy_assessments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.Date(), nullable=False),
        sa.Column("jurisdictions", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("findings_file", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_assessments")),
    )


def downgrade() -> None:
    op.drop_table("policy_assessments")
    op.drop_table("policy_licences")
