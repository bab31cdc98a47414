"""One canonical vendor per name as written: screening's entity for restricted vendors (never a name in
review or dismissed), the vendor directory for the others, distinctive words for names nobody knows."""

from __future__ import annotations

import pytest

from netvet.data import DataFileError, parse_yaml_text
from netvet.model.screening import Decision, ScreeningStatus, VendorEvidence
from netvet.screening.vendors import (
    CanonicalVendor,
    VendorDirectory,
    asset_vendor,
    canonical_vendors,
    default_directory,
)


def evidence(
    name: str,
    entity_id: str,
    status: ScreeningStatus = ScreeningStatus.MATCH,
    parents: tuple[str, ...] = (),
    decision: Decision | None = None,
    entity_name: str = "",
) -> VendorEvidence:
    return VendorEvidence(
        name=name,
        status=status,
        entity_id=entity_id,
        entity_name=entity_name or entity_id,
        list_id="bis-entity",
        matched_name=entity_id,
        score=0.95,
        explanation="",
        affiliate_path=parents,
        decision=decision,
    )


def test_spellings_screening_matched_are_one_vendor_and_a_name_in_review_stays_apart() -> None:
    found = {
        "Huawei": [evidence("Huawei", "huawei")],
        "华为技术有限公司": [evidence("华为技术有限公司", "huawei")],
        # The BIS Entity List names Huawei Technologies Deutschland GmbH as a Huawei affiliate (84 FR 43493).
        "Huawei Technologies Deutschland GmbH": [
            evidence("Huawei Technologies Deutschland GmbH", "huawei-deutschland", parents=("huawei",))
        ],
        "HiSilicon": [evidence("HiSilicon", "hisilicon", parents=("huawei",))],
        "Huawie": [evidence("Huawie", "huawei", ScreeningStatus.REVIEW)],
        "Huawei Marine": [
            evidence("Huawei Marine", "huawei", ScreeningStatus.CLEAR, decision=Decision.DISMISSED)
        ],
    }
    resolved = canonical_vendors(dict.fromkeys(found, 1), found)
    huawei = CanonicalVendor("huawei", "Huawei", "huawei")
    assert resolved["Huawei"] == resolved["华为技术有限公司"] == huawei
    assert resolved["Huawei Technologies Deutschland GmbH"] == huawei  # up to its listed parent
    assert resolved["HiSilicon"] == CanonicalVendor("hisilicon", "HiSilicon", "hisilicon")  # listed itself
    assert resolved["Huawie"].id == "name:huawie" and resolved["Huawie"].entity_id is None
    assert resolved["Huawei Marine"].id != "huawei"  # an analyst said it is not Huawei
    confirmed = {
        "Huawie": [evidence("Huawie", "huawei", ScreeningStatus.REVIEW, decision=Decision.CONFIRMED)]
    }
    assert canonical_vendors({"Huawie": 1}, confirmed)["Huawie"] == huawei


def test_an_asset_is_named_for_the_restricted_entity_its_manufacturer_was_screened_as() -> None:
    found = {
        "Huawei": [evidence("Huawei", "huawei")],
        "Huawie": [evidence("Huawie", "huawei", ScreeningStatus.REVIEW)],
        "ZTE": [evidence("ZTE", "zte")],
    }
    resolved = canonical_vendors({"Huawei": 1, "Huawie": 1, "ZTE": 1, "Ericsson": 1}, found)
    huawei = CanonicalVendor("huawei", "Huawei", "huawei")
    # Vendor "Huawie" (in review), manufacturer "Huawei" (on the Entity List): the rules act on Huawei.
    assert asset_vendor(resolved["Huawie"], resolved["Huawei"]) == huawei
    assert asset_vendor(resolved["Huawie"], None) == resolved["Huawie"]  # nothing else names it
    assert asset_vendor(resolved["Ericsson"], resolved["Ericsson"]).name == "Ericsson"
    # A vendor screening resolved itself keeps its own entity, whatever the manufacturer field says.
    assert asset_vendor(resolved["ZTE"], resolved["Huawei"]).entity_id == "zte"


def test_the_directory_joins_legal_names_and_trading_names() -> None:
    written = {
        "Telefonaktiebolaget LM Ericsson": 1,  # Ericsson's legal name
        "LM Ericsson": 4,
        "Ericsson GmbH": 2,
        "Nokia Solutions & Networks Oy": 3,
        "NOKIA": 1,
        "JUNIPER NETWORKS INC": 1,
    }
    screened_clear = {name: [] for name in written}
    resolved = canonical_vendors(written, screened_clear)
    assert {name: v.name for name, v in resolved.items()} == {
        "Telefonaktiebolaget LM Ericsson": "Ericsson",
        "LM Ericsson": "Ericsson",
        "Ericsson GmbH": "Ericsson",
        "Nokia Solutions & Networks Oy": "Nokia",
        "NOKIA": "Nokia",
        "JUNIPER NETWORKS INC": "Juniper",
    }


def test_names_nobody_knows_group_by_their_distinctive_words_under_the_commonest_spelling() -> None:
    written = {"Kathrein": 5, "KATHREIN SE": 2, "Acme Radio Ltd": 1}
    resolved = canonical_vendors(written, {name: [] for name in written})
    assert resolved["Kathrein"] == resolved["KATHREIN SE"] == CanonicalVendor("name:kathrein", "Kathrein")
    assert resolved["Acme Radio Ltd"].name == "Acme Radio Ltd"


def test_a_restricted_vendor_is_named_from_the_directory_only_when_the_name_was_never_screened() -> None:
    never_screened = canonical_vendors({"ZTE Corporation": 1}, {})
    assert never_screened["ZTE Corporation"] == CanonicalVendor("zte", "ZTE")
    screened_clear = canonical_vendors({"ZTE Corporation": 1}, {"ZTE Corporation": []})
    assert screened_clear["ZTE Corporation"].id == "name:zte"


def test_an_entity_the_directory_lacks_takes_the_shortest_of_its_list_names() -> None:
    """A list the user loaded (the full CSL, say) names entities netvet's directory does not know."""
    found = {
        "Acme Telecom": [evidence("Acme Telecom", "csl-123", entity_name="Acme Telecom Equipment Co., Ltd.")],
        "ACME TEL": [evidence("ACME TEL", "csl-123", entity_name="Acme Telecom Co.")],
    }
    resolved = canonical_vendors(dict.fromkeys(found, 1), found)
    assert resolved["Acme Telecom"] == resolved["ACME TEL"]
    assert resolved["ACME TEL"] == CanonicalVendor("entity:csl-123", "Acme Telecom Co.", "csl-123")


def test_the_shipped_directory_names_every_listed_group_and_refuses_a_name_given_twice() -> None:
    from netvet.screening.lists import shipped_lists

    directory = default_directory()
    roots = {e.entity_id for lst in shipped_lists() for e in lst.entries if not e.parent}
    assert sorted(r for r in roots if directory.by_entity(r) is None) == []
    text = """
version: "1"
vendors:
  - {id: a, name: Nokia, legal_name: Nokia Oyj}
  - {id: b, name: NSN, legal_name: Nokia Corporation}
"""
    data = parse_yaml_text(text, "vendors.yaml", "vendors.schema.json")
    with pytest.raises(ValueError, match="names both a and b"):
        VendorDirectory.from_mapping(data)
    with pytest.raises(DataFileError, match=r"vendors\.yaml, line 4"):
        parse_yaml_text(
            'version: "1"\nvendors:\n  - {id: a, name: A, legal_name: A}\n  - {id: b, name: B}\n',
            "vendors.yaml",
            "vendors.schema.json",
        )
