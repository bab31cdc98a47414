"""An app on a fresh SQLite database, with two operators, a regulator, and a token per role."""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from netvet.api import AppConfig, create_app
from netvet.model.inventory import OrganizationKind
from netvet.storage import Database, access
from netvet.storage import inventory as store

API_DATA = Path(__file__).resolve().parent.parent / "data" / "api"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its smallest cost: the tests check behaviour, not hashing strength."""
    monkeypatch.setattr(access, "password_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@dataclass
class World:
    client: TestClient
    db: Database
    tokens: dict[str, str]  # "<org>:<role>" -> secret

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def get(self, who: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.client.get(path, headers=self.headers(who), **kwargs)  # type: ignore[arg-type]

    def post(self, who: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.client.post(path, headers=self.headers(who), **kwargs)  # type: ignore[arg-type]

    def upload(self, who: str, org: str, name: str, content: bytes | None = None, **params: object):  # type: ignore[no-untyped-def]
        data = content if content is not None else (API_DATA / name).read_bytes()
        return self.post(
            who, f"/api/v1/organizations/{org}/imports", files={"file": (name, data)}, params=params
        )


def add_people(db: Database) -> dict[str, str]:
    tokens: dict[str, str] = {}
    with db.begin() as conn:
        store.ensure_organization(conn, "acme", "Acme Telecom")
        store.ensure_organization(conn, "globex", "Globex Mobile")
        store.ensure_organization(conn, "ofcom", "Regulator", kind=OrganizationKind.REGULATOR)
        for org, roles in (
            ("acme", access.Role),
            ("globex", (access.Role.ADMIN, access.Role.ANALYST)),
            ("ofcom", (access.Role.ADMIN,)),
        ):
            for role in roles:
                user = access.create_user(
                    conn, org, f"{org}-{role.value}", role, PASSWORD if role is access.Role.ADMIN else None
                )
                _, secret = access.create_token(conn, user.id, "tests", "fixture")
                tokens[f"{org}:{role.value}"] = secret
    return tokens


def create_world(
    db: Database, tokens: dict[str, str], config: AppConfig = AppConfig(import_job_bytes=50_000)
) -> Iterator[World]:
    app = create_app(db, config)
    with TestClient(app) as client:
        yield World(client, db, tokens)
        app.state.jobs.wait_idle()  # no job may outlive its database


@pytest.fixture
def world(sqlite_db: Database) -> Iterator[World]:
    yield from create_world(sqlite_db, add_people(sqlite_db))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def serving(app: FastAPI) -> Iterator[int]:
    """The application on a real socket (uvicorn in a thread); yields the port."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The temporary folder uploads go to, private to the test."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


def open_files_under(folder: Path) -> list[str]:
    """Files of this process that live (or lived, before being unlinked) under `folder`."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found
