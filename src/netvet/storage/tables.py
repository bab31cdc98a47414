"""The inventory tables. Other areas declare theirs in their own modules on the same `metadata`."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

# Stable constraint names so Alembic migrations read the same on SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

organizations = Table(
    "organizations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("country", String(2)),
    Column("aliases", JSON, nullable=False, default=list),
    Column("identifiers", JSON, nullable=False, default=dict),
    Column("parent_id", String(64)),
    Column("affiliate_ids", JSON, nullable=False, default=list),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sites = Table(
    "sites",
    metadata,
    Column("organization_id", String(64), primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("name", Text),
    Column("region", Text),
    Column("country", String(2)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("kind", String(32)),
    Column("national_security", Boolean),  # null: not recorded
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
)

assets = Table(
    "assets",
    metadata,
    Column("organization_id", String(64), primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("site_id", String(128), nullable=False),
    Column("vendor", Text, nullable=False),
    Column("manufacturer", Text),
    Column("model", Text),
    Column("part_number", Text),
    Column("serial_number", Text),
    Column("hardware_version", Text),
    Column("software_version", Text),
    Column("platform", Text),  # the operating system (migration 0012_advisories_asset_platform)
    Column("role", Text, nullable=False),
    Column("domain", String(16), nullable=False),
    Column("technology", String(32)),
    Column("installed_on", Date),
    Column("purchased_on", Date),
    Column("funding", Text),
    # Hash of the row's content: a re-import compares it instead of every column.
    Column("row_hash", String(32), nullable=False),
    Column("import_id", Integer),
    ForeignKeyConstraint(["organization_id", "site_id"], ["sites.organization_id", "sites.id"]),
    Index("ix_assets_org_vendor", "organization_id", "vendor"),
    Index("ix_assets_org_site", "organization_id", "site_id"),
)

components = Table(
    "components",
    metadata,
    Column("organization_id", String(64), primary_key=True),
    Column("asset_id", String(128), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("supplier", Text, nullable=False),
    Column("kind", String(32)),
    Column("version", Text),
    ForeignKeyConstraint(
        ["organization_id", "asset_id"],
        ["assets.organization_id", "assets.id"],
        ondelete="CASCADE",
    ),
)

imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organization_id", String(64), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("format", String(8), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("rows_added", Integer, nullable=False),
    Column("rows_updated", Integer, nullable=False),
    Column("rows_unchanged", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("imported_by", Text),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
)
