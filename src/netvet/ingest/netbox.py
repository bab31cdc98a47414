"""A live NetBox as an inventory source: its devices through the REST API, page by page, with each site's
region and the region's country, saved as one JSON document the netbox-api mapping reads.

NetBox pages every list (`count`, `next`, `previous`, `results`; `?limit=` up to its MAX_PAGE_SIZE,
1,000 by default) and keeps the country on neither device nor site: a site has a region, regions nest
("North America" > "United States" > "New York"), and the country is the region in that chain whose
slug or name is an ISO 3166 code or a country's name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from netvet.ingest.mapping import region_country

PAGE_SIZE = 500
TIMEOUT_SECONDS = 60.0
DEVICES = "/api/dcim/devices/"
SITES = "/api/dcim/sites/"
REGIONS = "/api/dcim/regions/"
PageCallback = Callable[[str, int, int], None]  # endpoint, records so far, records in all


class NetBoxError(Exception):
    """NetBox could not be read: unreachable, a token it refuses, an answer that is not a NetBox page."""


def authorization(token: str) -> str:
    """NetBox's header: `Bearer` for its v2 tokens (nbt_..., NetBox 4.5+), `Token` for the 40-hex ones."""
    return f"Bearer {token}" if token.startswith("nbt_") else f"Token {token}"


@dataclass(frozen=True)
class NetBox:
    url: str  # the NetBox's base URL, e.g. https://netbox.example.net
    token: str

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.url.rstrip("/"),
            headers={"Authorization": authorization(self.token), "Accept": "application/json"},
            timeout=TIMEOUT_SECONDS,
            follow_redirects=True,
        )


def fetch_all(
    client: httpx.Client, endpoint: str, on_page: PageCallback | None = None
) -> list[dict[str, Any]]:
    """Every record of a NetBox list endpoint, following `next` from page to page."""
    records: list[dict[str, Any]] = []
    url: str | None = f"{endpoint}?limit={PAGE_SIZE}"
    while url is not None:
        page = _page(client, url)
        records.extend(page["results"])
        if on_page is not None:
            on_page(endpoint, len(records), int(page.get("count") or len(records)))
        url = page.get("next")
    return records


def _page(client: httpx.Client, url: str) -> dict[str, Any]:
    where = f"{client.base_url}{url}" if url.startswith("/") else url
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        raise NetBoxError(f"{where}: cannot reach NetBox ({exc})") from exc
    if response.status_code in (401, 403):
        detail = _detail(response)
        raise NetBoxError(f"{where}: NetBox refused the token (HTTP {response.status_code}: {detail})")
    if response.status_code != 200:
        raise NetBoxError(f"{where}: NetBox answered HTTP {response.status_code}: {_detail(response)}")
    try:
        page = response.json()
    except json.JSONDecodeError as exc:
        raise NetBoxError(f"{where}: not JSON; is this a NetBox API URL?") from exc
    if not isinstance(page, dict) or not isinstance(page.get("results"), list):
        raise NetBoxError(f"{where}: not a NetBox list page (no 'results'); is this a NetBox API URL?")
    return page


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except json.JSONDecodeError:
        return response.text[:200]
    return str(body.get("detail", body)) if isinstance(body, dict) else str(body)[:200]


def region_countries(regions: Sequence[Mapping[str, Any]]) -> dict[int, str | None]:
    """Each region id -> its country: of the regions from it up to the root that name a country (by
    slug, "gb" or "us-ny", then by name), the one nearest the root. A country holds its regions, never
    the reverse, so a state whose name is also a country's ("Georgia" under "United States") does not
    win over the country above it."""
    by_id = {int(r["id"]): r for r in regions}
    own = {
        rid: region_country(str(r.get("slug") or "")) or region_country(str(r.get("name") or ""))
        for rid, r in by_id.items()
    }
    found: dict[int, str | None] = {}
    for rid in by_id:
        chain: list[int] = []
        current: int | None = rid
        while current is not None and current in by_id and current not in chain:
            chain.append(current)
            parent = by_id[current].get("parent")
            current = int(parent["id"]) if isinstance(parent, Mapping) else None
        named = [own[r] for r in chain if own[r] is not None]
        found[rid] = named[-1] if named else None
    return found


def with_site_places(
    devices: list[dict[str, Any]], sites: Sequence[Mapping[str, Any]], regions: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Each device with its site's region (as the sites list gives it) and that region's country added
    under `site`, where the netbox-api mapping reads them (`site.region.name`, `site.country`)."""
    countries = region_countries(regions)
    place: dict[int, tuple[Any, str | None]] = {}
    for site in sites:
        region = site.get("region")
        country = countries.get(int(region["id"])) if isinstance(region, Mapping) else None
        place[int(site["id"])] = (region, country)
    placed = []
    for device in devices:
        at = device.get("site")
        if isinstance(at, Mapping) and at.get("id") is not None and int(at["id"]) in place:
            region, country = place[int(at["id"])]
            device = {**device, "site": {**at, "region": region, "country": country}}
        placed.append(device)
    return placed


def fetch_devices(netbox: NetBox, on_page: PageCallback | None = None) -> dict[str, Any]:
    """The NetBox's devices with their sites' regions and countries, as one document."""
    with netbox.client() as client:
        regions = fetch_all(client, REGIONS, on_page)
        sites = fetch_all(client, SITES, on_page)
        devices = fetch_all(client, DEVICES, on_page)
    return {
        "source": netbox.url,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "count": len(devices),
        "results": with_site_places(devices, sites, regions),
    }


def snapshot_path(folder: Path, url: str, at: datetime) -> Path:
    host = urlsplit(url).hostname or "netbox"
    return folder / f"netbox-{host}-{at:%Y%m%dT%H%M%SZ}.json"


def save_snapshot(document: Mapping[str, Any], path: Path) -> Path:
    """Kept as the import's file: its name and SHA-256 go in the import record and the audit log."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
