from __future__ import annotations

from pathlib import Path

import pytest

from netvet.advisories.model import Advisory, ParsedDocument
from netvet.advisories.reader import parse_document

ADVISORY_DATA = Path(__file__).resolve().parent.parent / "data" / "advisories"


def read(name: str) -> ParsedDocument:
    path = ADVISORY_DATA / name
    return parse_document(path.read_bytes(), str(path))


@pytest.fixture
def fixture_advisories() -> list[Advisory]:
    names = ("csaf-nokia-sros.json", "cve5-huawei-ar.json", "nvd-cisco-ios-nokia.json")
    return [a for name in names for a in read(name).advisories]
