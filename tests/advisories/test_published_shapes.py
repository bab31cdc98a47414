"""Records as their publishers ship them: NVD pages, feed mirrors and the retired 1.1 feed, records
the NVD has not analysed, CVE JSON 5 with CISA's ADP container and `cpeApplicability`, KEV in CSV."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import shared_data
from netvet.advisories.asset_index import AssetIndex, AssetView
from netvet.advisories.matcher import Matcher, match_all
from netvet.advisories.model import DocumentRejected, SourceFormat
from netvet.advisories.reader import parse_document

from .conftest import ADVISORY_DATA


def _parse(path: Path) -> Any:
    return parse_document(path.read_bytes(), str(path))


def _statuses(advisories: Any, assets: list[AssetView]) -> dict[str, str]:
    return {m.asset_id: m.status.value for m in match_all(advisories, AssetIndex.build(assets))}


def _reject(doc: Any) -> DocumentRejected:
    with pytest.raises(DocumentRejected) as caught:
        parse_document(json.dumps(doc).encode(), "doc.json")
    return caught.value


@pytest.mark.parametrize(
    "name",
    [
        "nvdlib-CVE-2017-7542.json",
        "nvdlib-CVE-2021-26855.json",
        "nvdlib-CVE-2021-45357.json",
        "nvdlib-CVE-2022-24646.json",
        "nvdlib-search_full_page.json",
        "nvdlib-search_page_1.json",
        "nvdlib-simple_search.json",
        "vunnel-full-page.json",
        "vunnel-single-entry.json",
    ],
)
def test_every_published_nvd_file_loads(name: str) -> None:
    document = _parse(shared_data("real-world", "nvd", name))
    raw = json.loads(shared_data("real-world", "nvd", name).read_text())
    assert document.source_format is SourceFormat.NVD
    assert [a.id for a in document.advisories] == [f"NVD:{v['cve']['id']}" for v in raw["vulnerabilities"]]


def test_one_api_item_and_a_bare_cve_object_read_as_the_page_does(tmp_path: Path) -> None:
    """The feed mirrors store each CVE alone: `{"cve": {...}}` or the bare `cve` object."""
    page = json.loads(shared_data("real-world", "nvd", "vunnel-single-entry.json").read_text())
    item = page["vulnerabilities"][0]
    (tmp_path / "item.json").write_text(json.dumps(item))
    (tmp_path / "bare.json").write_text(json.dumps(item["cve"]))
    expected = _parse(shared_data("real-world", "nvd", "vunnel-single-entry.json")).advisories
    assert _parse(tmp_path / "item.json").advisories == expected
    assert _parse(tmp_path / "bare.json").advisories == expected


def test_records_awaiting_analysis_keep_their_status() -> None:
    """vunnel's page: 13 entries are "Awaiting Analysis" and carry no configurations."""
    advisories = _parse(shared_data("real-world", "nvd", "vunnel-full-page.json")).advisories
    waiting = [a for a in advisories if a.vulnerabilities[0].nvd_status == "Awaiting Analysis"]
    assert len(waiting) == 13
    assert all(a.vulnerabilities[0].criteria == () for a in waiting)


def test_nvd_cpe_vendor_and_product_meet_the_inventory_names() -> None:
    """cpe:2.3:a:ericsson:network_manager, versionEndExcluding 23.1 (a bare `cve` object)."""
    [advisory] = _parse(ADVISORY_DATA / "nvd-cve-ericsson-enm.json").advisories
    assets = [
        AssetView("enm-22.2", "Telefonaktiebolaget LM Ericsson", "Ericsson Network Manager", "22.2"),
        AssetView("enm-23.1", "Ericsson AB", "Ericsson Network Manager", "23.1"),
        AssetView("bbu", "Ericsson", "Baseband 6630", "22.Q3"),
    ]
    assert _statuses([advisory], assets) == {"enm-22.2": "affected", "enm-23.1": "not_affected"}
    [row] = [m for m in match_all([advisory], AssetIndex.build(assets[:1]))]
    assert "family Ericsson Network Manager" in row.explanation


