from __future__ import annotations

import pytest

from netvet.advisories.asset_index import AssetIndex, AssetView, ComponentView
from netvet.advisories.matcher import Match, MatchStatus, match_all
from netvet.advisories.model import Advisory, Criterion, ProductStatus, SourceFormat, Vulnerability
from netvet.advisories.ranges import parse_vers
from netvet.advisories.vendors import simple_vendor_key

ASSETS = [
    AssetView("r1", "HUAWEI", "AR3200", "V200R009C00SPC300"),
    AssetView("r2", "Huawei Technologies Co., Ltd.", "AR3200", "V200R009C00SPC500"),
    AssetView("r3", "huawei", "AR3200", "V200R010C00SPC650"),
    AssetView("r4", "Huawei", "AR3200", None),
    AssetView("r5", "Huawei", "S5700", "V200R005C00SPC600"),
    AssetView("s1", "Cisco Systems, Inc.", "Catalyst 2960", "12.2(55)SE3"),
    AssetView("s2", "Cisco", "Catalyst 2960", "12.2(55)SE12"),
    AssetView("s3", "Cisco", "Catalyst 3850", "12.2(55)SE3"),
    AssetView("s4", "Cisco", "Catalyst 2960", "15.0(2)EX5"),
    AssetView("n1", "Nokia", "7750 SR", "22.10.R3"),
    AssetView("n2", "Nokia", "7750 SR", "22.10.R4"),
    AssetView("n3", "Nokia", "7750 SR", "21.10.R1"),
    AssetView("n4", "Nokia", "7750 SR", "23.3.R1"),
    AssetView("n5", "Nokia", "7250 IXR", "22.3.R1"),
    AssetView("e1", "Ericsson", "Router 6675", "22.Q3"),
]


def _results(advisories: list[Advisory]) -> dict[tuple[str, str], Match]:
    index = AssetIndex.build(ASSETS)
    results: dict[tuple[str, str], Match] = {}
    for match in match_all(advisories, index):
        key = (match.advisory_id, match.asset_id)
        assert key not in results, f"two rows for {key}"
        results[key] = match
    return results


@pytest.fixture
def results(fixture_advisories: list[Advisory]) -> dict[tuple[str, str], Match]:
    return _results(fixture_advisories)


@pytest.mark.parametrize(
    ("advisory", "asset", "status"),
    [
        # CVE JSON 5: range in the VRP scheme, vendor names written three ways.
        ("CVE-2024-90001", "r1", MatchStatus.AFFECTED),
        ("CVE-2024-90001", "r2", MatchStatus.NOT_AFFECTED),  # defaultStatus unaffected
        ("CVE-2024-90001", "r3", MatchStatus.NOT_AFFECTED),  # changes: unaffected from SPC600
        ("CVE-2024-90001", "r4", MatchStatus.UNKNOWN),  # no version in the inventory
        # NVD: OS CPE AND hardware CPE.
        ("NVD:CVE-2018-0171", "s1", MatchStatus.AFFECTED),
        ("NVD:CVE-2018-0171", "s2", MatchStatus.NOT_AFFECTED),
        ("NVD:CVE-2018-0171", "s4", MatchStatus.UNKNOWN),  # another IOS train: cannot compare
        ("NVD:CVE-2023-90002", "n1", MatchStatus.AFFECTED),
        ("NVD:CVE-2023-90002", "n2", MatchStatus.NOT_AFFECTED),
        # CSAF: vers range, fixed and known_not_affected respected, unreadable range is unknown.
        ("NOKIA-SA-2023-0001", "n1", MatchStatus.AFFECTED),
        ("NOKIA-SA-2023-0001", "n2", MatchStatus.FIXED),
        ("NOKIA-SA-2023-0001", "n3", MatchStatus.NOT_AFFECTED),
        ("NOKIA-SA-2023-0001", "n4", MatchStatus.NOT_AFFECTED),
        ("NOKIA-SA-2023-0001", "n5", MatchStatus.UNKNOWN),
    ],
)
def test_status(
    results: dict[tuple[str, str], Match], advisory: str, asset: str, status: MatchStatus
) -> None:
    match = results[(advisory, asset)]
    assert match.status is status, match.explanation
    assert match.explanation


