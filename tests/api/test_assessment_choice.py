"""The API's assessment: a day and the packs, named by pack code or ISO country code."""

from __future__ import annotations

from .conftest import World
from .test_policy_api import ACME, assess


def test_the_api_assesses_on_a_day_under_packs_named_by_country_code(world: World) -> None:
    world.upload("acme:analyst", "acme", "inventory.csv")
    assess(world, at="2027-06-30", jurisdictions=["gb"])
    [stored] = world.get("acme:viewer", f"{ACME}/assessments").json()
    assert stored["at"] == "2027-06-30" and stored["jurisdictions"] == ["uk"] and not stored["what_if"]
    refused = world.post("acme:analyst", f"{ACME}/assessments", json={"jurisdictions": ["atlantis"]})
    assert refused.status_code == 422
