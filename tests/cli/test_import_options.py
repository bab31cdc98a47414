"""`netvet import` options: --dry-run, --errors, --skip-invalid's exit code, --map, progress in rows."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from conftest import TEST_DATA
from netvet.cli import app
from netvet.ingest import import_inventory
from netvet.storage import Database
from netvet.storage import inventory as store

runner = CliRunner()
EXPORT = TEST_DATA / "ingest" / "operator-export.csv"
MAPS = ["--map", "Element=asset_id", "--map", "Node Type=role", "--map", "SW Version=software_version"]
HEADER = "asset_id,site_id,vendor,role,installed_on"


def _rows(path: Path, good: int, bad: int) -> Path:
    lines = [HEADER]
    lines += [f"A{i},S{i % 7},Nokia,BBU,2021-01-0{1 + i % 9}" for i in range(good)]
    lines += [f"B{i},S1,Nokia,BBU,2021-13-01" for i in range(bad)]  # month 13
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_dry_run_shows_the_mapping_and_writes_nothing(cli_env: Database, tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(EXPORT), *MAPS, "--date-format", "day-first", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "operator-export.csv read as netvet columns" in result.output
    rows = {tuple(cell.strip() for cell in line.split("│")[1:3]) for line in result.output.splitlines()}
    assert {("role", "Node Type"), ("installed_on", "Install Date"), ("vendor", "Equipment Vendor")} <= rows
    assert "3 row(s): 3 valid, 0 invalid. Nothing was written (--dry-run)." in result.output
    with cli_env.connect() as conn:
        assert store.count_assets(conn, "default") == 0 and store.list_imports(conn, "default") == []
    ignored = runner.invoke(app, ["import", str(EXPORT), "--map", "Element=asset_id", "--dry-run"])
    assert "ignored (no netvet column): Node Type\n" in ignored.output  # SW Version is a known spelling
    assert "missing required column(s): role" in ignored.output and ignored.exit_code == 2


def test_errors_all_lists_every_error_where_the_default_stops_at_20(
    cli_env: Database, tmp_path: Path
) -> None:
    bad = _rows(tmp_path / "bad.csv", 3, 25)
    default = runner.invoke(app, ["import", str(bad)])
    assert default.exit_code == 2
    assert default.output.count("is not a date") == 20
    assert "... and 5 more error(s) in 25 rejected row(s): --errors all lists every one" in default.output
    every = runner.invoke(app, ["import", str(bad), "--errors", "all"])
    assert (
        every.exit_code == 2
        and every.output.count("is not a date") == 25
        and "more error" not in every.output
    )
    preview = runner.invoke(app, ["import", str(bad), "--dry-run", "--errors", "3"])
    assert preview.output.count("is not a date") == 3 and "28 row(s): 3 valid, 25 invalid" in preview.output


def test_skip_invalid_stores_the_valid_rows_and_exits_3(cli_env: Database, tmp_path: Path) -> None:
    mixed = _rows(tmp_path / "mixed.csv", 4, 1)
    result = runner.invoke(app, ["import", str(mixed), "--skip-invalid"])
    assert result.exit_code == 3, result.output
    assert "4 added" in result.output and "1 rejected" in result.output
    rejects = tmp_path / "mixed.rejected.csv"
    assert rejects.exists() and "installed_on: is not a date" in rejects.read_text(encoding="utf-8")
    clean = runner.invoke(app, ["import", str(_rows(tmp_path / "clean.csv", 4, 0)), "--skip-invalid"])
    assert clean.exit_code == 0


def test_progress_is_counted_in_rows(sqlite_db: Database, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    import_inventory(
        sqlite_db, _rows(tmp_path / "many.csv", 1200, 0), on_progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(500, 1200), (1000, 1200), (1200, 1200)]