def test_retired_feed_with_a_negated_hardware_node() -> None:
    """NVD JSON 1.1: junos from 21.2 before 21.2r3-s4 AND NOT srx4600 (a `negate` node)."""
    [advisory] = _parse(ADVISORY_DATA / "nvd-feed-1.1-junos.json").advisories
    [criterion] = advisory.vulnerabilities[0].criteria
    assert criterion.excluded_hardware == ("cpe:2.3:h:juniper:srx4600:-:*:*:*:*:*:*:*",)
    assets = [
        AssetView("mx", "Juniper", "MX204", "21.2R3"),
        AssetView("srx4600", "Juniper", "SRX4600", "21.2R3"),
        AssetView("mx-fixed", "Juniper", "MX204", "21.2R3-S4"),
    ]
    assert _statuses([advisory], assets) == {
        "mx": "affected",
        "srx4600": "not_affected",
        "mx-fixed": "not_affected",
    }
    [row] = [m for m in match_all([advisory], AssetIndex.build(assets[1:2]))]
    assert "negated node" in row.explanation


def test_an_entry_not_analysed_defers_to_the_cve_record_or_says_it_cannot_decide() -> None:
    """The NVD has not analysed CVE-2023-20273 and CVE-2024-90108 (no configurations). The CVE
    record of CVE-2023-20273 decides for it; CVE-2024-90108 names "Cisco IOS XE Software" only in
    its description, so IOS XE assets are `unknown`, said so."""
    nvd = _parse(ADVISORY_DATA / "nvd-awaiting-analysis.json").advisories
    record = _parse(shared_data("real-world", "cve5", "cisco_iosxe", "CVE-2023-20273.json")).advisories
    assets = [
        AssetView("xe", "Cisco", "ASR-920-24SZ-M", "17.3.1"),
        AssetView("xr", "Cisco", "NCS 540", "7.3.2"),
    ]
    matcher = Matcher(AssetIndex.build(assets), cve_records={a.id for a in record})
    rows = [m for a in [*record, *nvd] for m in matcher.match_advisory(a)]
    by_source = {(m.advisory_id, m.asset_id): m for m in rows}
    assert set(by_source) == {("CVE-2023-20273", "xe"), ("NVD:CVE-2024-90108", "xe")}
    waiting = by_source[("NVD:CVE-2024-90108", "xe")]
    assert waiting.status.value == "unknown"
    assert "Awaiting Analysis" in waiting.explanation and "Cisco IOS XE" in waiting.explanation
    assert dict(matcher.not_analysed)["NVD:CVE-2023-20273"].endswith(
        "decided by the CVE record CVE-2023-20273"
    )


def test_real_awaiting_analysis_entries_name_no_family_of_a_network() -> None:
    """vunnel's entries awaiting analysis (WordPress plugins, Roundcube, Cisco Catalyst SD-WAN
    Manager): none names an OS family, so a network of routers gets no row from them."""
    advisories = _parse(shared_data("real-world", "nvd", "vunnel-full-page.json")).advisories
    matcher = Matcher(AssetIndex.build([AssetView("xe", "Cisco", "ASR-920-24SZ-M", "17.3.1")]))
    assert [m for a in advisories for m in matcher.match_advisory(a)] == []
    assert len(matcher.not_analysed) == 13


def test_cpe_applicability_decides_when_the_affected_list_names_no_version() -> None:
    [advisory] = _parse(ADVISORY_DATA / "cve5-cpe-applicability.json").advisories
    assets = [AssetView("in", "Cisco", "NCS 540", "7.3.2"), AssetView("out", "Cisco", "NCS 540", "7.5.2")]
    assert _statuses([advisory], assets) == {"in": "affected", "out": "not_affected"}


