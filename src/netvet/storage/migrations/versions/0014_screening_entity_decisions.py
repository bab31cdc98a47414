"""Screening decisions per screened name and entity, not per list entry.

Decisions taken before recorded one row per list entry ("Huawie" against Huawei: five rows, one per list,
written together). Each such group becomes one decision carrying the hash of every entry it covered, so
it stays in force exactly while those entries are unchanged. A decision taken for one list only covers
that list's entry: where the entity is on other lists too, the name comes back for review.

Revision ID: 0014_screening_entity_decisions
Revises: 0007_screening_decisions_org
Create Date: 2026-12-06
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0014_screening_entity_decisions"
down_revision: str | Sequence[str] | None = "0007_screening_decisions_org"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GROUP = (
    "organization_id",
    "name_key",
    "name",
    "entity_id",
    "decision",
    "reason",
    "decided_by",
    "decided_at",
)


def upgrade() -> None:
    conn = op.get_bind()
    old = sa.table(
        "screening_decisions",
        *(sa.column(c) for c in ("id", *_GROUP, "list_id", "entry_hash")),
    )
    groups: dict[tuple[Any, ...], dict[str, str]] = {}
    for row in conn.execute(sa.select(old).order_by(old.c.id)).mappings():
        groups.setdefault(tuple(row[c] for c in _GROUP), {})[row["list_id"]] = row["entry_hash"]
    with op.batch_alter_table("screening_decisions") as batch:
        batch.drop_index("ix_screening_decisions_key")
        batch.drop_column("list_id")
        batch.drop_column("entry_hash")
        batch.add_column(sa.Column("entry_hashes", sa.JSON(), nullable=False, server_default="{}"))
        batch.create_index("ix_screening_decisions_entity", ["entity_id"])
    new = sa.table(
        "screening_decisions", *(sa.column(c) for c in _GROUP), sa.column("entry_hashes", sa.JSON())
    )
    conn.execute(sa.delete(new))
    rows = [dict(zip(_GROUP, key, strict=True)) | {"entry_hashes": hashes} for key, hashes in groups.items()]
    if rows:
        conn.execute(new.insert(), rows)
    with op.batch_alter_table("screening_decisions") as batch:
        batch.alter_column("entry_hashes", server_default=None)


def downgrade() -> None:
    conn = op.get_bind()
    new = sa.table(
        "screening_decisions",
        *(sa.column(c) for c in ("id", *_GROUP)),
        sa.column("entry_hashes", sa.JSON()),
    )
    rows = [dict(r) for r in conn.execute(sa.select(new).order_by(new.c.id)).mappings()]
    with op.batch_alter_table("screening_decisions") as batch:
        batch.drop_index("ix_screening_decisions_entity")
        batch.drop_column("entry_hashes")
        batch.add_column(sa.Column("list_id", sa.String(length=64), nullable=False, server_default=""))
        batch.add_column(sa.Column("entry_hash", sa.String(length=32), nullable=False, server_default=""))
        batch.create_index("ix_screening_decisions_key", ["list_id", "entity_id"])
    old = sa.table("screening_decisions", *(sa.column(c) for c in (*_GROUP, "list_id", "entry_hash")))
    conn.execute(sa.delete(old))
    out = [
        {c: r[c] for c in _GROUP} | {"list_id": lst, "entry_hash": h}
        for r in rows
        for lst, h in sorted((r["entry_hashes"] or {}).items())
    ]
    if out:
        conn.execute(old.insert(), out)
