"""A netvet server with sharing groups, run under uvicorn on 127.0.0.1 for real TAXII clients.

The organisations stand in every relation TLP distinguishes to an object acme posts to the
"eu-5g" group: acme made it; globex and initech are the group's members (the receiving
organisations); hooli is globex's client; csirt is in another group only (the community);
vendorx has an account but no group (anyone with access).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from sqlalchemy import insert

from conftest import live_app
from netvet.api import AppConfig, create_app
from netvet.model.inventory import OrganizationKind
from netvet.storage import Database, access, open_database
from netvet.storage import inventory as inventory_store
from netvet.storage import sharing as sharing_store
from netvet.storage.tables import assets, sites

ORGANISATIONS = {
    "acme": OrganizationKind.OPERATOR,
    "globex": OrganizationKind.OPERATOR,
    "initech": OrganizationKind.OPERATOR,
    "hooli": OrganizationKind.OPERATOR,
    "csirt": OrganizationKind.REGULATOR,
    "vendorx": OrganizationKind.VENDOR,
}


class BearerAuth(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


@dataclass
class SharingServer:
    url: str  # the TAXII discovery URL
    db: Database
    tokens: dict[str, str]  # organisation (analyst) or "acme:viewer" -> token
    collections: dict[str, str]  # group id -> its collection id

    def auth(self, who: str) -> BearerAuth:
        return BearerAuth(self.tokens[who])

    def root(self, group: str) -> str:
        return f"{self.url}{group}/"

    def collection_url(self, group: str) -> str:
        return f"{self.root(group)}collections/{self.collections[group]}/"


def populate(db: Database) -> tuple[dict[str, str], dict[str, str]]:
    tokens: dict[str, str] = {}
    collections: dict[str, str] = {}
    with db.begin() as conn:
        for org, kind in ORGANISATIONS.items():
            inventory_store.ensure_organization(conn, org, org.title(), kind=kind)
            user = access.create_user(conn, org, f"{org}-analyst", access.Role.ANALYST)
            tokens[org] = access.create_token(conn, user.id, "tests", "fixture")[1]
        viewer = access.create_user(conn, "acme", "acme-viewer", access.Role.VIEWER)
        tokens["acme:viewer"] = access.create_token(conn, viewer.id, "tests", "fixture")[1]
        sharing_store.create_group(conn, "eu-5g", "EU 5G cooperation group", "Operators sharing 5G findings")
        for org in ("acme", "globex", "initech"):
            sharing_store.add_member(conn, "eu-5g", org)
        sharing_store.add_member(conn, "eu-5g", "hooli", sharing_store.MemberRole.CLIENT, client_of="globex")
        sharing_store.create_group(conn, "national", "National CSIRT and operators")
        sharing_store.add_member(conn, "national", "csirt")
        for group in ("eu-5g", "national"):
            collections[group] = sharing_store.create_collection(conn, group, f"{group} vulnerabilities").id
    return tokens, collections


@contextmanager
def serve(db: Database) -> Iterator[str]:
    """The whole app (API, TAXII, dashboard) under uvicorn; yields the TAXII discovery URL."""
    with live_app(create_app(db, AppConfig())) as url:
        yield f"{url}/taxii2/"


@pytest.fixture(scope="module")
def sharing_server(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[SharingServer]:
    path = tmp_path_factory.mktemp("sharing") / "netvet.sqlite"
    shutil.copy(sqlite_template, path)
    db = open_database(f"sqlite:///{path}")
    tokens, collections = populate(db)
    try:
        with serve(db) as url:
            yield SharingServer(url, db, tokens, collections)
    finally:
        db.dispose()


NOKIA_ADVISORY = Path(__file__).resolve().parent.parent / "data" / "advisories" / "csaf-nokia-sros.json"


def add_network(db: Database, org: str, routers: dict[str, str]) -> None:
    """Nokia 7750 SR routers (asset id -> software version) at one site of the organisation."""
    with db.begin() as conn:
        inventory_store.ensure_organization(conn, org, org.title())
        conn.execute(
            insert(sites),
            [
                {
                    "organization_id": org,
                    "id": "S1",
                    "name": "Exchange North",
                    "latitude": 52.52,
                    "longitude": 13.4,
                }
            ],
        )
        conn.execute(
            insert(assets),
            [
                {"organization_id": org, "id": asset_id, "site_id": "S1", "vendor": "Nokia", "model": "7750 SR",
                 "software_version": version, "role": "router", "domain": "transport", "row_hash": asset_id}
                for asset_id, version in routers.items()
            ],
        )  # fmt: skip
