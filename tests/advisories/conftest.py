from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from netvet.advisories.model import Advisory, ParsedDocument
from netvet.advisories.reader import parse_document
from netvet.storage import Database
from netvet.storage.tables import assets, components, organizations, sites

ADVISORY_DATA = Path(__file__).resolve().parent.parent / "data" / "advisories"


def read(name: str) -> ParsedDocument:
    path = ADVISORY_DATA / name
    return parse_document(path.read_bytes(), str(path))


@pytest.fixture
def fixture_advisories() -> list[Advisory]:
    names = ("csaf-nokia-sros.json", "cve5-huawei-ar.json", "nvd-cisco-ios-nokia.json")
    return [a for name in names for a in read(name).advisories]


def add_inventory(db: Database) -> None:
    with db.begin() as conn:
        conn.execute(
            insert(organizations),
            [{"id": "default", "name": "Operator", "kind": "operator", "aliases": [], "identifiers": {},
              "affiliate_ids": [], "created_at": datetime.now(UTC)}],
        )  # fmt: skip
        conn.execute(insert(sites), [{"organization_id": "default", "id": "S1"}])
        base = {"organization_id": "default", "site_id": "S1", "role": "router", "row_hash": "x"}
        conn.execute(
            insert(assets),
            [
                {**base, "id": "A1", "vendor": "HUAWEI", "model": "AR3200",
                 "software_version": "V200R009C00SPC300", "domain": "transport"},
                {**base, "id": "A2", "vendor": "Cisco", "model": "Catalyst 2960",
                 "software_version": "12.2(55)SE3", "domain": "core"},
                {**base, "id": "A3", "vendor": "Nokia Solutions and Networks", "model": "7750 SR",
                 "software_version": "22.10.R3", "domain": "ran"},
                {**base, "id": "A4", "vendor": "NOKIA", "model": "7750 SR",
                 "software_version": "22.10.R4", "domain": "ran"},
            ],
        )  # fmt: skip
        conn.execute(
            insert(components),
            [{"organization_id": "default", "asset_id": "A1", "position": 0, "name": "openssl",
              "supplier": "OpenSSL", "version": "3.0.1"}],
        )  # fmt: skip
