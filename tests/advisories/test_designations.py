"""Hardware and product names as advisories write them."""

from __future__ import annotations

import pytest

from netvet.advisories.designations import parse_designation, split_product_name

MODELS = ["SRX5800", "SRX4600", "SRX345", "MX204", "MX240", "MX10003", "ACX710", "ACX7100-32C", "7750 SR-1",
          "7250 IXR-e", "QFX5120-48Y", "PTX10003-80C", "ZXR10 1800-2S-DC", "ZXR10 160-4", "ZXR10 1600", "cRPD"]  # fmt: skip


@pytest.mark.parametrize(
    ("designation", "covered"),
    [
        ("SRX Series", {"SRX5800", "SRX4600", "SRX345"}),
        ("SRX 5000 Series", {"SRX5800"}),
        ("SRX5000 Series", {"SRX5800"}),
        ("SRX5k", {"SRX5800"}),
        ("QFX5k", {"QFX5120-48Y"}),
        ("SRX4600", {"SRX4600"}),
        ("ACX710", {"ACX710"}),  # not the ACX7100
        ("ACX 7000 Series", {"ACX7100-32C"}),
        ("MX Series", {"MX204", "MX240", "MX10003"}),
        ("MX304", set()),
        ("PTX10003 Series", {"PTX10003-80C"}),
        ("7750 SR", {"7750 SR-1"}),
        ("7250 IXR", {"7250 IXR-e"}),
        ("ZXR10 1800-2S series", {"ZXR10 1800-2S-DC"}),
        ("ZXR10 160 series", {"ZXR10 160-4"}),  # not the ZXR10 1600
        ("cRPD", {"cRPD"}),
    ],
)
def test_designation_covers_models(designation: str, covered: set[str]) -> None:
    parsed = parse_designation(designation)
    assert {m for m in MODELS if parsed.covers(m)} == covered


@pytest.mark.parametrize(
    ("designation", "parts", "carried"),
    [
        ("MX Series with SPC3", ["MX-SPC3"], "MX-SPC3"),
        ("MX Series with SPC3", ["MPC7E-MRATE"], None),
        ("MX240 using MPC10E", ["MPC10E-15C-MRATE"], "MPC10E-15C-MRATE"),
        ("MX with MPC10/11/LC9600", ["MPC11E"], "MPC11E"),  # "MPC10/11" is MPC10 or MPC11
        ("MX Series with MPC10 MPC11 or LC9600", ["LC9600"], "LC9600"),
        ("EX9200 with EX9200-15C", ["EX9200-15C"], "EX9200-15C"),
    ],
)
def test_qualifiers_are_parts_the_hardware_carries(
    designation: str, parts: list[str], carried: str | None
) -> None:
    assert parse_designation(designation).qualifier_in(parts) == carried


def test_product_names_that_are_lists_or_free_text() -> None:
    sros = split_product_name("SR OS (7250 IXR, 7450 ESS, 7750 SR, ...)")
    assert (sros.names, sros.hardware, sros.examples) == (("SR OS",), (), "7250 IXR, 7450 ESS, 7750 SR, ...")
    basebands = split_product_name("RAN Compute Basebands (all BB variants)")
    assert (basebands.names, basebands.hardware, basebands.examples) == (
        ("RAN Compute Basebands",),
        (),
        "all BB variants",
    )
    zte = split_product_name("ZXR10 1800-2S series ,ZXR10 2800-4,ZXR10 3800-8,ZXR10 160 series")
    assert zte.names == ("ZXR10 1800-2S series", "ZXR10 2800-4", "ZXR10 3800-8", "ZXR10 160 series")
    limited = split_product_name("Junos OS (SRX Series, MX Series)")
    assert (limited.names, limited.hardware) == (("Junos OS",), ("SRX Series", "MX Series"))


def test_and_makes_a_list_only_of_known_names() -> None:
    families = {"IOS", "IOS XE Software"}
    assert split_product_name("IOS and IOS XE Software", families.__contains__).names == (
        "IOS",
        "IOS XE Software",
    )
    one = "Cisco Unified Communications Manager IM and Presence Service"
    assert split_product_name(one, families.__contains__).names == (one,)
