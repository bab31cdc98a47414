from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from sqlalchemy import select, update
from typer.testing import CliRunner

from netvet.advisories.csaf import validate_csaf
from netvet.cli import app
from netvet.storage import Database
from netvet.storage.advisories import advisories, count_advisories, list_matches

from .conftest import ADVISORY_DATA, add_inventory

runner = CliRunner()


def flat(output: str) -> str:
    """Rich wraps long lines in narrow terminals; compare on single spaces."""
    return re.sub(r"[\s│┃]+", " ", output)


def test_load_match_top_vex(cli_env: Database, tmp_path: Path) -> None:
    add_inventory(cli_env)
    names = ("csaf-nokia-sros.json", "cve5-huawei-ar.json", "kev-catalog.json", "nvd-cisco-ios-nokia.json")
    result = runner.invoke(app, ["advisories", "load", *(str(ADVISORY_DATA / n) for n in names)])
    assert result.exit_code == 0, result.output
    assert "loaded" in result.output
    with cli_env.connect() as conn:
        assert count_advisories(conn) == 4

    out = tmp_path / "matches.json"
    result = runner.invoke(app, ["advisories", "match", "--json", str(out)])
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text())
    assert {(r["advisory_id"], r["asset_id"], r["status"]) for r in rows} >= {
        ("NVD:CVE-2018-0171", "A2", "affected"),
        ("NOKIA-SA-2023-0001", "A4", "fixed"),
        ("NOKIA-SA-2023-0001", "A3", "affected"),
    }
    for row in rows:
        assert set(row) == {"advisory_id", "cve", "asset_id", "status", "matched_by", "explanation"}

    result = runner.invoke(app, ["advisories", "top", "--json"])
    assert result.exit_code == 0, result.output
    ranked = json.loads(result.output)
    # Exploited (KEV), critical and in the core: first.
    assert ranked[0]["cve"] == "CVE-2018-0171" and ranked[0]["kev"] is True
    assert ranked[0]["by_domain"] == {"core": 1}
    assert [p["score"] for p in ranked] == sorted((p["score"] for p in ranked), reverse=True)
    assert any(p["cvss_version"] == "4.0" for p in ranked)

    vex_dir = tmp_path / "vex"
    result = runner.invoke(app, ["advisories", "vex", "--out", str(vex_dir), "--publisher", "Example Telco"])
    assert result.exit_code == 0, result.output
    documents = sorted(vex_dir.glob("*.json"))
    assert len(documents) == 4
    for path in documents:
        document = json.loads(path.read_text())
        assert validate_csaf(document) == []
        assert document["document"]["category"] == "csaf_vex"
    nokia = json.loads((vex_dir / "netvet-vex-nokia-sa-2023-0001.json").read_text())
    status = nokia["vulnerabilities"][0]["product_status"]
    assert set(status) == {"known_affected", "fixed"}


def test_directory_load_reports_each_file_and_stores_only_valid_ones(
    cli_env: Database, tmp_path: Path
) -> None:
    shutil.copy(ADVISORY_DATA / "cve5-huawei-ar.json", tmp_path / "good.json")
    (tmp_path / "broken.json").write_text('{"document": ', encoding="utf-8")
    csaf = json.loads((ADVISORY_DATA / "csaf-nokia-sros.json").read_text())
    csaf["document"]["category"] = "csaf_vexx"
    (tmp_path / "profile.json").write_text(json.dumps(csaf), encoding="utf-8")
    csaf = json.loads((ADVISORY_DATA / "csaf-nokia-sros.json").read_text())
    csaf["vulnerabilities"][0]["product_status"]["fixed"].append("CSAFPID-0001")
    (tmp_path / "contradicting.json").write_text(json.dumps(csaf), encoding="utf-8")
    (tmp_path / "other.json").write_text('{"hello": "world"}', encoding="utf-8")

    result = runner.invoke(app, ["advisories", "load", str(tmp_path)])
    assert result.exit_code == 2
    text = flat(result.output)
    assert "not valid JSON" in text
    assert "test 6.1.26 at /document/category" in text
    assert "test 6.1.6 at /vulnerabilities/0/product_status/fixed/1" in text
    assert "not a CSAF 2.0 document, CVE JSON 5 record" in text
    assert "1 file(s) loaded, 4 rejected" in text
    with cli_env.connect() as conn:
        assert count_advisories(conn) == 1  # only good.json


def test_huge_file_is_refused_before_reading(cli_env: Database, tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"padding": "x" * 5000}), encoding="utf-8")
    result = runner.invoke(app, ["advisories", "load", str(big), "--max-size", "1000"])
    assert result.exit_code == 2
    assert "limit" in flat(result.output)
    with cli_env.connect() as conn:
        assert count_advisories(conn) == 0


def test_match_without_advisories_says_what_to_do(cli_env: Database) -> None:
    result = runner.invoke(app, ["advisories", "match"])
    assert result.exit_code == 3
    assert "netvet advisories load" in flat(result.output)


