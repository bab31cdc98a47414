"""The screening commands end to end on a fresh SQLite database."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import shared_data
from netvet.cli import app
from netvet.storage import Database

from .conftest import import_rows

runner = CliRunner()
DATA = Path(__file__).resolve().parent.parent / "data" / "screening"


def flat(output: str) -> str:
    """Rich wraps long lines in narrow terminals; compare on single spaces."""
    return re.sub(r"[\s│┃]+", " ", output)


def test_screen_name_json_has_status_and_explained_results(cli_env: Database) -> None:
    result = runner.invoke(app, ["screen-name", "Huawei Technologies Co., Ltd.", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["status"] == "match"
    first = payload["results"][0]
    assert set(first) >= {"list", "entity_id", "matched_name", "score", "status", "explanation"}
    assert first["entity_id"] == "huawei" and 0.0 <= first["score"] <= 1.0
    assert first["explanation"]["query_normalised"] == "huawei tech"


def test_screen_name_clear_shows_near_misses_and_country_is_used(cli_env: Database) -> None:
    clear = json.loads(runner.invoke(app, ["screen-name", "Hua Wei Restaurant", "--json"]).output)
    assert clear["status"] == "clear"
    assert clear["results"] and clear["results"][0]["status"] == "clear"
    with_country = json.loads(
        runner.invoke(app, ["screen-name", "Huawie", "--country", "CN", "--json"]).output
    )
    assert with_country["results"][0]["explanation"]["features"]["same_country"] == 1.0


def test_screen_file_writes_one_result_per_row(cli_env: Database, tmp_path: Path) -> None:
    source = tmp_path / "suppliers.csv"
    source.write_text("id,supplier\n1,ZTE Corp\n2,Nokia Oyj\n3,\n4,海思\n", encoding="utf-8")
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["screen-file", str(source), "--column", "supplier", "--json", str(out)])
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [r["line"] for r in rows] == [2, 3, 4, 5]
    assert [r["status"] for r in rows] == ["match", "clear", None, "match"]
    assert rows[2]["error"] == "empty supplier"


def test_screen_file_reads_semicolon_separated_files(cli_env: Database, tmp_path: Path) -> None:
    source = tmp_path / "lieferanten.csv"
    source.write_text(
        "nr;lieferant;land\n1;Huawei Technologies Deutschland GmbH;DE\n2;Ericsson GmbH;DE\n", encoding="utf-8"
    )
    out = tmp_path / "out.json"
    result = runner.invoke(
        app,
        ["screen-file", str(source), "--column", "lieferant", "--country-column", "land", "--json", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert [r["status"] for r in json.loads(out.read_text(encoding="utf-8"))] == ["match", "clear"]


def test_screen_file_names_a_missing_column(cli_env: Database, tmp_path: Path) -> None:
    source = tmp_path / "suppliers.csv"
    source.write_text("id,vendor\n1,ZTE\n", encoding="utf-8")
    result = runner.invoke(app, ["screen-file", str(source), "--column", "supplier"])
    assert result.exit_code == 2
    assert "no column 'supplier'" in flat(result.output)


def test_lists_load_show_diff_and_rescreen(cli_env: Database, tmp_path: Path) -> None:
    import_rows(cli_env, tmp_path, [("A1", "Huawei", ""), ("A2", "Ivan Petrovich Ivanov", "")])
    assert runner.invoke(app, ["screen"]).exit_code == 0
    result = runner.invoke(
        app, ["lists", "load", str(DATA / "opensanctions-sample.ftm.json"), "--format", "ftm"]
    )
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "loaded opensanctions version 1: 4 entries" in text
    assert "changed since the previous screening" in text and "NK-ivanov" in text
    shown = flat(runner.invoke(app, ["lists", "show"]).output)
    assert "opensanctions" in shown and "fcc-covered" in shown
    runner.invoke(
        app, ["lists", "load", str(DATA / "opensanctions-delta.ftm.json"), "--format", "ftm", "--no-screen"]
    )
    diff = json.loads(runner.invoke(app, ["lists", "diff", "opensanctions", "--json"]).output)
    assert diff["from_version"] == 1 and diff["to_version"] == 2
    assert [e["entity_id"] for e in diff["added"]] == ["NK-zte"]
    assert [e["entity_id"] for e in diff["removed"]] == ["NK-vessel"]


def test_a_bad_list_file_fails_naming_the_line_and_keeps_the_old_version(
    cli_env: Database, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "source,name,alt_names,addresses,start_date\nEL,Acme Radio,,,2020-01-01\n", encoding="utf-8"
    )
    assert (
        runner.invoke(app, ["lists", "load", str(good), "--format", "csl-csv", "--no-screen"]).exit_code == 0
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "source,name,alt_names,addresses,start_date\nEL,Acme Radio,,,2020-01-01\nEL,Borealis,,,1/2/2020\n"
    )
    result = runner.invoke(app, ["lists", "load", str(bad), "--format", "csl-csv"])
    assert result.exit_code == 2
    text = flat(result.output)
    assert "bad.csv, line 3, field start_date" in text and "previous version stays in force" in text
    shown = flat(runner.invoke(app, ["lists", "show"]).output)
    assert re.search(r"csl 1 ", shown)


def test_unknown_format_and_missing_file(cli_env: Database, tmp_path: Path) -> None:
    assert runner.invoke(app, ["lists", "load", str(tmp_path / "x.csv"), "--format", "xml"]).exit_code == 2
    assert (
        runner.invoke(app, ["lists", "load", str(tmp_path / "x.csv"), "--format", "csl-csv"]).exit_code == 3
    )


def test_decide_dismisses_and_screen_applies_it(cli_env: Database, tmp_path: Path) -> None:
    import_rows(cli_env, tmp_path, [("A1", "Huawie", "")])
    first = flat(runner.invoke(app, ["screen"]).output)
    assert "review 1" in first
    result = runner.invoke(
        app, ["decide", "HUAWIE", "--entity", "huawei", "--dismiss", "--reason", "a bakery", "--by", "ana"]
    )
    assert result.exit_code == 0, result.output
    assert "dismissed" in result.output and "fcc-covered" in flat(result.output)
    second = flat(runner.invoke(app, ["screen"]).output)
    assert "clear 1" in second
    listed = json.loads(runner.invoke(app, ["decisions", "--json"]).output)
    assert len(listed) == 1  # one decision for the name and Huawei, not one per list Huawei is on
    assert {(d["name"], d["entity_id"], d["decided_by"], d["reason"], d["in_force"]) for d in listed} == {
        ("HUAWIE", "huawei", "ana", "a bakery", True)
    }
    assert "a bakery" in flat(runner.invoke(app, ["decisions"]).output)
    rescreened = json.loads(runner.invoke(app, ["screen-name", "Huawie", "--json"]).output)
    assert rescreened["status"] == "clear"
    assert rescreened["results"][0]["decision"] == "dismissed"
    assert "a bakery" in rescreened["results"][0]["explanation"]["decision_note"]


def test_decide_rejects_both_flags_and_unknown_entities(cli_env: Database) -> None:
    both = runner.invoke(
        app, ["decide", "X", "--entity", "huawei", "--confirm", "--dismiss", "--reason", "r"]
    )
    assert both.exit_code == 2
    unknown = runner.invoke(app, ["decide", "X", "--entity", "nobody", "--confirm", "--reason", "r"])
    assert unknown.exit_code == 3 and "nobody" in unknown.output


@pytest.mark.shared_data
@pytest.mark.slow
def test_load_the_real_ofac_files(cli_env: Database) -> None:
    sdn = shared_data("ofac", "sdn.csv")
    result = runner.invoke(app, ["lists", "load", str(sdn), "--format", "ofac-csv", "--no-screen"])
    assert result.exit_code == 0, result.output
    assert re.search(r"loaded ofac-sdn version 1: 7\d\d\d entries", flat(result.output))
    hit = json.loads(runner.invoke(app, ["screen-name", "Banco Nacional de Cuba", "--json"]).output)
    assert hit["status"] == "match" and hit["results"][0]["entity_id"] == "ofac-306"


def test_fail_on_gives_an_exit_code_for_ci(cli_env: Database) -> None:
    assert runner.invoke(app, ["screen-name", "Huawei", "--fail-on", "match"]).exit_code == 1
    assert runner.invoke(app, ["screen-name", "Ericsson AB", "--fail-on", "review"]).exit_code == 0
    assert runner.invoke(app, ["screen-name", "Huawie", "--fail-on", "review"]).exit_code == 1
    assert runner.invoke(app, ["screen-name", "Huawie", "--fail-on", "match"]).exit_code == 0
    assert runner.invoke(app, ["screen-name", "Huawie", "--fail-on", "maybe"]).exit_code == 2


def test_threshold_lists_and_candidates(cli_env: Database) -> None:
    strict = json.loads(runner.invoke(app, ["screen-name", "Huawie", "--threshold", "0.99", "--json"]).output)
    assert strict["status"] == "clear"
    assert runner.invoke(app, ["screen-name", "Huawie", "--threshold", "1.5"]).exit_code == 2
    only = json.loads(runner.invoke(app, ["screen-name", "Huawei", "--lists", "ndaa-889", "--json"]).output)
    assert only["status"] == "match" and only["results"][0]["list"] == "ndaa-889"
    kaspersky = json.loads(
        runner.invoke(app, ["screen-name", "Kaspersky", "--lists", "ndaa-889", "--json"]).output
    )
    assert kaspersky["status"] == "clear"  # Kaspersky is on the Covered List, not in section 889
    unknown = runner.invoke(app, ["screen-name", "Huawei", "--lists", "nope"])
    assert unknown.exit_code == 2 and "nope" in unknown.output
    many = json.loads(
        runner.invoke(app, ["screen-name", "Hua Wei Restaurant", "--candidates", "5", "--json"]).output
    )
    assert many["status"] == "clear" and 1 <= len(many["results"]) <= 5
    none = json.loads(
        runner.invoke(app, ["screen-name", "Hua Wei Restaurant", "--candidates", "0", "--json"]).output
    )
    assert none["results"] == []


def test_country_is_validated(cli_env: Database, tmp_path: Path) -> None:
    bad = runner.invoke(app, ["screen-name", "Huawei", "--country", "XX"])
    assert bad.exit_code == 2 and "XX" in bad.output
    assert runner.invoke(app, ["screen-name", "Huawei", "--country", "gb"]).exit_code == 0
    source = tmp_path / "s.csv"
    source.write_text("supplier,country\nHuawei,GB\nZTE,Narnia\n", encoding="utf-8")
    out = tmp_path / "out.json"
    args = [
        "screen-file",
        str(source),
        "--column",
        "supplier",
        "--country-column",
        "country",
        "--json",
        str(out),
    ]
    assert runner.invoke(app, args).exit_code == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert rows[0]["status"] == "match"
    assert rows[1]["status"] is None and "line 3, field country" in rows[1]["error"]


def test_screen_file_streams_and_fails_on_for_ci(cli_env: Database, tmp_path: Path) -> None:
    source = tmp_path / "s.csv"
    source.write_text("supplier\nNokia Oyj\nHuawei NE40E-X8\n", encoding="utf-8")
    printed = runner.invoke(app, ["screen-file", str(source), "--column", "supplier", "--fail-on", "review"])
    assert printed.exit_code == 1
    assert "line 3: 'Huawei NE40E-X8'" in flat(printed.output) and "Nokia" not in printed.output
    out = tmp_path / "out.json"
    args = ["screen-file", str(source), "--column", "supplier", "--json", str(out), "--fail-on", "match"]
    assert runner.invoke(app, args).exit_code == 1  # the product reading is a match (own product line)
    assert [r["status"] for r in json.loads(out.read_text(encoding="utf-8"))] == ["clear", "match"]
    assert not (tmp_path / "out.json.partial").exists()


def test_lists_show_gives_an_as_of_date_for_loaded_files(cli_env: Database, tmp_path: Path) -> None:
    (tmp_path / "sdn.csv").write_text(
        '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
    )
    result = runner.invoke(
        app,
        [
            "lists",
            "load",
            str(tmp_path / "sdn.csv"),
            "--format",
            "ofac-csv",
            "--no-screen",
            "--as-of",
            "2025-01-31",
        ],
    )
    assert result.exit_code == 0, result.output
    shown = flat(runner.invoke(app, ["lists", "show"]).output)
    assert "ofac-sdn" in shown and "2025-01-31 (given)" in shown
    (tmp_path / "sdn.csv").write_text(
        '37,"AEROCARIBBEAN AIRWAYS",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
    )
    runner.invoke(app, ["lists", "load", str(tmp_path / "sdn.csv"), "--format", "ofac-csv", "--no-screen"])
    assert "(file date)" in flat(runner.invoke(app, ["lists", "show"]).output)
    assert (
        runner.invoke(
            app, ["lists", "load", str(tmp_path / "sdn.csv"), "--format", "ofac-csv", "--as-of", "31/01"]
        ).exit_code
        == 2
    )


def test_the_screening_commands_start_without_the_other_areas_heavy_imports() -> None:
    """`netvet screen-name` builds only the screening commands: no planner (numpy, the optimiser), no
    followthemoney (needed only to load a FollowTheMoney file), no reporting, no rfc3987 grammar."""
    import subprocess
    import sys

    code = (
        "import sys; sys.argv = ['netvet', 'screen-name', '--help']\n"
        "from netvet.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ['numpy', 'followthemoney', 'netvet.planning', 'polars', 'netvet.report', 'rfc3987_syntax']\n"
        "print(sorted(m for m in heavy if sys.modules.get(m) is not None))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
