"""An asset whose vendor is written "Huawie" (screening: review) and whose manufacturer is "Huawei" (on
the BIS Entity List, 84 FR 22961) is Huawei equipment: the rules act on it as Huawei, so stats, the US
form, the stored findings and the dashboard's vendor chart name it Huawei, the spelling kept beside it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from netvet.api import AppConfig, create_app
from netvet.cli import app
from netvet.storage import Database, access
from netvet.storage import inventory as store

runner = CliRunner()
HEADER = "asset_id,site_id,country,vendor,manufacturer,role,technology,installed_on,purchased_on,funding"
ROWS = [
    "US-1-BBU,US-1,US,Huawie,Huawei,BBU,4G,2017-06-01,2017-05-01,USF high-cost",  # made by Huawei
    "US-1-AAU,US-1,US,Huawie,,AAU,4G,2017-06-01,2017-05-01,USF high-cost",  # only the misspelling
    "US-2-AMF,US-2,US,Huawei,Huawei,AMF,5G,2018-05-01,2018-03-01,",
    "US-2-UPF,US-2,US,Ericsson,Ericsson,UPF,5G,2021-05-01,2021-03-01,",
]


def test_the_manufacturer_names_the_asset_when_only_it_is_a_restricted_entity(
    cli_env: Database, tmp_path: Path
) -> None:
    inventory = tmp_path / "inventory.csv"
    inventory.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    outputs = {}
    for args in (["import", str(inventory)], ["screen"], ["assess", "-j", "us", "--at", "2026-11-25"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        outputs[args[0]] = result.output
    assert "match 1, review 1, clear 1" in outputs["screen"]  # Huawei, Huawie, Ericsson
    stats = {v["vendor"]: v for v in json.loads(runner.invoke(app, ["stats", "--json"]).stdout)["vendors"]}
    assert stats["Huawei"]["total"] == 2 and stats["Huawei"]["written_as"] == {"Huawie": 1, "Huawei": 1}
    assert stats["Huawie"]["total"] == 1 and stats["Huawie"]["entity_id"] is None  # still in review
    assert stats["Huawei"]["by_domain"] == {"ran": 1, "core": 1}

    form = tmp_path / "us.csv"
    assert (
        runner.invoke(app, ["forms", "us-covered", "--out", str(form), "--at", "2026-11-25"]).exit_code == 0
    )
    rows = {r["equipment_id"]: r for r in csv.DictReader(form.open(encoding="utf-8"))}
    assert (rows["US-1-BBU"]["manufacturer"], rows["US-1-BBU"]["manufacturer_as_written"]) == (
        "Huawei",
        "Huawie / Huawei",
    )
    assert rows["US-2-AMF"]["manufacturer"] == "Huawei"

    with cli_env.begin() as conn:
        user = access.create_user(conn, "default", "vic", access.Role.VIEWER, None)
        _, secret = access.create_token(conn, user.id, "tests", "fixture")
    with TestClient(create_app(cli_env, AppConfig())) as client:
        auth = {"Authorization": f"Bearer {secret}"}
        served = client.get(
            "/api/v1/organizations/default/findings?vendor=huawei&page_size=500", headers=auth
        )
        found = {(f["asset_id"], f["vendor"], f["vendor_canonical"]) for f in served.json()["items"]}
        assert ("US-1-BBU", "Huawie", "Huawei") in found and ("US-2-AMF", "Huawei", "Huawei") in found
        assert all(asset != "US-1-AAU" for asset, _, _ in found)
        report = client.get("/api/v1/organizations/default/report", headers=auth).text
    # The vendor chart the dashboard and the report draw: the RAN is one Huawei asset, one "Huawie".
    assert "ran: Huawei 1 assets (50.0%)" in report and "ran: Huawie 1 assets (50.0%)" in report
    assert "core: Huawei 1 assets (50.0%)" in report
    with cli_env.connect() as conn:
        assert store.count_assets(conn, "default") == len(ROWS)
