"""Advisory storage: loaded advisories (parsed form kept as JSON), the KEV catalogue, match results."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Index,
    String,
    Table,
    Text,
    delete,
    func,
    select,
)

from netvet.advisories.asset_index import AssetView, ComponentView
from netvet.advisories.matcher import Match
from netvet.advisories.model import Advisory, KevEntry, ParsedDocument
from netvet.storage.inventory import ID_BATCH, upsert
from netvet.storage.tables import assets, components, metadata

advisories = Table(
    "advisories",
    metadata,
    Column("id", Text, primary_key=True),  # CSAF tracking ids have no length limit
    Column("source_format", String(8), nullable=False),
    Column("title", Text, nullable=False),
    Column("publisher", Text),
    Column("published", String(40)),
    Column("category", Text),
    Column("source_file", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    # The reader's output (criteria with version ranges), so matching never re-parses documents.
    Column("parsed", JSON, nullable=False),
)

kev_entries = Table(
    "kev_entries",
    metadata,
    Column("cve", String(32), primary_key=True),
    Column("vendor_project", Text, nullable=False),
    Column("product", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("date_added", Date, nullable=False),
    Column("due_date", Date),
    Column("known_ransomware", Boolean, nullable=False),
)

advisory_matches = Table(
    "advisory_matches",
    metadata,
    Column("organization_id", String(64), primary_key=True),
    Column("advisory_id", Text, primary_key=True),
    Column("vulnerability", Text, primary_key=True),
    Column("asset_id", String(128), primary_key=True),
    Column("cve", String(32)),
    Column("status", String(16), nullable=False),
    Column("matched_by", Text, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("matched_at", DateTime(timezone=True), nullable=False),
    Index("ix_advisory_matches_org_status", "organization_id", "status"),
)

BATCH = 5_000


def store_document(conn: Connection, document: ParsedDocument, sha256: str) -> int:
    """Store a validated document's advisories (replacing earlier loads of the same id) or KEV entries."""
    now = datetime.now(UTC)
    rows = [
        {
            "id": a.id,
            "source_format": a.source_format.value,
            "title": a.title,
            "publisher": a.publisher,
            "published": a.published,
            "category": a.category,
            "source_file": document.source,
            "sha256": sha256,
            "loaded_at": now,
            "parsed": a.model_dump(mode="json"),
        }
        for a in document.advisories
    ]
    for start in range(0, len(rows), BATCH):
        upsert(conn, advisories, rows[start : start + BATCH], ["id"])
    kev_rows = [
        {
            "cve": k.cve,
            "vendor_project": k.vendor_project,
            "product": k.product,
            "name": k.name,
            "date_added": k.date_added,
            "due_date": k.due_date,
            "known_ransomware": k.known_ransomware,
        }
        for k in document.kev
    ]
    for start in range(0, len(kev_rows), BATCH):
        upsert(conn, kev_entries, kev_rows[start : start + BATCH], ["cve"])
    return len(rows) + len(kev_rows)


def iter_advisories(conn: Connection, ids: Collection[str] | None = None) -> Iterator[Advisory]:
    """Every stored advisory, or only those with these ids (a ranking needs only the advisories an
    organisation's matches name: parsing every stored one costs every organisation for all)."""
    for parsed in iter_parsed(conn, ids):
        yield Advisory.model_validate(parsed)


def iter_parsed(conn: Connection, ids: Collection[str] | None = None) -> Iterator[dict[str, Any]]:
    """The stored advisories as JSON (`Advisory.model_dump`), every one or only those with these ids."""
    if ids is None:
        yield from conn.execute(select(advisories.c.parsed).order_by(advisories.c.id)).scalars()
        return
    wanted = sorted(ids)
    for start in range(0, len(wanted), ID_BATCH):
        query = select(advisories.c.parsed).where(advisories.c.id.in_(wanted[start : start + ID_BATCH]))
        yield from conn.execute(query.order_by(advisories.c.id)).scalars()


def count_advisories(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(advisories)).scalar_one())


def kev_catalogue(conn: Connection) -> dict[str, KevEntry]:
    return {
        row["cve"]: KevEntry.model_validate(dict(row)) for row in conn.execute(select(kev_entries)).mappings()
    }


def load_asset_views(conn: Connection, organization_id: str) -> list[AssetView]:
    """The inventory in the shape matching needs, with a plain select (no model objects per row)."""
    parts: dict[str, list[ComponentView]] = {}
    component_query = (
        select(components.c.asset_id, components.c.name, components.c.supplier, components.c.version)
        .where(components.c.organization_id == organization_id)
        .order_by(components.c.asset_id, components.c.position)
    )
    for asset_id, name, supplier, version in conn.execute(component_query):
        parts.setdefault(asset_id, []).append(ComponentView(name, supplier, version))
    query = select(
        assets.c.id,
        assets.c.vendor,
        assets.c.model,
        assets.c.software_version,
        assets.c.hardware_version,
        assets.c.part_number,
        assets.c.manufacturer,
        assets.c.domain,
        assets.c.platform,
    ).where(assets.c.organization_id == organization_id)
    return [
        AssetView(
            id=row[0],
            vendor=row[1],
            model=row[2],
            software_version=row[3],
            hardware_version=row[4],
            part_number=row[5],
            manufacturer=row[6],
            domain=row[7],
            components=tuple(parts.get(row[0], ())),
            platform=row[8],
        )
        for row in conn.execute(query)
    ]


_MATCH_COLUMNS = (
    "organization_id",
    "advisory_id",
    "vulnerability",
    "asset_id",
    "cve",
    "status",
    "matched_by",
    "explanation",
    "matched_at",
)


def replace_matches(conn: Connection, organization_id: str, matches: Iterable[Match]) -> int:
    """The organisation's match results, replaced whole (a new run supersedes the last).

    Rows go through the driver's executemany: a large network gives millions of rows, where
    SQLAlchemy's per-row parameter processing would cost more than the database does.
    """
    conn.execute(delete(advisory_matches).where(advisory_matches.c.organization_id == organization_id))
    now: Any = datetime.now(UTC)
    if conn.dialect.name == "sqlite":
        # The text form SQLAlchemy's SQLite DateTime type writes and reads back.
        now = now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO advisory_matches ({', '.join(_MATCH_COLUMNS)}) "
        f"VALUES ({', '.join([marker] * len(_MATCH_COLUMNS))})"
    )
    count = 0
    batch: list[tuple[Any, ...]] = []
    for m in matches:
        batch.append(
            (organization_id, m.advisory_id, m.vulnerability, m.asset_id, m.cve, m.status.value,
             m.matched_by, m.explanation, now)
        )  # fmt: skip
        if len(batch) >= BATCH:
            conn.exec_driver_sql(sql, batch)
            count += len(batch)
            batch = []
    if batch:
        conn.exec_driver_sql(sql, batch)
        count += len(batch)
    return count


def list_matches(
    conn: Connection, organization_id: str, statuses: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    query = (
        select(advisory_matches)
        .where(advisory_matches.c.organization_id == organization_id)
        .order_by(
            advisory_matches.c.advisory_id, advisory_matches.c.vulnerability, advisory_matches.c.asset_id
        )
    )
    if statuses:
        query = query.where(advisory_matches.c.status.in_(list(statuses)))
    return [dict(row) for row in conn.execute(query).mappings()]
