"""Inputs that crashed `netvet import`: each now exits 2 with a message naming the file, and changes
nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hostile_inventories import HEADER, HOSTILE_INVENTORIES
from netvet.cli import app, main
from netvet.storage import Database, db
from netvet.storage import inventory as store

from .test_inventory_commands import flat

runner = CliRunner()


@pytest.mark.parametrize("name", sorted(HOSTILE_INVENTORIES))
def test_a_file_that_crashed_the_import_exits_2_with_the_reason(
    cli_env: Database, tmp_path: Path, name: str
) -> None:
    content, reason = HOSTILE_INVENTORIES[name]
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 2, result.output
    assert name in flat(result.output) and reason in flat(result.output)
    with cli_env.connect() as conn:
        assert store.count_assets(conn, "default") == 0


def test_a_csv_with_old_mac_line_ends_imports(cli_env: Database, tmp_path: Path) -> None:
    path = tmp_path / "cr.csv"
    path.write_bytes(HEADER.replace(b"\n", b"\r") + b"A1,S1,GB,Huawei,BBU\rA2,S1,GB,Nokia,BBU\r")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 added" in flat(result.output)


def test_a_full_disk_exits_2_and_changes_nothing(
    cli_env: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pragmas = db._sqlite_pragmas

    def no_room(dbapi_connection: Any, record: Any) -> None:
        """SQLite's file may not grow: what it meets on a full disk (SQLITE_FULL)."""
        pragmas(dbapi_connection, record)
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages + 2}")
        cursor.close()

    monkeypatch.setattr(db, "_sqlite_pragmas", no_room)
    path = tmp_path / "inv.csv"
    path.write_bytes(HEADER + b"".join(b"A%d,S%d,GB,Huawei,BBU\n" % (i, i) for i in range(2000)))
    monkeypatch.setattr(sys, "argv", ["netvet", "import", str(path)])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    assert "the disk is full; nothing was changed" in flat(capsys.readouterr().err)
    with cli_env.connect() as conn:
        assert store.count_assets(conn, "default") == 0


def test_replace_refuses_to_empty_the_inventory_without_force(cli_env: Database, tmp_path: Path) -> None:
    full = tmp_path / "full.csv"
    full.write_bytes(HEADER + b"".join(b"A%d,S1,GB,Huawei,BBU\n" % i for i in range(10)))
    assert runner.invoke(app, ["import", str(full)]).exit_code == 0
    cut = tmp_path / "cut.csv"
    cut.write_bytes(HEADER + b"A1,S1,GB,Huawei,BBU\n")
    refused = runner.invoke(app, ["import", str(cut), "--replace"])
    assert refused.exit_code == 2
    assert "remove 9 of the 10 stored assets (90%)" in flat(refused.output)
    forced = runner.invoke(app, ["import", str(cut), "--replace", "--force"])
    assert forced.exit_code == 0 and "9 removed" in flat(forced.output)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["tokens", "revoke", "99999999999999999999"], "less than or equal to 2147483647"),
        (["tokens", "revoke", "3000000000"], "less than or equal to 2147483647"),
        (["serve", "--port", "99999999999999999999"], "less than or equal to 65535"),
    ],
    ids=["id-past-64-bits", "id-past-32-bits", "port"],
)
def test_numbers_no_row_or_port_can_have_exit_2(cli_env: Database, args: list[str], reason: str) -> None:
    """These crashed with OverflowError (SQLite's 64-bit INTEGER, a socket's port) and exit code 1."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert reason in flat(result.output)
