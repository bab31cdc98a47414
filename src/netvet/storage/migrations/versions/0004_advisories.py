"""advisory tables

Revision ID: 0004_advisories
Revises: 0001_inventory
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_advisories"
down_revision: str | Sequence[str] | None = "0001_inventory"
branch_labels: str | Sequence[str] | None = ("advisories",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "advisories",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("source_format", sa.String(length=8), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("publisher", sa.Text(), nullable=True),
        sa.Column("published", sa.String(length=40), nullable=True),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("parsed", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisories")),
    )
    op.create_table(
        "kev_entries",
        sa.Column("cve", sa.String(length=32), nullable=False),
        sa.Column("vendor_project", sa.Text(), nullable=False),
        sa.Column("product", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("date_added", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("known_ransomware", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("cve", name=op.f("pk_kev_entries")),
    )
    op.create_table(
        "advisory_matches",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("advisory_id", sa.Text(), nullable=False),
        sa.Column("vulnerability", sa.Text(), nullable=False),
        sa.Column("asset_id", sa.String(length=128), nullable=False),
        sa.Column("cve", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("matched_by", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "organization_id", "advisory_id", "vulnerability", "asset_id", name=op.f("pk_advisory_matches")
        ),
    )
    with op.batch_alter_table("advisory_matches", schema=None) as batch_op:
        batch_op.create_index("ix_advisory_matches_org_status", ["organization_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("advisory_matches", schema=None) as batch_op:
        batch_op.drop_index("ix_advisory_matches_org_status")
    op.drop_table("advisory_matches")
    op.drop_table("kev_entries")
    op.drop_table("advisories")
