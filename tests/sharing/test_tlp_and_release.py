"""TLP 2.0 markings as OASIS publishes them, and the release rules as pure functions."""

from __future__ import annotations

import json

import pytest
import stix2
from hypothesis import given
from hypothesis import strategies as st
from stix2validator import ValidationOptions, validate_string

from netvet.sharing.posting import Admitted, admit
from netvet.sharing.release import (
    Circle,
    Release,
    ReleaseRefused,
    check_kept_marking,
    original_release,
    push_refusal,
    readers,
    reshare_release,
)
from netvet.sharing.tlp import Tlp, UnknownTlp, marking_catalogue, parse_tlp, tlp_of

# The ids of the TLP 2.0 marking definitions, from the OASIS CTI TC's extension definition
# (cti-stix-common-objects, extension-definition-specifications/tlp-2.0), and the STIX 2.1 TLP 1.0
# predefined markings (STIX 2.1, section 7.2.1.4).
PUBLISHED = {
    Tlp.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Tlp.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Tlp.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Tlp.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    Tlp.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP_1 = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": Tlp.CLEAR,  # TLP:WHITE
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": Tlp.GREEN,
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": Tlp.AMBER,
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": Tlp.RED,
}


@pytest.mark.parametrize("level", list(Tlp))
def test_marking_definitions_are_the_published_objects(level: Tlp) -> None:
    definition = marking_catalogue().definition(level)
    assert definition["id"] == PUBLISHED[level] == level.marking_id
    assert definition["name"] == level.label
    assert definition["created"] == "2022-10-01T00:00:00.000Z"
    assert definition["extensions"] == {
        "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
            "extension_type": "property-extension",
            "tlp_2_0": level.value,
        }
    }
    bundle = json.dumps(
        {"type": "bundle", "id": "bundle--6f9a2b0e-5d4b-4e55-9d55-0d1c1b0e7f11", "objects": [definition]}
    )
    assert validate_string(bundle, ValidationOptions(version="2.1", strict=True)).is_valid
    assert stix2.parse(definition).id == PUBLISHED[level]


def test_tlp_of_reads_2_0_and_1_0_markings_and_takes_the_strictest() -> None:
    for marking, level in TLP_1.items():
        assert tlp_of([marking]) is level
    assert tlp_of([PUBLISHED[Tlp.GREEN], PUBLISHED[Tlp.AMBER_STRICT]]) is Tlp.AMBER_STRICT
    assert tlp_of([stix2.TLP_AMBER.id, PUBLISHED[Tlp.GREEN]]) is Tlp.AMBER
    assert tlp_of(["marking-definition--00000000-0000-4000-8000-000000000000"]) is None
    assert tlp_of([]) is None


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("amber", Tlp.AMBER),
        ("TLP:AMBER+STRICT", Tlp.AMBER_STRICT),
        ("amber-strict", Tlp.AMBER_STRICT),
        ("white", Tlp.CLEAR),
        (" Red ", Tlp.RED),
    ],
)
def test_parse_tlp(text: str, level: Tlp) -> None:
    assert parse_tlp(text) is level


def test_parse_tlp_refuses_what_is_not_a_level() -> None:
    with pytest.raises(UnknownTlp, match="'orange' is not a TLP level"):
        parse_tlp("orange")


ORGS = ["acme", "globex", "initech", "hooli", "csirt", "vendorx"]
CIRCLE = Circle(frozenset({"acme", "globex", "initech", "hooli", "csirt"}), {"globex": frozenset({"hooli"})})
GROUP = ["acme", "globex", "initech"]


@given(st.sampled_from(list(Tlp)), st.sampled_from(list(Tlp)), st.sets(st.sampled_from(GROUP), min_size=1))
def test_a_stricter_level_never_reaches_more_organisations(
    wide: Tlp, narrow: Tlp, addressed: set[str]
) -> None:
    if wide.rank > narrow.rank:
        wide, narrow = narrow, wide
    wider = readers([original_release("acme", wide, GROUP, addressed)], ORGS, CIRCLE)
    narrower = readers([original_release("acme", narrow, GROUP, addressed)], ORGS, CIRCLE)
    assert narrower <= wider and "acme" in narrower


@given(st.sampled_from(list(Tlp)), st.sampled_from(["globex", "initech"]), st.sampled_from(list(Tlp)))
def test_a_reshare_never_reaches_anyone_the_original_did_not(level: Tlp, resharer: str, kept: Tlp) -> None:
    original = original_release("acme", level, GROUP)
    if kept.rank < level.rank:
        with pytest.raises(ReleaseRefused):
            check_kept_marking(level, kept)
        return
    try:
        reshare = reshare_release(resharer, kept, ["csirt", resharer])
    except ReleaseRefused:
        assert kept is Tlp.RED
        return
    assert readers([original, reshare], ORGS, CIRCLE) <= readers([original], ORGS, CIRCLE)


def test_addressees_must_belong_to_the_group() -> None:
    with pytest.raises(ReleaseRefused, match="csirt"):
        original_release("acme", Tlp.AMBER, GROUP, ["globex", "csirt"])


def test_release_round_trips_through_json() -> None:
    release = Release("acme", Tlp.AMBER_STRICT, frozenset({"globex"}))
    assert Release.from_json(json.loads(json.dumps(release.as_json()))) == release


@pytest.mark.parametrize(
    ("level", "ours", "allowed"),
    [
        (Tlp.RED, True, False),
        (Tlp.AMBER_STRICT, True, True),
        (Tlp.AMBER, True, True),
        (Tlp.RED, False, False),
        (Tlp.AMBER_STRICT, False, False),
        (Tlp.AMBER, False, False),
        (Tlp.GREEN, False, True),
        (Tlp.CLEAR, False, True),
    ],
)
def test_what_the_client_may_push(level: Tlp, ours: bool, allowed: bool) -> None:
    assert (push_refusal(level, ours) is None) is allowed


def test_a_granular_red_marking_keeps_the_whole_object_red() -> None:
    """STIX 2.1, 7.2.3: granular markings mark single properties. A TLP:GREEN vulnerability whose
    description is marked TLP:RED may not be served to the community, and netvet serves objects
    whole: the object is held at its strictest marking (TLP 2.0: RED is for the named recipients only)."""
    obj = {
        "type": "vulnerability",
        "spec_version": "2.1",
        "id": "vulnerability--0d8c2c4e-8d3b-4bd4-9f5e-3a6f1c1e9d01",
        "created": "2024-05-01T00:00:00.000Z",
        "modified": "2024-05-01T00:00:00.000Z",
        "name": "CVE-2024-20311",
        "description": "exposed at our Lyon core site",
        "object_marking_refs": [PUBLISHED[Tlp.GREEN]],
        "granular_markings": [{"marking_ref": PUBLISHED[Tlp.RED], "selectors": ["description"]}],
    }
    admitted = admit(obj, "acme", set(), None, GROUP)
    assert isinstance(admitted, Admitted)
    assert admitted.tlp is Tlp.RED
    assert readers(admitted.releases, ORGS, CIRCLE) == {"acme"}
