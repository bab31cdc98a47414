from __future__ import annotations

import pytest

from netvet.data import role_table
from netvet.model import Domain, RoleTable, RoleTableError

CORE_5G = (
    "AMF",
    "SMF",
    "UPF",
    "AUSF",
    "UDM",
    "UDR",
    "NRF",
    "PCF",
    "NSSF",
    "NEF",
    "SCP",
    "SEPP",
    "BSF",
    "CHF",
    "NWDAF",
    "N3IWF",
)
CORE_4G = ("MME", "SGW", "PGW", "HSS", "PCRF", "S-GW", "P-GW")


@pytest.mark.parametrize("role", CORE_5G + CORE_4G)
def test_3gpp_core_functions_are_core(role: str) -> None:
    assert role_table().domain_for(role) is Domain.CORE


@pytest.mark.parametrize(
    ("role", "domain"),
    [
        ("gNB", Domain.RAN),
        ("g-NodeB", Domain.RAN),
        ("eNodeB", Domain.RAN),
        ("Remote Radio Unit", Domain.RAN),
        ("aau", Domain.RAN),
        ("Antenna", Domain.RAN),
        ("Cell Site Router", Domain.TRANSPORT),
        ("microwave link", Domain.TRANSPORT),
        ("DWDM", Domain.TRANSPORT),
        ("U2020", Domain.MANAGEMENT),
        ("NFVO", Domain.MANAGEMENT),
        ("OSS", Domain.MANAGEMENT),
        ("Rectifier", Domain.OTHER),
    ],
)
def test_role_spellings_resolve(role: str, domain: Domain) -> None:
    assert role_table().domain_for(role) is domain


def test_unknown_role_has_no_domain() -> None:
    assert role_table().domain_for("Flux Capacitor") is None


def test_core_entries_cite_3gpp() -> None:
    for entry in role_table().entries:
        if entry.domain is Domain.CORE:
            assert entry.source and "3GPP TS 23." in entry.source, entry.role


def test_an_alias_given_twice_is_refused() -> None:
    with pytest.raises(RoleTableError, match="both"):
        RoleTable.from_mapping(
            {
                "roles": [
                    {"role": "AMF", "domain": "core"},
                    {"role": "Router", "domain": "transport", "aliases": ["amf"]},
                ]
            }
        )
