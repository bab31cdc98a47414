"""`netvet share ...` end to end: groups and collections, export into a group, pull over TAXII from a
running netvet, and the received finding matched against another operator's inventory.

The advisory is the vendor-format CSAF fixture: CVE-2023-90002 affects the 7750 SR from 22.10.R1 to
before 22.10.R4.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from stix2validator import ValidationOptions, validate_string
from typer.testing import CliRunner

from netvet.cli import app
from netvet.sharing.tlp import Tlp
from netvet.storage import Database, taxii_read
from netvet.storage import sharing as sharing_store
from netvet.storage.access import list_audit
from netvet.storage.advisories import list_matches

from .conftest import NOKIA_ADVISORY, add_network, populate, serve

runner = CliRunner()


def flat(output: str) -> str:
    return re.sub(r"[\s│┃]+", " ", output)


def run(*args: str, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def acme_matched(cli_env: Database) -> dict[str, str]:
    """The test world, acme's routers matched against the Nokia advisory."""
    tokens, _ = populate(cli_env)
    add_network(cli_env, "acme", {"r3": "22.10.R3", "r4": "22.10.R4"})
    run("advisories", "load", str(NOKIA_ADVISORY))
    run("advisories", "match", "--org", "acme")
    return tokens


def test_groups_and_collections_are_managed_from_the_command_line(cli_env: Database) -> None:
    populate(cli_env)
    run("share", "groups", "create", "bilateral", "--name", "Acme and Globex", "--collection", "Incidents")
    run("share", "groups", "add", "bilateral", "acme")
    run("share", "groups", "add", "bilateral", "globex")
    run("share", "groups", "add", "bilateral", "hooli", "--client-of", "globex")
    listed = flat(run("share", "groups", "list"))
    assert "bilateral Acme and Globex acme, globex hooli (of globex)" in listed
    run("share", "collections", "create", "bilateral", "Advisories")
    collections = flat(run("share", "collections"))
    assert (
        "Acme and Globex (bilateral)" in collections
        and "Incidents" in collections
        and "Advisories" in collections
    )
    refused = runner.invoke(app, ["share", "groups", "add", "bilateral", "initech", "--client-of", "csirt"])
    assert refused.exit_code == 2 and "client needs --client-of naming a member" in refused.output
    missing = runner.invoke(app, ["share", "collections", "create", "nowhere", "X"])
    assert missing.exit_code == 3


def test_export_into_a_group_and_to_a_file(
    acme_matched: dict[str, str], cli_env: Database, tmp_path: Path
) -> None:
    out = tmp_path / "acme.json"
    output = flat(
        run("share", "export", "--org", "acme", "--tlp", "amber", "--to", "eu-5g", "--out", str(out))
    )
    assert "shared into 'eu-5g':" in output and "0 refused" in output
    bundle = out.read_text()
    assert validate_string(bundle, ValidationOptions(version="2.1", strict=True)).is_valid
    objects = json.loads(bundle)["objects"]
    (vulnerability,) = [o for o in objects if o["type"] == "vulnerability"]
    assert vulnerability["name"] == "CVE-2023-90002"
    with cli_env.connect() as conn:
        collection = sharing_store.list_collections(conn, "eu-5g")[0]
        circle = sharing_store.circle(conn)
        query = taxii_read.ObjectQuery(limit=1000, types=frozenset({"vulnerability"}))
        for reader, sees in (("globex", True), ("hooli", True), ("csirt", False), ("vendorx", False)):
            page = taxii_read.read_page(conn, collection.id, reader, circle, query, False)
            assert [o.stix_id for o in page.objects] == ([vulnerability["id"]] if sees else []), reader
        _, audit = list_audit(conn, "acme", 10, 0)
        exchanges = sharing_store.list_exchanges(conn, "acme")
    assert audit[0]["action"] == "share.export" and audit[0]["via"] == "cli"
    assert exchanges[0]["direction"] == "sent" and exchanges[0]["by_tlp"] == {"amber": len(objects) - 1}
    # Exported again unchanged: the same ids and versions, so the collection holds nothing new.
    run("share", "export", "--org", "acme", "--tlp", "amber", "--to", "eu-5g", "--out", str(out))
    assert json.loads(out.read_text())["objects"] == objects


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--tlp", "orange", "--to", "eu-5g"], 2, "'orange' is not a TLP level"),
        (["--tlp", "amber"], 2, "say where the objects go"),
        (["--tlp", "amber", "--to", "nowhere"], 3, "no sharing group 'nowhere'"),
        (["--tlp", "amber", "--to", "national"], 2, "'acme' is not a member of 'national'"),
        (
            ["--tlp", "amber", "--to", "eu-5g", "--recipient", "csirt"],
            2,
            "not members of the collection's sharing group: csirt",
        ),
    ],
)
def test_export_refusals(acme_matched: dict[str, str], args: list[str], code: int, message: str) -> None:
    result = runner.invoke(app, ["share", "export", "--org", "acme", *args])
    assert result.exit_code == code, result.output
    assert message in flat(result.output)


