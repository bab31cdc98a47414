from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from netvet.advisories.cpe import CpeSyntaxError, parse_cpe, value_matches
from netvet.advisories.model import DocumentRejected, ProductStatus, SourceFormat
from netvet.advisories.reader import parse_document

from .conftest import ADVISORY_DATA, read


def _json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ADVISORY_DATA / name).read_text())
    return data


def _reject(doc: Any, limit: int | None = None) -> DocumentRejected:
    raw = json.dumps(doc).encode()
    with pytest.raises(DocumentRejected) as caught:
        parse_document(raw, "doc.json", limit) if limit else parse_document(raw, "doc.json")
    return caught.value


def test_cve5_reader() -> None:
    [advisory] = read("cve5-huawei-ar.json").advisories
    [vuln] = advisory.vulnerabilities
    assert advisory.source_format is SourceFormat.CVE5
    assert vuln.cve == "CVE-2024-90001"
    assert vuln.cvss_v3_vector == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"
    first = vuln.criteria[0]
    assert (first.vendor, first.product, first.status) == ("Huawei", "AR3200", ProductStatus.AFFECTED)
    assert first.versions is not None
    assert first.versions.constraints == ((">=", "V200R009C00"), ("<", "V200R009C00SPC500"))
    assert first.default_status is ProductStatus.NOT_AFFECTED
    assert vuln.criteria[1].changes == (("V200R010C00SPC600", ProductStatus.NOT_AFFECTED),)
    assert vuln.criteria[2].default_status is None  # absent: only the listed versions are decided


def test_nvd_reader_keeps_the_hardware_as_platform() -> None:
    cisco, nokia = read("nvd-cisco-ios-nokia.json").advisories
    [criterion] = cisco.vulnerabilities[0].criteria
    assert criterion.product == "ios"
    assert [p.product for p in criterion.platforms] == ["catalyst_2960"]
    assert criterion.versions is not None
    assert criterion.versions.constraints == ((">=", "12.2(55)se"), ("<", "12.2(55)se12"))
    assert nokia.vulnerabilities[0].cvss_v4_vector is not None
    assert nokia.vulnerabilities[0].criteria[0].platforms == ()


def test_kev_reader() -> None:
    [entry] = read("kev-catalog.json").kev
    assert entry.cve == "CVE-2018-0171"
    assert entry.date_added.isoformat() == "2021-11-03"
    assert entry.known_ransomware is False


def test_csaf_reader_range_fixed_and_unreadable() -> None:
    [advisory] = read("csaf-nokia-sros.json").advisories
    criteria = {c.ref.split()[1]: c for c in advisory.vulnerabilities[0].criteria}
    assert criteria["CSAFPID-0001"].versions is not None
    assert criteria["CSAFPID-0001"].versions.constraints == ((">=", "22.10.R1"), ("<", "22.10.R4"))
    assert criteria["CSAFPID-0001"].vendor == "Nokia Solutions and Networks Oy"
    assert criteria["CSAFPID-0002"].status is ProductStatus.FIXED
    assert criteria["CSAFPID-0004"].versions is not None
    assert not criteria["CSAFPID-0004"].versions.readable


def test_parsed_advisory_survives_json_round_trip() -> None:
    from netvet.advisories.model import Advisory

    for name in ("csaf-nokia-sros.json", "cve5-huawei-ar.json", "nvd-cisco-ios-nokia.json"):
        for advisory in read(name).advisories:
            assert Advisory.model_validate(advisory.model_dump(mode="json")) == advisory


def test_rejected_cve_record() -> None:
    doc = _json("cve5-huawei-ar.json")
    doc["cveMetadata"]["state"] = "REJECTED"
    assert "REJECTED" in str(_reject(doc))


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["containers"]["cna"].pop("affected"), "/containers/cna/affected"),
        (lambda d: d["cveMetadata"].update(cveId="CVE-24-1"), "/cveMetadata/cveId"),
        (
            lambda d: d["containers"]["cna"]["affected"][0]["versions"][0].update(status="vulnerable"),
            "/containers/cna/affected/0/versions/0/status",
        ),
    ],
)
def test_cve5_structure_errors_name_the_path(mutate: Any, path: str) -> None:
    doc = copy.deepcopy(_json("cve5-huawei-ar.json"))
    mutate(doc)
    assert path in {i.path for i in _reject(doc).issues}


