"""Reading TAXII collections as a reader may: keyset pages filtered by TLP, versions, and what was shared
with whom.

Reading applies the releases (TLP) row by row: pages are cut by the row sequence (keyset paging, so a
page costs the same at object 100,000 as at object 1), and each page keeps reading rows until it has
`limit` objects the reader may see.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, Text, and_, cast, func, select

from netvet.sharing.release import Circle, Release, readable, readers
from netvet.sharing.timestamps import parse_timestamp, stix_timestamp
from netvet.storage.taxii import ID_BATCH, aware, taxii_objects

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
    version = aware(row["version"]) or aware(row["date_added"])
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
                    aware(row["date_added"]) or datetime.now(UTC),
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