def test_export_without_matches_says_what_to_run(cli_env: Database) -> None:
    populate(cli_env)
    result = runner.invoke(app, ["share", "export", "--org", "globex", "--tlp", "green", "--to", "eu-5g"])
    assert result.exit_code == 3 and "run `netvet advisories match` first" in flat(result.output)


def test_another_operators_finding_pulled_over_taxii_becomes_a_local_match(
    acme_matched: dict[str, str], cli_env: Database
) -> None:
    run("share", "export", "--org", "acme", "--tlp", "amber", "--to", "eu-5g")
    add_network(cli_env, "globex", {"g-same": "22.10.R3", "g-older": "22.10.R2"})
    with cli_env.connect() as conn:
        collection_id = sharing_store.list_collections(conn, "eu-5g")[0].id
    with serve(cli_env) as url:
        for org in ("globex", "csirt"):
            env = {"NETVET_TAXII_TOKEN": acme_matched[org]}
            output = flat(
                run(
                    "share",
                    "pull",
                    "--url",
                    f"{url}eu-5g/",
                    "--collection",
                    collection_id,
                    "--org",
                    org,
                    env=env,
                )
            )
            assert ("1 vulnerabilities kept" if org == "globex" else "0 vulnerabilities kept") in output
        listed = flat(
            run("share", "collections", "--url", url, env={"NETVET_TAXII_TOKEN": acme_matched["globex"]})
        )
        assert "eu-5g vulnerabilities" in listed and collection_id in listed
    run("advisories", "match", "--org", "globex")
    with cli_env.connect() as conn:
        shared = {
            r["asset_id"]: r["status"]
            for r in list_matches(conn, "globex")
            if r["advisory_id"].startswith("vulnerability--")
        }
        received = sharing_store.list_received(conn, "globex")
        _, audit = list_audit(conn, "globex", 10, 0)
    # acme saw it on 22.10.R3: globex's router on 22.10.R3 is affected through acme's finding; on
    # 22.10.R2 acme's finding says nothing (the vendor's own advisory decides that one).
    assert shared == {"g-same": "affected", "g-older": "unknown"}
    assert received[0]["tlp"] == Tlp.AMBER.value and received[0]["producer"] == "Acme"
    assert any(entry["action"] == "share.pull" for entry in audit)
    top = json.loads(run("advisories", "top", "--json", "--org", "globex"))
    assert any(p["advisory_id"].startswith("vulnerability--") for p in top)


def test_pull_and_push_report_an_unreachable_server_plainly(cli_env: Database) -> None:
    populate(cli_env)
    result = runner.invoke(
        app, ["share", "pull", "--url", "http://127.0.0.1:9/taxii2/x/", "--collection", "c", "--org", "acme"]
    )
    assert result.exit_code == 2 and "cannot reach the server" in flat(result.output)
