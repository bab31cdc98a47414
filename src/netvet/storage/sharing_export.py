"""What an organisation shares, read from the database: its advisory matches, its network elements and
the vulnerabilities it received, handed to `netvet.sharing.export`."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from itertools import chain

from sqlalchemy import Connection, select

from netvet.advisories.model import Advisory, Vulnerability
from netvet.sharing.export import AssessedMatch, Export, ExportChoices, Place, Received, build_export
from netvet.sharing.tlp import Tlp
from netvet.storage import advisories as advisory_store
from netvet.storage.inventory import get_organization
from netvet.storage.sharing import SharingError, id_records, received_advisories, received_markings
from netvet.storage.tables import assets, sites


def advisories_for(
    conn: Connection, organization_id: str, ids: Collection[str] | None = None
) -> Iterator[Advisory]:
    """The advisories matching uses for an organisation: those loaded for everyone, and the
    vulnerabilities it received from other organisations (kept for it alone: they carry a TLP);
    with `ids`, only those."""
    return chain(advisory_store.iter_advisories(conn, ids), received_advisories(conn, organization_id, ids))


def vulnerability_headlines(
    conn: Connection, organization_id: str, ids: Collection[str]
) -> Iterator[tuple[str, Vulnerability]]:
    """(advisory id, vulnerability) of these advisories without the products each applies to: what a
    ranking reads (ids, title, CVSS, KEV day). An advisory of 100,000 products is then read as fast as
    a small one; building its criteria took seconds on every request of an organisation it matched."""
    for parsed in advisory_store.iter_parsed(conn, ids):
        for vulnerability in parsed.get("vulnerabilities", ()):
            yield parsed["id"], Vulnerability.model_validate({**vulnerability, "criteria": ()})
    for advisory in received_advisories(conn, organization_id, ids):  # received ones are small
        for received in advisory.vulnerabilities:
            yield advisory.id, received


def _places(conn: Connection, organization_id: str) -> dict[str, Place]:
    query = (
        select(assets.c.id, sites.c.id, sites.c.name, sites.c.country, sites.c.latitude, sites.c.longitude)
        .join(sites, (sites.c.organization_id == assets.c.organization_id) & (sites.c.id == assets.c.site_id))
        .where(assets.c.organization_id == organization_id)
    )
    return {row[0]: Place(row[1], row[2], row[3], row[4], row[5]) for row in conn.execute(query)}


def export_for(conn: Connection, organization_id: str, choices: ExportChoices, now: datetime) -> Export:
    """The organisation's shareable objects from its stored matches (`netvet advisories match`)."""
    organisation = get_organization(conn, organization_id)
    if organisation is None:
        raise SharingError(f"no organisation {organization_id!r}")
    rows = advisory_store.list_matches(conn, organization_id)
    if not rows:
        raise SharingError(
            f"organisation {organization_id!r} has no advisory matches: run `netvet advisories match` first"
        )
    matches = [AssessedMatch(r["advisory_id"], r["vulnerability"], r["asset_id"], r["status"]) for r in rows]
    wanted = {m.advisory_id for m in matches}
    advisories = [a for a in advisories_for(conn, organization_id) if a.id in wanted]
    views = {a.id: a for a in advisory_store.load_asset_views(conn, organization_id)}
    # What came without a marking is still another organisation's: referred to, never sent again.
    received = {
        advisory_id: Received(advisory_id, tlp or Tlp.CLEAR)
        for advisory_id, tlp in received_markings(conn, organization_id).items()
        if advisory_id in wanted
    }
    places = _places(conn, organization_id) if choices.with_sites else {}
    return build_export(
        organisation,
        advisories,
        matches,
        views,
        choices,
        now,
        id_records(conn, organization_id),
        places,
        received,
    )
