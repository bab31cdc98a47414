"""Requests built to crash the server: each gets a 4xx problem document (507 for a full disk) and
changes nothing."""

from __future__ import annotations

import errno
import io
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from hostile_inventories import HOSTILE_INVENTORIES
from netvet.api import AppConfig
from netvet.storage import Database
from netvet.storage import inventory as store

from .conftest import API_DATA, World, add_people, create_world, open_files_under
from .test_import_jobs import inventory_csv
from .test_inventory_api import wait_for_job

ACME = "/api/v1/organizations/acme"


def is_problem(response: Any, status: int) -> bool:
    return (
        response.status_code == status
        and response.headers["content-type"] == "application/problem+json"
        and response.json()["status"] == status
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"{ACME}/submissions/99999999999999999999"),
        ("GET", f"{ACME}/submissions/3000000000"),  # past PostgreSQL's 32-bit INTEGER
        ("GET", f"{ACME}/submissions/99999999999999999999/content"),
        ("PATCH", f"{ACME}/users/99999999999999999999"),
        ("DELETE", f"{ACME}/tokens/99999999999999999999"),
        ("POST", f"{ACME}/screening/candidates/99999999999999999999/decision"),
        ("GET", f"{ACME}/assets?page=1e20"),
        ("GET", f"{ACME}/assets?page=99999999999999999999"),
        ("GET", f"{ACME}/audit?page=0"),
    ],
)
def test_numbers_no_row_can_have_are_invalid_requests(world: World, method: str, path: str) -> None:
    body = {"disabled": True} if method == "PATCH" else {"decision": "dismissed", "reason": "x"}
    response = world.client.request(
        method, path, headers=world.headers("acme:admin"), json=body if method in ("PATCH", "POST") else None
    )
    assert is_problem(response, 422), response.text


def test_dashboard_page_numbers_and_ids_past_any_row_are_refused(world: World) -> None:
    from netvet.storage import access

    with world.db.begin() as conn:
        user = access.get_user_by_name(conn, "acme-admin", "acme")
        assert user is not None
        cookie, _ = access.create_session(conn, user.id, __import__("datetime").timedelta(hours=1))
    world.client.cookies.set("netvet_session", cookie)
    try:
        for path in ("/sites?page=99999999999999999999", "/findings?page=1e20"):
            assert world.client.get(path).status_code == 422, path
    finally:
        world.client.cookies.clear()


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000,
        b'{"name": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_000 + b"}",
        b'{"name": "Huawei", "country": ' + b"9" * 5000 + b"}",
    ],
    ids=["brackets", "nested-objects", "5000-digits"],
)
def test_json_bodies_python_cannot_parse_are_refused(world: World, body: bytes) -> None:
    headers = {**world.headers("acme:viewer"), "Content-Type": "application/json"}
    response = world.client.post("/api/v1/screening/name", content=body, headers=headers)
    assert (
        400 <= response.status_code < 500 and response.headers["content-type"] == "application/problem+json"
    )


@pytest.fixture
def served_as_configured(sqlite_db: Database) -> Iterator[World]:
    """The API with `netvet serve`'s limits (uploads up to 2 MiB are imported inside the request)."""
    yield from create_world(sqlite_db, add_people(sqlite_db), AppConfig())


@pytest.mark.parametrize("background", [False, True], ids=["in-the-request", "as-a-job"])
@pytest.mark.parametrize("name", sorted(HOSTILE_INVENTORIES))
def test_an_upload_that_crashed_the_import_is_a_422_problem_and_stores_nothing(
    served_as_configured: World, name: str, background: bool
) -> None:
    """The files `netvet import` refuses with exit 2 (tests/cli/test_hostile_inputs.py), uploaded."""
    world = served_as_configured
    content, reason = HOSTILE_INVENTORIES[name]
    response = world.upload("acme:analyst", "acme", name, content=content, background=background)
    if background:
        assert response.status_code == 202, response.text
        job = wait_for_job(world, "acme:viewer", response.headers["location"], timeout=60)
        assert job["status"] == "failed"
        problem = job["error"]
    else:
        assert is_problem(response, 422), response.text
        problem = response.json()
    assert problem["status"] == 422 and problem["type"] == "urn:netvet:problem:invalid-inventory"
    assert name in problem["detail"] and reason in str(problem)
    with world.db.connect() as conn:
        assert store.count_assets(conn, "acme") == 0 and store.list_imports(conn, "acme") == []