def test_os_cpe_alone_does_not_match_other_hardware(results: dict[tuple[str, str], Match]) -> None:
    """The Catalyst 3850 runs the same IOS version, but the configuration names the 2960 only."""
    assert ("NVD:CVE-2018-0171", "s3") not in results
    assert results[("NVD:CVE-2018-0171", "s1")].matched_by == "cpe+platform"


def test_unrelated_vendor_gets_no_row(results: dict[tuple[str, str], Match]) -> None:
    assert not any(asset == "e1" for _, asset in results)


def test_cve_record_without_default_status_decides_only_the_versions_it_lists(
    results: dict[tuple[str, str], Match],
) -> None:
    """The S5700 line lists V200R005C00SPC500 and gives no defaultStatus: r5 at SPC600 gets no row."""
    assert ("CVE-2024-90001", "r5") not in results


def test_match_rules_are_named(results: dict[tuple[str, str], Match]) -> None:
    assert results[("NVD:CVE-2023-90002", "n1")].matched_by == "cpe"
    assert results[("CVE-2024-90001", "r1")].matched_by == "vendor+product"
    assert "22.10.R3" in results[("NOKIA-SA-2023-0001", "n1")].explanation
    row = results[("CVE-2024-90001", "r1")].row()
    assert set(row) == {"advisory_id", "cve", "asset_id", "status", "matched_by", "explanation"}
    assert row["cve"] == "CVE-2024-90001"


def _advisory(*criteria: Criterion) -> Advisory:
    return Advisory(
        id="T-1",
        source_format=SourceFormat.CSAF,
        title="t",
        vulnerabilities=(Vulnerability(cve="CVE-2024-00001", criteria=criteria),),
    )


def test_purl_matches_a_component() -> None:
    asset = AssetView(
        "c1",
        "Ericsson",
        "Packet Core Controller",
        "1.0",
        components=(ComponentView("openssl", "openssl", "3.0.1"),),
    )
    criterion = Criterion(
        ref="p1",
        status=ProductStatus.AFFECTED,
        purl="pkg:generic/openssl/openssl",
        versions=parse_vers("vers:semver/>=3.0.0|<3.0.7"),
        exhaustive=True,
    )
    index = AssetIndex.build([asset], vendor_key=simple_vendor_key)
    [match] = match_all([_advisory(criterion)], index)
    assert match.status is MatchStatus.AFFECTED
    assert match.matched_by.startswith("purl:component openssl")


def test_specific_fixed_version_beats_affected_range() -> None:
    affected = Criterion(
        ref="range", status=ProductStatus.AFFECTED, vendor="Huawei", product="AR3200",
        versions=parse_vers("vers:generic/<V200R010C00"), exhaustive=True,
    )  # fmt: skip
    fixed = Criterion(
        ref="backport", status=ProductStatus.FIXED, vendor="Huawei", product="AR3200",
        versions=parse_vers("vers:generic/V200R009C00SPC300"),
    )  # fmt: skip
    index = AssetIndex.build(ASSETS[:1], vendor_key=simple_vendor_key)
    [match] = match_all([_advisory(affected, fixed)], index)
    assert match.status is MatchStatus.FIXED


def test_index_never_compares_every_pair() -> None:
    """Assets of other vendors and models are not even looked at."""
    many = [AssetView(f"x{i}", "ZTE", f"ZXR10 {i % 50}", "V1.0") for i in range(5_000)]
    index = AssetIndex.build([*many, ASSETS[0]], vendor_key=simple_vendor_key)
    criterion = Criterion(ref="r", status=ProductStatus.AFFECTED, vendor="Huawei", product="AR3200")
    assert index.lookup_assets("huawei", "AR3200") == [5_000]
    assert len(index.groups) == 51  # 50 ZTE models on one version, and the Huawei router
    [match] = match_all([_advisory(criterion)], index)
    assert match.asset_id == "r1"


def test_screening_aliases_reach_misspelt_vendors() -> None:
    asset = AssetView("t1", "Hauwei Technologies", "AR3200", "V200R009C00SPC300")
    criterion = Criterion(
        ref="r", status=ProductStatus.AFFECTED, vendor="Huawei", product="AR3200",
        versions=parse_vers("vers:generic/<V200R009C00SPC500"), exhaustive=True,
    )  # fmt: skip
    assert list(match_all([_advisory(criterion)], AssetIndex.build([asset]))) == []
    aliases = {"Hauwei Technologies": ["Huawei Technologies Co., Ltd."]}
    [match] = match_all([_advisory(criterion)], AssetIndex.build([asset], vendor_aliases=aliases))
    assert match.status is MatchStatus.AFFECTED


