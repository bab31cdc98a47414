"""The demo network meets real records: its routers carry OS names and releases vendors publish for."""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any

from conftest import shared_data
from netvet.advisories.asset_index import AssetIndex, AssetView
from netvet.advisories.families import default_families
from netvet.advisories.matcher import match_all
from netvet.advisories.reader import parse_document
from netvet.demo import generate_inventory

from .conftest import ADVISORY_DATA


@cache
def _demo() -> tuple[dict[str, Any], ...]:
    return tuple(generate_inventory(seed=1, sites=600))


def _views() -> list[AssetView]:
    return [
        AssetView(
            r["asset_id"], r["vendor"], r.get("model"), r.get("software_version"), platform=r.get("platform")
        )
        for r in _demo()
    ]


def test_every_os_name_the_demo_writes_is_a_family_but_ericsson_ipos() -> None:
    families = default_families()
    named = {(r["vendor"], r["platform"]) for r in _demo() if r.get("platform")}
    unresolved = {p for v, p in named if families.resolve(p) is None}
    assert unresolved == {"IPOS"}  # Ericsson's router OS: no family asked for it


def test_the_kev_listed_ios_xe_record_reaches_every_demo_router_at_a_listed_release() -> None:
    """CVE-2023-20273 lists IOS XE 16.12.4 and 17.3.1, not 3.18.3SP (the demo's three releases)."""
    path = shared_data("real-world", "cve5", "cisco_iosxe", "CVE-2023-20273.json")
    advisories = parse_document(path.read_bytes(), str(path)).advisories
    rows = {m.asset_id: m.status.value for m in match_all(advisories, AssetIndex.build(_views()))}
    routers = {r["asset_id"]: r["software_version"] for r in _demo() if r.get("platform") == "IOS XE"}
    assert Counter(routers.values()).keys() == {"16.12.4", "17.3.1", "3.18.3SP"}
    expected = {a: "affected" for a, v in routers.items() if v in ("16.12.4", "17.3.1")}
    assert rows == expected


def test_the_all_baseband_variants_record_reaches_every_demo_baseband() -> None:
    """ "RAN Compute Basebands (all BB variants)", "All supported releases prior to Release 24": the
    demo's basebands run 21.Q4, 22.Q3 and 23.Q1."""
    advisories = parse_document(
        (ADVISORY_DATA / "cve5-ericsson-basebands.json").read_bytes(), "bb"
    ).advisories
    rows = {m.asset_id: m.status.value for m in match_all(advisories, AssetIndex.build(_views()))}
    basebands = {r["asset_id"] for r in _demo() if (r.get("model") or "").startswith("Baseband")}
    assert basebands and rows == dict.fromkeys(basebands, "affected")