@pytest.mark.slow
def test_a_50_mb_field_is_refused_by_its_job_and_leaves_nothing(
    served_as_configured: World, private_tmp: Path
) -> None:
    world = served_as_configured
    content = b"asset_id,site_id,country,vendor,role\nA1,S1,GB," + b"H" * 50_000_000 + b",BBU\n"
    response = world.upload("acme:analyst", "acme", "field.csv", content=content)
    assert response.status_code == 202, response.text  # 50 MB: a job
    job = wait_for_job(world, "acme:viewer", response.headers["location"], timeout=120)
    assert job["status"] == "failed" and job["error"]["status"] == 422
    assert "row 2: a cell is longer than 1,048,576 characters" in job["error"]["detail"]
    with world.db.connect() as conn:
        assert store.count_assets(conn, "acme") == 0 and store.list_imports(conn, "acme") == []
    # The job closes its upload (a file without a name) just after it records its end.
    world.client.app.state.jobs.wait_idle()  # type: ignore[attr-defined]
    assert os.listdir(private_tmp) == [] and open_files_under(private_tmp) == []


def test_an_upload_with_a_304_character_name_is_imported_under_a_shortened_name(world: World) -> None:
    name = "x" * 300 + ".csv"
    response = world.upload("acme:analyst", "acme", name, content=(API_DATA / "inventory.csv").read_bytes())
    assert response.status_code == 201, response.text
    assert response.json()["file_name"] == "x" * 251 + ".csv"
    job = world.upload("acme:analyst", "acme", name, content=inventory_csv(10), background=True)
    assert wait_for_job(world, "acme:viewer", job.headers["location"])["status"] == "succeeded"


