"""NetBox as operators use it: its UI CSV export, its REST API JSON, and a live NetBox paged through its
API (a stand-in serving the real fixture files in NetBox's paging format)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import shared_data
from netvet.cli import app
from netvet.ingest import import_inventory
from netvet.ingest.mapping import MappingChoice
from netvet.ingest.netbox import authorization
from netvet.storage import Database
from netvet.storage import inventory as store

from .netbox_stub import NetBoxData, netbox_stub, rest_view

pytestmark = pytest.mark.shared_data
runner = CliRunner()
TOKEN = "0123456789abcdef0123456789abcdef01234567"


def netbox_file(name: str) -> Path:
    return shared_data("real-world", "netbox", name)


def _stored(db: Database) -> tuple[dict[str, object], dict[str, object]]:
    with db.connect() as conn:
        return (
            {a.id: a for a in store.iter_assets(conn, "default")},
            {s.id: s for s in store.iter_sites(conn, "default")},
        )


def test_the_netbox_ui_csv_export_imports_as_exported(sqlite_db: Database) -> None:
    report = import_inventory(
        sqlite_db, netbox_file("netbox_ui_export_devices.csv"), mapping=MappingChoice(country="LV")
    )
    assert report.mapping is not None and report.mapping.source == "netbox-csv"  # recognised
    assert report.rows_added == 2
    assets, sites = _stored(sqlite_db)
    # The export: CHR1 and CHR2, IDs 1 and 2, site "Name", role Router, manufacturer and type Mikrotik.
    chr1 = assets["1"]
    assert (chr1.site_id, chr1.vendor, chr1.model, chr1.role, chr1.domain.value) == (
        "Name",
        "Mikrotik",
        "Mikrotik",
        "Router",
        "transport",
    )
    assert sites["Name"].country == "LV"  # the export has no region: --country gives it
    assert set(report.plan.ignored) >= {"Status", "Tenant", "Rack", "IP Address", "Created"}  # type: ignore[union-attr]


def test_a_netbox_api_page_imports_with_its_roles_mapped(sqlite_db: Database) -> None:
    report = import_inventory(
        sqlite_db, netbox_file("pynetbox_devices.json"), mapping=MappingChoice(country="US")
    )
    assert report.mapping is not None and report.mapping.source == "netbox-api"
    assets, _ = _stored(sqlite_db)
    source = json.loads(netbox_file("pynetbox_devices.json").read_text())["results"]
    assert sorted(assets) == sorted(str(d["id"]) for d in source)
    by_role = {d["role"]["name"]: assets[str(d["id"])] for d in source}
    # NetBox role -> netvet role and domain (data/mappings/values/netbox-roles.yaml, data/roles.yaml).
    assert {name: (a.role, a.domain.value) for name, a in by_role.items()} == {
        "Core Switch": ("Switch", "transport"),
        "Router": ("Router", "transport"),
        "Leaf Switch": ("Switch", "transport"),
        "OOB Switch": ("Switch", "management"),
        "PDU": ("Power", "other"),
        "Spine Switch": ("Switch", "transport"),
    }
    edge = assets["1"]  # test1-edge1: a Juniper MX960 running Juniper Junos
    assert (edge.vendor, edge.model, edge.platform) == ("Juniper", "MX960", "Juniper Junos")
    assert Counter(a.vendor for a in assets.values()) == Counter(
        d["device_type"]["manufacturer"]["name"] for d in source
    )


def test_one_device_as_the_api_gives_it_imports_alone(sqlite_db: Database) -> None:
    """GET /api/dcim/devices/1/ answers one device object, not a page of them."""
    path = netbox_file("pynetbox_device.json")
    report = import_inventory(sqlite_db, path, mapping=MappingChoice(country="US"))
    assert report.mapping is not None and report.mapping.source == "netbox-api"
    device = json.loads(path.read_text())
    assets, sites = _stored(sqlite_db)
    [(asset_id, asset)] = assets.items()
    assert asset_id == str(device["id"])
    assert (asset.vendor, asset.model, asset.role, asset.platform) == (  # type: ignore[attr-defined]
        device["device_type"]["manufacturer"]["name"],  # Juniper
        device["device_type"]["model"],  # MX960
        device["role"]["name"],  # Router
        device["platform"]["name"],  # Juniper Junos
    )
    assert sites[device["site"]["name"]].country == "US"  # type: ignore[attr-defined]


def test_a_live_netbox_is_paged_through_its_api(cli_env: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    source = json.loads(netbox_file("pynetbox_devices.json").read_text())["results"]
    monkeypatch.setenv("NB_TOKEN", TOKEN)
    with netbox_stub(NetBoxData(source), TOKEN, max_page=4) as served:
        result = runner.invoke(
            app, ["import", served.url, "--from", "netbox", "--token-env", "NB_TOKEN", "--country", "US"]
        )
    assert result.exit_code == 0, result.output
    assert "11 added" in result.output and "NetBox devices (REST API JSON)" in result.output
    device_pages = [r for r in served.requests if r.startswith("/api/dcim/devices/")]
    assert device_pages == [  # NetBox caps the page at 4 here: three pages, by `next`
        "/api/dcim/devices/?limit=500",
        "/api/dcim/devices/?limit=4&offset=4",
        "/api/dcim/devices/?limit=4&offset=8",
    ]
    assets, sites = _stored(cli_env)
    assert len(assets) == 11 and sites["TEST1"].country == "US"


def test_a_live_netbox_gives_each_site_the_country_of_its_region(
    cli_env: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    dump = json.loads(netbox_file("netbox-demo-v3.6.json").read_text())
    data = rest_view(dump)
    monkeypatch.setenv("NB_TOKEN", TOKEN)
    with netbox_stub(data, TOKEN, max_page=25) as served:
        result = runner.invoke(app, ["import", served.url, "--from", "netbox", "--token-env", "NB_TOKEN"])
    assert result.exit_code == 0, result.output
    assets, sites = _stored(cli_env)
    assert len(assets) == len(data.devices) == 72
    # Every demo site lies in a US state region (New York, us-ny; Ohio, us-oh; ...) under United States.
    assert {site.country for site in sites.values()} == {"US"}
    assert sites["DM-Akron"].region == "Ohio"
    roles = Counter(r["name"] for r in (d["role"] for d in data.devices))
    domains = Counter(a.domain.value for a in assets.values())
    switches = sum(roles[r] for r in ("Access Switch", "ToR Switch", "Distribution Switch", "Core Switch"))
    assert domains == {
        "transport": roles["Router"] + switches,
        "other": roles["PDU"] + roles["Patch Panel"] + roles["Application Server"],
    }


def test_a_token_netbox_refuses_is_a_clear_error(cli_env: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NB_TOKEN", "wrong")
    with netbox_stub(NetBoxData([]), TOKEN) as served:
        result = runner.invoke(app, ["import", served.url, "--from", "netbox", "--token-env", "NB_TOKEN"])
    assert result.exit_code == 2
    assert "NetBox refused the token (HTTP 403: Invalid token)" in result.output
    monkeypatch.delenv("NB_TOKEN")
    missing = runner.invoke(
        app, ["import", "https://netbox.example", "--from", "netbox", "--token-env", "NB_TOKEN"]
    )
    assert (
        missing.exit_code == 2 and "--token-env NB_TOKEN: the variable is not set or empty" in missing.output
    )


def test_netbox_token_headers() -> None:
    assert authorization(TOKEN) == f"Token {TOKEN}"  # v1: 40 hexadecimal characters
    assert authorization("nbt_abc.def") == "Bearer nbt_abc.def"  # v2 (NetBox 4.5+)