def _nvd_criterion(cpe: str) -> Criterion:
    from netvet.advisories.nvd import _criterion as nvd_criterion

    return nvd_criterion({"criteria": cpe, "vulnerable": True}, "cfg")


def test_cpe_version_wildcard_and_target_hardware() -> None:
    assets = [
        AssetView("w1", "Cisco", "Catalyst 2960", "12.2(55)SE3"),
        AssetView("w2", "Cisco", "Catalyst 2960", "12.2(58)SE1"),
        AssetView("w3", "Cisco", "Catalyst 3850", "12.2(55)SE3"),
    ]
    index = AssetIndex.build(assets, vendor_key=simple_vendor_key)
    wildcard = _nvd_criterion("cpe:2.3:o:cisco:catalyst_2960:12.2\\(55\\)se*:*:*:*:*:*:*:*")
    statuses = {m.asset_id: m.status for m in match_all([_advisory(wildcard)], index)}
    assert statuses == {"w1": MatchStatus.AFFECTED, "w2": MatchStatus.NOT_AFFECTED}

    targeted = _nvd_criterion("cpe:2.3:o:cisco:ios:12.2\\(55\\)se3:*:*:*:*:*:catalyst_3850:*")
    assert {m.asset_id for m in match_all([_advisory(targeted)], index)} == {"w3"}


def test_csaf_model_numbers_name_devices() -> None:
    import json

    from netvet.advisories.reader import parse_document

    from .conftest import ADVISORY_DATA

    doc = json.loads((ADVISORY_DATA / "csaf-nokia-sros.json").read_text())
    product = doc["product_tree"]["branches"][0]["branches"][0]["branches"][0]["product"]
    product["product_identification_helper"] = {"model_numbers": ["7750 SR-12", "7750 SR-7"]}
    [advisory] = parse_document(json.dumps(doc).encode(), "models.json").advisories
    assets = [
        AssetView("m1", "Nokia", "7750 SR-12", "22.10.R3"),
        AssetView("m2", "Nokia", "7750 SR-14", "22.10.R3"),
    ]
    [match] = match_all([advisory], AssetIndex.build(assets, vendor_key=simple_vendor_key))
    assert (match.asset_id, match.status) == ("m1", MatchStatus.AFFECTED)
    assert "model 7750 SR-12" in match.explanation


@pytest.mark.parametrize(
    "product", ["AR3200", "AR3200 Series Routers", "ar3200_firmware", "Huawei AR3200", "HUAWEI AR3200 Series"]
)
def test_product_names_as_advisories_write_them(product: str) -> None:
    index = AssetIndex.build(ASSETS[:1], vendor_key=simple_vendor_key)
    assert index.lookup_assets("Huawei", product) == [0]


def test_product_words_are_not_stripped_to_nothing() -> None:
    index = AssetIndex.build([AssetView("x", "Cisco", "Series", "1.0")], vendor_key=simple_vendor_key)
    assert index.lookup_assets("Cisco", "Routers") == []


def test_assets_alike_share_one_evaluation_but_get_their_own_rows() -> None:
    twins = [AssetView(f"t{i}", "Huawei", "AR3200", "V200R009C00SPC300", domain="ran") for i in range(3)]
    special = AssetView(
        "t3",
        "Huawei",
        "AR3200",
        "V200R009C00SPC300",
        components=(ComponentView("openssl", "OpenSSL", "3.0.1"),),
    )
    index = AssetIndex.build([*twins, special], vendor_key=simple_vendor_key)
    assert len(index.groups) == 1  # components do not split a group; they are matched per asset
    model = Criterion(
        ref="m", status=ProductStatus.AFFECTED, vendor="Huawei", product="AR3200",
        versions=parse_vers("vers:generic/<V200R009C00SPC500"), exhaustive=True,
    )  # fmt: skip
    library = Criterion(
        ref="l", status=ProductStatus.FIXED, vendor="OpenSSL", product="openssl",
        versions=parse_vers("vers:semver/3.0.1"),
    )  # fmt: skip
    matches = {m.asset_id: m for m in match_all([_advisory(model, library)], index)}
    assert sorted(matches) == ["t0", "t1", "t2", "t3"]
    assert {matches[f"t{i}"].status for i in range(3)} == {MatchStatus.AFFECTED}
    # The component's exact fixed version outranks the model's range, for that asset only.
    assert matches["t3"].status is MatchStatus.FIXED


