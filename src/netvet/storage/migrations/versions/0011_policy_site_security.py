"""Sites record whether they are significant to national security (UK Designated Vendor Direction).

Revision ID: 0011_policy_site_security
Revises: 0003_policy
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_policy_site_security"
down_revision: str | Sequence[str] | None = "0003_policy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Null for every existing site: not recorded, which rules on such sites report as unknown.
    with op.batch_alter_table("sites") as batch:
        batch.add_column(sa.Column("national_security", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("national_security")
