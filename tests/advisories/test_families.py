"""OS families as data: version grammars and ordering, which assets run which family, and names."""

from __future__ import annotations

from pathlib import Path

import pytest

from netvet.advisories.families import FAMILIES_FILE, default_families, families_from_mapping
from netvet.advisories.versions import IncomparableVersions
from netvet.data import DataFileError, load_yaml_file, parse_yaml_text

FAMILIES = default_families()


@pytest.mark.parametrize(
    ("family", "lower", "higher"),
    [
        # Junos: release, then service release, then build (Juniper's release numbering).
        ("junos", "21.2R3", "21.2R3-S1"),
        ("junos", "21.2R3-S4", "21.2R3-S8"),
        ("junos", "21.2R3-S8", "21.3R1"),
        ("junos", "21.4R3-S7", "21.4R3-S7.9"),
        ("junos", "15.1X49-D100", "15.1X49-D200"),
        ("junos_evolved", "21.2R3-S4-EVO", "21.2R3-S8-EVO"),
        # IOS XE 16/17: rebuild letters after the release.
        ("cisco_ios_xe", "16.12.4", "17.3.1"),
        ("cisco_ios_xe", "17.3.1", "17.3.1a"),
        ("cisco_ios_xe", "17.6.1z", "17.6.1z1"),
        ("cisco_ios_xe", "3.2.0SG", "3.2.1SG"),
        # IOS XR: numbers as numbers, so 7.10 follows 7.9.
        ("cisco_ios_xr", "7.3.2", "7.10.1"),
        ("cisco_ios_xr", "6.5.3", "6.5.29"),
        ("cisco_ios", "15.2(8)E2", "15.2(8)E10"),
        ("cisco_nx_os", "9.3(5)", "9.3(10)"),
        # SR OS: R3 before R10, and 22.10 after 22.7.
        ("nokia_sr_os", "22.10.R3", "22.10.R10"),
        ("nokia_sr_os", "22.7.R2", "22.10.R1"),
        ("nokia_sr_os", "TiMOS-C-20.10.R12", "21.2.R1"),
        ("nokia_sr_linux", "23.10.1", "24.3.2"),
        # VRP: B builds before the release, SPC service packs after it, SPH on top.
        ("huawei_vrp", "V800R021C00B010", "V800R021C00"),
        ("huawei_vrp", "V800R021C00", "V800R021C00SPC100"),
        ("huawei_vrp", "V800R021C00SPC100", "V800R021C00SPC100SPH2"),
        ("ericsson_ran", "22.Q3", "23.Q1"),
        ("ericsson_ran", "23.Q1", "23.Q1.2"),
        ("ericsson_enm", "22.2", "23.1"),
        ("zte_zxros", "V4.00.10", "V5.00.10.90"),
        ("zte_zxros", "V2.24.10", "V2.24.10P1"),
    ],
)
def test_version_order(family: str, lower: str, higher: str) -> None:
    comparator = FAMILIES.families[family].comparator
    assert comparator.compare(lower, higher) == -1
    assert comparator.compare(higher, lower) == 1
    assert comparator.compare(lower, lower) == 0


def test_a_bare_junos_train_stands_for_the_whole_train() -> None:
    """CVE records write "version": "21.4" for "21.4 releases" and "lessThan": "21.1*"."""
    junos = FAMILIES.families["junos"].comparator
    assert junos.compare("21.4R1", "21.4") == 0  # inside the train: `< 21.4` excludes it
    assert junos.compare("21.3R3-S5", "21.4") == -1
    assert junos.compare("21.1R3-S5", "21.1*") == -1  # every 21.1 release is before "21.1*"
    assert junos.compare("21.2R1", "21.1*") == 1
    with pytest.raises(IncomparableVersions, match="names a Junos OS train"):
        junos.compare("21.2", "21.2R3-S4")  # the inventory gave only the train


def test_release_24_is_a_whole_ericsson_train() -> None:
    ran = FAMILIES.families["ericsson_ran"].comparator
    assert ran.compare("23.Q4", "Release 24") == -1
    assert ran.compare("24.Q1", "24") == 0


def test_cisco_trains_do_not_order_between_them() -> None:
    with pytest.raises(IncomparableVersions):
        FAMILIES.families["cisco_ios_xe"].comparator.compare("3.2.0SG", "3.7.0S")
    with pytest.raises(IncomparableVersions):
        FAMILIES.families["cisco_ios"].comparator.compare("15.2(8)E2", "15.2(4)M11")
    with pytest.raises(IncomparableVersions, match="not a Cisco IOS XR version"):
        FAMILIES.families["cisco_ios_xr"].comparator.compare("V800R021C00", "7.3.2")


