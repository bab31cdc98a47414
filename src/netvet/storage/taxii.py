"""TAXII 2.1 storage: the objects in each collection with their releases, and the status of each post.

Reading applies the releases (TLP) row by row: pages are cut by the row sequence (keyset paging, so a
page costs the same at object 100,000 as at object 1), and each page keeps reading rows until it has
`limit` objects the reader may see.
"""

from __future__ import annotations

import json
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
    and_,
    cast,
    delete,
    func,
    select,
)

from netvet.sharing.posting import Admitted, Held, HeldVersion, Known, admit, held_from_rows
from netvet.sharing.release import Circle, Release, ReleaseRefused, readable, readers
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


def _aware(value: datetime | None) -> datetime | None:
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
        row["id"], _aware(row["request_timestamp"]) or datetime.now(UTC), row["successes"], row["failures"]
    )


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectQuery:
    """TAXII 2.1 filters (match[...] and added_after), a page size and where the last page ended."""

    limit: int
    after_seq: int = 0
    added_after: datetime | None = None
    ids: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    spec_versions: frozenset[str] = frozenset()
    versions: frozenset[str] = frozenset({"last"})  # last, first, all, or timestamps


@dataclass(frozen=True)
class StoredObject:
    seq: int
    stix_id: str
    version: str  # the object's version, or for an observable when it was added
    date_added: datetime
    spec_version: str
    body: dict[str, Any] | None


@dataclass(frozen=True)
class ObjectPage:
    objects: list[StoredObject]
    more: bool
    next_seq: int | None


_ROW = (
    taxii_objects.c.seq,
    taxii_objects.c.stix_id,
    taxii_objects.c.version,
    taxii_objects.c.date_added,
    taxii_objects.c.spec_version,
)
# Read as text: rows share a handful of distinct releases, each parsed and judged once per page.
_RELEASES_TEXT = cast(taxii_objects.c.releases, Text).label("releases_text")


class _Visibility:
    """Whether the reader may see rows with these releases (JSON text), judged once per distinct text."""

    def __init__(self, reader: str, circle: Circle) -> None:
        self.reader = reader
        self.circle = circle
        self.known: dict[str, bool] = {}

    def __call__(self, text: str) -> bool:
        verdict = self.known.get(text)
        if verdict is None:
            releases = [Release.from_json(r) for r in json.loads(text)]
            verdict = self.known[text] = readable(releases, self.reader, self.circle)
        return verdict


def _filters(collection_id: str, query: ObjectQuery) -> list[Any]:
    where = [taxii_objects.c.collection_id == collection_id]
    if query.added_after is not None:
        where.append(taxii_objects.c.date_added > query.added_after)
    if query.ids:
        where.append(taxii_objects.c.stix_id.in_(sorted(query.ids)))
    if query.types:
        where.append(taxii_objects.c.stix_type.in_(sorted(query.types)))
    if query.spec_versions:
        where.append(taxii_objects.c.spec_version.in_(sorted(query.spec_versions)))
    return where


def _version_of(row: RowMapping) -> datetime:
    version = _aware(row["version"]) or _aware(row["date_added"])
    assert version is not None
    return version


def _chosen(
    conn: Connection, collection_id: str, ids: set[str], visible: _Visibility, query: ObjectQuery
) -> set[int]:
    """The rows (by seq) to show for these ids: one per version the reader may see, and only the
    newest (`last`) or oldest (`first`) of those unless all or given versions were asked for."""
    rows: list[RowMapping] = []
    id_list = sorted(ids)
    for start in range(0, len(id_list), ID_BATCH):
        select_rows = select(*_ROW, _RELEASES_TEXT).where(
            taxii_objects.c.collection_id == collection_id,
            taxii_objects.c.stix_id.in_(id_list[start : start + ID_BATCH]),
        )
        rows.extend(conn.execute(select_rows).mappings())
    wanted = {parse_timestamp(v) for v in query.versions if v not in ("last", "first", "all")}
    first_of: dict[tuple[str, datetime], int] = {}
    for row in sorted(rows, key=lambda r: r["seq"]):
        if not visible(row["releases_text"]):
            continue
        version = _version_of(row)
        first_of.setdefault((row["stix_id"], version), row["seq"])
    if "all" in query.versions:
        return set(first_of.values())
    chosen: set[int] = {seq for (_, version), seq in first_of.items() if version in wanted}
    for pick in ("last", "first"):
        if pick in query.versions:
            best: dict[str, tuple[datetime, int]] = {}
            for (stix_id, version), seq in first_of.items():
                current = best.get(stix_id)
                better = current is None or (version > current[0] if pick == "last" else version < current[0])
                if better:
                    best[stix_id] = (version, seq)
            chosen.update(seq for _, seq in best.values())
    return chosen