def test_cisa_adp_container_kev_ssvc_and_cpes() -> None:
    [advisory] = _parse(shared_data("real-world", "cve5", "cisco_iosxe", "CVE-2023-20273.json")).advisories
    vulnerability = advisory.vulnerabilities[0]
    assert vulnerability.kev_date_added == "2023-10-23"
    assert vulnerability.ssvc == {"Exploitation": "Active", "Automatable": "No", "Technical Impact": "Total"}
    # CVE-2024-20306: the CNA gives no CPE; CISA's ADP adds cpe:2.3:o:cisco:ios_xe.
    [added] = _parse(shared_data("real-world", "cve5", "cisco_iosxe", "CVE-2024-20306.json")).advisories
    assert {c.cpe for c in added.vulnerabilities[0].criteria} == {"cpe:2.3:o:cisco:ios_xe:*:*:*:*:*:*:*:*"}


def test_versions_not_stated() -> None:
    """CVE-2024-20310 names "Cisco IOS XE Software" with version "N/A" beside IM and Presence
    versions: context, no claim on IOS XE. CVE-2021-1435 names only IOS XE, version "n/a": every
    IOS XE asset is `unknown`, said so."""
    xe = [AssetView("xe", "Cisco", "ASR-920-24SZ-M", "17.3.1")]
    beside = _parse(shared_data("real-world", "cve5", "cisco_iosxe", "CVE-2024-20310.json")).advisories
    assert list(match_all(beside, AssetIndex.build(xe))) == []
    alone = _parse(shared_data("real-world", "cve5", "cisco_iosxe", "CVE-2021-1435.json")).advisories
    [row] = match_all(alone, AssetIndex.build(xe))
    assert row.status.value == "unknown"
    assert "versions not stated" in row.explanation


def test_kev_csv_and_json_are_the_same_catalogue() -> None:
    as_json = _parse(shared_data("real-world", "kev", "known_exploited_vulnerabilities.json"))
    as_csv = _parse(shared_data("real-world", "kev", "known_exploited_vulnerabilities.csv"))
    assert as_csv.source_format is SourceFormat.KEV
    assert len(as_csv.kev) == 1404
    assert as_csv.kev == as_json.kev


def test_kev_csv_errors_name_row_and_column() -> None:
    header = "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription\n"
    text = header + "CVE-2023-20198,Cisco,IOS XE Web UI,Privilege Escalation,2023-10-16,x\n"
    text += "CVE-2023-20273,Cisco,IOS XE Web UI,Command Injection,23 Oct 2023,x\n"
    with pytest.raises(DocumentRejected) as caught:
        parse_document(text.encode(), "kev.csv")
    assert [(i.path, i.message) for i in caught.value.issues] == [
        ("row 3, column dateAdded", "not a date: '23 Oct 2023'")
    ]
    with pytest.raises(DocumentRejected, match="missing column"):
        parse_document(b"cveID,vendorProject,product,dateAdded_x\nCVE-2023-20198,a,b,c\n", "kev.csv")


def _cve5(**affected: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((ADVISORY_DATA / "cve5-nokia-sros.json").read_text())
    doc["containers"]["cna"]["affected"][0].update(affected)
    return doc


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        (_cve5(platforms="SRX Series"), "/containers/cna/affected/0/platforms"),
        (_cve5(product=["SR OS"]), "/containers/cna/affected/0/product"),
        (_cve5(versions={"version": "1"}), "/containers/cna/affected/0/versions"),
        (
            _cve5(versions=[{"version": "1", "lessThan": 2, "status": "affected", "versionType": "custom"}]),
            "/containers/cna/affected/0/versions/0/lessThan",
        ),
        (
            _cve5(
                versions=[
                    {
                        "version": "1",
                        "lessThan": "2",
                        "status": "affected",
                        "versionType": "custom",
                        "changes": [{"at": 3}],
                    }
                ]
            ),
            "/containers/cna/affected/0/versions/0/changes/0/at",
        ),
    ],
)
def test_malformed_cve_records_are_rejected_with_the_path(doc: dict[str, Any], path: str) -> None:
    assert path in [i.path for i in _reject(doc).issues]