def test_maintenance_lines() -> None:
    junos = FAMILIES.families["junos"].comparator
    assert junos.same_line("22.2R2-S3", "22.2R2-S1") is True
    assert junos.same_line("22.3R3", "22.3R2-S2") is False
    assert FAMILIES.families["cisco_ios_xr"].comparator.same_line("7.3.2", "7.3.1") is None


@pytest.mark.parametrize(
    ("name", "vendor", "family"),
    [
        ("Cisco IOS XE Software", "cisco", "cisco_ios_xe"),
        ("IOS XE", "cisco", "cisco_ios_xe"),
        ("ios_xe", "cisco", "cisco_ios_xe"),
        ("IOS", "cisco", "cisco_ios"),
        ("Cisco IOS XR Software", "cisco", "cisco_ios_xr"),
        ("NX-OS", "cisco", "cisco_nx_os"),
        ("Junos OS", "juniper", "junos"),
        ("junos", "juniper", "junos"),
        ("Junos OS Evolved", "juniper", "junos_evolved"),
        ("SR OS", "nokia", "nokia_sr_os"),
        ("TiMOS", "nokia", "nokia_sr_os"),
        ("SR Linux", "nokia", "nokia_sr_linux"),
        ("Versatile Routing Platform", "huawei", "huawei_vrp"),
        ("RAN Compute Basebands", "ericsson", "ericsson_ran"),
        ("Ericsson Network Manager", "ericsson", "ericsson_enm"),
        ("network_manager", "ericsson", "ericsson_enm"),
        ("ZXROS", "zte", "zte_zxros"),
    ],
)
def test_names_as_vendors_write_them(name: str, vendor: str, family: str) -> None:
    found = FAMILIES.resolve(name, (vendor,))
    assert found is not None and found.key == family


def test_a_name_of_another_vendor_or_product_is_no_family() -> None:
    assert FAMILIES.resolve("Junos OS", ("cisco",)) is None
    assert FAMILIES.resolve("Cisco Aironet Access Point Software", ("cisco",)) is None
    assert FAMILIES.resolve("Packet Core Controller", ("ericsson",)) is None


@pytest.mark.parametrize(
    ("vendor", "model", "version", "platform", "family"),
    [
        ("cisco", "ASR-920-24SZ-M", "16.12.4", None, "cisco_ios_xe"),
        ("cisco", "NCS 540", "7.3.2", None, "cisco_ios_xr"),
        ("cisco", "ASR 9906", "7.5.2", None, "cisco_ios_xr"),
        ("cisco", "Catalyst 2960", "15.2(8)E2", None, "cisco_ios"),
        ("cisco", "C9300-48P", "17.9.4", None, "cisco_ios_xe"),
        ("cisco", "Nexus 9336C-FX2", "9.3(10)", None, "cisco_nx_os"),
        ("cisco", "Cisco ASR-920-24SZ-M", "17.3.1", None, "cisco_ios_xe"),  # vendor's name in front
        # The platform column names the OS whatever the model says.
        ("cisco", "Unknown box", "17.3.1", "Cisco IOS XE", "cisco_ios_xe"),
        ("juniper", "ACX710", "21.2R3-S4", None, "junos"),
        ("juniper", "MX204", "21.2R3", None, "junos"),
        ("juniper", "ACX7100-32C", "22.4R1", None, "junos_evolved"),  # runs only Evolved
        ("juniper", "PTX10008", "21.2R3-S4-EVO", None, "junos_evolved"),  # runs both: -EVO decides
        ("juniper", "PTX10008", "21.2R3-S4", None, "junos"),
        ("juniper", "vJunos lab", "22.4R1-EVO", None, "junos_evolved"),  # version format alone
        ("juniper", "ACX710", "21.2R3-S4", "Junos OS Evolved", "junos_evolved"),
        ("nokia", "7750 SR-1", "22.10.R3", None, "nokia_sr_os"),
        ("nokia", "7250 IXR-6", "23.10.1", None, "nokia_sr_linux"),  # runs both: the grammar decides
        ("nokia", "7250 IXR-6", "22.10.R3", None, "nokia_sr_os"),
        ("nokia", "7220 IXR-D2", "23.10.2", None, "nokia_sr_linux"),
        ("huawei", "NetEngine 8000 M8", "V800R021C10SPC100", None, "huawei_vrp"),
        ("huawei", "ATN 910C", "V800R021C00SPC100", None, "huawei_vrp"),
        ("ericsson", "Baseband 6630", "22.Q3", None, "ericsson_ran"),
        ("ericsson", "Ericsson Network Manager", "22.2", None, "ericsson_enm"),
        ("zte", "ZXR10 M6000", "V5.00.10.90", None, "zte_zxros"),
    ],
)
def test_which_family_an_asset_runs(
    vendor: str, model: str, version: str, platform: str | None, family: str
) -> None:
    found = FAMILIES.family_of((vendor,), model, None, version, platform)
    assert found.family is not None and found.family.key == family, found.reason
    assert found.reason


