"""Vendor records as published, against assets of each OS family.

Every expected status below is read from the record's own text (quoted in the comments), not from
netvet's output: an asset at a version the record lists as affected is `affected`; at the fixed
version `not_affected` where the record says so through `defaultStatus`; on other hardware or another
OS family it gets no row. Cisco's records give no `defaultStatus`, so a version they do not list
(the fixed one) is not decided and gets no row either. Records of ../shared/data/real-world/cve5 are
used where the folder has the family; SR OS, SR Linux, VRP, NX-OS and Ericsson RAN software have no
record there, so small CVE JSON 5 files in tests/data/advisories, written in the vendors' style,
stand in (their product strings are those the issue quotes).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import shared_data
from netvet.advisories.asset_index import AssetIndex, AssetView, ComponentView
from netvet.advisories.matcher import Match, match_all
from netvet.advisories.model import Advisory
from netvet.advisories.reader import parse_document

from .conftest import ADVISORY_DATA


def _load(path: Path) -> list[Advisory]:
    return list(parse_document(path.read_bytes(), str(path)).advisories)


def _real(*parts: str) -> list[Advisory]:
    return _load(shared_data("real-world", *parts))


def _rows(advisories: list[Advisory], assets: list[AssetView]) -> dict[str, Match]:
    rows: dict[str, Match] = {}
    for match in match_all(advisories, AssetIndex.build(assets)):
        assert match.asset_id not in rows, f"two rows for {match.asset_id}"
        rows[match.asset_id] = match
    return rows


def _status(rows: dict[str, Match], asset_id: str) -> str | None:
    return rows[asset_id].status.value if asset_id in rows else None


def _check(rows: dict[str, Match], expected: dict[str, str | None]) -> None:
    found = {asset_id: _status(rows, asset_id) for asset_id in expected}
    assert found == expected, {a: rows[a].explanation for a in rows if found.get(a) != expected.get(a)}


OTHER_PLATFORMS = [
    AssetView("other-iosxr", "Cisco Systems, Inc.", "NCS 540", "7.3.2"),
    AssetView("other-ios", "Cisco", "Catalyst 2960", "15.2(8)E2"),
    AssetView("other-iosxe", "Cisco", "ASR-920-24SZ-M", "17.3.1"),
    AssetView("other-junos", "Juniper Networks, Inc.", "MX204", "21.2R3"),
    AssetView("other-bbu", "Ericsson", "Baseband 6630", "22.Q3"),
]


def test_ios_xe_kev_listed_record_reaches_the_versions_it_lists() -> None:
    """CVE-2023-20273 (CISA KEV): "Cisco IOS XE Software" with versions "16.12.4", "17.3.1", ...
    up to "17.9.4"; no defaultStatus. 17.9.4a (Cisco's fix) and 3.18.3SP are not listed."""
    assets = [
        AssetView("xe-17.3.1", "CISCO", "ASR-920-24SZ-M", "17.3.1", platform="IOS XE"),
        AssetView("xe-16.12.4", "Cisco", "ASR-920-24SZ-M", "16.12.4"),
        AssetView("xe-fixed", "Cisco", "C9300-48P", "17.9.4a"),
        AssetView("xe-3.x", "Cisco", "ASR-920-24SZ-M", "3.18.3SP"),
        *(a for a in OTHER_PLATFORMS if a.id != "other-iosxe"),
    ]
    rows = _rows(_real("cve5", "cisco_iosxe", "CVE-2023-20273.json"), assets)
    _check(rows, {"xe-17.3.1": "affected", "xe-16.12.4": "affected", "xe-fixed": None, "xe-3.x": None,
                  "other-iosxr": None, "other-ios": None, "other-junos": None, "other-bbu": None})  # fmt: skip
    explanation = rows["xe-17.3.1"].explanation
    assert "family Cisco IOS XE (the inventory's platform 'IOS XE')" in explanation
    assert "version rule: 17.3.1 = 17.3.1" in explanation
    assert "platform test: none in the record" in explanation
    assert "CISA KEV: exploited, added 2023-10-23" in explanation  # from CISA's ADP container
    assert rows["xe-16.12.4"].matched_by == "family"


def test_ios_record_reaches_ios_only() -> None:
    """CVE-2024-20465: "IOS" versions "15.2(8)E2" to "15.2(8)E5", no defaultStatus."""
    assets = [
        AssetView("ios-e2", "Cisco", "Catalyst 2960", "15.2(8)E2"),
        AssetView("ios-e6", "Cisco", "Catalyst 2960", "15.2(8)E6"),
        AssetView("xe-same-text", "Cisco", "ASR-920-24SZ-M", "15.2(8)E2"),  # an IOS XE box
    ]
    rows = _rows(_real("cve5", "cisco_ios", "CVE-2024-20465.json"), assets)
    _check(rows, {"ios-e2": "affected", "ios-e6": None, "xe-same-text": None})


def test_ios_xr_records_with_and_without_default_status() -> None:
    """CVE-2024-20318 lists "7.3.2" but not 7.11.1, no defaultStatus; CVE-2024-20304 lists "7.11.1"
    but not 7.3.2, with "defaultStatus": "unknown"."""
    assets = [
        AssetView("xr-7.3.2", "Cisco", "NCS 540", "7.3.2"),
        AssetView("xr-7.11.1", "Cisco", "ASR 9906", "7.11.1"),
        OTHER_PLATFORMS[2],
    ]
    listed = _rows(_real("cve5", "cisco_iosxr", "CVE-2024-20318.json"), assets)
    _check(listed, {"xr-7.3.2": "affected", "xr-7.11.1": None, "other-iosxe": None})
    default_unknown = _rows(_real("cve5", "cisco_iosxr", "CVE-2024-20304.json"), assets)
    _check(default_unknown, {"xr-7.3.2": "unknown", "xr-7.11.1": "affected", "other-iosxe": None})
    assert "defaultStatus" in default_unknown["xr-7.3.2"].explanation


MX_WITH_SPC3 = (ComponentView("SPC3", "Juniper Networks"),)


def test_junos_record_limited_to_mx_with_spc3() -> None:
    """CVE-2024-39550: "Junos OS", "platforms": ["MX Series with SPC3"], "21.2R3" up to "lessThan":
    "21.2R3-S8", ..., "defaultStatus": "unaffected"."""
    assets = [
        AssetView("mx-spc3", "Juniper", "MX240", "21.2R3-S4", components=MX_WITH_SPC3),
        AssetView("mx-spc3-fixed", "Juniper", "MX240", "21.2R3-S8", components=MX_WITH_SPC3),
        AssetView("mx-cards-unknown", "Juniper", "MX240", "21.2R3-S4"),
        AssetView("mx-cards-unknown-fixed", "Juniper", "MX240", "21.2R3-S8"),  # fixed whatever its cards
        AssetView("srx", "Juniper", "SRX4600", "21.2R3-S4"),
        AssetView("acx", "Juniper", "ACX710", "21.2R3-S4"),
        AssetView("evolved", "Juniper", "PTX10008", "21.2R3-S4-EVO"),
    ]
    rows = _rows(_real("cve5", "juniper", "CVE-2024-39550.json"), assets)
    _check(rows, {"mx-spc3": "affected", "mx-spc3-fixed": "not_affected", "mx-cards-unknown": "unknown",
                  "mx-cards-unknown-fixed": "not_affected", "srx": None, "acx": None, "evolved": None})  # fmt: skip
    assert "platform test: 'MX Series with SPC3' covers model MX240 with SPC3" in rows["mx-spc3"].explanation
    assert "does not record" in rows["mx-cards-unknown"].explanation
    assert "affected only if the asset carries that part" in rows["mx-cards-unknown"].explanation


def test_junos_and_junos_evolved_lines_reach_their_own_family() -> None:
    """CVE-2024-39549: "Junos OS" from "0" "lessThan": "21.2R3-S8", and "23.4" "lessThan":
    "23.4R1-S2, 23.4R2"; "Junos OS Evolved" from "0" "lessThan": "21.2R3-S8-EVO";
    "defaultStatus": "unaffected" for both."""
    assets = [
        AssetView("junos", "Juniper", "ACX710", "21.2R3-S4"),
        AssetView("junos-fixed", "Juniper", "ACX710", "21.2R3-S8"),
        AssetView("junos-23.4R1-S1", "Juniper", "MX204", "23.4R1-S1"),
        AssetView("junos-23.4R1-S2", "Juniper", "MX204", "23.4R1-S2"),  # the fix on its line
        AssetView("evo", "Juniper", "PTX10008", "21.2R3-S4-EVO"),
        AssetView("evo-fixed", "Juniper", "PTX10008", "21.2R3-S8-EVO"),
        OTHER_PLATFORMS[0],
    ]
    rows = _rows(_real("cve5", "juniper", "CVE-2024-39549.json"), assets)
    _check(rows, {"junos": "affected", "junos-fixed": "not_affected", "junos-23.4R1-S1": "affected",
                  "junos-23.4R1-S2": "not_affected", "evo": "affected", "evo-fixed": "not_affected",
                  "other-iosxr": None})  # fmt: skip
    assert "family Junos OS Evolved" in rows["evo"].explanation
    assert "affected[1] Juniper Networks Junos OS Evolved" in rows["evo"].explanation
    assert "family Junos OS (model 'ACX710' runs Junos OS)" in rows["junos"].explanation


def test_junos_evolved_fix_per_maintenance_line() -> None:
    """CVE-2024-39562 ("Junos OS Evolved" only): "22.3-EVO" "lessThan": "22.3R2-S2-EVO, 22.3R3-S2-EVO":
    22.3R3-EVO is before the fix of its own line, 22.3R2-S2-EVO is that line's fix."""
    assets = [
        AssetView("r3", "Juniper", "PTX10001-36MR", "22.3R3-EVO"),
        AssetView("r2-s2", "Juniper", "PTX10001-36MR", "22.3R2-S2-EVO"),
        AssetView("r3-s2", "Juniper", "PTX10001-36MR", "22.3R3-S2-EVO"),
        AssetView("classic", "Juniper", "ACX710", "22.3R3"),  # Junos OS, not Evolved
    ]
    rows = _rows(_real("cve5", "juniper", "CVE-2024-39562.json"), assets)
    _check(rows, {"r3": "affected", "r2-s2": "not_affected", "r3-s2": "not_affected", "classic": None})


def test_junos_record_limited_to_srx_models_with_a_whole_train() -> None:
    """CVE-2023-36834: "platforms": ["SRX4600", "SRX 5000 Series"], "20.1" "lessThan": "20.1*"
    (every 20.1 release), "22.1" "lessThan": "22.1R3", "defaultStatus": "unaffected"."""
    assets = [
        AssetView("srx5800-20.1", "Juniper", "SRX5800", "20.1R3-S2"),
        AssetView("srx4600-22.1R3", "Juniper", "SRX4600", "22.1R3"),
        AssetView("srx345", "Juniper", "SRX345", "20.1R3-S2"),  # an SRX outside both designations
        AssetView("mx", "Juniper", "MX204", "20.1R3-S2"),
    ]
    rows = _rows(_real("cve5", "juniper", "CVE-2023-36834.json"), assets)
    _check(rows, {"srx5800-20.1": "affected", "srx4600-22.1R3": "not_affected", "srx345": None, "mx": None})


def test_zte_record_naming_a_list_of_models() -> None:
    """CVE-2024-22068: product "ZXR10 1800-2S series ,ZXR10 2800-4,ZXR10 3800-8,ZXR10 160 series",
    version "V4.00.10 and earlier", "platforms": ["64 bit"], "defaultStatus": "unaffected"."""
    assets = [
        AssetView("2800-4", "ZTE Corporation", "ZXR10 2800-4", "V4.00.10"),
        AssetView("2800-4-later", "ZTE", "ZXR10 2800-4", "V4.00.20"),
        AssetView("1800-2S", "ZTE", "ZXR10 1800-2S-DC", "V3.00.10"),
        AssetView("m6000", "ZTE", "ZXR10 M6000", "V4.00.10"),
    ]
    rows = _rows(_real("cve5", "zte", "CVE-2024-22068.json"), assets)
    _check(rows, {"2800-4": "affected", "2800-4-later": "not_affected", "1800-2S": "affected", "m6000": None})
    assert "'64 bit' name an execution environment" in rows["2800-4"].explanation


def test_ericsson_network_manager_record() -> None:
    """CVE-2024-25007: "Ericsson Network Manager" from "0" "lessThan": "23.1", "defaultStatus":
    "unaffected"."""
    assets = [
        AssetView("enm-22.2", "Telefonaktiebolaget LM Ericsson", "Ericsson Network Manager", "22.2"),
        AssetView("enm-23.1", "Ericsson", "Ericsson Network Manager", "23.1"),
        OTHER_PLATFORMS[4],
    ]
    rows = _rows(_real("cve5", "ericsson", "CVE-2024-25007.json"), assets)
    _check(rows, {"enm-22.2": "affected", "enm-23.1": "not_affected", "other-bbu": None})


def test_nokia_asik_csaf_reaches_the_system_modules_the_inventory_names_by_part() -> None:
    """CISA ICSA-22-307-02 (CSAF): "Nokia ASIK AirScale 5G Common System Module", versions 474021A.101
    and 474021A.102, which are Nokia's item codes of the ASIK hardware, not software releases. An
    inventory writes the module as model "AirScale System Module", part ASIK, with its software
    release: the record names it, but the inventory does not say which hardware variant it is, so each
    CVE is `unknown` for it, never silence. Another system module (part ABIO) and the radios are not
    named."""
    assets = [
        AssetView(
            "asik", "Nokia Solutions & Networks Oy", "AirScale System Module", "22.10.R1", part_number="ASIK"
        ),
        AssetView("abio", "Nokia", "AirScale System Module", "22.10.R1", part_number="ABIO"),
        AssetView("rrh", "Nokia", "AirScale RRH AHEGB", "22.10.R1"),
        OTHER_PLATFORMS[4],
    ]
    advisories = _real("csaf", "cisa_ot", "icsa-22-307-02.json")
    found = {(m.cve, m.asset_id): m.status.value for m in match_all(advisories, AssetIndex.build(assets))}
    assert found == {(cve, "asik"): "unknown" for cve in ("CVE-2022-2482", "CVE-2022-2483", "CVE-2022-2484")}


@pytest.mark.parametrize(
    ("record", "assets", "expected"),
    [
        # "SR OS (7250 IXR, 7450 ESS, 7750 SR, ...)": 22.10.R1 up to "lessThan" 22.10.R4, 23.3.R1 up
        # to 23.3.R2; "defaultStatus": "unaffected". The models in parentheses are examples.
        (
            "cve5-nokia-sros.json",
            [
                AssetView("7750", "Nokia", "7750 SR-1", "22.10.R3"),
                AssetView("7750-fixed", "Nokia Solutions and Networks Oy", "7750 SR-1", "22.10.R4"),
                AssetView("7705", "NOKIA", "7705 SAR-8", "23.3.R1", platform="SR OS"),
                AssetView("srlinux", "Nokia", "7250 IXR-6", "23.10.2"),
                AssetView("airscale", "Nokia", "AirScale System Module", "22.10.R3"),
            ],
            {
                "7750": "affected",
                "7750-fixed": "not_affected",
                "7705": "affected",
                "srlinux": None,
                "airscale": None,
            },
        ),
        # "SR Linux" 23.10.1 up to "lessThan" 23.10.4, "defaultStatus": "unaffected".
        (
            "cve5-nokia-srlinux.json",
            [
                AssetView("ixr-d2", "Nokia", "7220 IXR-D2", "23.10.2"),
                AssetView("ixr-d2-fixed", "Nokia", "7220 IXR-D2", "23.10.4"),
                AssetView("sros", "Nokia", "7750 SR-1", "22.10.R3"),
            ],
            {"ixr-d2": "affected", "ixr-d2-fixed": "not_affected", "sros": None},
        ),
        # "RAN Compute Basebands (all BB variants)", "All supported releases prior to Release 24",
        # "defaultStatus": "unaffected".
        (
            "cve5-ericsson-basebands.json",
            [
                AssetView("bb6630", "Ericsson", "Baseband 6630", "22.Q3"),
                AssetView("bbR503", "LM Ericsson", "Baseband R503", "23.Q4"),
                AssetView("bb-24", "Ericsson", "Baseband 6648", "24.Q1"),
                AssetView("radio", "Ericsson", "Radio 4415", "22.Q3"),
                AssetView("router", "Ericsson", "Router 6672", "22.2.1", platform="IPOS"),
            ],
            {
                "bb6630": "affected",
                "bbR503": "affected",
                "bb-24": "not_affected",
                "radio": None,
                "router": None,
            },
        ),
        # "Huawei VRP" V800R021C00 up to "lessThan" V800R021C00SPC200, "defaultStatus": "unaffected".
        (
            "cve5-huawei-vrp.json",
            [
                AssetView("atn", "Huawei", "ATN 910C", "V800R021C00SPC100"),
                AssetView("atn-fixed", "华为技术有限公司", "ATN 910C", "V800R021C00SPC200"),
                AssetView("bbu", "Huawei", "BBU5900", "V100R019C10SPC500"),
            ],
            {"atn": "affected", "atn-fixed": "not_affected", "bbu": None},
        ),
        # "Cisco NX-OS Software" lists 9.3(5), 9.3(6), 10.2(3)F; no defaultStatus.
        (
            "cve5-cisco-nxos.json",
            [
                AssetView("nexus", "Cisco", "Nexus 9336C-FX2", "9.3(5)"),
                AssetView("nexus-later", "Cisco", "N9K-C93180YC-FX", "9.3(10)"),
                AssetView("catalyst", "Cisco", "Catalyst 2960", "15.2(8)E2"),
            ],
            {"nexus": "affected", "nexus-later": None, "catalyst": None},
        ),
    ],
)
def test_families_without_a_real_record(
    record: str, assets: list[AssetView], expected: dict[str, str | None]
) -> None:
    _check(_rows(_load(ADVISORY_DATA / record), assets), expected)


def test_records_of_the_whole_folder_never_cross_families() -> None:
    """Every record of cve5/ against one asset of each family: each row an asset gets comes from a
    line of its own family (a Junos record never reaches a Cisco box, IOS XR never IOS XE)."""
    advisories = [
        a
        for folder in ("cisco_ios", "cisco_iosxe", "cisco_iosxr", "juniper", "zte", "ericsson", "huawei")
        for path in sorted(shared_data("real-world", "cve5", folder).glob("*.json"))
        for a in _load(path)
    ]
    families = {
        "xe": ("Cisco", "ASR-920-24SZ-M", "17.3.1", "family Cisco IOS XE ("),
        "xr": ("Cisco", "NCS 540", "7.3.2", "family Cisco IOS XR ("),
        "junos": ("Juniper", "MX204", "21.2R3", "family Junos OS ("),
        "evo": ("Juniper", "PTX10001-36MR", "21.4R3-S5-EVO", "family Junos OS Evolved ("),
        "enm": ("Ericsson", "Ericsson Network Manager", "22.2", "family Ericsson Network Manager ("),
    }
    assets = [AssetView(key, vendor, model, version) for key, (vendor, model, version, _) in families.items()]
    reached: set[str] = set()
    for match in match_all(advisories, AssetIndex.build(assets)):
        assert families[match.asset_id][3] in match.explanation, match
        reached.add(match.asset_id)
    assert reached == set(families)