def test_schema_violation_rejects_with_path(cli_env: Database, tmp_path: Path) -> None:
    csaf = json.loads((ADVISORY_DATA / "csaf-nokia-sros.json").read_text())
    del csaf["document"]["publisher"]["namespace"]
    (tmp_path / "bad.json").write_text(json.dumps(csaf), encoding="utf-8")
    result = runner.invoke(app, ["advisories", "load", str(tmp_path / "bad.json")])
    assert result.exit_code == 2
    assert "test schema at /document/publisher" in flat(result.output)
    with cli_env.connect() as conn:
        assert list_matches(conn, "default") == []


def test_oasis_failing_case_is_reported_with_test_and_path(cli_env: Database) -> None:
    from conftest import shared_data

    case = shared_data(
        "csaf",
        "csaf_2.0",
        "test",
        "validator",
        "data",
        "mandatory",
        "oasis_csaf_tc-csaf_2_0-2021-6-1-06-01.json",
    )
    result = runner.invoke(app, ["advisories", "load", str(case)])
    assert result.exit_code == 2
    assert "test 6.1.6 at /vulnerabilities/0/product_status/known_not_affected/0" in flat(result.output)
    with cli_env.connect() as conn:
        assert count_advisories(conn) == 0


def test_top_and_vex_before_match_say_what_to_do(cli_env: Database, tmp_path: Path) -> None:
    for args in (["advisories", "top"], ["advisories", "vex", "--out", str(tmp_path / "vex")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 3
        assert "netvet advisories match" in flat(result.output)


def test_inventory_os_column_and_real_records_end_to_end(cli_env: Database, tmp_path: Path) -> None:
    """An inventory whose `OS` column names the platform, the KEV-listed CVE-2023-20273 record and
    CISA's KEV catalogue in CSV: every row keeps its six fields and explains family, version rule and
    platform test."""
    from conftest import shared_data

    inventory = tmp_path / "routers.csv"
    inventory.write_text(
        "asset_id,site_id,country,vendor,model,software_version,OS,role\n"
        "R1,S1,GB,Cisco,ASR-920-24SZ-M,17.3.1,IOS XE,Cell Site Router\n"
        "R2,S1,GB,Cisco,Lab router,16.12.4,Cisco IOS XE,Cell Site Router\n"
        "R3,S1,GB,Cisco,NCS 540,7.3.2,IOS XR,Router\n",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["import", str(inventory)]).exit_code == 0
    record = shared_data("real-world", "cve5", "cisco_iosxe", "CVE-2023-20273.json")
    kev = shared_data("real-world", "kev", "known_exploited_vulnerabilities.csv")
    result = runner.invoke(app, ["advisories", "load", str(record), str(kev)])
    assert result.exit_code == 0, result.output
    assert "1404 KEV entries" in flat(result.output)
    out = tmp_path / "rows.json"
    result = runner.invoke(app, ["advisories", "match", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "Cisco IOS XE 2" in flat(result.output)  # the families table
    rows = {r["asset_id"]: r for r in json.loads(out.read_text())}
    assert set(rows) == {"R1", "R2"}  # the IOS XR router is another family
    for row in rows.values():
        assert set(row) == {"advisory_id", "cve", "asset_id", "status", "matched_by", "explanation"}
        assert (row["cve"], row["status"], row["matched_by"]) == ("CVE-2023-20273", "affected", "family")
    explanation = rows["R2"]["explanation"]
    assert "family Cisco IOS XE (the inventory's platform 'Cisco IOS XE')" in explanation
    assert "version rule: 16.12.4 = 16.12.4" in explanation
    assert "platform test: none in the record" in explanation
    assert "CISA KEV: exploited, added 2023-10-23" in explanation
    ranked = json.loads(runner.invoke(app, ["advisories", "top", "--json"]).output)
    assert ranked[0]["cve"] == "CVE-2023-20273" and ranked[0]["kev"] is True


def test_advisories_loaded_by_an_older_reader_are_flagged(cli_env: Database) -> None:
    add_inventory(cli_env)
    assert (
        runner.invoke(app, ["advisories", "load", str(ADVISORY_DATA / "cve5-huawei-ar.json")]).exit_code == 0
    )
    with cli_env.begin() as conn:  # as netvet stored it before readers were versioned
        parsed = conn.execute(select(advisories.c.parsed)).scalar_one()
        del parsed["reader"]
        conn.execute(update(advisories).values(parsed=parsed))
    result = runner.invoke(app, ["advisories", "match"])
    assert result.exit_code == 0
    assert "1 advisories were loaded by an older netvet" in flat(result.output)


def test_received_stix_vulnerabilities_are_not_taken_for_stale_loads(cli_env: Database) -> None:
    """Sharing builds its advisories itself: they carry no reader version and need no reload."""
    from netvet.advisories.model import Advisory, SourceFormat, Vulnerability
    from netvet.sharing.receive import ReceivedVulnerability
    from netvet.storage.sharing import store_received

    add_inventory(cli_env)
    received = Advisory(id="vulnerability--1", source_format=SourceFormat.STIX, title="shared",
                        vulnerabilities=(Vulnerability(cve="CVE-2024-90001"),))  # fmt: skip
    with cli_env.begin() as conn:
        store_received(conn, "default", [ReceivedVulnerability(received.id, None, "peer", received)], "test")
    result = runner.invoke(app, ["advisories", "match"])
    assert result.exit_code == 0, result.output
    assert "older netvet" not in flat(result.output)
