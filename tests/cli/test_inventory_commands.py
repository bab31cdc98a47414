from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from netvet.cli import app
from netvet.storage import Database
from netvet.storage import inventory as store

runner = CliRunner()


def flat(output: str) -> str:
    """Command output with Rich's line wrapping undone."""
    return " ".join(output.split())


EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "inventory-example.csv"


def test_help_lists_every_command_with_a_purpose() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("info", "import", "stats", "demo"):
        assert command in result.output
    for command in app.registered_commands:
        assert command.callback is not None and command.callback.__doc__, command.name


def test_info_shows_the_database(cli_env: Database) -> None:
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0
    assert "sqlite file" in result.output
    assert str(cli_env.engine.url.database) in result.output.replace("\n", "").replace(" ", "")


def test_import_example_then_stats(cli_env: Database) -> None:
    result = runner.invoke(app, ["import", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "5 added" in result.output
    again = runner.invoke(app, ["import", str(EXAMPLE)])
    assert "0 added, 0 updated, 5 unchanged" in flat(again.output)
    stats = runner.invoke(app, ["stats"])
    assert "Huawei Technologies Co.,Ltd." in stats.output and "HUAWEI" in stats.output


def test_failed_import_names_file_row_and_column_and_exits_2(cli_env: Database, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("asset_id,site_id,vendor,role,latitude\nA1,S1,Nokia,BBU,north\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(bad)])
    assert result.exit_code == 2
    assert "bad.csv, row 2, column latitude: is not a number" in flat(result.output)
    with cli_env.connect() as conn:
        assert store.count_assets(conn, "default") == 0


def test_demo_generates_imports_and_summarises(cli_env: Database, tmp_path: Path) -> None:
    out = tmp_path / "demo.csv"
    result = runner.invoke(app, ["demo", "--sites", "60", "--country", "GB", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("asset_id,site_id,site_name")
    with cli_env.connect() as conn:
        assert store.count_assets(conn, "default") == len(out.read_text(encoding="utf-8").splitlines()) - 1
    output = flat(result.output)
    assert "screened" in output and "Findings on" in output and "uk" in output
    home = Path(os.environ["NETVET_HOME"]) / "output"
    findings = json.loads(next(home.glob("assessment-*.json")).read_text(encoding="utf-8"))
    assert findings["findings"] and {f["jurisdiction"] for f in findings["findings"]} == {"uk"}
    report = home / "netvet-report.html"
    assert str(report) in result.output.replace("\n", "") and "<svg" in report.read_text(encoding="utf-8")
    unknown = runner.invoke(app, ["demo", "--country", "XX"])
    assert unknown.exit_code == 2 and "no demo network for XX" in flat(unknown.output)


def test_bare_jurisdiction_flag_means_every_country() -> None:
    from netvet.cli import with_bare_jurisdiction

    assert with_bare_jurisdiction(["assess", "--jurisdiction"]) == ["assess", "--jurisdiction", "all"]
    assert with_bare_jurisdiction(["assess", "-j", "--at", "2028-01-01"]) == [
        "assess",
        "-j",
        "all",
        "--at",
        "2028-01-01",
    ]
    assert with_bare_jurisdiction(["assess", "-j", "uk,de"]) == ["assess", "-j", "uk,de"]


def test_command_line_writes_are_audited(cli_env: Database, tmp_path: Path) -> None:
    from netvet.storage import access

    assert runner.invoke(app, ["import", str(EXAMPLE)]).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("asset_id,site_id,vendor,role\n,S1,Nokia,BBU\n", encoding="utf-8")
    assert runner.invoke(app, ["import", str(bad)]).exit_code == 2  # nothing written, nothing audited
    with cli_env.connect() as conn:
        total, entries = access.list_audit(conn, "default", 10, 0)
    assert total == 1
    (entry,) = entries
    assert (entry["action"], entry["via"], entry["target"]) == ("inventory.import", "cli", EXAMPLE.name)
    assert entry["detail"]["added"] == 5
