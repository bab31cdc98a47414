"""Sites and assets, paged and filtered; each carries its status in the latest stored assessment."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from netvet.api.paging import Paging
from netvet.api.problems import PROBLEM_RESPONSES, not_found
from netvet.api.schemas import AssetOut, Page, SiteOut
from netvet.api.security import ReadConnection, Viewer
from netvet.model.inventory import Domain
from netvet.storage import browse
from netvet.storage import findings as stored

router = APIRouter(prefix="/organizations/{organization_id}", tags=["inventory"], responses=PROBLEM_RESPONSES)

# Worst finding status of a site or asset (FindingStatus, worst first), or clear when it has none.
StatusName = Literal[
    "violation", "due", "unknown", "licence_required", "report", "licensed", "advisory", "clear"
]


def _statuses(conn: ReadConnection, organization_id: str, column: str, ids: list[str]) -> dict[str, str]:
    result = stored.latest_result(conn, organization_id)
    if result is None or not ids:
        return {}
    return stored.status_by(conn, result.id, column, ids)


@router.get("/sites", response_model=Page[SiteOut])
def list_sites(
    organization_id: str,
    who: Viewer,
    conn: ReadConnection,
    paging: Paging,
    region: Annotated[str | None, Query(max_length=200)] = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
) -> Page[SiteOut]:
    total, rows = browse.site_page(conn, organization_id, paging.offset, paging.page_size, region, country)
    status = _statuses(conn, organization_id, "site_id", [r["id"] for r in rows])
    items = [SiteOut(**row, status=status.get(row["id"], stored.CLEAR)) for row in rows]
    return Page(items=items, total=total, page=paging.page, page_size=paging.page_size)


@router.get("/sites/{site_id}", response_model=SiteOut)
def get_site(organization_id: str, site_id: str, who: Viewer, conn: ReadConnection) -> SiteOut:
    row = browse.get_site(conn, organization_id, site_id)
    if row is None:
        raise not_found(f"site {site_id!r}")
    status = _statuses(conn, organization_id, "site_id", [site_id])
    return SiteOut(**row, status=status.get(site_id, stored.CLEAR))


@router.get("/assets", response_model=Page[AssetOut])
def list_assets(
    organization_id: str,
    who: Viewer,
    conn: ReadConnection,
    paging: Paging,
    vendor: Annotated[str | None, Query(max_length=200, description="As written; case-insensitive.")] = None,
    domain: Domain | None = None,
    region: Annotated[str | None, Query(max_length=200)] = None,
    site_id: Annotated[str | None, Query(max_length=128)] = None,
    status: Annotated[
        StatusName | None, Query(description="Worst finding status in the latest stored assessment.")
    ] = None,
) -> Page[AssetOut]:
    result = stored.latest_result(conn, organization_id)
    wanted = browse.AssetFilter(vendor, domain.value if domain else None, region, site_id, status)
    total, rows = browse.asset_page(conn, organization_id, wanted, paging.offset, paging.page_size, result)
    found = stored.status_by(conn, result.id, "asset_id", [r["id"] for r in rows]) if result and rows else {}
    items = [AssetOut(**row, status=found.get(row["id"], stored.CLEAR)) for row in rows]
    return Page(items=items, total=total, page=paging.page, page_size=paging.page_size)


@router.get("/assets/{asset_id}", response_model=AssetOut)
def get_asset(organization_id: str, asset_id: str, who: Viewer, conn: ReadConnection) -> AssetOut:
    row = browse.get_asset(conn, organization_id, asset_id)
    if row is None:
        raise not_found(f"asset {asset_id!r}")
    status = _statuses(conn, organization_id, "asset_id", [asset_id])
    return AssetOut(**row, status=status.get(asset_id, stored.CLEAR))
