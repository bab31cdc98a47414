from __future__ import annotations

import math
from collections import Counter, defaultdict
from pathlib import Path

from netvet.demo import generate_inventory, load_demo_shape
from netvet.ingest import import_inventory
from netvet.ingest.writers import write_inventory
from netvet.storage import Database
from netvet.storage import inventory as store


def test_same_seed_same_network_other_seed_other_network() -> None:
    first = list(generate_inventory(seed=7, sites=400))
    assert first == list(generate_inventory(seed=7, sites=400))
    assert first != list(generate_inventory(seed=8, sites=400))


def test_default_network_spans_the_required_countries_and_size() -> None:
    rows = list(generate_inventory())
    sites = {r["site_id"]: r for r in rows}
    assert len(sites) >= 3000
    assert {"GB", "DE", "ES", "US"} <= {r["country"] for r in sites.values()}
    roles = Counter(r["role"] for r in rows)
    assert {"AMF", "UPF", "MME", "SGW", "BBU", "AAU", "Microwave", "Cell Site Router", "EMS"} <= set(roles)
    assert len(rows) / len(sites) > 5  # several assets per site


def test_sites_lie_within_their_regions() -> None:
    shape = load_demo_shape()
    regions = {(c, r["name"]): r for c, spec in shape.countries.items() for r in spec["regions"]}
    for row in generate_inventory(sites=1500):
        region = regions[(row["country"], row["region"])]
        dlat = (row["latitude"] - region["lat"]) * 111.32
        dlon = (row["longitude"] - region["lon"]) * 111.32 * math.cos(math.radians(region["lat"]))
        assert math.hypot(dlat, dlon) <= region["radius_km"] + 1


def test_ran_vendor_shares_differ_by_region_and_follow_the_shape() -> None:
    per_region: dict[str, Counter[str]] = defaultdict(Counter)
    spelling_to_vendor = {s: v for v, d in load_demo_shape().vendors.items() for s in d["spellings"]}
    for row in generate_inventory():
        if row["role"] == "BBU":
            per_region[row["region"]][spelling_to_vendor[row["vendor"]]] += 1
    berlin, midlands = per_region["Berlin"], per_region["Midlands"]
    assert berlin["huawei"] / sum(berlin.values()) > 0.6  # Berlin is drawn 80% Huawei
    assert midlands["huawei"] == 0 and midlands["ericsson"] > 0


def test_every_spelling_of_every_vendor_appears() -> None:
    shape = load_demo_shape()
    written = {r["vendor"] for r in generate_inventory()} | {r["manufacturer"] for r in generate_inventory()}
    written |= {c["supplier"] for r in generate_inventory() for c in r.get("components", [])}
    for vendor, spec in shape.vendors.items():
        missing = (set(spec["spellings"]) | set(spec.get("subsidiaries", []))) - written
        assert not missing, (vendor, missing)


def test_us_rural_carrier_bought_huawei_zte_around_the_fcc_cutoff() -> None:
    us = [
        r
        for r in generate_inventory(country="US")
        if r["vendor"] in {"Huawei", "HUAWEI", "ZTE", "ZTE Corporation"}
    ]
    dated = [r for r in us if r["purchased_on"] is not None]
    assert dated and all(r["purchased_on"] < "2020-09-01" for r in dated)


def test_the_demo_leaves_the_gaps_real_inventories_have() -> None:
    rows = list(generate_inventory(sites=600))
    share = {
        column: sum(r[column] is None for r in rows) / len(rows)
        for column in ("purchased_on", "installed_on")
    }
    assert 0.02 < share["purchased_on"] < 0.06 and 0.01 < share["installed_on"] < 0.03
    radios = [r for r in rows if r["role"] in ("BBU", "AAU", "RRU")]
    assert any(r["technology"] is None for r in radios)
    uk_sites = {r["site_id"]: r["national_security"] for r in generate_inventory(country="GB")}
    assert {True, False, None} <= set(uk_sites.values())
    assert all(r["national_security"] is None for r in rows if r["country"] != "GB")


def test_one_country_only(tmp_path: Path) -> None:
    rows = list(generate_inventory(country="de", sites=100))
    assert {r["country"] for r in rows} == {"DE"}


def test_generated_file_imports_cleanly(sqlite_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "demo.jsonl"
    written = write_inventory(generate_inventory(sites=300), path)
    report = import_inventory(sqlite_db, path)
    assert report.rows_added == written and report.rows_rejected == 0
    with sqlite_db.connect() as conn:
        assert store.count_assets(conn, "default") == written
        assert any(name.startswith("HiSilicon") for name in store.distinct_supplier_names(conn, "default"))


def test_the_german_operator_is_recorded_as_a_signatory_of_the_2024_agreement(db: Database) -> None:
    # The German agreement (de.yaml) binds only Deutsche Telekom, Vodafone and Telefónica; the demo's
    # German operator stands in for Vodafone, so the demo organisation carries that alias.
    shape = load_demo_shape()
    assert shape.signatory_aliases() == ["Vodafone"] == shape.signatory_aliases("de")
    assert shape.signatory_aliases("GB") == []
    with db.begin() as conn:
        store.ensure_organization(conn, "demo")
        store.add_aliases(conn, "demo", ["Vodafone"])
        store.add_aliases(conn, "demo", ["Vodafone", "Demo Group"])  # only what is new is added
        organisation = store.get_organization(conn, "demo")
    assert organisation is not None and organisation.aliases == ("Vodafone", "Demo Group")