def test_csaf_purl_only_product_uses_the_purl_version() -> None:
    import json

    from netvet.advisories.reader import parse_document

    from .conftest import ADVISORY_DATA

    doc = json.loads((ADVISORY_DATA / "csaf-nokia-sros.json").read_text())
    doc["product_tree"]["full_product_names"] = [
        {"name": "OpenSSL 3.0.1", "product_id": "CSAFPID-0100",
         "product_identification_helper": {"purl": "pkg:generic/openssl/openssl@3.0.1"}}
    ]  # fmt: skip
    doc["vulnerabilities"][0]["product_status"]["known_affected"].append("CSAFPID-0100")
    doc["vulnerabilities"][0]["remediations"][0]["product_ids"].append("CSAFPID-0100")
    [advisory] = parse_document(json.dumps(doc).encode(), "purl.json").advisories
    assets = [
        AssetView(
            "p1",
            "Ericsson",
            "Router 6675",
            "22.Q3",
            components=(ComponentView("openssl", "OpenSSL", "3.0.1"),),
        ),
        AssetView(
            "p2",
            "Ericsson",
            "Router 6675",
            "22.Q3",
            components=(ComponentView("openssl", "OpenSSL", "3.0.7"),),
        ),
    ]
    matches = {m.asset_id: m for m in match_all([advisory], AssetIndex.build(assets))}
    assert {k: m.status for k, m in matches.items()} == {
        "p1": MatchStatus.AFFECTED,
        "p2": MatchStatus.UNKNOWN,
    }
    assert matches["p1"].matched_by == "purl:component openssl"


def test_csaf_installed_on_relationship_matches_on_the_pair() -> None:
    import json

    from netvet.advisories.reader import parse_document

    from .conftest import ADVISORY_DATA

    doc = json.loads((ADVISORY_DATA / "csaf-nokia-sros.json").read_text())
    doc["document"]["publisher"]["name"] = "Huawei"
    doc["product_tree"] = {
        "branches": [
            {"category": "vendor", "name": "Huawei", "branches": [
                {"category": "product_name", "name": "VRP", "branches": [
                    {"category": "product_version_range", "name": "vers:generic/<V200R009C00SPC500",
                     "product": {"name": "VRP before V200R009C00SPC500", "product_id": "SW"}}]},
                {"category": "product_name", "name": "AR3200",
                 "product": {"name": "AR3200", "product_id": "HW"}}]}
        ],
        "relationships": [
            {"category": "installed_on", "product_reference": "SW", "relates_to_product_reference": "HW",
             "full_product_name": {"name": "VRP on AR3200", "product_id": "SW-ON-HW"}}
        ],
    }  # fmt: skip
    doc["vulnerabilities"][0]["product_status"] = {"known_affected": ["SW-ON-HW"]}
    doc["vulnerabilities"][0]["remediations"] = [
        {"category": "vendor_fix", "details": "Upgrade.", "product_ids": ["SW-ON-HW"]}
    ]
    del doc["vulnerabilities"][0]["scores"]
    [advisory] = parse_document(json.dumps(doc).encode(), "pair.json").advisories
    assets = [
        AssetView("h1", "Huawei", "AR3200", "V200R009C00SPC300"),
        AssetView("h2", "Huawei", "AR3200", "V200R009C00SPC500"),
        AssetView("h3", "Huawei", "S5700", "V200R009C00SPC300"),  # same VRP, other device
    ]
    matches = {m.asset_id: m for m in match_all([advisory], AssetIndex.build(assets))}
    assert {k: m.status for k, m in matches.items()} == {
        "h1": MatchStatus.AFFECTED,
        "h2": MatchStatus.NOT_AFFECTED,
    }
    assert matches["h1"].matched_by == "vendor+product+platform"
