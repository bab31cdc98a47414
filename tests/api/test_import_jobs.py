"""Import jobs on SQLite: progress without a second writer, and no upload left behind."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from netvet.api.routers import imports
from netvet.api.worker import JobContext

from .conftest import World, open_files_under
from .test_inventory_api import wait_for_job

ACME = "/api/v1/organizations/acme"


def inventory_csv(rows: int, prefix: str = "X") -> bytes:
    lines = ["asset_id,site_id,region,country,vendor,role"]
    lines += [
        f"{prefix}{i:06d},SITE{i // 10:05d},Region {(i // 10) % 7},GB,Vendor {i % 13},BBU"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def test_an_import_of_6000_rows_through_the_api_succeeds_on_sqlite(world: World, private_tmp: Path) -> None:
    # The importer reports progress every 5,000 rows from inside its transaction; this failed with
    # "database is locked" when progress was written to the jobs table on a second connection.
    response = world.upload("acme:analyst", "acme", "big.csv", content=inventory_csv(6000))
    assert response.status_code == 202, response.text
    job = wait_for_job(world, "acme:viewer", response.headers["location"], timeout=120)
    assert job["status"] == "succeeded", job["error"]
    assert job["result"]["rows_added"] == 6000 and job["progress"] == 1.0
    assert world.get("acme:viewer", f"{ACME}/assets").json()["total"] == 6000
    # The job closes its upload (a file without a name) just after it records its end.
    world.client.app.state.jobs.wait_idle()  # type: ignore[attr-defined]
    assert os.listdir(private_tmp) == [] and open_files_under(private_tmp) == []


def test_a_running_jobs_progress_is_served_from_memory(world: World) -> None:
    started, locked, halfway, release = (threading.Event() for _ in range(4))
    reported: list[str] = []

    def work(context: JobContext) -> dict[str, Any]:
        started.set()
        assert locked.wait(10)
        try:
            context.progress(1, 4)  # while another connection holds the write lock
        except Exception as exc:
            reported.append(repr(exc))
        halfway.set()
        release.wait(10)
        return {}

    runner = world.client.app.state.jobs  # type: ignore[attr-defined]
    job_id = runner.submit("acme", "test", "ann", work)
    path = world.db.engine.url.database
    assert path is not None and started.wait(10)
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # what the import's own transaction does
    try:
        locked.set()
        assert halfway.wait(10)
        job = world.get("acme:viewer", f"{ACME}/jobs/{job_id}").json()
        listed = world.get("acme:viewer", f"{ACME}/jobs").json()
    finally:
        holder.rollback()
        holder.close()
        release.set()
        runner.wait_idle()
    assert reported == []
    assert job["status"] == "running" and job["progress"] == 0.25
    assert [j["progress"] for j in listed if j["id"] == job_id] == [0.25]
    done = world.get("acme:viewer", f"{ACME}/jobs/{job_id}").json()
    assert done["status"] == "succeeded" and done["progress"] == 1.0


@pytest.mark.parametrize(
    "failure",
    [
        OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked")),
        RuntimeError("the importer broke"),
    ],
    ids=["database-locked", "unexpected"],
)
def test_a_failed_import_job_leaves_no_upload_behind(
    world: World, private_tmp: Path, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    from netvet.api import worker

    monkeypatch.setattr(worker.time, "sleep", lambda _seconds: None)

    def failing(*args: Any, **kwargs: Any) -> Any:
        raise failure

    monkeypatch.setattr(imports, "import_inventory", failing)
    response = world.upload("acme:analyst", "acme", "big.csv", content=inventory_csv(100), background=True)
    assert response.status_code == 202
    job = wait_for_job(world, "acme:viewer", response.headers["location"])
    assert job["status"] == "failed"
    # The job closes its upload (a file without a name) just after it records its end.
    world.client.app.state.jobs.wait_idle()  # type: ignore[attr-defined]
    assert os.listdir(private_tmp) == [] and open_files_under(private_tmp) == []


def test_a_refused_upload_in_the_request_leaves_nothing_behind(world: World, private_tmp: Path) -> None:
    response = world.upload("acme:analyst", "acme", "bad.csv", content=b"asset_id,site_id\nA1,S1\n")
    assert response.status_code == 422
    assert os.listdir(private_tmp) == [] and open_files_under(private_tmp) == []
