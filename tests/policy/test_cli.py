"""The policy commands end to end on a fresh SQLite database."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netvet.cli import app
from netvet.storage import Database
from netvet.storage import policy as policy_store

from .conftest import EVIDENCE, rule_yaml
from .test_storage import NETWORK, _store

runner = CliRunner()


@pytest.fixture
def stored(cli_env: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    _store(cli_env, NETWORK)
    # Screening's stored results are the screening area's; hand-built evidence stands in for them here.
    monkeypatch.setattr(policy_store, "screening_evidence", lambda conn, org, at=None: EVIDENCE)
    return cli_env


def test_rules_show_prints_dates_and_sources(cli_env: Database) -> None:
    result = runner.invoke(app, ["rules", "show", "uk-dvd-core"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "2023-12-31" in result.output and "[S45]" in result.output and "commsupdate.com" in result.output
    assert "huawei, from 2022-10-13" in result.output  # the designation behind the rule
    assert "binding (law, regulation, direction or licence condition)" in result.output
    assert "presence: the equipment's presence in the network on the day assessed" in result.output
    assert "2023-12-31 (last-day: the last day allowed; last day allowed 2023-12-31)" in result.output


@pytest.mark.parametrize(
    ("rule_id", "force", "reads", "deadline"),
    [
        (
            "se-pts-central-functions-removal",
            "binding",
            "presence",
            "2025-01-01 (start-of-day: no later than the start of that day (the day before is the last day "
            "allowed); last day allowed 2024-12-31)",
        ),
        (
            "uk-2020-no-new-5g-purchases",
            "guidance, no legal force: advisory",
            "purchase (contract) date",
            "none in the source",
        ),
        ("uk-dvd-no-new-5g-installs", "binding", "installation date", "none in the source"),
        (
            "de-2024-5g-core",
            "contract, binding its signatories (Deutsche Telekom, Vodafone, Telefónica)",
            "presence",
            "last-day",
        ),
        ("ca-5g-removal", "guidance, no legal force", "presence", "2024-06-28 (last-day"),
    ],
)
def test_rules_show_says_legal_force_date_read_and_deadline_kind(
    cli_env: Database, rule_id: str, force: str, reads: str, deadline: str
) -> None:
    result = runner.invoke(app, ["rules", "show", rule_id], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert force in result.output and reads in result.output and deadline in result.output


def test_rules_show_unknown_rule_exits_not_found(cli_env: Database) -> None:
    result = runner.invoke(app, ["rules", "show", "no-such-rule"])
    assert result.exit_code == 3


def test_rules_list_filters_by_jurisdiction(cli_env: Database) -> None:
    result = runner.invoke(app, ["rules", "list", "-j", "se"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "se-pts-central-functions-removal" in result.output and "uk-dvd-core" not in result.output


def test_assess_writes_json_and_time_travel_changes_the_answer(stored: Database, tmp_path: Path) -> None:
    early, late = tmp_path / "early.json", tmp_path / "late.json"
    for day, path in (("2020-06-01", early), ("2028-01-01", late)):
        result = runner.invoke(app, ["assess", "--jurisdiction", "uk,ca", "--at", day, "--json", str(path)])
        assert result.exit_code == 0, result.output
    before = json.loads(early.read_text())
    after = json.loads(late.read_text())
    assert (
        before["summary"]["findings_by_jurisdiction_and_status"]
        != after["summary"]["findings_by_jurisdiction_and_status"]
    )
    rules_after = {f["rule_id"] for f in after["findings"]}
    assert {"uk-dvd-core", "uk-dvd-5g-removal", "ca-4g-removal"} <= rules_after
    assert not {f["rule_id"] for f in before["findings"]} & {"uk-dvd-core", "ca-4g-removal"}


def test_assess_refuses_a_bad_date_and_a_bad_policy(
    stored: Database, write_pack: Callable[..., Path]
) -> None:
    result = runner.invoke(app, ["assess", "--at", "2024-02-30"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
    bad = write_pack(
        rule_yaml("es-x", "{type: cap, share: 0.35}", "adopted: 2024-01-01"),
        jurisdiction="es-x",
        countries="ES",
    )
    result = runner.invoke(app, ["assess", "--policy", str(bad)], env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert str(bad) in result.output and "line 13" in result.output and "rules[0].effect" in result.output
    result = runner.invoke(app, ["assess", "-j", "xx"])
    assert result.exit_code == 2 and "unknown jurisdiction" in result.output


def test_licences_add_list_and_timeline(stored: Database, tmp_path: Path) -> None:
    file = tmp_path / "bt.yaml"
    file.write_text(
        "extensions:\n"
        "  - id: core-extension\n"
        "    rule: uk-dvd-core\n"
        "    deadline: 2024-06-30\n"
        "    issued: 2023-11-01\n"
        "    sources: [{citation: 'DSIT letter to the operator'}]\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["licences", "add", str(file)])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["licences", "list"], env={"COLUMNS": "250"})
    assert "core-extension" in listed.output and "us-bis-tgl" in listed.output
    timeline = runner.invoke(app, ["timeline"], env={"COLUMNS": "250"})
    assert timeline.exit_code == 0, timeline.output
    assert "2024-06-30" in timeline.output and "operator's own" in timeline.output


def test_rules_check_accepts_a_good_pack_and_names_a_clash(
    cli_env: Database, write_pack: Callable[..., Path]
) -> None:
    good = write_pack(
        rule_yaml("es-ok", "{type: removal}", "adopted: 2024-01-01"), jurisdiction="es-x", countries="ES"
    )
    result = runner.invoke(app, ["rules", "check", str(good)])
    assert result.exit_code == 0 and "1 rules in 1 pack" in result.output
    clash = write_pack(rule_yaml("uk-dvd-core", "{type: removal}", "adopted: 2024-01-01"), name="clash.yaml")
    result = runner.invoke(app, ["rules", "check", str(clash)], env={"COLUMNS": "300"})
    assert result.exit_code == 2 and "already defined" in result.output


def test_assess_warns_when_nothing_was_screened(
    cli_env: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _store(cli_env, NETWORK)
    monkeypatch.setattr(policy_store, "screening_evidence", lambda conn, org, at=None: {})
    result = runner.invoke(app, ["assess", "--json", str(tmp_path / "out.json")], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "netvet screen" in result.output


DATA = Path(__file__).resolve().parents[1] / "data" / "policy"


def test_the_documented_what_if_and_licence_files_work(stored: Database, tmp_path: Path) -> None:
    _store(stored, [{"id": "mad-amf", "site_id": "MAD-DC", "country": "ES", "vendor": "Huawei Technologies Co., Ltd.",
                     "role": "AMF", "domain": "core", "technology": "5G"}])  # fmt: skip
    assert runner.invoke(app, ["licences", "add", str(DATA / "anssi-authorisation.yaml")]).exit_code == 0

    def findings(day: str) -> dict[tuple[str, str], str]:
        out = tmp_path / f"{day}.json"
        args = [
            "assess",
            "--policy",
            str(DATA / "whatif-es.yaml"),
            "-j",
            "es-whatif,fr",
            "--at",
            day,
            "--json",
            str(out),
        ]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        return {(f["rule_id"], f["asset_id"]): f["status"] for f in json.loads(out.read_text())["findings"]}

    early = findings("2021-01-01")
    assert early[("fr-anssi-5g-authorisation", "par-gnb")] == "licensed"
    assert ("es-whatif-core", "mad-amf") not in early  # the what-if rule is "adopted" only in 2026
    late = findings("2028-01-01")
    assert late[("es-whatif-core", "mad-amf")] == "violation"
    assert late[("fr-anssi-5g-authorisation", "par-gnb")] == "violation"  # the authorisation ended 2025-08-31
    assert ("es-whatif-core", "mad-gnb") not in late  # Ericsson RAN is not reached


def test_assess_says_what_data_is_missing(stored: Database, tmp_path: Path) -> None:
    # lon-gnb, a Huawei radio (through HiSilicon), sits at a site whose national-security significance is
    # not recorded: the direction's sensitive-sites requirement cannot be decided for it.
    result = runner.invoke(
        app,
        ["assess", "-j", "uk", "--at", "2023-06-01", "--json", str(tmp_path / "a.json")],
        env={"COLUMNS": "300"},
    )
    assert result.exit_code == 0, result.output
    assert (
        "unknown (missing: the site's national-security significance (site attribute national_security) for 1 assets)"
        in (result.output)
    )