def _cve5_with(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((ADVISORY_DATA / "cve5-nokia-sros.json").read_text())
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("where", "value", "path"),
    [
        # Found by mutating real records: each crashed a reader before it was checked.
        (("cveMetadata",), {}, "/cveMetadata/cveId"),
        (("containers", "cna", "affected", 0, "defaultStatus"), {"a": 1}, "/containers/cna/affected/0/defaultStatus"),
        (("containers", "cna", "affected", 0, "versions", 0, "status"), ["affected"],
         "/containers/cna/affected/0/versions/0/status"),
        (("containers", "cna", "title"), 5, "/containers/cna/title"),
        (("containers", "cna", "descriptions"), [{"lang": "en", "value": 1}], "/containers/cna/descriptions/0/value"),
        (("containers", "cna", "metrics"), [{"cvssV3_1": "CVSS:3.1/AV:N"}], "/containers/cna/metrics/0/cvssV3_1"),
        (("containers", "adp"), [{"metrics": [{"other": {"type": "kev", "content": 7}}]}],
         "/containers/adp/0/metrics/0/other/content"),
        (("cveMetadata", "datePublished"), 2024, "/cveMetadata/datePublished"),
    ],
)  # fmt: skip
def test_wrong_types_in_a_cve_record_are_rejected_with_the_path(
    where: tuple[str | int, ...], value: Any, path: str
) -> None:
    assert path in [i.path for i in _reject(_cve5_with(where, value)).issues]


def test_a_null_language_is_no_reason_to_reject() -> None:
    doc = _cve5_with(("containers", "cna", "descriptions"), [{"lang": None, "value": "text"}])
    del doc["containers"]["cna"]["title"]
    [advisory] = parse_document(json.dumps(doc).encode(), "doc.json").advisories
    assert advisory.title == "CVE-2024-90101"


def test_malformed_adp_and_cpe_applicability_are_rejected_with_the_path() -> None:
    doc = _cve5()
    doc["containers"]["adp"] = {"title": "not a list"}
    assert "/containers/adp" in [i.path for i in _reject(doc).issues]
    doc = _cve5()
    doc["containers"]["cna"]["cpeApplicability"] = [
        {"nodes": [{"cpeMatch": [{"criteria": "cpe:9", "vulnerable": True}]}]}
    ]
    assert "/containers/cna/cpeApplicability/0/nodes/0/cpeMatch/0/criteria" in [
        i.path for i in _reject(doc).issues
    ]


@pytest.mark.parametrize(
    "doc",
    [
        {"id": "CVE-2024-90106", "vulnStatus": "Analyzed", "configurations": {"nodes": []}},
        {
            "id": "CVE-2024-90106",
            "vulnStatus": "Analyzed",
            "configurations": [{"nodes": [{"operator": "XOR"}]}],
        },
        {"CVE_Items": [{"cve": {"CVE_data_meta": {"ID": "not a CVE"}}}]},
        {"CVE_Items": [["not", "an", "item"]]},
        {
            "CVE_Items": [
                {
                    "cve": {
                        "CVE_data_meta": {"ID": "CVE-2022-90107"},
                        "description": {"description_data": 4},
                    },
                    "configurations": {"nodes": [{"operator": "OR", "cpe_match": [{"cpe23Uri": 5}]}]},
                }
            ]
        },
        {"id": "CVE-2024-90106", "vulnStatus": 3},
        {"id": "CVE-2024-90106", "metrics": {"cvssMetricV31": [{"cvssData": "CVSS:3.1"}]}},
    ],
)
def test_malformed_nvd_shapes_are_rejected_not_crashed(doc: dict[str, Any]) -> None:
    assert _reject(doc).issues
