from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from netvet.cli import app
from netvet.storage import Database

runner = CliRunner()
DATA = Path(__file__).resolve().parents[1] / "data" / "planning"


def flat(output: str) -> str:
    return " ".join(output.split())


def imported(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(DATA / "inventory.csv")])
    assert result.exit_code == 0, result.output


def test_plan_from_a_findings_file_then_check_it(cli_env: Database, tmp_path: Path) -> None:
    imported(tmp_path)
    out = tmp_path / "plan.json"
    args = ["plan", "--findings", str(DATA / "findings.json"), "--start", "2026-11-30", "--crews", "1"]
    result = runner.invoke(
        app, [*args, "--precedence", "transport>ran@site", "--neighbour-km", "3", "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(out.read_text())
    # Seven due assets at five sites and the core violation; MAN-2 (Ericsson) is not in the findings.
    sites = {t["site_id"] for t in plan["tasks"]} | {u["site_id"] for u in plan["unscheduled"]}
    assert sites == {"LON-1", "LON-2", "LON-3", "LON-CORE", "MAN-1"}
    lon1 = sorted((t["week_start"], t["domains"]) for t in plan["tasks"] if t["site_id"] == "LON-1")
    assert [d for _, d in lon1] == [["transport"], ["ran"]]
    # The core deadline passed in 2023: reported as unmet, with no fix that resources could buy.
    [core] = [u for u in plan["unmet"] if u["deadline"] == "2023-12-31"]
    assert core["fix"] is None
    # The January 2020 access cap is guidance: shown with the sites it would clear, not planned.
    [cap] = plan["caps"]
    assert (cap["rule_id"], cap["planned"], cap["excess"]) == ("uk-2020-hrv-access-cap", False, 3)
    assert "Network caps" in flat(result.output)
    assert plan["parameters"]["neighbour_km"] == 3
    check = runner.invoke(app, ["plan", "--check", str(out), "--findings", str(DATA / "findings.json")])
    assert check.exit_code == 0, check.output
    assert "no violations" in flat(check.output) and "stored inventory" in flat(check.output)


def test_check_lists_each_violation_and_exits_1(cli_env: Database, tmp_path: Path) -> None:
    imported(tmp_path)
    out = tmp_path / "plan.json"
    result = runner.invoke(
        app,
        [
            "plan",
            "--findings",
            str(DATA / "findings.json"),
            "--start",
            "2026-11-30",
            "--crews",
            "4",
            "--json",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(out.read_text())
    plan["parameters"]["crews"]["default"] = 0
    plan["tasks"][0]["slack_days"] = 1234
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(plan))
    check = runner.invoke(app, ["plan", "--check", str(edited), "--findings", str(DATA / "findings.json")])
    assert check.exit_code == 1
    text = flat(check.output)
    assert "crews" in text and "deadline" in text and "slack_days says 1234" in text


def test_greedy_and_crews_file(cli_env: Database, tmp_path: Path) -> None:
    imported(tmp_path)
    crews = tmp_path / "crews.yaml"
    crews.write_text("default: 1\nregions:\n  London: 3\n")
    out = tmp_path / "plan.json"
    result = runner.invoke(
        app,
        [
            "plan",
            "--findings",
            str(DATA / "findings.json"),
            "--start",
            "2026-11-30",
            "--crews",
            str(crews),
            "--greedy",
            "--json",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(out.read_text())
    assert plan["method"] == "greedy"
    crews = plan["parameters"]["crews"]
    assert (crews["default"], crews["regions"]) == (1, {"London": 3})
    # Specialised teams come from the catalogue unless the crews file names them.
    assert crews["specialists"] == {"core_integration": 2, "vendor_services": 1}


def test_bad_inputs_name_the_file_and_field(cli_env: Database, tmp_path: Path) -> None:
    imported(tmp_path)
    crews = tmp_path / "crews.yaml"
    crews.write_text("default: 1\nregions:\n  London: lots\n")
    result = runner.invoke(app, ["plan", "--findings", str(DATA / "findings.json"), "--crews", str(crews)])
    assert result.exit_code == 2
    assert str(crews) in flat(result.output) and "regions.London" in flat(result.output)
    findings = tmp_path / "findings.json"
    findings.write_text(json.dumps({"findings": [{"rule_id": "x"}]}))
    result = runner.invoke(app, ["plan", "--findings", str(findings)])
    assert result.exit_code == 2 and "finding 0" in flat(result.output)
    result = runner.invoke(
        app, ["plan", "--findings", str(DATA / "findings.json"), "--precedence", "ran>ran"]
    )
    assert result.exit_code == 2 and "precedence" in flat(result.output)
    result = runner.invoke(app, ["plan", "--check", str(tmp_path / "missing.json")])
    assert result.exit_code == 3


def test_plan_from_a_live_assessment(cli_env: Database, tmp_path: Path) -> None:
    # The whole chain: import, screen, then plan assesses the UK rules on the start date itself.
    imported(tmp_path)
    assert runner.invoke(app, ["screen"]).exit_code == 0
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", "--jurisdiction", "uk", "--start", "2026-11-30", "--json", str(out)])
    assert result.exit_code == 0, result.output
    plan = json.loads(out.read_text())
    by_site = {t["site_id"]: t for t in plan["tasks"]}
    assert set(by_site) == {"LON-1", "LON-2", "LON-3", "LON-CORE", "MAN-1"}  # not MAN-2 (Ericsson)
    assert by_site["LON-1"]["deadline"] == "2027-12-31"
    assert by_site["LON-CORE"]["deadline"] == "2023-12-31"  # the core deadline drives that site
    assert plan["parameters"]["jurisdictions"] == ["uk"]
    check = runner.invoke(app, ["plan", "--check", str(out)])
    assert check.exit_code == 0 and "stored inventory" in flat(check.output)


def test_default_horizon_reaches_a_quarter_past_the_last_deadline() -> None:
    from datetime import date

    from netvet.cli.planning import read_findings_file
    from netvet.planning import default_horizon

    findings = read_findings_file(DATA / "findings.json")
    # 2027-12-31 is 56 weeks after 2026-11-30; plus 13.
    assert default_horizon(findings, date(2026, 11, 30)) == 56 + 13
    assert default_horizon([], date(2026, 11, 30)) == 52


def test_the_belgian_ran_cap_is_planned_at_the_least_cost(cli_env: Database, tmp_path: Path) -> None:
    # Belgium caps high-risk suppliers at 35% of the RAN by 2027-12-31, counted here by items. Huawei
    # holds 6 of 8 items: 6 - floor(0.35 x 8) = 4 must move. Each Huawei site holds 2, so two sites.
    # From the shipped catalogue: BE-1 (BBU $25k + AAU $30k + 0.8 crew-days) costs $74,550 with its
    # visit ($15k + 0.5 crew-days, $3.5k a crew-day); BE-2 and BE-3 (an RRU, $10k, 0.2) $54,200 each.
    result = runner.invoke(app, ["import", str(DATA / "inventory-be.csv")])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["screen"]).exit_code == 0
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", "--jurisdiction", "be", "--start", "2026-11-30", "--json", str(out)])
    assert result.exit_code == 0, result.output
    plan = json.loads(out.read_text())
    [cap] = plan["caps"]
    assert (cap["rule_id"], cap["excess"], cap["planned"]) == ("be-ran-cap", 4, True)
    assert (cap["candidates"], cap["available"]) == (3, 6)
    assert cap["sites"] == ["BE-2", "BE-3"] and cap["cleared"] == 4
    assert cap["cost"] == cap["cost_bound"] == 2 * 54_200
    assert {t["site_id"] for t in plan["tasks"]} == {"BE-2", "BE-3"}
    assert all(t["deadline"] == "2027-12-31" and t["slack_days"] >= 0 for t in plan["tasks"])
    check = runner.invoke(app, ["plan", "--check", str(out)])
    assert check.exit_code == 0, check.output


def test_the_uk_full_fibre_cap_is_planned_at_the_least_cost_and_first(
    cli_env: Database, tmp_path: Path
) -> None:
    # The Designated Vendor Direction caps Huawei at 35% of the full-fibre access network by
    # 2023-10-31, counted by OLT/ONU items. Huawei holds 9 of 13: 9 - floor(0.35 x 13) = 5 must move.
    # Shipped catalogue: an ONU is $6,500 and 0.2 crew-days ($3,500 a crew-day): $7,200; an exchange
    # (hub) visit $15,000 and 1 crew-day: $18,500. UK-1 (4 ONU) $47,300, UK-2 (3) $40,100, UK-3 (2)
    # $32,900. Covers of 5: UK-2 + UK-3 $73,000, UK-1 + UK-3 $80,200, UK-1 + UK-2 $87,400. Cheapest
    # per item first takes UK-1 ($11,825 an item), then UK-2: $87,400.
    result = runner.invoke(app, ["import", str(DATA / "inventory-uk-fibre.csv")])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["screen"]).exit_code == 0
    plans = {}
    for mode in ("optimal", "greedy"):
        out = tmp_path / f"{mode}.json"
        extra = ["--greedy"] if mode == "greedy" else []
        args = ["plan", "-j", "uk", "--start", "2026-11-30", "--json", str(out), *extra]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        plans[mode] = json.loads(out.read_text())
        check = runner.invoke(app, ["plan", "--check", str(out)])
        assert check.exit_code == 0, check.output
    [cap] = plans["optimal"]["caps"]
    assert (cap["rule_id"], cap["excess"], cap["planned"], cap["deadline"]) == (
        "uk-dvd-full-fibre-cap",
        5,
        True,
        "2023-10-31",
    )
    assert cap["sites"] == ["UK-2", "UK-3"] and cap["cleared"] == 5
    assert cap["cost"] == cap["cost_bound"] == 73_000
    tasks = plans["optimal"]["tasks"]
    assert {t["site_id"] for t in tasks} == {"UK-2", "UK-3"}
    # Overdue since 2023: started in the plan's first week.
    assert all(t["overdue"] and t["week_start"] == "2026-11-30" for t in tasks)
    [greedy] = plans["greedy"]["caps"]
    assert greedy["sites"] == ["UK-1", "UK-2"] and greedy["cost"] == 87_400
