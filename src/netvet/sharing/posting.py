"""What the server does with each object posted to a collection: store it with its releases, or refuse it.

- Every object needs a TLP marking (TLP 2.0, or TLP 1.0 read as its 2.0 level); the TLP marking
  definitions themselves are known to the server and not stored again.
- The first organisation to post an object id is its producer, unless the object names another
  identity as its creator: then the poster is passing on what it received (a re-share).
- Only the producer may post a new version (STIX 2.1, 3.6: only the creator of an object may version
  it). A re-post of a version the server holds keeps that version's releases and marking: stripping
  or lowering the marking is refused, and the re-sharer's own release is added, which can only
  narrow the audience.
- Cyber-observables (`software`, ...) have no creator or versions: their id is computed from their
  content, so each poster's copy is kept under its own release.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import stix2
from stix2.exceptions import STIXError

from netvet.sharing.release import (
    Release,
    ReleaseRefused,
    check_kept_marking,
    original_release,
    reshare_release,
)
from netvet.sharing.timestamps import canonical_timestamp
from netvet.sharing.tlp import Tlp, marking_catalogue, object_tlp

# Objects with neither `created` nor `modified`: STIX Cyber-observable Objects.


@dataclass(frozen=True)
class HeldVersion:
    tlp: Tlp
    releases: tuple[Release, ...]


@dataclass
class Held:
    """What the server already holds of one object id, in any collection."""

    producer: str
    versions: dict[str, HeldVersion] = field(default_factory=dict)


@dataclass(frozen=True)
class Admitted:
    stix_id: str
    stix_type: str
    version: (
        str | None
    )  # canonical (sharing.timestamps); None for an observable (its version is when it was added)
    spec_version: str
    tlp: Tlp
    producer: str
    releases: tuple[Release, ...]
    body: dict[str, Any]

    @property
    def is_observable(self) -> bool:
        return self.version is None


@dataclass(frozen=True)
class Known:
    """A TLP marking definition: accepted, not stored (the server serves its own)."""

    stix_id: str


def parse_object(obj: Any) -> dict[str, Any]:
    """The object as a dict, after the stix2 library's STIX 2.1 checks (custom properties allowed,
    as OpenCTI and MISP send them)."""
    if (
        not isinstance(obj, dict)
        or not isinstance(obj.get("type"), str)
        or not isinstance(obj.get("id"), str)
    ):
        raise ReleaseRefused("not a STIX object: it needs a type and an id")
    try:
        stix2.parse(obj, allow_custom=True, version="2.1")
    except (STIXError, ValueError, TypeError) as exc:
        raise ReleaseRefused(f"not valid STIX 2.1: {exc}") from None
    return obj


def admit(
    obj: Any,
    poster: str,
    poster_identities: set[str],
    held: Held | None,
    group_members: Iterable[str],
    addressed: Iterable[str] | None = None,
) -> Admitted | Known:
    """Decide one posted object. Raises ReleaseRefused with the reason to report in the status.

    `poster_identities` are the identity ids the poster made; an identity it posts is added to them.
    """
    body = parse_object(obj)
    stix_id, stix_type = body["id"], body["type"]
    if stix_type == "marking-definition" and marking_catalogue().is_tlp_marking(stix_id):
        return Known(stix_id)
    tlp = object_tlp(body)
    written = body.get("modified") or body.get("created")
    try:
        version = canonical_timestamp(written) if written else None
    except ValueError as exc:
        raise ReleaseRefused(f"not a STIX timestamp: {exc}") from None
    spec_version = str(body.get("spec_version", "2.1"))
    if version is None:
        if tlp is None:
            raise ReleaseRefused("carries no TLP marking; every shared object needs one")
        release = original_release(poster, tlp, group_members, addressed)
        return Admitted(stix_id, stix_type, None, spec_version, tlp, poster, (release,), body)
    if held is None:
        if tlp is None:
            raise ReleaseRefused("carries no TLP marking; every shared object needs one")
        creator = body.get("created_by_ref")
        if creator is None or creator in poster_identities or creator == stix_id:
            if stix_type == "identity":
                poster_identities.add(stix_id)
            release = original_release(poster, tlp, group_members, addressed)
        else:
            release = reshare_release(poster, tlp, group_members)
        return Admitted(stix_id, stix_type, version, spec_version, tlp, poster, (release,), body)
    held_version = held.versions.get(version)
    if held.producer == poster:
        if tlp is None:
            raise ReleaseRefused("carries no TLP marking; every shared object needs one")
        if held_version is not None and held_version.tlp is not tlp:
            raise ReleaseRefused(
                f"version {version} is already shared as {held_version.tlp.label}; "
                "post a new version to change its marking"
            )
        release = original_release(poster, tlp, group_members, addressed)
        return Admitted(stix_id, stix_type, version, spec_version, tlp, poster, (release,), body)
    if held_version is None:
        raise ReleaseRefused("only the organisation that made an object may post a new version of it")
    check_kept_marking(held_version.tlp, tlp)
    assert tlp is not None
    releases = (*held_version.releases, reshare_release(poster, tlp, group_members))
    return Admitted(stix_id, stix_type, version, spec_version, tlp, held.producer, releases, body)


def held_from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, Held]:
    """Held objects from stored rows (stix_id, version, producer, tlp, releases), oldest first: the
    first row of an id names its producer, the first row of a version its releases."""
    held: dict[str, Held] = {}
    for row in rows:
        if row["version"] is None:
            continue
        entry = held.setdefault(row["stix_id"], Held(row["producer"]))
        entry.versions.setdefault(
            row["version"],
            HeldVersion(Tlp(row["tlp"]), tuple(Release.from_json(r) for r in row["releases"])),
        )
    return held
