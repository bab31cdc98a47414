"""The sharing page: the organisation's groups, what it shared and with whom, and what it received."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from netvet.api.security import DB
from netvet.sharing.tlp import marking_catalogue
from netvet.storage import sharing, taxii_read
from netvet.storage.advisories import list_matches
from netvet.storage.tables import organizations
from netvet.web.auth import Web
from netvet.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/sharing", response_class=HTMLResponse)
def sharing_page(request: Request, who: Web, db: DB) -> HTMLResponse:
    org = who.organization_id
    with db.connect() as conn:
        names = dict(conn.execute(select(organizations.c.id, organizations.c.name)).all())
        circle = sharing.circle(conn)
        sent, received = taxii_read.shared_lots(conn, org, circle, names)
        groups = [g for g in sharing.list_groups(conn) if g.role_of(org) is not None]
        collections = {c.id: c for c in sharing.list_collections(conn)}
        group_names = {g.id: g.name for g in sharing.list_groups(conn)}
        exchanges = sharing.list_exchanges(conn, org, limit=50)
        advisories = sharing.list_received(conn, org)
        affected = Counter(
            row["advisory_id"]
            for row in list_matches(conn, org, ["affected"])
            if row["advisory_id"] in {a["advisory_id"] for a in advisories}
        )

    def where(collection_id: str) -> str:
        found = collections.get(collection_id)
        return (
            f"{group_names.get(found.group_id, found.group_id)} / {found.title}" if found else collection_id
        )

    def who_reads(readers: frozenset[str]) -> str:
        others = sorted(names.get(o, o) for o in readers if o != org)
        return ", ".join(others) if others else "only your organisation"

    return render(
        request,
        "sharing.html",
        who,
        groups=groups,
        names=names,
        collections_of={g.id: [c for c in collections.values() if c.group_id == g.id] for g in groups},
        sent=[
            {
                "where": where(lot.collection_id),
                "tlp": lot.tlp,
                "objects": lot.objects,
                "readers": who_reads(lot.readers),
            }
            for lot in sent
        ],
        received=[
            {
                "where": where(lot.collection_id),
                "producer": names.get(lot.producer, lot.producer),
                "tlp": lot.tlp,
                "objects": lot.objects,
            }
            for lot in received
        ],
        exchanges=exchanges,
        advisories=advisories,
        affected=affected,
        disclosure={level.value: entry.disclosure for level, entry in marking_catalogue().by_level.items()},
    )