def test_nvd_bad_cpe_is_rejected() -> None:
    doc = _json("nvd-cisco-ios-nokia.json")
    doc["vulnerabilities"][1]["cve"]["configurations"][0]["nodes"][0]["cpeMatch"][0]["criteria"] = (
        "cpe:2.3:o:nokia"
    )
    issues = _reject(doc).issues
    assert issues[0].path == "/vulnerabilities/1/cve/configurations/0/nodes/0/cpeMatch/0/criteria"


def test_kev_bad_date_is_rejected() -> None:
    doc = _json("kev-catalog.json")
    doc["vulnerabilities"][0]["dateAdded"] = "03/11/2021"
    assert [i.path for i in _reject(doc).issues] == ["/vulnerabilities/0/dateAdded"]


def test_unknown_format_and_other_csaf_version() -> None:
    assert _reject({"hello": "world"}).issues[0].test == "format"
    doc = _json("csaf-nokia-sros.json")
    doc["document"]["csaf_version"] = "2.1"
    assert "only 2.0" in _reject(doc).issues[0].message


def test_size_limit() -> None:
    issue = _reject(_json("kev-catalog.json"), limit=100).issues[0]
    assert issue.test == "size" and "limit" in issue.message


def test_not_utf8() -> None:
    with pytest.raises(DocumentRejected, match="not UTF-8"):
        parse_document(b'{"vendor": "\xe9"}', "x.json")


def test_cpe_parsing_and_nvd_attribute_semantics() -> None:
    cpe = parse_cpe("cpe:2.3:o:cisco:ios:12.2\\(55\\)se3:*:*:*:*:*:*:*")
    assert (cpe.part, cpe.vendor, cpe.product, cpe.version) == ("o", "cisco", "ios", "12.2(55)se3")
    assert str(cpe) == "cpe:2.3:o:cisco:ios:12.2\\(55\\)se3:*:*:*:*:*:*:*"
    assert parse_cpe("cpe:/h:huawei:ar3200").product == "ar3200"
    assert value_matches("*", "anything")
    assert value_matches("-", "-") and not value_matches("-", "1.0")
    assert value_matches("12.2*", "12.2(55)SE3")
    assert not value_matches("15.*", "12.2")
    with pytest.raises(CpeSyntaxError):
        parse_cpe("cpe:2.3:x:cisco:ios:1:*:*:*:*:*:*:*")


def test_nvd_firmware_and_device_both_marked_vulnerable_still_pair() -> None:
    from netvet.advisories.nvd import read_nvd

    config = {
        "operator": "AND",
        "nodes": [
            {"operator": "OR", "negate": False, "cpeMatch": [
                {"vulnerable": True, "criteria": "cpe:2.3:o:huawei:ar3200_firmware:v200r009c00:*:*:*:*:*:*:*"}]},
            {"operator": "OR", "negate": False, "cpeMatch": [
                {"vulnerable": True, "criteria": "cpe:2.3:h:huawei:ar3200:-:*:*:*:*:*:*:*"}]},
        ],
    }  # fmt: skip
    doc = {
        "format": "NVD_CVE",
        "version": "2.0",
        "vulnerabilities": [{"cve": {"id": "CVE-2020-1", "configurations": [config]}}],
    }
    [criterion] = read_nvd(doc)[0].vulnerabilities[0].criteria
    assert criterion.product == "ar3200_firmware"
    assert [p.product for p in criterion.platforms] == ["ar3200"]


def test_cve5_git_commit_range_is_unreadable() -> None:
    from netvet.advisories.cve5 import read_cve5

    doc = _json("cve5-huawei-ar.json")
    doc["containers"]["cna"]["affected"][0]["versions"] = [
        {"version": "1f2e3d4", "lessThan": "9a8b7c6", "status": "affected", "versionType": "git"}
    ]
    versions = read_cve5(doc).vulnerabilities[0].criteria[0].versions
    assert versions is not None and not versions.readable


def test_byte_order_mark_is_accepted() -> None:
    raw = b"\xef\xbb\xbf" + (ADVISORY_DATA / "kev-catalog.json").read_bytes()
    assert len(parse_document(raw, "bom.json").kev) == 1
