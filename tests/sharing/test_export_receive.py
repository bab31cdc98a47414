"""STIX 2.1 bundles from advisory matches, validated by stix2-validator, and read back as advisories
that match another operator's inventory.

The advisory is a CSAF document in the vendor's format (tests/data/advisories/csaf-nokia-sros.json):
CVE-2023-90002 affects the 7750 SR from 22.10.R1 to before 22.10.R4, fixed in 22.10.R4.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from stix2validator import ValidationOptions, validate_string

from netvet.advisories.asset_index import AssetIndex, AssetView
from netvet.advisories.matcher import Matcher, MatchStatus
from netvet.advisories.model import Advisory
from netvet.advisories.reader import parse_document
from netvet.model.inventory import Organization
from netvet.sharing.export import AssessedMatch, Detail, ExportChoices, Place, Received, build_export
from netvet.sharing.receive import received_vulnerabilities
from netvet.sharing.tlp import Tlp

ADVISORIES = Path(__file__).resolve().parent.parent / "data" / "advisories"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ACME = Organization(id="acme", name="Acme Telecom")
ACME_ASSETS = {
    "r3": AssetView("r3", "Nokia", "7750 SR", "22.10.R3", domain="transport"),
    "r3b": AssetView("r3b", "Nokia", "7750 SR", "22.10.R3", domain="transport"),
    "r4": AssetView("r4", "Nokia", "7750 SR", "22.10.R4", domain="transport"),
}
PLACES = {aid: Place("S1", "Exchange North", "DE", 52.52, 13.40) for aid in ACME_ASSETS}


def nokia() -> Advisory:
    path = ADVISORIES / "csaf-nokia-sros.json"
    (advisory,) = parse_document(path.read_bytes(), str(path)).advisories
    return advisory


def matched(advisory: Advisory, assets: dict[str, AssetView]) -> list[AssessedMatch]:
    matcher = Matcher(AssetIndex.build(assets.values()))
    return [
        AssessedMatch(m.advisory_id, m.vulnerability, m.asset_id, m.status.value)
        for m in matcher.match_advisory(advisory)
    ]


def export(choices: ExportChoices, known: dict | None = None, now: datetime = NOW):  # type: ignore[no-untyped-def]
    advisory = nokia()
    return build_export(
        ACME, [advisory], matched(advisory, ACME_ASSETS), ACME_ASSETS, choices, now, known or {}, PLACES
    )


def valid(bundle: str) -> bool:
    result = validate_string(bundle, ValidationOptions(version="2.1", strict=True))
    return bool(result.is_valid)


def test_the_bundle_is_valid_stix_2_1_and_every_object_is_marked() -> None:
    result = export(ExportChoices(Tlp.AMBER, note="Patched on the core ring first."))
    bundle = result.bundle().serialize()
    assert valid(bundle)
    objects = json.loads(bundle)["objects"]
    kinds = {o["type"] for o in objects}
    assert kinds == {
        "marking-definition",
        "identity",
        "vulnerability",
        "infrastructure",
        "software",
        "relationship",
        "note",
    }
    for obj in objects:
        if obj["type"] != "marking-definition":
            assert obj["object_marking_refs"] == [Tlp.AMBER.marking_id], obj["type"]
    (marking,) = [o for o in objects if o["type"] == "marking-definition"]
    assert marking["name"] == "TLP:AMBER"
    (identity,) = [o for o in objects if o["type"] == "identity"]
    assert identity["name"] == "Acme Telecom" and identity["identity_class"] == "organization"
    (vulnerability,) = [o for o in objects if o["type"] == "vulnerability"]
    assert vulnerability["name"] == "CVE-2023-90002"
    assert {"source_name": "cve", "external_id": "CVE-2023-90002"} in vulnerability["external_references"]
    assert all(
        o.get("created_by_ref") == identity["id"]
        for o in objects
        if o["type"] not in ("marking-definition", "identity", "software")
    )
    (infrastructure,) = [o for o in objects if o["type"] == "infrastructure"]
    assert infrastructure["name"] == "Nokia 7750 SR 22.10.R3"  # the fixed 22.10.R4 element is not shared
    assert infrastructure["description"].startswith("2 network element(s)")
    (software,) = [o for o in objects if o["type"] == "software"]
    assert (software["vendor"], software["name"], software["version"]) == ("Nokia", "7750 SR", "22.10.R3")
    links = {
        (o["relationship_type"], o["source_ref"], o["target_ref"])
        for o in objects
        if o["type"] == "relationship"
    }
    assert links == {
        ("has", infrastructure["id"], vulnerability["id"]),
        ("consists-of", infrastructure["id"], software["id"]),
    }
    (note,) = [o for o in objects if o["type"] == "note"]
    assert note["object_refs"] == [vulnerability["id"]]
    assert note["content"].startswith(
        "CVE-2023-90002: 2 of our network elements affected (transport 2); 1 fixed."
    )
    assert note["content"].endswith("Patched on the core ring first.")
    assert "latitude" not in bundle and "Exchange North" not in bundle


def test_the_sender_chooses_the_detail_and_whether_sites_are_told() -> None:
    product_only = json.loads(export(ExportChoices(Tlp.GREEN, detail=Detail.PRODUCT)).bundle().serialize())[
        "objects"
    ]
    (software,) = [o for o in product_only if o["type"] == "software"]
    assert "version" not in software and "22.10" not in json.dumps(product_only)
    with_sites = export(ExportChoices(Tlp.GREEN, with_sites=True)).bundle().serialize()
    assert valid(with_sites)
    (location,) = [o for o in json.loads(with_sites)["objects"] if o["type"] == "location"]
    assert (location["latitude"], location["longitude"], location["country"]) == (52.52, 13.4, "DE")


def test_ids_stay_and_versions_change_only_with_content() -> None:
    first = export(ExportChoices(Tlp.AMBER))
    same = export(ExportChoices(Tlp.AMBER), dict(first.records), NOW + timedelta(days=1))
    assert [o.id for o in same.objects] == [o.id for o in first.objects]
    assert [o.get("modified") for o in same.objects] == [o.get("modified") for o in first.objects]
    changed = export(
        ExportChoices(Tlp.AMBER, note="Now patched."), dict(first.records), NOW + timedelta(days=1)
    )
    notes = [o for o in changed.objects if o["type"] == "note"]
    (old_note,) = [o for o in first.objects if o["type"] == "note"]
    assert notes[0].id == old_note.id and notes[0].created == old_note.created
    assert notes[0].modified == NOW + timedelta(days=1)


GLOBEX_ASSETS = {
    "g-same": AssetView("g-same", "Nokia", "7750 SR", "22.10.R3", domain="transport"),
    "g-other-version": AssetView("g-other-version", "Nokia", "7750 SR", "22.10.R2", domain="transport"),
    "g-other-model": AssetView("g-other-model", "Nokia", "7250 IXR", "22.10.R3", domain="transport"),
}


def test_a_received_finding_becomes_a_local_match() -> None:
    objects = json.loads(export(ExportChoices(Tlp.AMBER)).bundle().serialize())["objects"]
    (received,) = received_vulnerabilities(objects)
    assert received.tlp is Tlp.AMBER and received.producer == "Acme Telecom"
    (vulnerability,) = received.advisory.vulnerabilities
    assert vulnerability.cve == "CVE-2023-90002"
    statuses = {
        m.asset_id: m.status
        for m in Matcher(AssetIndex.build(GLOBEX_ASSETS.values())).match_advisory(received.advisory)
    }
    # acme saw it on 22.10.R3: the same model and version is affected; another version is not known
    # from acme's finding; another model is not named at all.
    assert statuses == {"g-same": MatchStatus.AFFECTED, "g-other-version": MatchStatus.UNKNOWN}


def test_without_a_version_the_finding_is_never_affected_locally() -> None:
    objects = json.loads(export(ExportChoices(Tlp.AMBER, detail=Detail.PRODUCT)).bundle().serialize())[
        "objects"
    ]
    (received,) = received_vulnerabilities(objects)
    statuses = {
        m.asset_id: m.status
        for m in Matcher(AssetIndex.build(GLOBEX_ASSETS.values())).match_advisory(received.advisory)
    }
    assert MatchStatus.AFFECTED not in statuses.values()


@pytest.mark.parametrize("level", [Tlp.GREEN, Tlp.RED])
def test_what_we_received_is_not_sent_again_and_our_reaction_is_at_least_as_strictly_marked(
    level: Tlp,
) -> None:
    received = received_vulnerabilities(
        json.loads(export(ExportChoices(Tlp.AMBER)).bundle().serialize())["objects"]
    )[0]
    globex = Organization(id="globex", name="Globex Mobile")
    matches = [AssessedMatch(received.advisory.id, m.vulnerability, m.asset_id, m.status.value)
               for m in Matcher(AssetIndex.build(GLOBEX_ASSETS.values())).match_advisory(received.advisory)]  # fmt: skip
    result = build_export(
        globex, [received.advisory], matches, GLOBEX_ASSETS, ExportChoices(level), NOW, {},
        received={received.advisory.id: Received(received.stix_id, Tlp.AMBER)},
    )  # fmt: skip
    bundle = result.bundle().serialize()
    assert valid(bundle)
    objects = json.loads(bundle)["objects"]
    assert not [o for o in objects if o["type"] == "vulnerability"]
    (opinion,) = [o for o in objects if o["type"] == "opinion"]
    assert opinion["opinion"] == "agree" and opinion["object_refs"] == [received.stix_id]
    strictest = max(level, Tlp.AMBER, key=lambda t: t.rank)
    for obj in objects:
        if obj["type"] in ("opinion", "note") or obj.get("relationship_type") == "has":
            assert obj["object_marking_refs"] == [strictest.marking_id]
        elif obj["type"] in ("infrastructure", "software", "identity"):
            assert obj["object_marking_refs"] == [level.marking_id]