@pytest.mark.parametrize(
    ("vendor", "model", "version", "platform"),
    [
        # A base station's software is numbered like VRP or SR OS, but is neither.
        ("huawei", "BBU5900", "V100R019C10SPC500", None),
        ("nokia", "AirScale System Module", "22.10.R3", None),
        ("ericsson", "Radio 4415", "22.Q3", None),
        # An OS name netvet does not know: no guess from the model.
        ("ericsson", "Router 6672", "22.2.1", "IPOS"),
        ("samsung", "CDU30", "21.5.0", None),
    ],
)
def test_assets_outside_every_family(vendor: str, model: str, version: str, platform: str | None) -> None:
    found = FAMILIES.family_of((vendor,), model, None, version, platform)
    assert found.family is None
    assert found.reason


def test_descriptions_name_families_with_their_vendor() -> None:
    text = "A vulnerability in the web UI feature of Cisco IOS XE Software could allow ..."
    assert [f.key for f in FAMILIES.mentioned_in(text)] == ["cisco_ios_xe"]  # not also IOS
    assert FAMILIES.mentioned_in("A vulnerability in the web UI of Cisco Catalyst SD-WAN Manager") == []
    both = "Juniper Networks Junos OS on SRX Series, and Junos OS Evolved"
    assert {f.key for f in FAMILIES.mentioned_in(both)} == {"junos", "junos_evolved"}
    assert FAMILIES.mentioned_in("Junos OS on SRX Series") == []  # the vendor is not named


def test_shipped_file_is_valid_and_every_group_exists() -> None:
    data = load_yaml_file(FAMILIES_FILE, "advisories/os_families.schema.json")
    assert set(data["families"]) == set(FAMILIES.families)


def _table(text: str) -> None:
    families_from_mapping(parse_yaml_text(text, Path("families.yaml"), "advisories/os_families.schema.json"))


BASE = """
version: "1"
environments: [linux]
families:
  acme_os:
    name: Acme OS
    vendor: acme
    aliases: [Acme OS]
    versions:
      grammars:
        - pattern: '{pattern}'
          order: [{order}]
"""


def test_a_group_the_pattern_lacks_is_named() -> None:
    with pytest.raises(DataFileError, match="group 'minor' is not in the pattern") as caught:
        _table(BASE.format(pattern=r"(?P<major>\d+)", order="major, minor"))
    assert caught.value.key == "families.acme_os.versions.grammars[0]"


def test_a_bad_regular_expression_is_named() -> None:
    with pytest.raises(DataFileError, match="not a valid regular expression") as caught:
        _table(BASE.format(pattern=r"(?P<major>\d+", order="major"))
    assert caught.value.key == "families.acme_os.versions.grammars[0].pattern"


def test_one_alias_for_two_families_of_a_vendor_is_refused() -> None:
    text = (
        BASE.format(pattern=r"(?P<major>\d+)", order="major")
        + """
  acme_os_two:
    name: Acme OS Two
    vendor: acme
    aliases: [Acme OS]
    versions:
      grammars:
        - pattern: '(?P<major>\\d+)'
          order: [major]
"""
    )
    with pytest.raises(DataFileError, match="names both Acme OS and Acme OS Two"):
        _table(text)


def test_schema_errors_name_line_and_key() -> None:
    with pytest.raises(DataFileError) as caught:
        _table(
            BASE.format(pattern=r"(?P<major>\d+)", order="major").replace("vendor: acme", "vendor: Acme Inc")
        )
    assert caught.value.key == "families.acme_os.vendor"
    assert caught.value.line == 7