def test_an_upload_name_with_control_characters_and_folders_is_cleaned(world: World) -> None:
    # Written by hand: HTTP clients percent-encode such names, a hostile one sends the bytes.
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="C:\\Users\\ann\\inv\x1b\x7f.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + (API_DATA / "inventory.csv").read_bytes() + b"\r\n--b--\r\n"
    )
    headers = {**world.headers("acme:analyst"), "Content-Type": "multipart/form-data; boundary=b"}
    response = world.client.post(f"{ACME}/imports", content=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["file_name"] == "inv.csv"


@pytest.fixture
def full_temporary_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Temporary files that cannot grow: every write fails as on a full disk."""
    real = tempfile.TemporaryFile

    class Full:
        def __init__(self) -> None:
            self.file = real()

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name: str) -> Any:
            return getattr(self.file, name)

    monkeypatch.setattr(tempfile, "TemporaryFile", lambda *a, **k: Full())


def test_an_upload_onto_a_full_disk_is_507_and_stores_nothing(
    world: World, full_temporary_disk: None
) -> None:
    response = world.upload("acme:analyst", "acme", "inventory.csv")
    assert is_problem(response, 507) and response.json()["type"] == "urn:netvet:problem:insufficient-storage"
    with world.db.connect() as conn:
        assert store.count_assets(conn, "acme") == 0


@pytest.fixture
def full_database_disk(world: World) -> Iterator[None]:
    """The SQLite file may not grow past its size now: what SQLite meets on a full disk (SQLITE_FULL)."""

    def cap(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages + 2}")
        cursor.close()

    world.db.engine.dispose()
    event.listen(world.db.engine, "connect", cap)
    yield
    event.remove(world.db.engine, "connect", cap)
    world.db.engine.dispose()


def test_an_import_onto_a_full_database_disk_is_507_and_stores_nothing(
    world: World, full_database_disk: None
) -> None:
    response = world.upload("acme:analyst", "acme", "small.csv", content=inventory_csv(600))
    assert is_problem(response, 507), response.text
    job = world.upload("acme:analyst", "acme", "big.csv", content=inventory_csv(2000), background=True)
    failed = wait_for_job(world, "acme:viewer", job.headers["location"])
    assert failed["status"] == "failed" and failed["error"]["status"] == 507
    with world.db.connect() as conn:
        assert store.count_assets(conn, "acme") == 0


def test_a_snapshot_that_would_remove_most_assets_needs_force(world: World) -> None:
    world.upload("acme:analyst", "acme", "inventory.csv")
    one_row = b"asset_id,site_id,country,vendor,role\nA1,S1,GB,Huawei,BBU\n"
    refused = world.upload("acme:analyst", "acme", "cut.csv", content=one_row, replace=True)
    assert is_problem(refused, 422) and "remove 4 of the 5 stored assets (80%)" in refused.json()["detail"]
    assert world.get("acme:viewer", f"{ACME}/assets").json()["total"] == 5
    forced = world.upload("acme:analyst", "acme", "cut.csv", content=one_row, replace=True, force=True)
    assert forced.status_code == 201 and forced.json()["rows_removed"] == 4


def test_a_screening_batch_is_bounded_by_its_characters(world: World) -> None:
    heavy = ["华为技术有限公司" * 62 + str(i) for i in range(201)]  # 201 names of 497-499 characters
    refused = world.post("acme:viewer", "/api/v1/screening/batch", json={"names": heavy})
    assert is_problem(refused, 422) and "100,000 characters" in refused.text
    allowed = world.post("acme:viewer", "/api/v1/screening/batch", json={"names": heavy[:100]})
    assert allowed.status_code == 200 and len(allowed.json()) == 100


@pytest.fixture
def one_second_batches(sqlite_db: Database) -> Iterator[World]:
    yield from create_world(sqlite_db, add_people(sqlite_db), AppConfig(screening_batch_seconds=1.0))


def test_a_screening_batch_stops_at_the_seconds_a_request_may_compute(
    one_second_batches: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a loaded machine the characters alone do not bound the seconds: the batch stops at its time."""
    from netvet.api.routers import screening as screening_routes

    real = screening_routes.shipped_screener()

    class SlowScreener:
        def screen(self, name: str, **kwargs: Any) -> Any:
            time.sleep(0.3)  # a name that takes 0.3 s, as on a machine busy with other work
            return real.screen(name, **kwargs)

    monkeypatch.setattr(screening_routes, "shipped_screener", SlowScreener)
    names = [f"Huawei Technologies {i}" for i in range(10)]
    world = one_second_batches
    stopped = world.post("acme:viewer", "/api/v1/screening/batch", json={"names": names})
    assert is_problem(stopped, 503) and stopped.headers["retry-after"] == "10"
    assert stopped.json()["type"] == "urn:netvet:problem:request-too-long"
    done = re.search(r"screening stopped after (\d+) of 10 names", stopped.json()["detail"])
    assert done is not None and 1 <= int(done.group(1)) < 10
    # Within the time, the batch is screened whole.
    allowed = world.post("acme:viewer", "/api/v1/screening/batch", json={"names": names[:2]})
    assert allowed.status_code == 200 and len(allowed.json()) == 2


def test_an_upload_of_many_small_rows_is_imported_by_a_job(sqlite_db: Database) -> None:
    """Bytes alone do not bound a request's cost: rows do (a short CSV row, an XLSX's inflated sheet)."""
    from fastapi.testclient import TestClient
    from openpyxl import Workbook

    from netvet.api import AppConfig, create_app

    from .conftest import add_people

    tokens = add_people(sqlite_db)
    app = create_app(sqlite_db, AppConfig(import_job_bytes=50 * 1024 * 1024, import_job_rows=100))
    workbook = Workbook()
    workbook.active.append(["asset_id", "site_id", "vendor", "role"])
    for i in range(150):
        workbook.active.append([f"W{i}", "S1", "Nokia", "BBU"])
    xlsx = io.BytesIO()
    workbook.save(xlsx)
    headers = {"Authorization": f"Bearer {tokens['acme:analyst']}"}
    with TestClient(app) as client:

        def upload(name: str, content: bytes) -> int:
            response = client.post(f"{ACME}/imports", files={"file": (name, content)}, headers=headers)
            return response.status_code

        assert upload("few.csv", inventory_csv(50)) == 201
        assert upload("many.csv", inventory_csv(150)) == 202
        assert upload("many-cr.csv", inventory_csv(150).replace(b"\n", b"\r")) == 202
        assert upload("many.xlsx", xlsx.getvalue()) == 202
        app.state.jobs.wait_idle()
