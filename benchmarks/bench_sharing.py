"""TAXII 2.1 sharing under load: 1,000 objects pushed and pulled, and paging over 100,000 objects.

The server is `netvet serve`'s app in its own process on 127.0.0.1; the client is taxii2-client in this
process, with the tokens of the sharing group's members. Objects are STIX 2.1 vulnerabilities with a
CVE reference, marked TLP:AMBER (four in five) or TLP:GREEN, so a reader in the group sees them all and
one in the community (another group) sees only the GREEN ones: each page is then cut from rows the
server filters by TLP.

    .venv/bin/python benchmarks/bench_sharing.py [--objects 1000] [--paging 100000] [--database URL]
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from rich.console import Console
from rich.table import Table
from taxii2client.v21 import Collection, as_pages

from netvet.model.inventory import OrganizationKind
from netvet.sharing.tlp import Tlp
from netvet.storage import Database, access, open_database
from netvet.storage import inventory as inventory_store
from netvet.storage import sharing as sharing_store
from netvet.storage import taxii as taxii_store

console = Console(width=120)
SERVER_CODE = """
import sys, uvicorn
from netvet.api import AppConfig, create_app
from netvet.storage import open_database
uvicorn.run(create_app(open_database(sys.argv[1]), AppConfig()), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning", access_log=False)
"""


class Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def setup(db: Database) -> tuple[dict[str, str], dict[str, str]]:
    """acme and globex in the group eu-5g, csirt in the group national; a collection in each."""
    tokens: dict[str, str] = {}
    with db.begin() as conn:
        for org in ("acme", "globex", "csirt"):
            kind = OrganizationKind.REGULATOR if org == "csirt" else OrganizationKind.OPERATOR
            inventory_store.ensure_organization(conn, org, org.title(), kind=kind)
            user = access.create_user(conn, org, f"{org}-analyst", access.Role.ANALYST)
            tokens[org] = access.create_token(conn, user.id, "bench", "bench")[1]
        sharing_store.create_group(conn, "eu-5g", "EU 5G cooperation group")
        sharing_store.create_group(conn, "national", "National CSIRT")
        for org in ("acme", "globex"):
            sharing_store.add_member(conn, "eu-5g", org)
        sharing_store.add_member(conn, "national", "csirt")
        collections = {
            "push": sharing_store.create_collection(conn, "eu-5g", "push and pull").id,
            "paging": sharing_store.create_collection(conn, "eu-5g", "paging").id,
        }
    return tokens, collections


def identity(stix_id: str) -> dict[str, Any]:
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": stix_id,
        "created": "2026-01-05T09:00:00.000Z",
        "modified": "2026-01-05T09:00:00.000Z",
        "name": "Acme Telecom",
        "identity_class": "organization",
        "object_marking_refs": [Tlp.CLEAR.marking_id],
    }


def vulnerabilities(count: int, creator: str, start: int = 0) -> list[dict[str, Any]]:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    objects = []
    for index in range(start, start + count):
        tlp = Tlp.GREEN if index % 5 == 0 else Tlp.AMBER
        cve = f"CVE-2026-{100000 + index}"
        objects.append(
            {
                "type": "vulnerability",
                "spec_version": "2.1",
                "id": f"vulnerability--{uuid.uuid4()}",
                "created": now,
                "modified": now,
                "created_by_ref": creator,
                "name": cve,
                "description": f"Synthetic finding {index} on a baseband at 23.Q1",
                "external_references": [{"source_name": "cve", "external_id": cve}],
                "object_marking_refs": [tlp.marking_id],
            }
        )
    return objects


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", SERVER_CODE, url, str(port)])
    base = f"http://127.0.0.1:{port}/taxii2/"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(base, timeout=1)
            return process, base
        except requests.ConnectionError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("the server did not start")


def page_through(collection: Collection, what: str) -> tuple[int, int, float, float, float]:
    """(objects, pages, total s, first page ms, last page ms) reading the whole collection."""
    call = collection.get_objects if what == "objects" else collection.get_manifest
    seen = pages = 0
    times: list[float] = []
    started = last = time.perf_counter()
    for envelope in as_pages(call, per_request=1000):
        now = time.perf_counter()
        times.append(now - last)
        last = now
        seen += len(envelope.get("objects", []))
        pages += 1
    return seen, pages, time.perf_counter() - started, times[0] * 1000, times[-1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--objects", type=int, default=1000)
    parser.add_argument("--paging", type=int, default=100_000)
    parser.add_argument("--database", help="a database URL (default: a new SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'netvet.sqlite'}"
        db = open_database(url)
        tokens, collections = setup(db)
        process, base = start_server(url)
        try:
            run(db, base, tokens, collections, args.objects, args.paging, url)
        finally:
            process.terminate()
            process.wait(10)
            db.dispose()


def run(
    db: Database,
    base: str,
    tokens: dict[str, str],
    collections: dict[str, str],
    count: int,
    paging: int,
    url: str,
) -> None:
    acme_identity = f"identity--{uuid.uuid4()}"
    root = f"{base}eu-5g/collections/"
    writer = Collection(f"{root}{collections['push']}/", auth=Bearer(tokens["acme"]))
    reader = Collection(f"{root}{collections['push']}/", auth=Bearer(tokens["globex"]))
    # acme's identity first: objects naming a creator the poster never posted are taken as re-shares
    body = json.dumps({"objects": [identity(acme_identity), *vulnerabilities(count - 1, acme_identity)]})
    started = time.perf_counter()
    status = writer.add_objects(body)
    pushed = time.perf_counter() - started
    pulled_objects, pages, pulled, _, _ = page_through(reader, "objects")
    table = Table(title=f"Push and pull over TAXII 2.1 ({url.split(':')[0]})")
    for column in ("step", "objects", "requests", "seconds"):
        table.add_column(column, justify="right" if column != "step" else "left")
    table.add_row("push (one envelope, taxii2-client)", f"{status.success_count:,}", "1", f"{pushed:.2f}")
    table.add_row("pull (globex, pages of 1,000)", f"{pulled_objects:,}", f"{pages}", f"{pulled:.2f}")
    table.add_row("push + pull", "", "", f"{pushed + pulled:.2f}")
    console.print(table)

    started = time.perf_counter()
    with db.begin() as conn:
        group = sharing_store.get_group(conn, "eu-5g")
        collection = sharing_store.get_collection(conn, collections["paging"])
        assert group is not None and collection is not None
        for start in range(0, paging, 5000):
            chunk = vulnerabilities(min(5000, paging - start), acme_identity, start)
            taxii_store.add_objects(conn, collection, group, "acme", chunk)
    stored = time.perf_counter() - started
    table = Table(title=f"Paging over {paging:,} objects (80% TLP:AMBER, 20% TLP:GREEN), pages of 1,000")
    for column in ("reader", "endpoint", "objects seen", "pages", "total s", "first page ms", "last page ms"):
        table.add_column(column, justify="left" if column in ("reader", "endpoint") else "right")
    table.add_row("(storing them)", "", f"{paging:,}", "", f"{stored:.1f}", "", "")
    for who, root_group in (("globex", "eu-5g"), ("csirt", "eu-5g")):
        target = Collection(
            f"{base}{root_group}/collections/{collections['paging']}/", auth=Bearer(tokens[who])
        )
        for what in ("objects", "manifest"):
            seen, pages, total, first, last = page_through(target, what)
            label = "globex (group member)" if who == "globex" else "csirt (community)"
            table.add_row(label, what, f"{seen:,}", f"{pages}", f"{total:.1f}", f"{first:.0f}", f"{last:.0f}")
    console.print(table)


if __name__ == "__main__":
    main()
