"""The organisation's canonical vendors: every name its inventory writes, resolved through the latest
screening (with the analysts' decisions) and the vendor directory (netvet.screening.vendors)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl
from sqlalchemy import Connection, func, select

from netvet.screening.vendors import CanonicalVendor, canonical_vendors, vendor_names
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


def with_canonical_vendors(frame: pl.DataFrame, vendors: Mapping[str, CanonicalVendor]) -> pl.DataFrame:
    """The findings with each vendor's canonical name and restricted entity beside the name as written."""
    written = [str(v) for v in frame.get_column("vendor").drop_nulls().unique().to_list()]
    resolved = vendor_names(dict.fromkeys(written, 1), vendors)
    return frame.with_columns(
        pl.col("vendor")
        .replace_strict({n: v.name for n, v in resolved.items()}, default=None, return_dtype=pl.String)
        .alias("vendor_canonical"),
        pl.col("vendor")
        .replace_strict({n: v.entity_id for n, v in resolved.items()}, default=None, return_dtype=pl.String)
        .alias("vendor_entity_id"),
    )
