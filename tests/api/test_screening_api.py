"""The screening review queue and decisions through the API, within one organisation."""

from __future__ import annotations

from pathlib import Path

from .conftest import World
from .test_inventory_api import wait_for_job

ACME = "/api/v1/organizations/acme"
GLOBEX = "/api/v1/organizations/globex"
E2E_INVENTORY = Path(__file__).resolve().parent.parent / "data" / "web" / "inventory-e2e.csv"


def screen(world: World, who: str, base: str) -> None:
    response = world.post(who, f"{base}/screening/runs")
    assert response.status_code == 202
    job = wait_for_job(world, who, response.headers["location"])
    assert job["status"] == "succeeded", job["error"]
    assert job["result"]["names_screened"] == 5, job["result"]


def test_review_queue_and_a_decision(world: World) -> None:
    world.upload("acme:analyst", "acme", "e2e.csv", content=E2E_INVENTORY.read_bytes())
    assert world.get("acme:viewer", f"{ACME}/screening/candidates").json() == []  # not screened yet
    screen(world, "acme:analyst", ACME)
    queue = world.get("acme:viewer", f"{ACME}/screening/candidates").json()
    assert [c["name"] for c in queue] == ["China Mobile Intl"]
    candidate = queue[0]
    assert candidate["entity_id"] == "china-mobile-international-usa" and candidate["assets"] == 1
    assert candidate["decision"] is None and candidate["explanation"]["query_normalised"]
    url = f"{ACME}/screening/candidates/{candidate['id']}/decision"
    body = {"decision": "dismissed", "reason": "a local router reseller"}
    assert world.post("acme:viewer", url, json=body).status_code == 403
    assert world.post("acme:analyst", url, json={"decision": "dismissed", "reason": ""}).status_code == 422
    decided = world.post("acme:analyst", url, json=body).json()
    assert decided["decision"] == "dismissed" and decided["decided_by"] == "acme-analyst"
    assert world.get("acme:viewer", f"{ACME}/screening/candidates").json() == []
    assert [
        c["id"] for c in world.get("acme:viewer", f"{ACME}/screening/candidates?state=decided").json()
    ] == [candidate["id"]]
    entry = world.get("acme:viewer", f"{ACME}/audit").json()["items"][0]
    assert entry["action"] == "screening.dismissed" and entry["detail"]["reason"] == "a local router reseller"
    # Another organisation can neither decide acme's candidate nor read its analyst's reason, and
    # acme's dismissal does not clear the same name in another organisation's inventory.
    assert (
        world.post(
            "globex:analyst", f"{GLOBEX}/screening/candidates/{candidate['id']}/decision", json=body
        ).status_code
        == 404
    )
    world.upload("globex:analyst", "globex", "e2e.csv", content=E2E_INVENTORY.read_bytes())
    screen(world, "globex:analyst", GLOBEX)
    theirs = world.get("globex:admin", f"{GLOBEX}/screening/candidates?state=all").json()
    assert theirs and all("router reseller" not in (c["reason"] or "") for c in theirs)
    assert all(c["decided_by"] in (None, "globex-analyst") for c in theirs)
    still_open = world.get("globex:admin", f"{GLOBEX}/screening/candidates").json()
    assert [c["name"] for c in still_open] == ["China Mobile Intl"]


def test_a_name_counts_the_assets_that_carry_it_in_any_role(world: World) -> None:
    from netvet.storage import browse
    from netvet.storage import inventory as store
    from netvet.storage.tables import assets, components, sites

    with world.db.begin() as conn:
        store.ensure_organization(conn, "acme")
        conn.execute(sites.insert(), [{"organization_id": "acme", "id": "S1"}])
        rows = [("A1", "Ericsson", "HiSilicon"), ("A2", "HiSilicon", "HiSilicon"), ("A3", "Nokia", None)]
        conn.execute(
            assets.insert(),
            [
                {
                    "organization_id": "acme",
                    "id": i,
                    "site_id": "S1",
                    "vendor": v,
                    "manufacturer": m,
                    "role": "BBU",
                    "domain": "ran",
                    "row_hash": i,
                }
                for i, v, m in rows
            ],
        )
        conn.execute(
            components.insert(),
            [
                {
                    "organization_id": "acme",
                    "asset_id": "A3",
                    "position": 0,
                    "name": "chip",
                    "supplier": "HiSilicon",
                }
            ],
        )
        counts = browse.assets_per_name(conn, "acme")
    assert counts == {"HiSilicon": 3, "Ericsson": 1, "Nokia": 1}


def test_screening_a_name_validates_the_country_and_never_lowers_a_score_for_it(world: World) -> None:
    def screen_name(**body: str) -> dict[str, object]:
        response = world.post(
            "acme:viewer", "/api/v1/screening/name", json={"name": "Huawei Technologies", **body}
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    plain, abroad = screen_name(), screen_name(country="gb")
    assert abroad["results"][0]["entity_id"] == plain["results"][0]["entity_id"] == "huawei"  # type: ignore[index]
    assert abroad["results"][0]["score"] >= plain["results"][0]["score"]  # type: ignore[index]
    bad = world.post("acme:viewer", "/api/v1/screening/name", json={"name": "Huawei", "country": "XX"})
    assert bad.status_code == 422
