"""TAXII 2.1 storage: the objects in each collection with their releases, and the status of each post
(reading them as a reader may: `storage.taxii_read`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Index,
    Integer,
    RowMapping,
    String,
    Table,
    Text,
    delete,
    select,
)

from netvet.sharing.posting import Admitted, Held, HeldVersion, Known, admit, held_from_rows
from netvet.sharing.release import ReleaseRefused
from netvet.sharing.timestamps import parse_timestamp, stix_timestamp
from netvet.storage.sharing import Collection, Group, own_identity
from netvet.storage.tables import metadata

ID_BATCH = 900  # SQLite's bound-parameter limit is far above; PostgreSQL plans small IN lists well

taxii_objects = Table(
    "taxii_objects",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("collection_id", String(36), nullable=False),
    Column("stix_id", String(300), nullable=False),
    Column("stix_type", Text, nullable=False),
    Column("version", DateTime(timezone=True)),  # `modified` (or `created`); none for an observable
    Column("spec_version", String(8), nullable=False),
    Column("date_added", DateTime(timezone=True), nullable=False),
    Column("posted_by", String(64), nullable=False),
    Column("producer", String(64), nullable=False),
    Column("tlp", String(16), nullable=False),
    Column("releases", JSON, nullable=False),
    Column("body", JSON, nullable=False),
    Index("ix_taxii_objects_collection_seq", "collection_id", "seq"),
    Index("ix_taxii_objects_stix_id", "stix_id"),
)

taxii_statuses = Table(
    "taxii_statuses",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("group_id", String(64), nullable=False),
    Column("organization_id", String(64), nullable=False),
    Column("request_timestamp", DateTime(timezone=True), nullable=False),
    Column("total_count", Integer, nullable=False),
    Column("success_count", Integer, nullable=False),
    Column("failure_count", Integer, nullable=False),
    Column("successes", JSON, nullable=False),
    Column("failures", JSON, nullable=False),
)


def aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


# --- posting -------------------------------------------------------------------------------------


@dataclass
class PostStatus:
    id: str
    request_timestamp: datetime
    successes: list[dict[str, str]] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.successes) + len(self.failures)

    def as_taxii(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": "complete",
            "request_timestamp": stix_timestamp(self.request_timestamp),
            "total_count": self.total,
            "success_count": len(self.successes),
            "successes": self.successes,
            "failure_count": len(self.failures),
            "failures": self.failures,
            "pending_count": 0,
            "pendings": [],
        }


def _held(conn: Connection, ids: Sequence[str]) -> dict[str, Held]:
    rows: list[RowMapping] = []
    for start in range(0, len(ids), ID_BATCH):
        query = (
            select(
                taxii_objects.c.stix_id,
                taxii_objects.c.version,
                taxii_objects.c.producer,
                taxii_objects.c.tlp,
                taxii_objects.c.releases,
                taxii_objects.c.seq,
            )
            .where(taxii_objects.c.stix_id.in_(ids[start : start + ID_BATCH]))
            .order_by(taxii_objects.c.seq)
        )
        rows.extend(conn.execute(query).mappings())
    rows.sort(key=lambda r: r["seq"])
    return held_from_rows(
        {**row, "version": stix_timestamp(row["version"]) if row["version"] else None} for row in rows
    )


def _poster_identities(conn: Connection, poster: str) -> set[str]:
    query = select(taxii_objects.c.stix_id).where(
        taxii_objects.c.producer == poster, taxii_objects.c.stix_type == "identity"
    )
    found = {row[0] for row in conn.execute(query.distinct())}
    exported = own_identity(conn, poster)
    if exported:
        found.add(exported)
    return found


def _present(conn: Connection, collection_id: str, ids: Sequence[str], poster: str) -> set[tuple[str, str]]:
    """(stix id, version) the poster already put in this collection."""
    present: set[tuple[str, str]] = set()
    for start in range(0, len(ids), ID_BATCH):
        query = select(taxii_objects.c.stix_id, taxii_objects.c.version).where(
            taxii_objects.c.collection_id == collection_id,
            taxii_objects.c.posted_by == poster,
            taxii_objects.c.stix_id.in_(ids[start : start + ID_BATCH]),
            taxii_objects.c.version.is_not(None),
        )
        present.update((row[0], stix_timestamp(row[1])) for row in conn.execute(query))
    return present


def add_objects(
    conn: Connection,
    collection: Collection,
    group: Group,
    poster: str,
    objects: Sequence[Any],
    addressed: Iterable[str] | None = None,
) -> PostStatus:
    """Store what TLP and provenance allow of a post, in one transaction; the rest is reported."""
    at = datetime.now(UTC)
    status = PostStatus(str(uuid.uuid4()), at)
    ids = sorted({o["id"] for o in objects if isinstance(o, dict) and isinstance(o.get("id"), str)})
    held = _held(conn, ids)
    identities = _poster_identities(conn, poster)
    present = _present(conn, collection.id, ids, poster)
    addressed = list(addressed) if addressed else None
    rows: list[dict[str, Any]] = []
    replaced_observables: list[str] = []
    for obj in objects:
        stix_id = obj.get("id", "") if isinstance(obj, dict) else ""
        try:
            outcome = admit(obj, poster, identities, held.get(stix_id), group.member_ids, addressed)
        except ReleaseRefused as refusal:
            status.failures.append({"id": str(stix_id), "message": str(refusal)})
            continue
        if isinstance(outcome, Known):
            status.successes.append(
                {"id": outcome.stix_id, "message": "a TLP marking definition this server knows"}
            )
            continue
        version = outcome.version
        status.successes.append({"id": outcome.stix_id, "version": version or stix_timestamp(at)})
        if version is not None:
            if (outcome.stix_id, version) in present:
                continue
            present.add((outcome.stix_id, version))
            entry = held.setdefault(outcome.stix_id, Held(outcome.producer))
            entry.versions.setdefault(version, HeldVersion(outcome.tlp, outcome.releases))
        else:
            replaced_observables.append(outcome.stix_id)
        rows.append(_row(collection.id, poster, outcome, at))
    for start in range(0, len(replaced_observables), ID_BATCH):
        conn.execute(
            delete(taxii_objects).where(
                taxii_objects.c.collection_id == collection.id,
                taxii_objects.c.posted_by == poster,
                taxii_objects.c.version.is_(None),
                taxii_objects.c.stix_id.in_(replaced_observables[start : start + ID_BATCH]),
            )
        )
    for start in range(0, len(rows), 1000):
        conn.execute(taxii_objects.insert(), rows[start : start + 1000])
    conn.execute(
        taxii_statuses.insert().values(
            id=status.id,
            group_id=group.id,
            organization_id=poster,
            request_timestamp=at,
            total_count=status.total,
            success_count=len(status.successes),
            failure_count=len(status.failures),
            successes=status.successes,
            failures=status.failures,
        )
    )
    return status


def _row(collection_id: str, poster: str, admitted: Admitted, at: datetime) -> dict[str, Any]:
    return {
        "collection_id": collection_id,
        "stix_id": admitted.stix_id,
        "stix_type": admitted.stix_type,
        "version": parse_timestamp(admitted.version) if admitted.version else None,
        "spec_version": admitted.spec_version,
        "date_added": at,
        "posted_by": poster,
        "producer": admitted.producer,
        "tlp": admitted.tlp.value,
        "releases": [r.as_json() for r in admitted.releases],
        "body": admitted.body,
    }


def get_status(conn: Connection, group_id: str, status_id: str, organization_id: str) -> PostStatus | None:
    """A post's status, for the organisation that posted it only."""
    row = (
        conn.execute(
            select(taxii_statuses).where(
                taxii_statuses.c.id == status_id,
                taxii_statuses.c.group_id == group_id,
                taxii_statuses.c.organization_id == organization_id,
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    return PostStatus(
        row["id"], aware(row["request_timestamp"]) or datetime.now(UTC), row["successes"], row["failures"]
    )
