"""Fuzzing the advisory reader over every format it reads (CSAF 2.0, CVE JSON 5, NVD API 2.0 and feed
1.1, CISA KEV as JSON and CSV): each hostile file is refused with issues (DocumentRejected) or read
into advisories the database stores, never a crash. A file is stored in one transaction, so a refused
one stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given

from fuzzing import fuzz_settings, hostile_json, mutated
from netvet.advisories.model import DocumentRejected, ParsedDocument
from netvet.advisories.reader import parse_document
from netvet.storage import Database
from netvet.storage.advisories import count_advisories, store_document

DATA = Path(__file__).resolve().parent.parent / "data" / "advisories"
KEV_CSV = (
    b"cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,"
    b"knownRansomwareCampaignUse,notes,cwes\n"
    b"CVE-2018-0171,Cisco,IOS and IOS XE,Cisco IOS and IOS XE Software Smart Install Remote Code Execution "
    b'Vulnerability,2021-11-03,"A buffer overflow in Smart Install.",Apply updates per vendor '
    b"instructions.,2022-05-03,Known,https://nvd.nist.gov/vuln/detail/CVE-2018-0171,CWE-787\n"
)
SEEDS = {
    "csaf": (DATA / "csaf-nokia-sros.json").read_bytes(),
    "cve5": (DATA / "cve5-huawei-ar.json").read_bytes(),
    "nvd": (DATA / "nvd-cisco-ios-nokia.json").read_bytes(),
    "nvd-feed": (DATA / "nvd-feed-1.1-junos.json").read_bytes(),
    "kev": (DATA / "kev-catalog.json").read_bytes(),
}


def check_document(db: Database, raw: bytes) -> None:
    try:
        document = parse_document(raw, "fuzzed.json")
    except DocumentRejected as exc:
        assert exc.issues and all(issue.message for issue in exc.issues)
        return
    assert isinstance(document, ParsedDocument)  # possibly empty: an NVD query may find nothing
    with db.begin() as conn:
        before = count_advisories(conn)
        store_document(conn, document, "f" * 64)
        assert count_advisories(conn) >= before


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_each_seed_is_read(sqlite_db: Database, kind: str) -> None:
    """The fuzz starts from documents the reader accepts."""
    assert parse_document(SEEDS[kind], f"{kind}.json").source_format is not None
    assert parse_document(KEV_CSV, "kev.csv").kev


def _fuzz(kind: str, examples: int):  # type: ignore[no-untyped-def]
    @fuzz_settings(examples)
    @given(raw=hostile_json(SEEDS[kind]))
    def test(sqlite_db: Database, raw: bytes) -> None:
        check_document(sqlite_db, raw)

    test.__name__ = f"test_{kind.replace('-', '_')}"
    return test


test_csaf = _fuzz("csaf", 60)
test_cve5 = _fuzz("cve5", 80)
test_nvd = _fuzz("nvd", 80)
test_nvd_feed = _fuzz("nvd-feed", 60)
test_kev = _fuzz("kev", 60)


@fuzz_settings(80)
@given(raw=mutated(KEV_CSV))
def test_kev_csv(sqlite_db: Database, raw: bytes) -> None:
    check_document(sqlite_db, raw)
