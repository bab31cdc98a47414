"""Large imports through the API, on SQLite and PostgreSQL: two of 50,000 rows at once both succeed,
and a server killed in the middle of one leaves no partial rows and no upload behind."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from netvet.api import create_app
from netvet.api.worker import JobRunner
from netvet.storage import Database, access
from netvet.storage import inventory as store
from serve_process import netvet_serve

from .conftest import add_people, serving
from .test_import_jobs import inventory_csv

ROWS = 50_000
pytestmark = pytest.mark.slow


def poll_job(client: httpx.Client, url: str, headers: dict[str, str], timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(url, headers=headers).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"{url} did not finish in {timeout:.0f} s")


def test_two_50000_row_imports_at_once_both_succeed(db: Database) -> None:
    tokens = add_people(db)
    app = create_app(db)
    files = {org: inventory_csv(ROWS, prefix=org[0].upper()) for org in ("acme", "globex")}
    assert all(len(content) > app.state.config.import_job_bytes for content in files.values())  # jobs
    with serving(app) as port, httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        accepted: dict[str, httpx.Response] = {}

        def upload(org: str) -> None:
            accepted[org] = client.post(
                f"/api/v1/organizations/{org}/imports",
                files={"file": (f"{org}.csv", files[org])},
                headers={"Authorization": f"Bearer {tokens[f'{org}:analyst']}"},
            )

        uploads = [threading.Thread(target=upload, args=(org,)) for org in files]
        for thread in uploads:
            thread.start()
        for thread in uploads:
            thread.join(120)
        assert {org: r.status_code for org, r in accepted.items()} == {"acme": 202, "globex": 202}
        reads: list[int] = []
        jobs = {}
        for org, response in accepted.items():
            headers = {"Authorization": f"Bearer {tokens[f'{org}:admin']}"}
            # Reads go on while the imports write (SQLite: WAL readers do not wait for the writer).
            reads.append(client.get(f"/api/v1/organizations/{org}/assets", headers=headers).status_code)
            jobs[org] = poll_job(client, response.headers["location"], headers, timeout=900)
        app.state.jobs.wait_idle(60)
    assert {org: job["status"] for org, job in jobs.items()} == {
        "acme": "succeeded",
        "globex": "succeeded",
    }, jobs
    assert {job["result"]["rows_added"] for job in jobs.values()} == {ROWS} and set(reads) == {200}
    with db.connect() as conn:
        assert store.count_assets(conn, "acme") == ROWS and store.count_assets(conn, "globex") == ROWS


@pytest.fixture
def server_process(db: Database, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """`netvet serve` as a real process on the test database, with its own temporary folder."""
    with netvet_serve(db.engine.url.render_as_string(hide_password=False), tmp_path) as served:
        yield served


def test_killing_the_server_mid_import_leaves_no_rows_and_no_upload(
    db: Database, server_process: tuple[subprocess.Popen[bytes], int, Path]
) -> None:
    process, port, temporary = server_process
    tokens = add_people(db)
    headers = {"Authorization": f"Bearer {tokens['acme:analyst']}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        response = client.post(
            "/api/v1/organizations/acme/imports",
            files={"file": ("big.csv", inventory_csv(ROWS))},
            headers=headers,
        )
        assert response.status_code == 202, response.text
        job_url = response.headers["location"]
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:  # until rows are being written, in the import's transaction
            job = client.get(job_url, headers=headers).json()
            if job["status"] == "running" and (job["progress"] or 0) > 0:
                break
            assert job["status"] in ("queued", "running"), job
            time.sleep(0.05)
        else:
            raise AssertionError("the import never started")
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert job["progress"] < 1
    with db.connect() as conn:
        assert store.count_assets(conn, "acme") == 0 and store.list_imports(conn, "acme") == []
    assert list(temporary.iterdir()) == []  # no upload, nor anything else, left in the temporary folder
    # The next server marks the job interrupted.
    JobRunner(db).shutdown()
    with db.connect() as conn:
        stored = access.get_job(conn, job["id"], "acme")
    assert stored is not None and stored["status"] == "failed"
    assert stored["error"]["title"] == "interrupted"
