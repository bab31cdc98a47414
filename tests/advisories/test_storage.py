from __future__ import annotations

from datetime import datetime

from netvet.advisories.asset_index import AssetIndex
from netvet.advisories.matcher import match_all
from netvet.storage import Database
from netvet.storage.advisories import (
    count_advisories,
    iter_advisories,
    kev_catalogue,
    list_matches,
    load_asset_views,
    replace_matches,
    store_document,
)

from .conftest import add_inventory, read


def test_store_round_trip_and_matches(db: Database) -> None:
    add_inventory(db)
    cve5, nvd, kev = read("cve5-huawei-ar.json"), read("nvd-cisco-ios-nokia.json"), read("kev-catalog.json")
    with db.begin() as conn:
        assert store_document(conn, cve5, "a" * 64) == 1
        assert store_document(conn, nvd, "b" * 64) == 2
        assert store_document(conn, kev, "c" * 64) == 1
        # Loading the same file again replaces, never duplicates.
        store_document(conn, cve5, "a" * 64)
    with db.connect() as conn:
        assert count_advisories(conn) == 3
        stored = list(iter_advisories(conn))
        assert stored[0] == cve5.advisories[0]
        assert set(kev_catalogue(conn)) == {"CVE-2018-0171"}
        views = load_asset_views(conn, "default")
    assert {v.id for v in views} == {"A1", "A2", "A3", "A4"}
    assert next(v for v in views if v.id == "A1").components[0].name == "openssl"
    matches = list(match_all(stored, AssetIndex.build(views)))
    with db.begin() as conn:
        assert replace_matches(conn, "default", matches) == 4
    with db.begin() as conn:  # a second run replaces the first
        assert replace_matches(conn, "default", matches) == 4
    with db.connect() as conn:
        rows = list_matches(conn, "default")
        assert {(r["advisory_id"], r["asset_id"], r["status"]) for r in rows} == {
            ("CVE-2024-90001", "A1", "affected"),
            ("NVD:CVE-2018-0171", "A2", "affected"),
            ("NVD:CVE-2023-90002", "A3", "affected"),
            ("NVD:CVE-2023-90002", "A4", "not_affected"),
        }
        assert list_matches(conn, "default", ["fixed"]) == []
        assert all(isinstance(r["matched_at"], datetime) for r in rows)
