"""Advisory matches of the organisation's assets, and what to patch first (as `netvet advisories top`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import Connection

from netvet.advisories.matcher import MatchStatus
from netvet.advisories.priority import prioritise
from netvet.api.paging import Paging
from netvet.api.problems import PROBLEM_RESPONSES
from netvet.api.schemas import Page, UtcDateTime
from netvet.api.security import ReadConnection, Viewer
from netvet.storage import advisories as store
from netvet.storage.sharing_export import vulnerability_headlines

router = APIRouter(
    prefix="/organizations/{organization_id}/advisories", tags=["advisories"], responses=PROBLEM_RESPONSES
)
MatchStatusName = Literal["affected", "not_affected", "fixed", "unknown"]


class MatchOut(BaseModel):
    advisory_id: str
    vulnerability: str
    asset_id: str
    cve: str | None = None
    status: str
    matched_by: str
    explanation: str
    matched_at: UtcDateTime


class PriorityOut(BaseModel):
    rank: int
    advisory_id: str
    vulnerability: str
    cve: str | None
    title: str | None
    cvss: float | None
    cvss_version: str | None
    kev: bool
    assets: int
    by_domain: dict[str, int]
    score: float
    explanation: str


@router.get("/matches", response_model=Page[MatchOut])
def list_matches(
    organization_id: str,
    who: Viewer,
    conn: ReadConnection,
    paging: Paging,
    status: Annotated[list[MatchStatusName] | None, Query()] = None,
) -> Page[MatchOut]:
    rows = store.list_matches(conn, organization_id, status)
    items = [MatchOut(**{k: v for k, v in row.items() if k != "organization_id"}) for row in rows]
    return Page(
        items=items[paging.offset : paging.offset + paging.page_size],
        total=len(items),
        page=paging.page,
        page_size=paging.page_size,
    )


@router.get("/top", response_model=list[PriorityOut])
def patch_first(
    organization_id: str,
    who: Viewer,
    conn: ReadConnection,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> list[PriorityOut]:
    """Affected vulnerabilities ranked by CVSS, CISA KEV and the most critical domain hit."""
    return ranked_priorities(conn, organization_id, limit)


def ranked_priorities(conn: Connection, organization_id: str, limit: int) -> list[PriorityOut]:
    """The patch-first ranking (shared with the dashboard)."""
    rows = store.list_matches(conn, organization_id, [MatchStatus.AFFECTED.value])
    wanted = {r["advisory_id"] for r in rows}
    vulnerabilities = {
        (advisory_id, v.label): v for advisory_id, v in vulnerability_headlines(conn, organization_id, wanted)
    }
    kev = set(store.kev_catalogue(conn))
    domains = {a.id: a.domain for a in store.load_asset_views(conn, organization_id)}
    affected = ((r["advisory_id"], r["vulnerability"], r["asset_id"]) for r in rows)
    ranked = prioritise(affected, vulnerabilities, kev, domains)[:limit]
    return [
        PriorityOut(
            rank=rank,
            advisory_id=p.advisory_id,
            vulnerability=p.vulnerability,
            cve=p.cve,
            title=p.title,
            cvss=p.severity.score,
            cvss_version=p.severity.version,
            kev=p.kev,
            assets=p.assets,
            by_domain=dict(p.by_domain),
            score=p.score,
            explanation=p.explanation,
        )
        for rank, p in enumerate(ranked, 1)
    ]
