"""Who may read a shared object: TLP 2.0 applied by the server, not left to the reader.

An object is stored with one or more releases. The first is its producer's: the organisation that
made it, the TLP level it carries and the organisations it was released to (the receiving
organisations: the sharing group's members, or those the producer addressed). Each re-share by a
recipient adds a release, and a reader must be allowed by every release on the object, so a
re-share can narrow the audience but never widen it.

What each level allows follows FIRST's TLP 2.0 definitions (data/sharing/tlp.yaml):
- RED never leaves the organisation that made it;
- AMBER+STRICT reaches the members of the receiving organisations only;
- AMBER reaches the receiving organisations and their clients;
- GREEN reaches the community: every organisation in a sharing group on this server;
- CLEAR reaches anyone with access to the server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from netvet.sharing.tlp import Tlp


class ReleaseRefused(ValueError):
    """A post or push that TLP does not allow, with the reason to show the sender."""


@dataclass(frozen=True)
class Circle:
    """The sharing relations the server knows: who is in the community and whose clients are whose."""

    community: frozenset[str] = frozenset()
    clients: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def is_client_of_any(self, reader: str, organisations: Iterable[str]) -> bool:
        return any(reader in self.clients.get(org, frozenset()) for org in organisations)


@dataclass(frozen=True)
class Release:
    producer: str
    tlp: Tlp
    recipients: frozenset[str] = frozenset()

    def allows(self, reader: str, circle: Circle) -> bool:
        if reader == self.producer:
            return True
        if self.tlp is Tlp.RED:
            return False
        if reader in self.recipients:
            return True
        if self.tlp is Tlp.AMBER_STRICT:
            return False
        if circle.is_client_of_any(reader, self.recipients):
            return True
        if self.tlp is Tlp.AMBER:
            return False
        if self.tlp is Tlp.GREEN:
            return reader in circle.community
        return True  # CLEAR: anyone the server let in

    def as_json(self) -> dict[str, Any]:
        return {"producer": self.producer, "tlp": self.tlp.value, "recipients": sorted(self.recipients)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Release:
        return cls(data["producer"], Tlp(data["tlp"]), frozenset(data.get("recipients", ())))


def readable(releases: Sequence[Release], reader: str, circle: Circle) -> bool:
    """Whether every release on an object lets `reader` (an organisation id) read it."""
    return bool(releases) and all(release.allows(reader, circle) for release in releases)


def readers(releases: Sequence[Release], organisations: Iterable[str], circle: Circle) -> set[str]:
    """The organisations among `organisations` that may read an object."""
    return {org for org in organisations if readable(releases, org, circle)}


def original_release(
    producer: str, tlp: Tlp, group_members: Iterable[str], addressed: Iterable[str] | None = None
) -> Release:
    """The producer's release into a collection: to the organisations it addressed, else to the
    members of the collection's sharing group. Addressees must be members of that group."""
    members = frozenset(group_members)
    recipients = frozenset(addressed) if addressed else members
    outside = sorted(recipients - members)
    if outside:
        raise ReleaseRefused(f"not members of the collection's sharing group: {', '.join(outside)}")
    return Release(producer, tlp, recipients - {producer})


def reshare_release(resharer: str, tlp: Tlp, group_members: Iterable[str]) -> Release:
    """What a recipient may pass on of an object it did not make: nothing of RED; AMBER+STRICT stays in
    its own organisation; AMBER in its organisation and its clients; GREEN and CLEAR to the group (and
    beyond, as their level allows)."""
    if tlp is Tlp.RED:
        raise ReleaseRefused("TLP:RED is for its recipients only and cannot be re-shared")
    if tlp in (Tlp.AMBER_STRICT, Tlp.AMBER):
        return Release(resharer, tlp, frozenset({resharer}))
    return Release(resharer, tlp, frozenset(group_members) - {resharer})


def check_kept_marking(original: Tlp, posted: Tlp | None) -> None:
    """A re-post of a received object keeps its marking: stripping or lowering it is refused."""
    if posted is None:
        raise ReleaseRefused(f"the object was shared as {original.label}; a re-post must keep that marking")
    if original.is_stricter_than(posted):
        raise ReleaseRefused(
            f"the object was shared as {original.label}; a re-post cannot lower it to {posted.label}"
        )


def push_refusal(tlp: Tlp, produced_here: bool) -> str | None:
    """Why netvet's client will not send an object to another server, or None when it may.

    Our own RED never leaves us. Of what we received, only GREEN and CLEAR may go to another server:
    AMBER and AMBER+STRICT may reach only our organisation (and our clients for AMBER), which a
    server elsewhere cannot be shown to respect.
    """
    if tlp is Tlp.RED:
        return "TLP:RED never leaves the organisation" + ("" if produced_here else " it was given to")
    if not produced_here and tlp in (Tlp.AMBER, Tlp.AMBER_STRICT):
        return f"received as {tlp.label}: it may reach only our own organisation" + (
            " and its clients" if tlp is Tlp.AMBER else ""
        )
    return None
