"""The dashboard's sharing page: what was shared with whom, and what was received, per organisation."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
import stix2
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from netvet.api import AppConfig, create_app
from netvet.sharing.receive import received_vulnerabilities
from netvet.sharing.tlp import Tlp
from netvet.storage import Database, access
from netvet.storage import sharing as sharing_store
from netvet.storage import taxii as taxii_store

from .conftest import populate

PASSWORD = "correct horse battery staple"


@pytest.fixture
def dashboard(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setattr(access, "password_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    populate(sqlite_db)
    with sqlite_db.begin() as conn:
        for org in ("acme", "globex", "csirt"):
            access.create_user(conn, org, f"{org}-web", access.Role.VIEWER, PASSWORD)
        group = sharing_store.get_group(conn, "eu-5g")
        collection = sharing_store.list_collections(conn, "eu-5g")[0]
        assert group is not None
        acme = stix2.Identity(
            name="Acme", identity_class="organization", object_marking_refs=[Tlp.AMBER.marking_id]
        )
        vulnerability = stix2.Vulnerability(
            name="CVE-2023-90002",
            created_by_ref=acme.id,
            external_references=[{"source_name": "cve", "external_id": "CVE-2023-90002"}],
            object_marking_refs=[Tlp.AMBER.marking_id],
        )
        objects = [json.loads(o.serialize()) for o in (acme, vulnerability)]
        taxii_store.add_objects(conn, collection, group, "acme", objects)
        sharing_store.store_received(
            conn, "globex", received_vulnerabilities(objects), "http://peer/taxii2/eu-5g/"
        )
    with TestClient(create_app(sqlite_db, AppConfig())) as client:
        yield client


def page_for(client: TestClient, username: str) -> str:
    login = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
    assert token is not None
    form = {"organization": username.split("-")[0], "username": username, "password": PASSWORD}
    client.post("/login", data={**form, "csrf_token": token.group(1), "next": "/"})
    response = client.get("/sharing")
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))


def test_the_producer_sees_what_it_shared_and_who_can_read_it(dashboard: TestClient) -> None:
    text = page_for(dashboard, "acme-web")
    assert "EU 5G cooperation group /taxii2/eu-5g/ member Acme, Globex, Initech Hooli (of Globex)" in text
    # TLP:AMBER to the group: its members and globex's client hooli, nobody else
    assert "EU 5G cooperation group / eu-5g vulnerabilities TLP:AMBER 2 Globex, Hooli, Initech" in text
    assert "No other organisation has shared anything you may read here." in text


def test_a_member_sees_what_it_received(dashboard: TestClient) -> None:
    text = page_for(dashboard, "globex-web")
    assert "EU 5G cooperation group / eu-5g vulnerabilities Acme TLP:AMBER 2" in text
    assert "CVE-2023-90002" in text and "http://peer/taxii2/eu-5g/" in text


def test_the_community_outside_the_group_sees_nothing_of_amber(dashboard: TestClient) -> None:
    text = page_for(dashboard, "csirt-web")
    assert "Acme" not in text and "CVE-2023-90002" not in text
    assert "National CSIRT and operators /taxii2/national/ member" in text
