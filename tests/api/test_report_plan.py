"""The report of a stored assessment with a stored plan drawn in it, its costs in another currency at a
stated rate and day (the API's report options, which the dashboard's plans page offers)."""

from __future__ import annotations

from .conftest import World
from .test_inventory_api import wait_for_job
from .test_policy_api import ACME, assess

RATE = {"currency": "EUR", "exchange_rate": 0.9, "rate_date": "2026-11-27"}


def test_the_report_draws_a_stored_plan_in_the_currency_asked_for(world: World) -> None:
    world.upload("acme:analyst", "acme", "inventory.csv")
    assess(world, at="2026-11-25", jurisdictions=["uk"])
    response = world.post(
        "acme:analyst", f"{ACME}/plans", json={"greedy": True, "start": "2026-11-25", "crews": 1}
    )
    job = wait_for_job(world, "acme:viewer", response.headers["location"], timeout=120)
    assert job["status"] == "succeeded", job["error"]
    plan = world.get("acme:viewer", f"{ACME}/plans/{job['id']}").json()
    base = plan["currency"]
    report = world.get("acme:viewer", f"{ACME}/report", params={"plan": job["id"], **RATE})
    assert report.status_code == 200, report.text
    assert (
        f"Costs in EUR, converted from {base} at 0.9 EUR per {base}, the rate of 2026-11-27." in report.text
    )
    assert f"Total cost {round(plan['total_cost'] * 0.9, 2):,.0f} EUR" in report.text
    plain = world.get("acme:viewer", f"{ACME}/report", params={"plan": job["id"]}).text
    assert f"Total cost {plan['total_cost']:,.0f} {base}" in plain and "Costs in EUR" not in plain
    # A currency converts a plan's costs: without one it is refused, not ignored.
    refused = world.get("acme:viewer", f"{ACME}/report", params=RATE)
    assert refused.status_code == 422 and "name the plan" in refused.json()["detail"]
    theirs = world.get("globex:admin", "/api/v1/organizations/globex/report", params={"plan": job["id"]})
    assert theirs.status_code == 404 and "plan" in theirs.json()["detail"]
