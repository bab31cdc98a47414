"""assets.platform: the operating system an element runs, which advisories name

Revision ID: 0012_advisories_asset_platform
Revises: 0004_advisories
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_advisories_asset_platform"
down_revision: str | Sequence[str] | None = "0004_advisories"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("platform", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.drop_column("platform")
