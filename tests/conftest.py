"""Shared fixtures: a migrated database on SQLite and, when a URL is given, on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from netvet.storage import Database, open_database

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
TEST_DATA = Path(__file__).resolve().parent / "data"
POSTGRES_URL_VAR = "NETVET_TEST_POSTGRES_URL"

# Rich fixes a console's width when the console is created (at import, during collection) and wraps
# there; tests read whole lines of command output, so every worker gets a wide terminal from the start.
os.environ["COLUMNS"] = "200"


def shared_data(*parts: str) -> Path:
    """A file under ../shared/data, or a visible skip where this checkout has none (never in CI)."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing in CI, where ../shared/data must exist")
        pytest.skip(f"{path} not found: ../shared/data exists only beside the project's own checkout")
    return path


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    open_database(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated template database on the server named by NETVET_TEST_POSTGRES_URL."""
    url = os.environ.get(POSTGRES_URL_VAR)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_URL_VAR} is not set in CI: .ci/run must start PostgreSQL")
        pytest.skip(f"{POSTGRES_URL_VAR} not set: PostgreSQL tests need a server (see .ci/run)")
    name = f"netvet_tpl_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_psycopg(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    template_url = make_url(_psycopg(url)).set(database=name).render_as_string(hide_password=False)
    open_database(template_url).dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _postgres_database(template: str) -> Iterator[Database]:
    url = _psycopg(os.environ[POSTGRES_URL_VAR])
    name = f"netvet_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    db = open_database(make_url(url).set(database=name).render_as_string(hide_password=False))
    try:
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A freshly migrated, empty database: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "netvet.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        database = open_database(f"sqlite:///{path}")
        try:
            yield database
        finally:
            database.dispose()
    else:
        yield from _postgres_database(request.getfixturevalue("postgres_template"))


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """A migrated SQLite database, for tests whose subject is not storage."""
    path = tmp_path / "netvet.sqlite"
    shutil.copy(sqlite_template, path)
    database = open_database(f"sqlite:///{path}")
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sqlite_db: Database) -> Database:
    """Point the CLI at a fresh SQLite database and a private home directory."""
    monkeypatch.setenv("NETVET_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NETVET_DATABASE_URL", str(sqlite_db.engine.url))
    return sqlite_db


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_app(app: Any) -> Iterator[str]:
    """An ASGI app under uvicorn in a background thread on a free port of 127.0.0.1; yields its URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
