from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from netvet.cli import app
from netvet.report.forms import UK_DVD_FIELDS, US_COVERED_FIELDS
from netvet.storage import Database
from netvet.storage.policy import rule_packs, run_assessment

INVENTORY = Path(__file__).resolve().parent.parent / "data" / "report" / "inventory.csv"
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "findings.schema.json").read_text())
AT = "2026-11-25"
runner = CliRunner()


@pytest.fixture
def screened(cli_env: Database) -> Database:
    for command in (["import", str(INVENTORY)], ["screen"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output
    return cli_env


def test_report_writes_one_html_file_with_the_assessments_findings(
    screened: Database, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "report.html"
    result = runner.invoke(app, ["report", "--at", AT, "--out", str(out)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    expected = run_assessment(screened, "default", None, date.fromisoformat(AT)).frame.height
    assert expected > 0  # screening found Huawei and ZTE, the rules acted on them
    assert f"11 assets, 8 sites, {expected:,} findings; written to {out}" in result.output
    page = out.read_text(encoding="utf-8")
    assert page.count("<tr data-status=") == expected
    assert page.count('class="site s-') == 7
    # Screening resolved the misspelt "Hauwei Technologies" to Huawei: the chart counts it with Huawei.
    assert "ran: Huawei 5 assets" in page and "Hauwei" not in page.split('id="findings"')[0]


def test_report_with_jurisdictions_names_them(screened: Database, tmp_path: Path) -> None:
    out = tmp_path / "uk.html"
    result = runner.invoke(app, ["report", "-j", "uk", "--at", AT, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "under UK." in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["report", "--format", "doc"], "--format 'doc': choose one of html, pdf"),
        (["report", "-j", "atlantis"], "unknown jurisdiction(s) atlantis"),
        (["report", "--at", "2026-02-30"], "--at '2026-02-30' is not a date"),
        (["export", "--format", "pdf", "--out", "x.pdf"], "--format 'pdf': choose one of csv, json, xlsx"),
        (["forms", "eu-toolbox", "--out", "x.csv"], "unknown form 'eu-toolbox'"),
    ],
)
def test_bad_input_fails_with_a_clear_message(cli_env: Database, arguments: list[str], message: str) -> None:
    result = runner.invoke(app, arguments, env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert message in result.output


def test_a_file_that_is_not_a_plan_is_named_with_the_field(cli_env: Database, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"method": "greedy"}', encoding="utf-8")
    result = runner.invoke(app, ["report", "--plan", str(plan)], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert f"{plan}: not a netvet plan: field solver_status" in result.output.replace("\n", "")


def test_exports_carry_every_finding(screened: Database, tmp_path: Path) -> None:
    expected = run_assessment(screened, "default", None, date.fromisoformat(AT)).frame
    for fmt in ("csv", "json", "xlsx"):
        out = tmp_path / f"findings.{fmt}"
        result = runner.invoke(app, ["export", "--format", fmt, "--out", str(out), "--at", AT])
        assert result.exit_code == 0, result.output
        assert f"findings: {expected.height:,} written to" in result.output
    with (tmp_path / "findings.csv").open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == expected.height
    document = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA)
    assert len(document["findings"]) == expected.height
    workbook = load_workbook(tmp_path / "findings.xlsx", read_only=True)
    jurisdictions = sorted({j.upper() for j in expected.get_column("jurisdiction").to_list()})
    assert workbook.sheetnames == (jurisdictions or ["FINDINGS"])


def test_forms_are_written_with_the_official_fields(screened: Database, tmp_path: Path) -> None:
    uk_rules = [rule.id for pack in rule_packs() if pack.jurisdiction == "uk" for rule in pack.rules]
    for form, fields in (("us-covered", US_COVERED_FIELDS), ("uk-dvd", UK_DVD_FIELDS)):
        out = tmp_path / f"{form}.csv"
        result = runner.invoke(app, ["forms", form, "--out", str(out), "--at", AT])
        assert result.exit_code == 0, result.output
        with out.open(encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == [f.name for f in fields]
            rows = list(reader)
        if form == "uk-dvd":
            assert [row["requirement"].split(":")[0] for row in rows] == uk_rules
        else:
            assert all(row["equipment_id"].startswith(("BIL-", "KAN-")) for row in rows)  # US sites only


def test_write_report_reuses_an_assessment_already_run(screened: Database, tmp_path: Path) -> None:
    from netvet.report import load_report_data

    assessment = run_assessment(screened, "default", ["uk"], date.fromisoformat(AT))
    data = load_report_data(screened, "default", ["uk"], date.fromisoformat(AT), assessment=assessment)
    assert data.findings.height == assessment.frame.height > 0
    assert [pack.jurisdiction for pack in data.methods.packs] == ["uk"]
    assert all(
        item.version.startswith("v") for item in data.methods.lists
    )  # the stored versions screening used
    assert any("countries none of the selected rule packs covers" in note for note in data.notes)
