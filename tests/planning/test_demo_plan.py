"""The demo network's plan: every site with binding work is in it, core swaps in their phases, and it checks."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update
from typer.testing import CliRunner

from netvet.cli import app
from netvet.settings import get_settings
from netvet.storage import Database
from netvet.storage.tables import organizations

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


def plan_of(findings_file: Path, out: Path, *extra: str) -> dict[str, Any]:
    args = ["plan", "--findings", str(findings_file), "--start", START, "--json", str(out), *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return dict(json.loads(out.read_text()))


def test_every_site_with_binding_work_is_planned(cli_env: Database, tmp_path: Path) -> None:
    demo = runner.invoke(app, ["demo", "--sites", "600", "--at", START])
    assert demo.exit_code == 0, demo.output
    # The demo's German operator is recorded as a signatory of the 2024 agreement (as Vodafone, one of
    # its three signatories: policy-facts S70), which binds it to clear its 5G core by 2026-12-31.
    findings_file = get_settings().output_dir / f"assessment-{START}.json"
    findings = json.loads(findings_file.read_text())["findings"]
    required = binding_sites(findings)
    assert "DE-DC1" in required
    assert {
        f["deadline"] for f in findings if f["site_id"] == "DE-DC1" and f["rule_id"] == "de-2024-5g-core"
    } == {"2026-12-31"}
    out = tmp_path / "plan.json"
    plan = plan_of(findings_file, out, "--time-limit", "20")
    planned = {t["site_id"] for t in plan["tasks"]}
    assert required <= planned, sorted(required - planned)
    assert plan["unscheduled"] == []
    core = sorted((t for t in plan["tasks"] if t["site_id"] == "DE-DC1"), key=lambda t: t["phase_index"])
    assert [t["phase"] for t in core] == ["parallel_run", "migration", "decommission"]
    assert [t["crew"] for t in core] == ["core_integration", "vendor_services", "field"]
    assert {t["deadline"] for t in core} == {"2026-12-31"}
    assert core[0]["week_start"] == START  # its deadline is weeks away: it starts at once
    # The shipped catalogue's shortest lengths, 13 + 26 + 8 weeks, one after the other: the swap
    # cannot end before the Sunday of week 47, 2027-10-24; the plan says so, and that no resource helps.
    last_day = date(2026, 11, 30) + timedelta(weeks=47, days=-1)
    assert core[-1]["finish"] == last_day.isoformat()
    [german] = [u for u in plan["unmet"] if u["region"] == "Berlin" and u["deadline"] == "2026-12-31"]
    assert german["fix"] is None and "shortest lengths" in german["cause"]
    assert german["days_late"] == (last_day - date(2026, 12, 31)).days == 297
    check = runner.invoke(app, ["plan", "--check", str(out), "--findings", str(findings_file)])
    assert check.exit_code == 0, check.output
    assert "stored inventory" in " ".join(check.output.split())


def test_without_the_signatory_alias_the_german_agreement_sets_no_deadline(
    cli_env: Database, tmp_path: Path
) -> None:
    # The same network for an operator not recorded as a signatory: the agreement reaches its German
    # core as a recommendation only, so the core swap is planned with no deadline.
    assert runner.invoke(app, ["demo", "--sites", "200", "--country", "DE", "--at", START]).exit_code == 0
    with cli_env.begin() as conn:
        conn.execute(update(organizations).where(organizations.c.id == "default").values(aliases=[]))
    unsigned = tmp_path / "unsigned.json"
    assert runner.invoke(app, ["assess", "--at", START, "--json", str(unsigned)]).exit_code == 0
    assert "DE-DC1" not in binding_sites(json.loads(unsigned.read_text())["findings"])
    plan = plan_of(unsigned, tmp_path / "plan.json", "--greedy")
    core = [t for t in plan["tasks"] if t["site_id"] == "DE-DC1"]
    assert [t["phase"] for t in core] == ["parallel_run", "migration", "decommission"]
    assert {t["deadline"] for t in core} == {None}
