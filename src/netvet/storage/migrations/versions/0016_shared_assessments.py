"""Shared assessments: the CLI stores its assessments whole where the API and dashboard read them;
a what-if assessment is marked and described.

The summary-only `policy_assessments` table, which the CLI wrote and nothing read, goes.

Revision ID: 0016_shared_assessments
Revises: 0006_api, 0003_policy
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_shared_assessments"
# Both areas' tables change here: the stored results (api) gain columns, the policy table goes.
down_revision: str | Sequence[str] | None = ("0006_api", "0003_policy")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessment_results") as batch:
        batch.add_column(sa.Column("what_if", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("scenario", sa.Text(), nullable=True))
    op.drop_table("policy_assessments")


def downgrade() -> None:
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
    with op.batch_alter_table("assessment_results") as batch:
        batch.drop_column("scenario")
        batch.drop_column("what_if")
