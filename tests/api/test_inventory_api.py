"""Sites, assets and imports through the API: the CLI's validation and all-or-nothing rule."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from netvet.api import AppConfig, create_app
from netvet.storage import Database
from netvet.storage import inventory as store

from .conftest import API_DATA, World, add_people

ACME = "/api/v1/organizations/acme"


def wait_for_job(world: World, who: str, url: str, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = world.get(who, url).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {url} did not finish in {timeout}s")


def test_upload_imports_the_file_and_the_inventory_reads_back(world: World) -> None:
    response = world.upload("acme:analyst", "acme", "inventory.csv")
    assert response.status_code == 201, response.text
    assert response.json()["rows_added"] == 5 and response.json()["format"] == "csv"
    sites = world.get("acme:viewer", f"{ACME}/sites").json()
    assert sites["total"] == 4
    camden = next(s for s in sites["items"] if s["id"] == "S1")
    assert camden["name"] == "Camden" and camden["assets"] == 2 and camden["status"] == "clear"
    assets = world.get("acme:viewer", f"{ACME}/assets", params={"page_size": 2}).json()
    assert assets["total"] == 5 and [a["id"] for a in assets["items"]] == ["A1", "A2"]
    page2 = world.get("acme:viewer", f"{ACME}/assets", params={"page_size": 2, "page": 3}).json()
    assert [a["id"] for a in page2["items"]] == ["A5"]


def test_asset_filters_by_vendor_domain_region_and_status(world: World) -> None:
    world.upload("acme:analyst", "acme", "inventory.csv")

    def ids(**params: Any) -> list[str]:
        body = world.get("acme:viewer", f"{ACME}/assets", params=params).json()
        return [a["id"] for a in body["items"]]

    assert ids(vendor="huawei") == ["A1", "A2"]  # vendor matches case-insensitively
    assert ids(domain="core") == ["A4"]
    assert ids(region="London") == ["A1", "A2", "A4"]  # A2's site S1 is in London
    assert ids(vendor="Huawei", region="North West") == []
    assert ids(status="clear") == ["A1", "A2", "A3", "A4", "A5"]  # nothing assessed yet
    assert ids(status="violation") == []
    bad = world.get("acme:viewer", f"{ACME}/assets", params={"domain": "space"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["location"] == "query.domain"


def test_one_asset_with_its_site_and_a_missing_one(world: World) -> None:
    world.upload("acme:analyst", "acme", "inventory.csv")
    asset = world.get("acme:viewer", f"{ACME}/assets/A4").json()
    assert asset["vendor"] == "Nokia" and asset["domain"] == "core" and asset["region"] == "London"
    missing = world.get("acme:viewer", f"{ACME}/assets/NOPE")
    assert missing.status_code == 404 and missing.json()["detail"] == "asset 'NOPE' not found"
    assert world.get("acme:viewer", f"{ACME}/sites/S2").json()["name"] == "Piccadilly"
    assert world.get("acme:viewer", f"{ACME}/sites/NOPE").status_code == 404


def test_a_bad_row_refuses_the_whole_file_with_row_and_column(world: World) -> None:
    response = world.upload("acme:analyst", "acme", "inventory-one-bad-row.csv")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:netvet:problem:invalid-inventory"
    assert problem["file_name"] == "inventory-one-bad-row.csv"
    assert [(e["row"], e["column"]) for e in problem["errors"]] == [(3, "installed_on")]
    assert problem["errors"][0]["value"] == "2022-13-45"
    # All or nothing: the two good rows were not stored either.
    assert world.get("acme:viewer", f"{ACME}/assets").json()["total"] == 0
    assert world.get("acme:viewer", f"{ACME}/imports").json()["total"] == 0


def test_file_level_problems_are_problem_documents_too(world: World) -> None:
    empty = world.upload("acme:analyst", "acme", "empty.csv", content=b"")
    assert empty.status_code == 422 and "empty" in empty.json()["detail"]
    no_vendor = world.upload("acme:analyst", "acme", "x.csv", content=b"asset_id,site_id,role\nA,S,BBU\n")
    assert no_vendor.status_code == 422 and "vendor" in no_vendor.json()["detail"]
    unknown = world.upload("acme:analyst", "acme", "x.pdf", content=b"%PDF")
    assert unknown.status_code == 422 and "format" in unknown.json()["detail"]


def test_a_large_upload_runs_as_a_job_with_a_status_endpoint(world: World) -> None:
    rows = ["asset_id,site_id,region,country,vendor,role"]
    rows += [f"X{i:05d},SITE{i // 10:04d},Region {(i // 10) % 7},GB,Vendor {i % 13},BBU" for i in range(3000)]
    content = ("\n".join(rows) + "\n").encode()
    response = world.upload("acme:analyst", "acme", "big.csv", content=content)
    assert response.status_code == 202, response.text
    url = response.headers["location"]
    assert url == response.json()["status_url"] and response.json()["job"]["kind"] == "import"
    job = wait_for_job(world, "acme:viewer", url)
    assert job["status"] == "succeeded", job["error"]
    assert job["result"]["rows_added"] == 3000 and job["progress"] == 1.0
    assert world.get("acme:viewer", f"{ACME}/assets").json()["total"] == 3000
    assert world.get("globex:admin", url.replace("acme", "globex")).status_code == 404


def test_a_failed_job_reports_the_rows_and_stores_nothing(world: World) -> None:
    bad = (API_DATA / "inventory-one-bad-row.csv").read_bytes()
    response = world.upload("acme:analyst", "acme", "bad.csv", content=bad, background=True)
    assert response.status_code == 202
    job = wait_for_job(world, "acme:analyst", response.headers["location"])
    assert job["status"] == "failed"
    assert job["error"]["status"] == 422 and job["error"]["errors"][0]["column"] == "installed_on"
    assert world.get("acme:viewer", f"{ACME}/assets").json()["total"] == 0
    listed = world.get("acme:viewer", f"{ACME}/jobs").json()
    assert [j["id"] for j in listed] == [job["id"]]


def test_imports_are_listed_newest_first_and_audited(world: World) -> None:
    world.upload("acme:analyst", "acme", "inventory.csv")
    world.upload("acme:admin", "acme", "inventory.csv", replace=True)
    imports = world.get("acme:viewer", f"{ACME}/imports").json()
    assert imports["total"] == 2
    assert [i["imported_by"] for i in imports["items"]] == ["acme-admin", "acme-analyst"]
    assert imports["items"][0]["rows_unchanged"] == 5
    audit = world.get("acme:viewer", f"{ACME}/audit").json()
    assert [(e["actor"], e["action"], e["via"]) for e in audit["items"]] == [
        ("acme-admin", "inventory.import", "token"),
        ("acme-analyst", "inventory.import", "token"),
    ]
    assert audit["items"][1]["detail"]["rows_added"] == 5


def test_an_upload_named_like_a_directory_is_still_just_a_file(world: World) -> None:
    content = (API_DATA / "inventory.csv").read_bytes()
    for name in ("..", "../../etc/passwd.csv", "."):
        response = world.upload("acme:analyst", "acme", name, content=content, format="csv")
        assert response.status_code == 201, (name, response.text)


def test_an_upload_over_the_limit_is_refused_and_nothing_kept(sqlite_db: Database) -> None:
    tokens = add_people(sqlite_db)
    app = create_app(sqlite_db, AppConfig(max_upload_bytes=100))
    data = (API_DATA / "inventory.csv").read_bytes()
    assert len(data) > 100
    with TestClient(app) as client:
        response = client.post(
            "/api/v1/organizations/acme/imports",
            files={"file": ("inventory.csv", data)},
            headers={"Authorization": f"Bearer {tokens['acme:analyst']}"},
        )
        app.state.jobs.wait_idle()
    assert response.status_code == 413 and "larger than the 100 bytes" in response.json()["detail"]
    with sqlite_db.connect() as conn:
        assert store.count_assets(conn, "acme") == 0
