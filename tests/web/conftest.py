"""The dashboard on a fresh database, with an analyst and a viewer who can log in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from netvet.api import AppConfig, create_app
from netvet.model.inventory import OrganizationKind
from netvet.storage import Database, access
from netvet.storage import inventory as store

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access, "password_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def web_db(sqlite_db: Database) -> Database:
    with sqlite_db.begin() as conn:
        store.ensure_organization(conn, "acme", "Acme Telecom")
        access.create_user(conn, "acme", "ann", access.Role.ANALYST, PASSWORD)
        access.create_user(conn, "acme", "vic", access.Role.VIEWER, PASSWORD)
        store.ensure_organization(conn, "ofcom", "Ofcom", kind=OrganizationKind.REGULATOR)
        access.create_user(conn, "ofcom", "reg", access.Role.ADMIN, PASSWORD)
    return sqlite_db


@pytest.fixture
def client(web_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(web_db, AppConfig(import_job_bytes=1_000_000))) as test_client:
        yield test_client


ORGANIZATION_OF = {"ann": "acme", "vic": "acme", "reg": "ofcom"}


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the form; return the page's CSRF token for later form posts."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    form = {
        "organization": ORGANIZATION_OF[username],
        "username": username,
        "password": password,
        "csrf_token": token.group(1),
        "next": "/",
    }
    response = client.post("/login", data=form)
    assert response.status_code == 200, response.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert csrf is not None
    return csrf.group(1)


def import_and_assess(
    client: TestClient, csrf: str, inventory: Path, at: str, jurisdictions: list[str]
) -> None:
    """Upload an inventory and run an assessment (screening first) from the dashboard's forms."""
    client.post(
        "/imports", data={"csrf_token": csrf}, files={"file": (inventory.name, inventory.read_bytes())}
    )
    client.post("/assess", data={"csrf_token": csrf, "at": at, "jurisdiction": jurisdictions})
    client.app.state.jobs.wait_idle(120)  # type: ignore[attr-defined]
