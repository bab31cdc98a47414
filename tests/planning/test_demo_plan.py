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
    # As generated, the demo operator signed no German agreement: its core is reached by the 2024
    # agreement and the EU Toolbox as recommendations only, and is planned with no deadline.
    findings_file = get_settings().output_dir / f"assessment-{START}.json"
    advisory = plan_of(findings_file, tmp_path / "advisory.json", "--greedy")
    core = [t for t in advisory["tasks"] if t["site_id"] == "DE-DC1"]
    assert [t["phase"] for t in core] == ["parallel_run", "migration", "decommission"]
    assert {t["deadline"] for t in core} == {None}
    # Recorded as Vodafone (a signatory of the 2024 agreement, policy-facts S70), the agreement binds it.
    with cli_env.begin() as conn:
        conn.execute(
            update(organizations).where(organizations.c.id == "default").values(aliases=["Vodafone"])
        )
    signed = tmp_path / "signed.json"
    assert runner.invoke(app, ["assess", "--at", START, "--json", str(signed)]).exit_code == 0
    required = binding_sites(json.loads(signed.read_text())["findings"])
    assert "DE-DC1" in required  # the German core data centre, due by 2026-12-31 under the 2024 agreement
    out = tmp_path / "plan.json"
    plan = plan_of(signed, out, "--time-limit", "20")
    planned = {t["site_id"] for t in plan["tasks"]}
    assert required <= planned, sorted(required - planned)
    assert plan["unscheduled"] == []
    core = sorted((t for t in plan["tasks"] if t["site_id"] == "DE-DC1"), key=lambda t: t["phase_index"])
    assert [t["phase"] for t in core] == ["parallel_run", "migration", "decommission"]
    assert core[0]["week_start"] == START  # its deadline is weeks away: it starts at once
    # 13 + 26 + 8 weeks at the shortest: the deadline is missed, and the plan says why and by how much.
    [german] = [u for u in plan["unmet"] if u["region"] == "Berlin" and u["deadline"] == "2026-12-31"]
    assert german["fix"] is None and "shortest lengths" in german["cause"]
    assert (
        german["days_late"] == (date(2026, 11, 30) + timedelta(weeks=47, days=-1) - date(2026, 12, 31)).days
    )
    check = runner.invoke(app, ["plan", "--check", str(out), "--findings", str(signed)])
    assert check.exit_code == 0, check.output
    assert "stored inventory" in " ".join(check.output.split())
