"""Reading and writing the inventory: organisations, sites, assets, components, import records."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from netvet.model.inventory import Asset, Component, Domain, Organization, OrganizationKind, Site
from netvet.storage.tables import assets, components, imports, organizations, sites

DEFAULT_ORGANIZATION = "default"
# SQLite allows 32,766 bound parameters per statement; batches stay well under it.
ID_BATCH = 2000


def ensure_organization(
    conn: Connection,
    organization_id: str,
    name: str | None = None,
    kind: OrganizationKind = OrganizationKind.OPERATOR,
    country: str | None = None,
) -> None:
    exists = conn.execute(select(organizations.c.id).where(organizations.c.id == organization_id)).first()
    if exists is None:
        conn.execute(
            organizations.insert().values(
                id=organization_id,
                name=name or organization_id,
                kind=kind.value,
                country=country,
                aliases=[],
                identifiers={},
                affiliate_ids=[],
                created_at=datetime.now(UTC),
            )
        )


def add_aliases(conn: Connection, organization_id: str, names: Iterable[str]) -> None:
    """Record more names the organisation goes by (a contract binds the signatories named in it)."""
    row = conn.execute(select(organizations.c.aliases).where(organizations.c.id == organization_id)).first()
    if row is None:
        raise KeyError(organization_id)
    known = list(row.aliases or ())
    wanted = known + [n for n in dict.fromkeys(names) if n not in known]
    if wanted != known:
        conn.execute(
            update(organizations).where(organizations.c.id == organization_id).values(aliases=wanted)
        )


def get_organization(conn: Connection, organization_id: str) -> Organization | None:
    row = conn.execute(select(organizations).where(organizations.c.id == organization_id)).mappings().first()
    if row is None:
        return None
    return Organization(
        id=row["id"],
        name=row["name"],
        kind=OrganizationKind(row["kind"]),
        aliases=tuple(row["aliases"] or ()),
        country=row["country"],
        identifiers=dict(row["identifiers"] or {}),
        parent_id=row["parent_id"],
        affiliate_ids=tuple(row["affiliate_ids"] or ()),
    )


def upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    keep_stored_when_null: bool = False,
) -> None:
    """Insert rows, replacing the non-key columns of rows whose key already exists (with
    `keep_stored_when_null`, a None leaves the stored value as it is)."""
    if not rows:
        return
    dialect = conn.dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    columns = [c for c in rows[0] if c not in keys]
    new_values = {
        c: func.coalesce(insert.excluded[c], table.c[c]) if keep_stored_when_null else insert.excluded[c]
        for c in columns
    }
    statement = insert.on_conflict_do_update(index_elements=list(keys), set_=new_values)
    conn.execute(statement, list(rows))


def existing_asset_hashes(conn: Connection, organization_id: str, asset_ids: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(asset_ids), ID_BATCH):
        chunk = asset_ids[start : start + ID_BATCH]
        query = select(assets.c.id, assets.c.row_hash).where(
            assets.c.organization_id == organization_id, assets.c.id.in_(chunk)
        )
        found.update((row.id, row.row_hash) for row in conn.execute(query))
    return found


def insert_assets(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Bulk insert through the driver's executemany: the hot path of a first import of millions of rows,
    where SQLAlchemy's per-row parameter processing would cost more than the database does."""
    if not rows:
        return
    columns = list(rows[0])
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO assets ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"
    if conn.dialect.name == "sqlite":
        # Stored as ISO text, as SQLAlchemy's SQLite Date type does.
        values = [tuple(_sqlite_value(row[c]) for c in columns) for row in rows]
    else:
        values = [tuple(row[c] for c in columns) for row in rows]
    conn.exec_driver_sql(sql, values)


