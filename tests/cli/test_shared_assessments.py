"""One truth: what `netvet assess` stores is what the API and the dashboard serve; a what-if stays apart."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import TEST_DATA
from netvet.api import AppConfig, create_app
from netvet.cli import app
from netvet.storage import Database, access
from netvet.storage import inventory as store

runner = CliRunner()
INVENTORY = TEST_DATA / "report" / "inventory.csv"
WHAT_IF = TEST_DATA / "policy" / "whatif-es.yaml"


@pytest.fixture
def assessed(cli_env: Database, tmp_path: Path) -> Path:
    for args in (["import", str(INVENTORY)], ["screen"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    findings = tmp_path / "findings.json"
    result = runner.invoke(app, ["assess", "-j", "gb,us", "--at", "2026-11-25", "--json", str(findings)])
    assert result.exit_code == 0, result.output
    assert "stored as assessment" in result.output
    return findings


@pytest.fixture
def api(cli_env: Database) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with cli_env.begin() as conn:
        store.ensure_organization(conn, "default")
        user = access.create_user(conn, "default", "vic", access.Role.VIEWER, None)
        _, secret = access.create_token(conn, user.id, "tests", "fixture")
    with TestClient(create_app(cli_env, AppConfig())) as client:
        yield client, {"Authorization": f"Bearer {secret}"}


def test_the_api_serves_what_the_cli_assessed(assessed: Path, api: tuple[TestClient, dict[str, str]]) -> None:
    written = json.loads(assessed.read_text())
    client, auth = api
    page = client.get("/api/v1/organizations/default/findings?page_size=500", headers=auth).json()
    assert page["assessment"]["at"] == "2026-11-25"
    assert page["assessment"]["jurisdictions"] == ["uk", "us"]  # gb names the UK's pack
    assert not page["assessment"]["what_if"]
    served = sorted((f["rule_id"], f["asset_id"], f["status"]) for f in page["items"])
    cli = sorted((f["rule_id"], f["asset_id"], f["status"]) for f in written["findings"])
    assert served == cli and page["total"] == written["summary"]["findings"]
    # The inventory's UK core AMF is Huawei: the Designated Vendor Direction's core rule (deadline
    # 2023-12-31, passed on 2026-11-25) makes it a violation.
    assert ("uk-dvd-core", "GB-CORE-AMF", "violation") in served
    # The ISO code and the pack code name the same findings.
    by_country = client.get("/api/v1/organizations/default/findings?jurisdiction=gb", headers=auth).json()
    by_pack = client.get("/api/v1/organizations/default/findings?jurisdiction=uk", headers=auth).json()
    assert by_country["total"] == by_pack["total"] > 0
    # One canonical vendor for every spelling screening matched to Huawei, the spelling kept beside it.
    huawei = client.get("/api/v1/organizations/default/findings?vendor=huawei", headers=auth).json()
    assert {f["vendor_canonical"] for f in huawei["items"]} == {"Huawei"}
    assert {f["vendor_entity_id"] for f in huawei["items"]} == {"huawei"}
    assert {"Huawei Technologies Co.,Ltd.", "HUAWEI", "Huawei"} <= {f["vendor"] for f in huawei["items"]}


def test_a_what_if_is_stored_apart_and_labelled(
    assessed: Path, api: tuple[TestClient, dict[str, str]]
) -> None:
    result = runner.invoke(app, ["assess", "--at", "2026-11-25", "--policy", str(WHAT_IF)])
    assert result.exit_code == 0, result.output
    assert "stored as what-if assessment" in result.output and "whatif-es.yaml" in result.output
    client, auth = api
    listed = client.get("/api/v1/organizations/default/assessments", headers=auth).json()
    what_ifs = [a for a in listed if a["what_if"]]
    assert len(listed) == 2 and len(what_ifs) == 1
    assert what_ifs[0]["scenario"] == "extra pack whatif-es.yaml"
    assert what_ifs[0]["label"].startswith("what-if: 2026-11-25")
    # The network's status is still the plain assessment; the what-if is served when asked for by id.
    latest = client.get("/api/v1/organizations/default/findings", headers=auth).json()
    assert latest["assessment"]["what_if"] is False
    chosen = client.get(
        f"/api/v1/organizations/default/findings?assessment={what_ifs[0]['id']}", headers=auth
    ).json()
    assert chosen["assessment"]["what_if"] is True
    report = client.get(f"/api/v1/organizations/default/report?assessment={what_ifs[0]['id']}", headers=auth)
    assert report.status_code == 200 and "What-if assessment (extra pack whatif-es.yaml)" in report.text
    plain = client.get("/api/v1/organizations/default/report", headers=auth)
    assert "What-if assessment" not in plain.text


def test_the_demo_leaves_an_assessment_the_dashboard_reads(
    cli_env: Database, api: tuple[TestClient, dict[str, str]]
) -> None:
    result = runner.invoke(app, ["demo", "--sites", "60", "--country", "GB"])
    assert result.exit_code == 0, result.output
    client, auth = api
    page = client.get("/api/v1/organizations/default/findings", headers=auth)
    assert page.status_code == 200 and page.json()["total"] > 0
    sites = client.get("/api/v1/organizations/default/sites?page_size=500", headers=auth).json()
    statuses = {site["status"] for site in sites["items"]}
    assert statuses - {"clear"}, "the demo's Huawei sites are not all clear"


def test_a_what_if_export_says_so(assessed: Path, tmp_path: Path) -> None:
    out = tmp_path / "what-if.json"
    args = ["export", "--format", "json", "--out", str(out), "--at", "2026-11-25", "--policy", str(WHAT_IF)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["what_if"] == "extra pack whatif-es.yaml"
    plain = tmp_path / "plain.json"
    runner.invoke(app, ["export", "--format", "json", "--out", str(plain), "--at", "2026-11-25"])
    assert json.loads(plain.read_text())["what_if"] is None


def test_a_what_if_says_so_in_every_spreadsheet_and_form(assessed: Path, tmp_path: Path) -> None:
    scenario = "extra pack whatif-es.yaml"
    what_if = ["--at", "2026-11-25", "--policy", str(WHAT_IF)]
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"what-if.{fmt}"
        result = runner.invoke(app, ["export", "--format", fmt, "--out", str(out), *what_if])
        assert result.exit_code == 0 and f"what-if ({scenario}): not the network's status" in result.output
    rows = list(csv.DictReader((tmp_path / "what-if.csv").open(encoding="utf-8")))
    assert rows and {r["what_if"] for r in rows} == {scenario}
    for sheet in load_workbook(tmp_path / "what-if.xlsx", read_only=True).worksheets:
        header, *data = list(sheet.iter_rows(values_only=True))
        assert header[-1] == "what_if" and data and {row[-1] for row in data} == {scenario}
    form = tmp_path / "uk-dvd.csv"
    result = runner.invoke(app, ["forms", "uk-dvd", "--out", str(form), *what_if])
    assert result.exit_code == 0 and "what-if" in result.output
    assert {r["what_if"] for r in csv.DictReader(form.open(encoding="utf-8"))} == {scenario}
    # The network's own status carries no such column.
    plain = tmp_path / "plain.csv"
    runner.invoke(app, ["export", "--format", "csv", "--out", str(plain), "--at", "2026-11-25"])
    assert "what_if" not in plain.read_text(encoding="utf-8").splitlines()[0]
    plain_form = tmp_path / "plain-form.csv"
    runner.invoke(app, ["forms", "uk-dvd", "--out", str(plain_form), "--at", "2026-11-25"])
    assert "what_if" not in plain_form.read_text(encoding="utf-8").splitlines()[0]


def test_report_export_and_forms_read_a_stored_assessment(
    assessed: Path, api: tuple[TestClient, dict[str, str]], tmp_path: Path
) -> None:
    """`--assessment` gives what the dashboard and the API show for the assessment, with none run anew."""
    written = json.loads(assessed.read_text())
    exported = tmp_path / "stored.json"
    args = ["export", "--format", "json", "--out", str(exported), "--assessment", "latest"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    document = json.loads(exported.read_text())
    assert (document["at"], document["jurisdictions"]) == ("2026-11-25", ["uk", "us"])
    assert sorted((f["rule_id"], f["asset_id"], f["status"]) for f in document["findings"]) == sorted(
        (f["rule_id"], f["asset_id"], f["status"]) for f in written["findings"]
    )

    form = tmp_path / "us.csv"
    result = runner.invoke(app, ["forms", "us-covered", "--out", str(form), "--assessment", "1"])
    assert result.exit_code == 0, result.output
    us_assets = {
        f["asset_id"]
        for f in written["findings"]
        if f["jurisdiction"] == "us" and f["asset_id"] and f["country"] == "US"
    }
    assert {r["equipment_id"] for r in csv.DictReader(form.open(encoding="utf-8"))} == us_assets

    report = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "--out", str(report), "--assessment", "1"])
    assert result.exit_code == 0 and f"{written['summary']['findings']:,} findings" in result.output
    client, auth = api
    served = client.get("/api/v1/organizations/default/report?assessment=1", headers=auth).text
    titles = re.compile(r"<title>([^<]*)</title>")
    assert titles.findall(report.read_text(encoding="utf-8")) == titles.findall(served)

    uk_only = tmp_path / "uk.json"
    result = runner.invoke(
        app, ["export", "--format", "json", "--out", str(uk_only), "--assessment", "1", "-j", "gb"]
    )
    assert result.exit_code == 0 and {
        f["jurisdiction"] for f in json.loads(uk_only.read_text())["findings"]
    } == {"uk"}
    for wrong, message in (
        (["--assessment", "7"], "--assessment 7: no such assessment of organisation 'default'"),
        (
            ["--assessment", "1", "-j", "de"],
            "-j de: with --assessment, name one of its jurisdictions (uk, us)",
        ),
        (["--assessment", "1", "--at", "2026-11-25"], "--at and --policy do not apply"),
    ):
        refused = runner.invoke(app, ["export", "--format", "csv", "--out", str(tmp_path / "x.csv"), *wrong])
        assert refused.exit_code == 2 and message in refused.output, refused.output


def test_a_what_if_says_so_in_the_assessment_file_and_the_timeline(assessed: Path, tmp_path: Path) -> None:
    assert json.loads(assessed.read_text())["what_if"] is None  # the network's status
    findings = tmp_path / "what-if.json"
    result = runner.invoke(
        app, ["assess", "--at", "2026-11-25", "--policy", str(WHAT_IF), "--json", str(findings)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(findings.read_text())["what_if"] == "extra pack whatif-es.yaml"
    # A Huawei core element in Spain, which the what-if pack reaches.
    spain = tmp_path / "spain.csv"
    spain.write_text(
        "asset_id,site_id,country,vendor,role,installed_on\nES-CORE-AMF,ES-CORE,ES,Huawei,AMF,2019-05-01\n",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["import", str(spain)]).exit_code == 0
    events = json.loads(runner.invoke(app, ["timeline", "--policy", str(WHAT_IF), "--json"]).stdout)
    marked = {e["rule_id"] for e in events if e["what_if"] == "extra pack whatif-es.yaml"}
    assert marked == {"es-whatif-core"}  # the only rule of whatif-es.yaml
    assert any(e["what_if"] is None for e in events)  # the shipped packs' own events stay as they are
    table = runner.invoke(app, ["timeline", "--policy", str(WHAT_IF)]).output
    assert "What-if timeline (extra pack whatif-es.yaml" in table and "ahead, what-if" in table
