"""Habits of the ecosystem: --version, --json for scripts, a password from standard input."""

from __future__ import annotations

import json

from argon2 import PasswordHasher
from typer.testing import CliRunner

from conftest import TEST_DATA
from netvet import __version__
from netvet.cli import app
from netvet.storage import Database, access

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"netvet {__version__}\n"


def test_json_for_scripts(cli_env: Database) -> None:
    assert runner.invoke(app, ["import", str(TEST_DATA / "report" / "inventory.csv")]).exit_code == 0
    info = json.loads(runner.invoke(app, ["info", "--json"]).stdout)
    assert info["netvet"] == __version__ and info["assets"] == 11 and info["sites"] == 8
    rules = json.loads(runner.invoke(app, ["rules", "list", "-j", "gb", "--json"]).stdout)
    assert {r["jurisdiction"] for r in rules} == {"uk"}
    by_name = json.loads(
        runner.invoke(app, ["rules", "list", "-j", "United Kingdom,Germany", "--json"]).stdout
    )
    assert {r["jurisdiction"] for r in by_name} == {"uk", "de"}  # country names, from the country table
    # The UK's Designated Vendor Direction of 2022-10-13: Huawei out of the core by 2023-12-31.
    core = next(r for r in rules if r["id"] == "uk-dvd-core")
    assert core["adopted"] == "2022-10-13" and core["deadline"] == "2023-12-31"
    lists = json.loads(runner.invoke(app, ["lists", "show", "--json"]).stdout)
    assert {"fcc-covered", "bis-entity"} <= {v["list_id"] for v in lists}
    assert all(len(v["sha256"]) == 64 for v in lists)
    assert runner.invoke(app, ["screen"]).exit_code == 0
    timeline = json.loads(runner.invoke(app, ["timeline", "-j", "uk", "--json"]).stdout)
    assert ("uk-dvd-core", "2023-12-31") in {(e["rule_id"], e["day"]) for e in timeline}


def test_users_add_reads_the_password_from_standard_input(cli_env: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(access, "password_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    secret = "correct horse battery staple"
    result = runner.invoke(
        app, ["users", "add", "ops", "--role", "admin", "--password-stdin"], input=secret + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "password" not in result.output.lower()  # no prompt
    with cli_env.connect() as conn:
        user = access.get_user_by_name(conn, "ops", "default")
        assert user is not None and access.check_password(conn, "default", "ops", secret) is not None
    empty = runner.invoke(app, ["users", "add", "nobody", "--password-stdin"], input="")
    assert empty.exit_code == 2 and "standard input held no password" in empty.output
