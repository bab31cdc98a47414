"""Output for people and for scripts: canonical vendors in stats, JSON on request, nothing cut when piped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from conftest import TEST_DATA
from netvet.cli import app
from netvet.storage import Database

runner = CliRunner()
INVENTORY = TEST_DATA / "report" / "inventory.csv"


def test_stats_count_each_canonical_vendor_once_with_its_spellings(cli_env: Database) -> None:
    assert runner.invoke(app, ["import", str(INVENTORY)]).exit_code == 0
    result = runner.invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    vendors = {v["vendor"]: v for v in document["vendors"]}
    # Never screened: the directory's names (data/vendors.yaml) join the spellings; "Hauwei Technologies"
    # is a misspelling only screening can resolve, so it stays apart until screened.
    assert vendors["Huawei"]["written_as"] == {"Huawei": 3, "Huawei Technologies Co.,Ltd.": 1, "HUAWEI": 1}
    assert vendors["Huawei"]["by_domain"] == {"ran": 4, "core": 1}
    assert "Hauwei Technologies" in vendors
    assert document["assets"] == 11 == sum(v["total"] for v in document["vendors"])
    assert runner.invoke(app, ["screen"]).exit_code == 0
    screened = {v["vendor"]: v for v in json.loads(runner.invoke(app, ["stats", "--json"]).stdout)["vendors"]}
    assert "Hauwei Technologies" in screened["Huawei"]["written_as"] and screened["Huawei"]["total"] == 6
    assert screened["Huawei"]["entity_id"] == "huawei"
    by_name = json.loads(runner.invoke(app, ["stats", "--json", "--as-written"]).stdout)
    assert {v["vendor"] for v in by_name["vendors"]} >= {"HUAWEI", "Huawei", "Hauwei Technologies"}


def test_piped_output_is_never_cut_at_80_columns(cli_env: Database, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    piped = subprocess.run(
        [sys.executable, "-c", "from netvet.cli import main; main()", "rules", "list", "-j", "us"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    # The FCC's annual supply chain report rule has a long id and title; each must stay on one line.
    line = next(line for line in piped.stdout.splitlines() if "us-fcc-supply-chain-annual-report" in line)
    assert "…" not in piped.stdout and len(line) > 80
