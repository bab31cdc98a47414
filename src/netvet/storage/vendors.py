"""The organisation's canonical vendors: every name its inventory writes, resolved through the latest
screening (with the analysts' decisions) and the vendor directory (netvet.screening.vendors)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl
from sqlalchemy import Connection, func, select

from netvet.screening.vendors import CanonicalVendor, asset_vendor, canonical_vendors, vendor_names
from netvet.storage.inventory import distinct_supplier_names
from netvet.storage.screening import vendor_evidence
from netvet.storage.tables import assets


def organization_vendors(
    conn: Connection, organization_id: str, at: date | None = None
) -> dict[str, CanonicalVendor]:
    """Each vendor, manufacturer and component supplier name as written -> its canonical vendor; the
    names are weighed by how many assets give them as vendor (the most written spelling names a group)."""
    counts = {
        str(vendor): int(n)
        for vendor, n in conn.execute(
            select(assets.c.vendor, func.count())
            .where(assets.c.organization_id == organization_id)
            .group_by(assets.c.vendor)
        )
    }
    written = {name: counts.get(name, 0) for name in distinct_supplier_names(conn, organization_id)}
    return canonical_vendors(written, vendor_evidence(conn, organization_id, at))


def with_canonical_vendors(
    conn: Connection,
    organization_id: str,
    frame: pl.DataFrame,
    vendors: Mapping[str, CanonicalVendor],
) -> pl.DataFrame:
    """The findings with each asset's canonical vendor and restricted entity beside the vendor as written
    (the manufacturer's where screening resolved only it, netvet.screening.vendors.asset_vendor)."""
    written = [str(v) for v in frame.get_column("vendor").drop_nulls().unique().to_list()]
    pairs = conn.execute(
        select(assets.c.id, assets.c.vendor, assets.c.manufacturer).where(
            assets.c.organization_id == organization_id,
            assets.c.manufacturer.is_not(None),
            assets.c.manufacturer != assets.c.vendor,
        )
    ).all()
    resolved = vendor_names(
        dict.fromkeys([*written, *(str(m) for _, _, m in pairs), *(str(v) for _, v, _ in pairs)], 1), vendors
    )
    by_asset = {
        str(asset_id): chosen
        for asset_id, vendor, manufacturer in pairs
        if (chosen := asset_vendor(resolved[vendor], resolved[manufacturer])) is not resolved[vendor]
    }

    def column(field: str, alias: str) -> pl.Expr:
        of_vendor = {n: getattr(v, field) for n, v in resolved.items()}
        of_asset = {a: getattr(v, field) for a, v in by_asset.items()}
        return pl.coalesce(
            pl.col("asset_id").replace_strict(of_asset, default=None, return_dtype=pl.String),
            pl.col("vendor").replace_strict(of_vendor, default=None, return_dtype=pl.String),
        ).alias(alias)

    return frame.with_columns(column("name", "vendor_canonical"), column("entity_id", "vendor_entity_id"))
