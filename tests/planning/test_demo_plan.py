"""The demo network's plan: every site with binding work is in it, core swaps in their phases, and it checks."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from netvet.cli import app
from netvet.settings import get_settings
from netvet.storage import Database

runner = CliRunner()
START = "2026-11-30"


def binding_sites(findings: list[dict[str, object]]) -> set[str]:
    """Sites with work a law or contract requires: violation or due from a binding rule that calls for
    removal (a missing licence is cured by a licence, not by replacing the equipment)."""
    return {
        str(f["site_id"])
        for f in findings
        if f["asset_id"]
        and f["status"] in ("violation", "due")
        and f["legal_status"] in ("binding", "contract")
        and f["effect"] != "licence"
    }


def test_every_site_with_binding_work_is_planned(cli_env: Database, tmp_path: Path) -> None:
    demo = runner.invoke(app, ["demo", "--sites", "600", "--at", START])
    assert demo.exit_code == 0, demo.output
    findings_file = get_settings().output_dir / f"assessment-{START}.json"
    findings = json.loads(findings_file.read_text())["findings"]
    required = binding_sites(findings)
    assert "DE-DC1" in required  # the German core data centre, due by 2026-12-31 under the 2024 agreement
    out = tmp_path / "plan.json"
    args = [
        "plan",
        "--findings",
        str(findings_file),
        "--start",
        START,
        "--time-limit",
        "20",
        "--json",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    plan = json.loads(out.read_text())
    planned = {t["site_id"] for t in plan["tasks"]}
    assert required <= planned, sorted(required - planned)
    assert plan["unscheduled"] == []
    core = sorted((t for t in plan["tasks"] if t["site_id"] == "DE-DC1"), key=lambda t: t["phase_index"])
    assert [t["phase"] for t in core] == ["parallel_run", "migration", "decommission"]
    assert core[0]["week_start"] == START  # its deadline is weeks away: it starts at once
    # 13 + 26 + 8 weeks at the shortest: the deadline is missed, and the plan says why and by how much.
    [german] = [u for u in plan["unmet"] if u["region"] == "Berlin" and u["deadline"] == "2026-12-31"]
    assert german["fix"] is None and "shortest lengths" in german["cause"]
    check = runner.invoke(app, ["plan", "--check", str(out), "--findings", str(findings_file)])
    assert check.exit_code == 0, check.output
    assert "stored inventory" in " ".join(check.output.split())
