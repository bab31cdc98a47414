"""A stand-in NetBox on 127.0.0.1: the real fixture files served in NetBox's REST paging format.

NetBox answers a list endpoint with `{"count", "next", "previous", "results"}`, `?limit=` capped at its
MAX_PAGE_SIZE and `?offset=`, `next` an absolute URL or null, and 403 `{"detail": "Invalid token"}` for a
token it does not know. `rest_view` turns NetBox's own database dump (netbox-demo-data) into what its
API serializers give: devices with nested device type, manufacturer, role, site and platform; sites with
their region; regions with their parent.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class NetBoxData:
    devices: list[dict[str, Any]]
    sites: list[dict[str, Any]] = field(default_factory=list)
    regions: list[dict[str, Any]] = field(default_factory=list)

    def endpoint(self, path: str) -> list[dict[str, Any]] | None:
        return {
            "/api/dcim/devices/": self.devices,
            "/api/dcim/sites/": self.sites,
            "/api/dcim/regions/": self.regions,
        }.get(path)


@dataclass
class Served:
    url: str
    requests: list[str]  # every path and query asked for, in order


def _brief(record: Mapping[str, Any] | None, *keys: str) -> dict[str, Any] | None:
    if record is None:
        return None
    return {"id": record["pk"], **{key: record["fields"][key] for key in keys}}


def rest_view(dump: list[dict[str, Any]]) -> NetBoxData:
    """NetBox's Django dump as its REST API shows the same objects (the fields the importer reads)."""
    by_model: dict[str, dict[int, dict[str, Any]]] = {}
    for record in dump:
        if "pk" in record:  # content types have natural keys only
            by_model.setdefault(record["model"], {})[record["pk"]] = record
    regions = by_model["dcim.region"]
    sites = by_model["dcim.site"]

    def region(pk: int | None) -> dict[str, Any] | None:
        return _brief(regions.get(pk) if pk else None, "name", "slug")

    devices = []
    for pk, record in sorted(by_model["dcim.device"].items()):
        fields = record["fields"]
        device_type = by_model["dcim.devicetype"][fields["device_type"]]
        manufacturer = by_model["dcim.manufacturer"][device_type["fields"]["manufacturer"]]
        platform = by_model.get("dcim.platform", {}).get(fields["platform"]) if fields["platform"] else None
        devices.append(
            {
                "id": pk,
                "name": fields["name"],
                "device_type": {
                    **(_brief(device_type, "model", "slug") or {}),
                    "manufacturer": _brief(manufacturer, "name", "slug"),
                },
                "role": _brief(by_model["dcim.devicerole"][fields["role"]], "name", "slug"),
                "platform": _brief(platform, "name", "slug"),
                "serial": fields["serial"],
                "asset_tag": fields["asset_tag"],
                "site": _brief(sites[fields["site"]], "name", "slug"),
                "status": {"value": fields["status"], "label": fields["status"].capitalize()},
                "custom_fields": fields["custom_field_data"],
            }
        )
    return NetBoxData(
        devices=devices,
        sites=[
            {**(_brief(site, "name", "slug") or {}), "region": region(site["fields"]["region"])}
            for _, site in sorted(sites.items())
        ],
        regions=[
            {**(_brief(r, "name", "slug") or {}), "parent": region(r["fields"]["parent"])}
            for _, r in sorted(regions.items())
        ],
    )


@contextmanager
def netbox_stub(data: NetBoxData, token: str, max_page: int = 1000) -> Iterator[Served]:
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, body: Any) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            requests.append(self.path)
            if self.headers.get("Authorization") != f"Token {token}":
                self._send(403, {"detail": "Invalid token"})
                return
            parts = urlsplit(self.path)
            records = data.endpoint(parts.path)
            if records is None:
                self._send(404, {"detail": "Not found."})
                return
            query = parse_qs(parts.query)
            limit = min(int(query.get("limit", ["50"])[0]), max_page)
            offset = int(query.get("offset", ["0"])[0])
            base = f"http://{self.headers['Host']}{parts.path}"
            following = offset + limit
            self._send(
                200,
                {
                    "count": len(records),
                    "next": f"{base}?limit={limit}&offset={following}" if following < len(records) else None,
                    "previous": f"{base}?limit={limit}&offset={max(offset - limit, 0)}" if offset else None,
                    "results": records[offset:following],
                },
            )

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}", requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
