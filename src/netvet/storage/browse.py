"""Paged, filtered reads of the inventory for the API and dashboard (one query per page, plus a count)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select, union
from sqlalchemy.engine import Connection

from netvet.storage import findings as stored
from netvet.storage.tables import assets, components, sites

_SITE_ON_ASSET = (assets.c.organization_id == sites.c.organization_id) & (assets.c.site_id == sites.c.id)


@dataclass(frozen=True)
class AssetFilter:
    vendor: str | None = None
    domain: str | None = None
    region: str | None = None
    site_id: str | None = None
    status: str | None = None  # worst finding status in the latest stored assessment, or "clear"


def _page(conn: Connection, query: Select[Any], offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
    total = int(conn.execute(select(func.count()).select_from(query.subquery())).scalar_one())
    rows = conn.execute(query.offset(offset).limit(limit)).mappings()
    return total, [dict(row) for row in rows]


def _status_clause(column: Any, id_column: str, status: str, result: stored.StoredResult | None) -> Any:
    if result is None:
        # Nothing assessed yet: every asset counts as clear, none as anything else.
        return column.is_not(None) if status == stored.CLEAR else column.is_(None)
    if status == stored.CLEAR:
        return column.not_in(stored.ids_with_findings(result.id, id_column))
    return column.in_(stored.ids_with_status(result.id, id_column, status))


def asset_page(
    conn: Connection,
    organization_id: str,
    wanted: AssetFilter,
    offset: int,
    limit: int,
    result: stored.StoredResult | None = None,
) -> tuple[int, list[dict[str, Any]]]:
    columns = [c for c in assets.c if c.name not in ("row_hash", "organization_id")]
    query = (
        select(*columns, sites.c.region, sites.c.country)
        .select_from(assets.join(sites, _SITE_ON_ASSET))
        .where(assets.c.organization_id == organization_id)
        .order_by(assets.c.id)
    )
    if wanted.vendor is not None:
        query = query.where(func.lower(assets.c.vendor) == wanted.vendor.lower())
    if wanted.domain is not None:
        query = query.where(assets.c.domain == wanted.domain)
    if wanted.region is not None:
        query = query.where(sites.c.region == wanted.region)
    if wanted.site_id is not None:
        query = query.where(assets.c.site_id == wanted.site_id)
    if wanted.status is not None:
        query = query.where(_status_clause(assets.c.id, "asset_id", wanted.status, result))
    return _page(conn, query, offset, limit)


def get_asset(conn: Connection, organization_id: str, asset_id: str) -> dict[str, Any] | None:
    columns = [c for c in assets.c if c.name not in ("row_hash", "organization_id")]
    query = (
        select(*columns, sites.c.region, sites.c.country)
        .select_from(assets.join(sites, _SITE_ON_ASSET))
        .where(assets.c.organization_id == organization_id, assets.c.id == asset_id)
    )
    row = conn.execute(query).mappings().first()
    if row is None:
        return None
    asset = dict(row)
    parts = select(components.c.name, components.c.supplier, components.c.kind, components.c.version).where(
        components.c.organization_id == organization_id, components.c.asset_id == asset_id
    )
    asset["components"] = [dict(c) for c in conn.execute(parts.order_by(components.c.position)).mappings()]
    return asset


def site_page(
    conn: Connection,
    organization_id: str,
    offset: int,
    limit: int,
    region: str | None = None,
    country: str | None = None,
) -> tuple[int, list[dict[str, Any]]]:
    counts = (
        select(assets.c.site_id, func.count().label("assets"))
        .where(assets.c.organization_id == organization_id)
        .group_by(assets.c.site_id)
        .subquery()
    )
    columns = [c for c in sites.c if c.name != "organization_id"]
    query = (
        select(*columns, func.coalesce(counts.c.assets, 0).label("assets"))
        .select_from(sites.outerjoin(counts, counts.c.site_id == sites.c.id))
        .where(sites.c.organization_id == organization_id)
        .order_by(sites.c.id)
    )
    if region is not None:
        query = query.where(sites.c.region == region)
    if country is not None:
        query = query.where(sites.c.country == country.upper())
    return _page(conn, query, offset, limit)


def get_site(conn: Connection, organization_id: str, site_id: str) -> dict[str, Any] | None:
    columns = [c for c in sites.c if c.name != "organization_id"]
    query = select(*columns).where(sites.c.organization_id == organization_id, sites.c.id == site_id)
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def distinct_values(conn: Connection, organization_id: str, column: str) -> list[str]:
    """Values for filter menus: asset vendors and domains, site regions."""
    table = sites if column in ("region", "country") else assets
    col = table.c[column]
    query = select(col).where(table.c.organization_id == organization_id, col.is_not(None)).distinct()
    return sorted(str(v) for v in conn.execute(query).scalars())


def site_points(conn: Connection, organization_id: str) -> list[dict[str, Any]]:
    """Every site with coordinates, for the map."""
    query = select(sites.c.id, sites.c.name, sites.c.region, sites.c.latitude, sites.c.longitude).where(
        sites.c.organization_id == organization_id,
        sites.c.latitude.is_not(None),
        sites.c.longitude.is_not(None),
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def assets_per_name(conn: Connection, organization_id: str) -> dict[str, int]:
    """How many assets carry each name, as vendor, manufacturer or component supplier (the names
    screening checks), each asset counted once per name."""
    own_assets = assets.c.organization_id == organization_id
    carriers = union(
        select(assets.c.id.label("asset_id"), assets.c.vendor.label("name")).where(own_assets),
        select(assets.c.id, assets.c.manufacturer).where(own_assets, assets.c.manufacturer.is_not(None)),
        select(components.c.asset_id, components.c.supplier).where(
            components.c.organization_id == organization_id
        ),
    ).subquery()
    query = select(carriers.c.name, func.count()).group_by(carriers.c.name)
    return {name: int(count) for name, count in conn.execute(query)}


def review_queue(conn: Connection, organization_id: str) -> list[dict[str, Any]]:
    """The latest screening run's candidates that need an analyst (raw status review), with the
    decision in force for each (None while open) and how many assets carry the name."""
    from netvet.storage import screening

    book = screening.decision_book(conn, organization_id)
    lists, _ = screening.current_lists(conn)
    hashes = screening.current_entry_hashes(lists)
    usage = assets_per_name(conn, organization_id)
    queue = []
    # One candidate per screened name and entity: a screening result already names the entity once,
    # with every list it is on.
    for row in screening.stored_results(conn, organization_id):
        if row["list_id"] is None or row["raw_status"] != "review":
            continue
        record = book.lookup(row["name_key"], row["entity_id"])
        current = (
            record if record is not None and record.holds_for(hashes.get(row["entity_id"], {})) else None
        )
        queue.append(
            {
                **{k: row[k] for k in ("id", "name", "list_id", "entity_id", "entity_name", "matched_name")},
                "score": float(row["score"]),
                "affiliate_path": list(row["affiliate_path"] or ()),
                "lists": list(row["lists"] or ()),
                "explanation": row["explanation"],
                "assets": int(usage.get(row["name"], 0)),
                "decision": current.decision.value if current else None,
                "reason": current.reason if current else None,
                "decided_by": current.decided_by if current else None,
            }
        )
    return sorted(queue, key=lambda c: (c["decision"] is not None, -c["score"], c["name"]))


def candidate(conn: Connection, organization_id: str, result_id: int) -> dict[str, Any] | None:
    """One candidate of the organisation's latest screening run, or None (another run or organisation)."""
    return next((c for c in review_queue(conn, organization_id) if c["id"] == result_id), None)
