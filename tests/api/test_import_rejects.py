"""The API's import with skip_invalid: valid rows stored, the rejected ones downloadable by the org only."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import World


@pytest.fixture(autouse=True)
def private_output(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NETVET_HOME", str(tmp_path / "home"))


def test_skip_invalid_keeps_the_rejected_rows_for_the_organisation(world: World) -> None:
    response = world.upload("acme:analyst", "acme", "inventory-one-bad-row.csv", skip_invalid="true")
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["rows_added"], body["rows_rejected"]) == (2, 1)
    rejects = world.get("acme:viewer", body["rejects"])
    assert rejects.status_code == 200 and "2022-13-45" in rejects.text
    other = body["rejects"].replace("/acme/", "/globex/")
    assert world.get("globex:admin", other).status_code == 404  # another organisation's folder
    assert world.get("globex:admin", body["rejects"]).status_code == 404  # not theirs to read
    strict = world.upload("acme:analyst", "acme", "inventory-one-bad-row.csv")
    assert strict.status_code == 422
