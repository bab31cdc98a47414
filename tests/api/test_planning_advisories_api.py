"""Plans (a job over the stored findings) and advisory matches with the patch-first ranking."""

from __future__ import annotations

from pathlib import Path

from netvet.advisories.asset_index import AssetIndex
from netvet.advisories.matcher import match_all
from netvet.advisories.reader import parse_document
from netvet.storage.advisories import iter_advisories, load_asset_views, replace_matches, store_document

from .conftest import World
from .test_inventory_api import wait_for_job
from .test_policy_api import assess

ACME = "/api/v1/organizations/acme"
ADVISORY_DATA = Path(__file__).resolve().parent.parent / "data" / "advisories"
ROUTERS = b"""asset_id,site_id,region,country,vendor,model,software_version,role
R1,S1,London,GB,HUAWEI,AR3200,V200R009C00SPC300,Router
R2,S1,London,GB,Cisco,Catalyst 2960,12.2(55)SE3,Router
R3,S2,Leeds,GB,Nokia Solutions and Networks,7750 SR,22.10.R3,Router
"""


def test_a_plan_is_made_from_the_stored_assessment(world: World) -> None:
    world.upload("acme:analyst", "acme", "inventory.csv")
    early = world.post("acme:analyst", f"{ACME}/plans", json={"greedy": True})
    failed = wait_for_job(world, "acme:viewer", early.headers["location"])
    assert failed["status"] == "failed" and failed["error"]["type"] == "urn:netvet:problem:no-assessment"
    assess(world, at="2026-11-25", jurisdictions=["uk"])
    typo = world.post("acme:analyst", f"{ACME}/plans", json={"specialist_teams": {"core_integrator": 3}})
    assert typo.status_code == 422 and "core_integrator" in typo.text  # refused, not silently ignored
    response = world.post(
        "acme:analyst",
        f"{ACME}/plans",
        json={"greedy": True, "start": "2026-11-25", "crews": 1, "specialist_teams": {"core_integration": 3}},
    )
    assert response.status_code == 202
    job = wait_for_job(world, "acme:viewer", response.headers["location"], timeout=120)
    assert job["status"] == "succeeded", job["error"]
    plan = world.get("acme:viewer", f"{ACME}/plans/{job['id']}").json()
    assert plan["method"] and plan["currency"] and plan["parameters"]["start"] == "2026-11-23"  # a Monday
    assert plan["parameters"]["crews"]["specialists"] == {"core_integration": 3, "vendor_services": 1}
    planned = {a for task in plan["tasks"] for a in task["asset_ids"]} | {
        a for work in plan["unscheduled"] for a in work["asset_ids"]
    }
    due = world.get("acme:viewer", f"{ACME}/findings", params={"status": "due"}).json()["items"]
    assert {f["asset_id"] for f in due if f["asset_id"]} <= planned
    listed = world.get("acme:viewer", f"{ACME}/plans").json()
    assert [p["id"] for p in listed] == [job["id"], failed["id"]] and listed[0]["result"] is None
    assert world.get("acme:viewer", f"{ACME}/plans/{failed['id']}").status_code == 409
    assert world.get("globex:admin", f"/api/v1/organizations/globex/plans/{job['id']}").status_code == 404


def test_advisory_matches_and_what_to_patch_first(world: World) -> None:
    world.upload("acme:analyst", "acme", "routers.csv", content=ROUTERS)
    with world.db.begin() as conn:
        for name in ("cve5-huawei-ar.json", "nvd-cisco-ios-nokia.json", "kev-catalog.json"):
            raw = (ADVISORY_DATA / name).read_bytes()
            store_document(conn, parse_document(raw, name), name.ljust(64, "x")[:64])
        matches = list(
            match_all(list(iter_advisories(conn)), AssetIndex.build(load_asset_views(conn, "acme")))
        )
        replace_matches(conn, "acme", matches)
    affected = world.get("acme:viewer", f"{ACME}/advisories/matches", params={"status": "affected"}).json()
    assert {m["asset_id"] for m in affected["items"]} == {"R1", "R2", "R3"}
    top = world.get("acme:viewer", f"{ACME}/advisories/top").json()
    assert [p["rank"] for p in top] == list(range(1, len(top) + 1))
    assert [p["score"] for p in top] == sorted((p["score"] for p in top), reverse=True)
    kev = next(p for p in top if p["kev"])
    assert kev["cve"] == "CVE-2018-0171"
    assert world.get("globex:admin", "/api/v1/organizations/globex/advisories/top").json() == []