def _sqlite_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def update_assets(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    if not rows:
        return
    columns = [c for c in rows[0] if c not in ("organization_id", "id")]
    statement = (
        update(assets)
        .where(assets.c.organization_id == bindparam("b_org"), assets.c.id == bindparam("b_id"))
        .values({c: bindparam(c) for c in columns})
    )
    params = [{**{c: r[c] for c in columns}, "b_org": r["organization_id"], "b_id": r["id"]} for r in rows]
    conn.execute(statement, params)


def replace_components(
    conn: Connection, organization_id: str, by_asset: Mapping[str, Sequence[Mapping[str, Any]]]
) -> None:
    if not by_asset:
        return
    ids = list(by_asset)
    for start in range(0, len(ids), ID_BATCH):
        conn.execute(
            components.delete().where(
                components.c.organization_id == organization_id,
                components.c.asset_id.in_(ids[start : start + ID_BATCH]),
            )
        )
    rows = [
        {"organization_id": organization_id, "asset_id": asset_id, **component}
        for asset_id, items in by_asset.items()
        for component in items
    ]
    if rows:
        conn.execute(components.insert(), rows)


def assets_not_in(conn: Connection, organization_id: str, keep: Collection[str]) -> list[str]:
    """Ids of the organisation's stored assets that are not in `keep`."""
    stored = conn.execute(select(assets.c.id).where(assets.c.organization_id == organization_id)).scalars()
    return [asset_id for asset_id in stored if asset_id not in keep]


def remove_assets(conn: Connection, organization_id: str, asset_ids: Sequence[str]) -> int:
    """Delete the organisation's assets with these ids, then its sites left with no asset."""
    for start in range(0, len(asset_ids), ID_BATCH):
        chunk = asset_ids[start : start + ID_BATCH]
        owned = (components.c.organization_id == organization_id) & components.c.asset_id.in_(chunk)
        conn.execute(components.delete().where(owned))
        conn.execute(
            assets.delete().where(assets.c.organization_id == organization_id, assets.c.id.in_(chunk))
        )
    used = select(assets.c.site_id).where(assets.c.organization_id == organization_id)
    conn.execute(sites.delete().where(sites.c.organization_id == organization_id, sites.c.id.not_in(used)))
    return len(asset_ids)


def record_import(conn: Connection, **values: Any) -> int:
    result = conn.execute(imports.insert().values(**values))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def list_imports(conn: Connection, organization_id: str) -> list[dict[str, Any]]:
    query = select(imports).where(imports.c.organization_id == organization_id).order_by(imports.c.id)
    return [dict(row) for row in conn.execute(query).mappings()]


def count_assets(conn: Connection, organization_id: str) -> int:
    query = select(func.count()).select_from(assets).where(assets.c.organization_id == organization_id)
    return int(conn.execute(query).scalar_one())


def count_sites(conn: Connection, organization_id: str) -> int:
    query = select(func.count()).select_from(sites).where(sites.c.organization_id == organization_id)
    return int(conn.execute(query).scalar_one())


def assets_by_vendor_and_domain(
    conn: Connection, organization_id: str
) -> list[tuple[str, str | None, str, int]]:
    """Asset counts per vendor and manufacturer (as written) and domain, largest first."""
    query = (
        select(assets.c.vendor, assets.c.manufacturer, assets.c.domain, func.count().label("n"))
        .where(assets.c.organization_id == organization_id)
        .group_by(assets.c.vendor, assets.c.manufacturer, assets.c.domain)
        .order_by(func.count().desc(), assets.c.vendor, assets.c.manufacturer, assets.c.domain)
    )
    return [(row.vendor, row.manufacturer, row.domain, int(row.n)) for row in conn.execute(query)]


def iter_sites(conn: Connection, organization_id: str) -> Iterator[Site]:
    query = select(sites).where(sites.c.organization_id == organization_id).order_by(sites.c.id)
    for row in conn.execute(query).mappings():
        yield Site(
            id=row["id"],
            name=row["name"],
            region=row["region"],
            country=row["country"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            kind=row["kind"],
            national_security=row["national_security"],
        )


def iter_assets(
    conn: Connection, organization_id: str, asset_ids: Iterable[str] | None = None
) -> Iterator[Asset]:
    """Assets with their components, in id order (optionally only the ids given)."""
    query = select(assets).where(assets.c.organization_id == organization_id).order_by(assets.c.id)
    component_query = (
        select(components)
        .where(components.c.organization_id == organization_id)
        .order_by(components.c.asset_id, components.c.position)
    )
    if asset_ids is not None:
        wanted = list(asset_ids)
        query = query.where(assets.c.id.in_(wanted))
        component_query = component_query.where(components.c.asset_id.in_(wanted))
    by_asset: dict[str, list[Component]] = {}
    for row in conn.execute(component_query).mappings():
        by_asset.setdefault(row["asset_id"], []).append(
            Component(name=row["name"], supplier=row["supplier"], kind=row["kind"], version=row["version"])
        )
    for row in conn.execute(query).mappings():
        yield Asset(
            id=row["id"],
            site_id=row["site_id"],
            vendor=row["vendor"],
            role=row["role"],
            domain=Domain(row["domain"]),
            manufacturer=row["manufacturer"],
            model=row["model"],
            part_number=row["part_number"],
            serial_number=row["serial_number"],
            hardware_version=row["hardware_version"],
            software_version=row["software_version"],
            platform=row["platform"],
            technology=row["technology"],
            installed_on=row["installed_on"],
            purchased_on=row["purchased_on"],
            funding=row["funding"],
            components=tuple(by_asset.get(row["id"], ())),
        )


def distinct_supplier_names(conn: Connection, organization_id: str) -> list[str]:
    """Every vendor, manufacturer and component supplier name as written, for screening."""
    names: set[str] = set()
    for column in (assets.c.vendor, assets.c.manufacturer):
        query = (
            select(column).where(assets.c.organization_id == organization_id, column.is_not(None)).distinct()
        )
        names.update(conn.execute(query).scalars())
    query = select(components.c.supplier).where(components.c.organization_id == organization_id).distinct()
    names.update(conn.execute(query).scalars())
    return sorted(names)
