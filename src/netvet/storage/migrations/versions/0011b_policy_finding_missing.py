"""Stored findings say what the inventory lacks to decide a rule (findings whose status is unknown).

Revision ID: 0011b_policy_finding_missing
Revises: 0006_api, 0011_policy_site_security
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011b_policy_finding_missing"
# The findings table is the API area's; the column is the policy engine's.
down_revision: str | Sequence[str] | None = ("0006_api", "0011_policy_site_security")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessment_findings") as batch:
        batch.add_column(sa.Column("missing", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assessment_findings") as batch:
        batch.drop_column("missing")
