from __future__ import annotations

from datetime import UTC, datetime

import pytest

from netvet.advisories.asset_index import AssetView
from netvet.advisories.csaf import read_csaf, validate_csaf
from netvet.advisories.matcher import MatchStatus
from netvet.advisories.model import (
    Advisory,
    DocumentRejected,
    ProductStatus,
    Vulnerability,
)
from netvet.advisories.priority import cvss_base, prioritise
from netvet.advisories.vex import VexMatch, checked_vex_document

from .conftest import read

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ASSETS = {
    "A": AssetView("A", "Nokia", "7750 SR", "22.10.R3", domain="core"),
    "B": AssetView("B", "Nokia", "7750 SR", "22.10.R3", domain="ran"),
    "C": AssetView("C", "Nokia", "7750 SR", "22.10.R4", domain="ran"),
    "D": AssetView("D", "Nokia", "7750 SR", "all versions < 2", domain="ran"),  # a version 6.1.31 would flag
    "E": AssetView("E", "Nokia", "7750 SR", None, domain="ran"),
}


def _advisory() -> Advisory:
    [advisory] = read("csaf-nokia-sros.json").advisories
    return advisory


def test_vex_states_each_status_and_passes_its_own_validator() -> None:
    matches = [
        VexMatch("CVE-2023-90002", "A", MatchStatus.AFFECTED, "in range"),
        VexMatch("CVE-2023-90002", "B", MatchStatus.NOT_AFFECTED, "weird"),  # same product as A
        VexMatch("CVE-2023-90002", "C", MatchStatus.FIXED, "fixed"),
        VexMatch("CVE-2023-90002", "D", MatchStatus.NOT_AFFECTED, "outside"),
        VexMatch("CVE-2023-90002", "E", MatchStatus.UNKNOWN, "no version"),
    ]
    document = checked_vex_document(
        _advisory(), matches, ASSETS, "Example Telco", "https://telco.example", NOW
    )
    assert validate_csaf(document) == []
    assert document["document"]["category"] == "csaf_vex"
    status = document["vulnerabilities"][0]["product_status"]
    # A and B share (vendor, model, version): the cautious status wins, never both (6.1.6).
    assert {k: len(v) for k, v in status.items()} == {
        "known_affected": 1,
        "fixed": 1,
        "known_not_affected": 1,
        "under_investigation": 1,
    }
    # It reads back as the same statuses.
    back = read_csaf(document)
    assert {c.status for c in back.vulnerabilities[0].criteria} == {
        ProductStatus.AFFECTED,
        ProductStatus.FIXED,
        ProductStatus.NOT_AFFECTED,
        ProductStatus.UNDER_INVESTIGATION,
    }


def test_vex_writer_refuses_an_invalid_document() -> None:
    with pytest.raises(DocumentRejected, match="schema"):
        checked_vex_document(_advisory(), [VexMatch("CVE-2023-90002", "A", MatchStatus.AFFECTED, "x")], ASSETS,
                             "", "not a uri", NOW)  # fmt: skip


def _vuln(cve: str, v3: str | None = None, v4: str | None = None) -> Vulnerability:
    return Vulnerability(cve=cve, cvss_v3_vector=v3, cvss_v4_vector=v4)


def test_cvss_scores_from_vectors() -> None:
    v3 = cvss_base(_vuln("CVE-1", v3="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"))
    assert (v3.score, v3.version) == (9.8, "3.1")
    v4 = cvss_base(_vuln("CVE-2", v4="CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N"))
    assert (v4.score, v4.version) == (8.7, "4.0")
    assert cvss_base(_vuln("CVE-3", v3="CVSS:3.1/AV:X")).score is None


def test_kev_and_core_come_first() -> None:
    critical = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    medium = "CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:L/I:L/A:L"
    vulns = {
        ("X", "CVE-RAN"): _vuln("CVE-RAN", v3=critical),
        ("X", "CVE-CORE"): _vuln("CVE-CORE", v3=critical),
        ("X", "CVE-KEV"): _vuln("CVE-KEV", v3=medium),
    }
    affected = [("X", "CVE-RAN", "B"), ("X", "CVE-CORE", "A"), ("X", "CVE-KEV", "B")]
    ranked = prioritise(affected, vulns, {"CVE-KEV"}, {"A": "core", "B": "ran"})
    assert [p.cve for p in ranked] == ["CVE-KEV", "CVE-CORE", "CVE-RAN"]
    assert ranked[0].kev and "KEV" in ranked[0].explanation
    assert ranked[1].by_domain == (("core", 1),)


def test_unscored_vulnerability_still_ranked() -> None:
    ranked = prioritise([("X", "CVE-N", "A")], {("X", "CVE-N"): _vuln("CVE-N")}, set(), {"A": "core"})
    assert ranked[0].severity.score is None and ranked[0].score == 2.0


def test_the_records_own_kev_date_and_ssvc_count_without_the_catalogue() -> None:
    """CISA's ADP container in a CVE record: dateAdded to KEV, and its SSVC decision points."""
    adp = Vulnerability(cve="CVE-ADP", kev_date_added="2023-10-23", ssvc={"Exploitation": "Active"})
    ranked = prioritise([("X", "CVE-ADP", "B"), ("X", "CVE-N", "A")],
                        {("X", "CVE-ADP"): adp, ("X", "CVE-N"): _vuln("CVE-N")}, set(), {"A": "core", "B": "ran"})  # fmt: skip
    assert [p.cve for p in ranked] == ["CVE-ADP", "CVE-N"]
    assert ranked[0].kev and "SSVC (CISA): Exploitation Active" in ranked[0].explanation
