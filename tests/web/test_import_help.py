"""The dashboard's import: valid rows stored and rejected rows downloadable; messages link to the help
pages the dashboard serves, never to files of the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from netvet.storage import Database
from netvet.storage import inventory as store

from .conftest import log_in

API_DATA = Path(__file__).resolve().parent.parent / "data" / "api"


@pytest.fixture(autouse=True)
def private_output(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NETVET_HOME", str(tmp_path / "home"))


def _upload(client: TestClient, csrf: str, name: str, **form: str):  # type: ignore[no-untyped-def]
    data = (API_DATA / name).read_bytes()
    return client.post(
        "/imports", data={"csrf_token": csrf, **form}, files={"file": (name, data, "text/csv")}
    )


def test_skip_invalid_stores_the_valid_rows_and_offers_the_rejected_ones(
    client: TestClient, web_db: Database
) -> None:
    csrf = log_in(client, "ann")
    refused = _upload(client, csrf, "inventory-one-bad-row.csv")
    assert refused.status_code == 422
    assert 'href="/help/inventory-format"' in refused.text and "docs/" not in refused.text
    page = _upload(client, csrf, "inventory-one-bad-row.csv", skip_invalid="true")
    assert page.status_code == 200 and "1 row(s) were rejected and not stored" in page.text
    with web_db.connect() as conn:
        assert store.count_assets(conn, "acme") == 2  # the file's two good rows
    link = re.search(r'<a href="([^"]+)" download>', page.text)
    assert link is not None and link.group(1).startswith("/api/v1/organizations/acme/imports/rejects/")
    rejects = client.get(link.group(1))
    assert rejects.status_code == 200 and rejects.headers["content-type"].startswith("text/csv")
    assert "installed_on: is not a date" in rejects.text and "2022-13-45" in rejects.text
    assert client.get("/api/v1/organizations/acme/imports/rejects/../../x.csv").status_code == 404


def test_a_role_netvet_does_not_know_links_to_the_role_table(client: TestClient) -> None:
    csrf = log_in(client, "ann")
    body = "asset_id,site_id,vendor,role\nA1,S1,Nokia,Quantum Router\n"
    page = client.post(
        "/imports", data={"csrf_token": csrf}, files={"file": ("roles.csv", body.encode(), "text/csv")}
    )
    assert page.status_code == 422 and "Quantum Router" in page.text
    assert 'href="/help/inventory-format#domains-from-roles"' in page.text


def test_the_help_pages_are_the_docs_with_links_that_stay_in_the_dashboard(client: TestClient) -> None:
    log_in(client, "vic")
    index = client.get("/help")
    assert index.status_code == 200 and 'href="/help/inventory-format"' in index.text
    page = client.get("/help/inventory-format")
    assert page.status_code == 200
    assert '<h3 id="domains-from-roles">Domains from roles</h3>' in page.text
    assert '<h3 id="netbox">NetBox</h3>' in page.text
    assert 'href="/help/advisories#operating-system-families"' in page.text  # a link between pages
    assert 'href="../src' not in page.text  # repository files are not linked
    assert client.get("/help/..%2Fsettings").status_code == 404
    assert client.get("/help/no-such-page").status_code == 404
