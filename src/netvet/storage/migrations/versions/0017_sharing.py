"""sharing tables: sharing groups and members, TAXII collections, objects and statuses, export ids,
exchanges and received vulnerabilities

Revision ID: 0017_sharing
Revises: 0001_inventory
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_sharing"
down_revision: str | Sequence[str] | None = "0001_inventory"
branch_labels: str | Sequence[str] | None = ("sharing",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shared_advisories",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("advisory_id", sa.String(length=128), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=True),
        sa.Column("producer", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("parsed", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "advisory_id", name=op.f("pk_shared_advisories")),
    )
    op.create_table(
        "sharing_exchanges",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("collection", sa.Text(), nullable=False),
        sa.Column("objects", sa.Integer(), nullable=False),
        sa.Column("by_tlp", sa.JSON(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_exchanges")),
    )
    op.create_index("ix_sharing_exchanges_org", "sharing_exchanges", ["organization_id", "id"], unique=False)
    op.create_table(
        "sharing_groups",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_groups")),
    )
    op.create_table(
        "sharing_stix_ids",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("stix_id", sa.String(length=128), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified", sa.DateTime(timezone=True), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "key", name=op.f("pk_sharing_stix_ids")),
    )
    op.create_table(
        "taxii_objects",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("collection_id", sa.String(length=36), nullable=False),
        sa.Column("stix_id", sa.String(length=300), nullable=False),
        sa.Column("stix_type", sa.Text(), nullable=False),
        sa.Column("version", sa.DateTime(timezone=True), nullable=True),
        sa.Column("spec_version", sa.String(length=8), nullable=False),
        sa.Column("date_added", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_by", sa.String(length=64), nullable=False),
        sa.Column("producer", sa.String(length=64), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("releases", sa.JSON(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_taxii_objects")),
    )
    op.create_index(
        "ix_taxii_objects_collection_seq", "taxii_objects", ["collection_id", "seq"], unique=False
    )
    op.create_index("ix_taxii_objects_stix_id", "taxii_objects", ["stix_id"], unique=False)
    op.create_table(
        "taxii_statuses",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("request_timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("total_count", sa.Integer(), nullable=False),
        sa.Column("success_count", sa.Integer(), nullable=False),
        sa.Column("failure_count", sa.Integer(), nullable=False),
        sa.Column("successes", sa.JSON(), nullable=False),
        sa.Column("failures", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxii_statuses")),
    )
    op.create_table(
        "sharing_members",
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("client_of", sa.String(length=64), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["sharing_groups.id"], name=op.f("fk_sharing_members_group_id_sharing_groups")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_sharing_members_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("group_id", "organization_id", name=op.f("pk_sharing_members")),
    )
    op.create_table(
        "taxii_collections",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["sharing_groups.id"], name=op.f("fk_taxii_collections_group_id_sharing_groups")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxii_collections")),
    )


def downgrade() -> None:
    op.drop_table("taxii_collections")
    op.drop_table("sharing_members")
    op.drop_table("taxii_statuses")
    op.drop_index("ix_taxii_objects_stix_id", table_name="taxii_objects")
    op.drop_index("ix_taxii_objects_collection_seq", table_name="taxii_objects")
    op.drop_table("taxii_objects")
    op.drop_table("sharing_stix_ids")
    op.drop_table("sharing_groups")
    op.drop_index("ix_sharing_exchanges_org", table_name="sharing_exchanges")
    op.drop_table("sharing_exchanges")
    op.drop_table("shared_advisories")
