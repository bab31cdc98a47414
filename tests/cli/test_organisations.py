"""A mistyped --org is an error (exit 2) naming the organisations that exist, never an empty answer."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from conftest import TEST_DATA
from netvet.cli import app
from netvet.storage import Database

runner = CliRunner()
INVENTORY = TEST_DATA / "report" / "inventory.csv"


@pytest.mark.parametrize(
    "command",
    [
        ["stats"],
        ["assess"],
        ["timeline"],
        ["report", "--out", "r.html"],
        ["export", "--format", "csv", "--out", "f.csv"],
        ["forms", "uk-dvd", "--out", "f.csv"],
        ["screen"],
        ["decisions"],
        ["plan"],
        ["licences", "list"],
        ["advisories", "match"],
        ["users", "list"],
        ["tokens", "list"],
    ],
)
def test_an_unknown_organisation_is_an_error(cli_env: Database, command: list[str]) -> None:
    assert runner.invoke(app, ["import", str(INVENTORY)]).exit_code == 0
    result = runner.invoke(app, [*command, "--org", "defualt"])
    assert result.exit_code == 2, result.output
    assert "--org 'defualt': no such organisation; known: default" in result.output


def test_import_creates_an_organisation_only_when_asked(cli_env: Database) -> None:
    refused = runner.invoke(app, ["import", str(INVENTORY), "--org", "acme"])
    assert refused.exit_code == 2 and "pass --new-org to create it" in refused.output
    assert runner.invoke(app, ["stats", "--org", "acme"]).exit_code == 2  # nothing was created
    created = runner.invoke(app, ["import", str(INVENTORY), "--org", "acme", "--new-org"])
    assert created.exit_code == 0, created.output
    stats = runner.invoke(app, ["stats", "--org", "acme"])
    assert stats.exit_code == 0 and "Huawei" in stats.output
