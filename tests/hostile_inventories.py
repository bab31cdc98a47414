"""Inventory files that crashed or fooled the import (issue 13), with the reason each must be refused
for. The CLI (exit 2) and the API (422 problem document, in the request and in a job) refuse each of
them the same way, and store nothing."""

from __future__ import annotations

HEADER = b"asset_id,site_id,country,vendor,role\n"

HOSTILE_INVENTORIES: dict[str, tuple[bytes, str]] = {
    "brackets.json": (b"[" * 100_000, "JSON nested too deeply"),
    "nested.json": (
        b'[{"asset_id": "A1", "x": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_000 + b"}]",
        "JSON nested too deeply",
    ),
    "digits.json": (
        b'[{"asset_id": "A1", "latitude": ' + b"9" * 5000 + b"}]",
        "Exceeds the limit (4300 digits)",
    ),
    "field.csv": (HEADER + b"A1,S1,GB," + b"H" * 2_000_000 + b",BBU\n", "a cell is longer than"),
    "nul.csv": (HEADER + b"A1,S1,GB,Hua\x00wei,BBU\n", "contains a control character"),
    "country.csv": (HEADER + b"A1,S1,XX,Huawei,BBU\n", "is not an ISO 3166-1 country"),
}
