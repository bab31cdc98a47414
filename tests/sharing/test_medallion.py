"""netvet's client against the OASIS reference TAXII 2.1 server, medallion, run here on 127.0.0.1 with its
own seed file (tests/data/sharing/medallion-seed.json: Globex Mobile's finding of CVE-2023-90002 on
Nokia 7750 SR 22.10.R3, TLP:GREEN, and one TLP:RED note, in medallion's memory-backend format).

medallion 3.0.0 (its latest release) cannot list objects once a collection holds one with a `version`
property, such as a `software` object: it reads that property as a timestamp and answers 500. So the
seed names the software version in its CPE (as NVD-derived feeds do), and what netvet pushes is
checked through medallion's manifest, which lists it. Its memory backend keeps an observable's
version in a hidden `_date_added` field, which the seed file therefore carries.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import stix2
from taxii2client.v21 import Collection
from typer.testing import CliRunner

from conftest import free_port
from netvet.cli import app
from netvet.sharing.tlp import Tlp
from netvet.storage import Database
from netvet.storage.advisories import list_matches
from netvet.storage.sharing import list_exchanges, list_received

from .conftest import NOKIA_ADVISORY, add_network

SEED = Path(__file__).resolve().parent.parent / "data" / "sharing" / "medallion-seed.json"
FEED = "5b1c3e7a-9d2f-4a6b-8c0e-1f3a5b7c9d11"  # read only
INBOX = "6c2d4f8b-0e3a-4b7c-9d1f-2a4b6c8d0e22"  # operators push here
USER, PASSWORD = "operator", "medallion test password"
runner = CliRunner()


def flat(output: str) -> str:
    return re.sub(r"[\s│┃]+", " ", output)


@pytest.fixture
def medallion(tmp_path: Path) -> Iterator[str]:
    """medallion on a free port of 127.0.0.1; yields its discovery URL."""
    port = free_port()
    data = tmp_path / "data.json"
    data.write_text(SEED.read_text().replace("PORT", str(port)))
    config = tmp_path / "config.json"
    backend = {
        "module": "medallion.backends.memory_backend",
        "module_class": "MemoryBackend",
        "filename": str(data),
    }
    config.write_text(
        json.dumps({"backend": backend, "users": {USER: PASSWORD}, "taxii": {"max_page_size": 100}})
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "medallion.scripts.run",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            str(config),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/taxii2/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(url, auth=(USER, PASSWORD), timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("medallion did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def peer_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.delenv("NETVET_TAXII_TOKEN", raising=False)
    return {"NETVET_TAXII_USER": USER, "NETVET_TAXII_PASSWORD": PASSWORD}


def test_collections_on_medallion(cli_env: Database, medallion: str, peer_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["share", "collections", "--url", medallion], env=peer_env)
    assert result.exit_code == 0, result.output
    listed = flat(result.output)
    assert f"National CSIRT (http://127.0.0.1:{medallion.split(':')[2].split('/')[0]}/csirt/)" in listed
    assert f"{FEED} Operators' 5G findings yes no" in listed
    assert f"{INBOX} Submissions to the CSIRT yes yes" in listed
    wrong = runner.invoke(
        app, ["share", "collections", "--url", medallion], env={**peer_env, "NETVET_TAXII_PASSWORD": "no"}
    )
    assert wrong.exit_code == 2 and "the server answered 401" in flat(wrong.output)


def test_a_finding_pulled_from_medallion_matches_the_local_inventory(
    cli_env: Database, medallion: str, peer_env: dict[str, str]
) -> None:
    add_network(cli_env, "default", {"mine": "22.10.R3", "other": "22.10.R5"})
    root = medallion.replace("/taxii2/", "/csirt/")
    result = runner.invoke(app, ["share", "pull", "--url", root, "--collection", FEED], env=peer_env)
    assert result.exit_code == 0, result.output
    assert "1 vulnerabilities kept as advisories for default" in flat(result.output)
    result = runner.invoke(app, ["advisories", "match"])  # no vendor advisory loaded: only Globex's finding
    assert result.exit_code == 0, result.output
    with cli_env.connect() as conn:
        matches = {
            r["asset_id"]: (r["advisory_id"], r["cve"], r["status"]) for r in list_matches(conn, "default")
        }
        (received,) = list_received(conn, "default")
        (exchange,) = list_exchanges(conn, "default")
    vulnerability = "vulnerability--0c8e7d52-3b1a-4f6e-8d2c-9a4b5e6f7a81"
    assert matches == {
        "mine": (vulnerability, "CVE-2023-90002", "affected"),
        "other": (vulnerability, "CVE-2023-90002", "unknown"),
    }
    assert (received["producer"], received["tlp"]) == ("Globex Mobile", Tlp.GREEN.value)
    assert exchange["direction"] == "received" and exchange["by_tlp"] == {"green": 7, "red": 1}


def test_push_to_medallion_withholds_what_tlp_keeps_here(
    cli_env: Database, medallion: str, peer_env: dict[str, str], tmp_path: Path
) -> None:
    add_network(cli_env, "default", {"r3": "22.10.R3"})
    assert runner.invoke(app, ["advisories", "load", str(NOKIA_ADVISORY)]).exit_code == 0
    assert runner.invoke(app, ["advisories", "match"]).exit_code == 0
    root = medallion.replace("/taxii2/", "/csirt/")
    result = runner.invoke(
        app, ["share", "push", "--url", root, "--collection", INBOX, "--tlp", "green"], env=peer_env
    )
    assert result.exit_code == 0, result.output
    inbox = Collection(f"{root}collections/{INBOX}/", user=USER, password=PASSWORD)
    pushed = {m["id"].split("--")[0] for m in inbox.get_manifest()["objects"]}
    assert pushed >= {"identity", "vulnerability", "infrastructure", "software", "relationship", "note"}
    assert " 0 refused" in flat(result.output)

    red = runner.invoke(
        app, ["share", "push", "--url", root, "--collection", INBOX, "--tlp", "red"], env=peer_env
    )
    assert red.exit_code == 2 and "TLP:RED never leaves the organisation" in flat(red.output)

    # A bundle of what Globex gave us: its GREEN objects may go on, its RED note and an AMBER copy may not.
    seed = json.loads(SEED.read_text())["csirt"]["collections"][0]["objects"]
    amber = {
        **seed[1],
        "id": "vulnerability--9d2f4a6b-8c0e-4f3a-9b7c-1d115b1c3e7a",
        "object_marking_refs": [Tlp.AMBER.marking_id],
    }
    amber_software = json.loads(
        stix2.Software(
            name="Baseband 6630", vendor="Ericsson", object_marking_refs=[Tlp.AMBER.marking_id]
        ).serialize()
    )
    bundle = tmp_path / "received.json"
    bundle.write_text(
        json.dumps(
            {
                "type": "bundle",
                "id": "bundle--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                "objects": [*seed, amber, amber_software],
            }
        )
    )
    result = runner.invoke(
        app, ["share", "push", "--url", root, "--collection", INBOX, "--bundle", str(bundle)], env=peer_env
    )
    assert result.exit_code == 0, result.output
    output = flat(result.output)
    assert "withheld note--5e7a9c13-4d6f-4b8c-8eaf-3f5b7c9d1e46: TLP:RED never leaves" in output
    assert "withheld vulnerability--9d2f4a6b-8c0e-4f3a-9b7c-1d115b1c3e7a: received as TLP:AMBER" in output
    # an observable names no creator: in a bundle file it counts as received
    assert f"withheld {amber_software['id']}: received as TLP:AMBER" in output
    ids = {m["id"] for m in inbox.get_manifest()["objects"]}
    assert "note--5e7a9c13-4d6f-4b8c-8eaf-3f5b7c9d1e46" not in ids and amber["id"] not in ids
    assert "vulnerability--0c8e7d52-3b1a-4f6e-8d2c-9a4b5e6f7a81" in ids


def test_medallion_refuses_a_read_only_collection(
    cli_env: Database, medallion: str, peer_env: dict[str, str], tmp_path: Path
) -> None:
    seed = json.loads(SEED.read_text())["csirt"]["collections"][0]["objects"][:1]
    bundle = tmp_path / "b.json"
    bundle.write_text(
        json.dumps({"type": "bundle", "id": "bundle--2a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "objects": seed})
    )
    root = medallion.replace("/taxii2/", "/csirt/")
    result = runner.invoke(
        app, ["share", "push", "--url", root, "--collection", FEED, "--bundle", str(bundle)], env=peer_env
    )
    assert result.exit_code == 2
    assert "does not allow writing" in flat(result.output)
