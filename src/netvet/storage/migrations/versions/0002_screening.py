"""screening tables: list versions and entries, decisions, runs and results

Revision ID: 0002_screening
Revises: 0001_inventory
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_screening"
down_revision: str | Sequence[str] | None = "0001_inventory"
branch_labels: str | Sequence[str] | None = ("screening",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "screening_list_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("list_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.Text(), nullable=True),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("info", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_list_versions")),
        sa.UniqueConstraint("list_id", "version", name="uq_screening_list_versions_list_version"),
    )
    op.create_table(
        "screening_list_entries",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("entry_hash", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["screening_list_versions.id"],
            name=op.f("fk_screening_list_entries_version_id_screening_list_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", "entity_id", name=op.f("pk_screening_list_entries")),
    )
    op.create_table(
        "screening_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("list_id", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entry_hash", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_decisions")),
    )
    op.create_index("ix_screening_decisions_key", "screening_decisions", ["list_id", "entity_id"])
    op.create_table(
        "screening_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("list_versions", sa.JSON(), nullable=False),
        sa.Column("names_screened", sa.Integer(), nullable=False),
        sa.Column("names_flagged", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_runs")),
    )
    op.create_index("ix_screening_runs_org", "screening_runs", ["organization_id"])
    op.create_table(
        "screening_results",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("name_status", sa.String(length=8), nullable=False),
        sa.Column("list_id", sa.String(length=64), nullable=True),
        sa.Column("entity_id", sa.String(length=200), nullable=True),
        sa.Column("entity_name", sa.Text(), nullable=True),
        sa.Column("matched_name", sa.Text(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=True),
        sa.Column("raw_status", sa.String(length=8), nullable=True),
        sa.Column("entry_hash", sa.String(length=32), nullable=True),
        sa.Column("affiliate_path", sa.JSON(), nullable=True),
        sa.Column("lists", sa.JSON(), nullable=True),
        sa.Column("explanation", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["screening_runs.id"],
            name=op.f("fk_screening_results_run_id_screening_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_results")),
    )
    op.create_index("ix_screening_results_run", "screening_results", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_screening_results_run", table_name="screening_results")
    op.drop_table("screening_results")
    op.drop_index("ix_screening_runs_org", table_name="screening_runs")
    op.drop_table("screening_runs")
    op.drop_index("ix_screening_decisions_key", table_name="screening_decisions")
    op.drop_table("screening_decisions")
    op.drop_table("screening_list_entries")
    op.drop_table("screening_list_versions")