def read_page(
    conn: Connection, collection_id: str, reader: str, circle: Circle, query: ObjectQuery, with_body: bool
) -> ObjectPage:
    """One page of what `reader` may see in the collection, in the order objects were added."""
    where = _filters(collection_id, query)
    columns = [*_ROW, taxii_objects.c.body] if with_body else list(_ROW)
    visible = _Visibility(reader, circle)
    chunk = min(max(query.limit * 2, 256), 5000)
    cursor = query.after_seq
    found: list[StoredObject] = []
    while True:
        batch = list(
            conn.execute(
                select(*columns)
                .where(and_(*where, taxii_objects.c.seq > cursor))
                .order_by(taxii_objects.c.seq)
                .limit(chunk)
            ).mappings()
        )
        if not batch:
            return ObjectPage(found, False, None)
        chosen = _chosen(conn, collection_id, {row["stix_id"] for row in batch}, visible, query)
        for row in batch:
            if row["seq"] not in chosen:
                continue
            if len(found) == query.limit:
                return ObjectPage(found, True, found[-1].seq)
            found.append(
                StoredObject(
                    row["seq"],
                    row["stix_id"],
                    stix_timestamp(_version_of(row)),
                    _aware(row["date_added"]) or datetime.now(UTC),
                    row["spec_version"],
                    row["body"] if with_body else None,
                )
            )
        cursor = batch[-1]["seq"]
        if len(batch) < chunk:
            return ObjectPage(found, False, None)
        if len(found) == query.limit:
            return ObjectPage(found, True, found[-1].seq)


# --- what was shared with whom -------------------------------------------------------------------


@dataclass(frozen=True)
class SharedLot:
    """Objects of one collection with the same producer, marking and releases, and who may read them."""

    collection_id: str
    producer: str
    tlp: str
    objects: int
    readers: frozenset[str]


def shared_lots(
    conn: Connection, organization_id: str, circle: Circle, organisations: Iterable[str]
) -> tuple[list[SharedLot], list[SharedLot]]:
    """(what the organisation posted, what others posted that it may read), counted by lot.

    Grouped in SQL by the releases' text, so the cost is one row per distinct release, not per object.
    """
    everyone = list(organisations)
    releases_text = cast(taxii_objects.c.releases, Text)
    query = select(
        taxii_objects.c.collection_id,
        taxii_objects.c.posted_by,
        taxii_objects.c.producer,
        taxii_objects.c.tlp,
        releases_text,
        func.count(),
    ).group_by(
        taxii_objects.c.collection_id,
        taxii_objects.c.posted_by,
        taxii_objects.c.producer,
        taxii_objects.c.tlp,
        releases_text,
    )
    sent: list[SharedLot] = []
    received: list[SharedLot] = []
    for collection_id, posted_by, producer, tlp, text, count in conn.execute(query):
        releases = [Release.from_json(r) for r in json.loads(text)]
        lot = SharedLot(
            collection_id, producer, tlp, int(count), frozenset(readers(releases, everyone, circle))
        )
        if posted_by == organization_id:
            sent.append(lot)
        elif producer != organization_id and organization_id in lot.readers:
            received.append(lot)
    return sent, received
