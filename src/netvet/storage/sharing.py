"""Sharing storage: sharing groups and their members, TAXII collections, the ids netvet gives the
objects it exports, the log of what was sent and received, and received vulnerabilities."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
    select,
)

from netvet.advisories.model import Advisory
from netvet.sharing.export import IdRecord
from netvet.sharing.receive import ReceivedVulnerability
from netvet.sharing.release import Circle
from netvet.sharing.tlp import Tlp
from netvet.storage.inventory import upsert
from netvet.storage.tables import metadata, organizations


class MemberRole(StrEnum):
    MEMBER = "member"  # shares and receives
    CLIENT = "client"  # receives what TLP:AMBER lets a member pass to its clients; never writes


sharing_groups = Table(
    "sharing_groups",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("description", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sharing_members = Table(
    "sharing_members",
    metadata,
    Column("group_id", String(64), primary_key=True),
    Column("organization_id", String(64), primary_key=True),
    Column("role", String(8), nullable=False),
    Column("client_of", String(64)),
    Column("added_at", DateTime(timezone=True), nullable=False),
    ForeignKeyConstraint(["group_id"], ["sharing_groups.id"]),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
)

taxii_collections = Table(
    "taxii_collections",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("group_id", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("description", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    ForeignKeyConstraint(["group_id"], ["sharing_groups.id"]),
)

sharing_stix_ids = Table(
    "sharing_stix_ids",
    metadata,
    Column("organization_id", String(64), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("stix_id", String(128), nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("modified", DateTime(timezone=True), nullable=False),
    Column("digest", String(64), nullable=False),
)

sharing_exchanges = Table(
    "sharing_exchanges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organization_id", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("direction", String(8), nullable=False),  # sent or received
    Column("channel", Text, nullable=False),  # the TAXII server, or this server's group
    Column("collection", Text, nullable=False),
    Column("objects", Integer, nullable=False),
    Column("by_tlp", JSON, nullable=False),
    Column("actor", Text, nullable=False),
    Column("detail", JSON),
    Index("ix_sharing_exchanges_org", "organization_id", "id"),
)

shared_advisories = Table(
    "shared_advisories",
    metadata,
    Column("organization_id", String(64), primary_key=True),
    Column("advisory_id", String(128), primary_key=True),
    Column("tlp", String(16)),
    Column("producer", Text),
    Column("source", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("parsed", JSON, nullable=False),
)


class SharingError(ValueError):
    """A sharing request that cannot be done (unknown group, organisation, ...)."""


def now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# --- groups --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Membership:
    organization_id: str
    role: MemberRole
    client_of: str | None = None


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    description: str | None
    members: tuple[Membership, ...]

    @property
    def member_ids(self) -> frozenset[str]:
        return frozenset(m.organization_id for m in self.members if m.role is MemberRole.MEMBER)

    def role_of(self, organization_id: str) -> MemberRole | None:
        return next((m.role for m in self.members if m.organization_id == organization_id), None)


def create_group(conn: Connection, group_id: str, name: str, description: str | None = None) -> None:
    if conn.execute(select(sharing_groups.c.id).where(sharing_groups.c.id == group_id)).first():
        raise SharingError(f"sharing group {group_id!r} already exists")
    conn.execute(
        sharing_groups.insert().values(id=group_id, name=name, description=description, created_at=now())
    )


def add_member(
    conn: Connection,
    group_id: str,
    organization_id: str,
    role: MemberRole = MemberRole.MEMBER,
    client_of: str | None = None,
) -> None:
    group = get_group(conn, group_id)
    if group is None:
        raise SharingError(f"no sharing group {group_id!r}")
    if conn.execute(select(organizations.c.id).where(organizations.c.id == organization_id)).first() is None:
        raise SharingError(f"no organisation {organization_id!r}")
    if role is MemberRole.CLIENT:
        if client_of is None or client_of not in group.member_ids:
            raise SharingError(f"a client needs --client-of naming a member of {group_id!r}")
    elif client_of is not None:
        raise SharingError("only a client is the client of a member")
    row = {
        "group_id": group_id,
        "organization_id": organization_id,
        "role": role.value,
        "client_of": client_of,
        "added_at": now(),
    }
    upsert(conn, sharing_members, [row], ["group_id", "organization_id"])


def _groups(conn: Connection, where: Any = None) -> list[Group]:
    query = select(sharing_groups).order_by(sharing_groups.c.id)
    if where is not None:
        query = query.where(where)
    members: dict[str, list[Membership]] = defaultdict(list)
    for row in conn.execute(select(sharing_members).order_by(sharing_members.c.organization_id)).mappings():
        members[row["group_id"]].append(
            Membership(row["organization_id"], MemberRole(row["role"]), row["client_of"])
        )
    return [
        Group(row["id"], row["name"], row["description"], tuple(members.get(row["id"], ())))
        for row in conn.execute(query).mappings()
    ]


def list_groups(conn: Connection) -> list[Group]:
    return _groups(conn)


def get_group(conn: Connection, group_id: str) -> Group | None:
    found = _groups(conn, sharing_groups.c.id == group_id)
    return found[0] if found else None


def circle(conn: Connection) -> Circle:
    """Who is in the community (any sharing group, any role) and whose clients are whose."""
    community: set[str] = set()
    clients: dict[str, set[str]] = defaultdict(set)
    for org, role, client_of in conn.execute(
        select(sharing_members.c.organization_id, sharing_members.c.role, sharing_members.c.client_of)
    ):
        community.add(org)
        if role == MemberRole.CLIENT.value and client_of:
            clients[client_of].add(org)
    return Circle(frozenset(community), {k: frozenset(v) for k, v in clients.items()})


# --- collections ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Collection:
    id: str
    group_id: str
    title: str
    description: str | None


def create_collection(
    conn: Connection, group_id: str, title: str, description: str | None = None
) -> Collection:
    if get_group(conn, group_id) is None:
        raise SharingError(f"no sharing group {group_id!r}")
    collection = Collection(str(uuid.uuid4()), group_id, title, description)
    conn.execute(
        taxii_collections.insert().values(
            id=collection.id, group_id=group_id, title=title, description=description, created_at=now()
        )
    )
    return collection


def list_collections(conn: Connection, group_id: str | None = None) -> list[Collection]:
    query = select(taxii_collections).order_by(taxii_collections.c.group_id, taxii_collections.c.created_at)
    if group_id is not None:
        query = query.where(taxii_collections.c.group_id == group_id)
    return [
        Collection(row["id"], row["group_id"], row["title"], row["description"])
        for row in conn.execute(query).mappings()
    ]


def get_collection(conn: Connection, collection_id: str) -> Collection | None:
    row = (
        conn.execute(select(taxii_collections).where(taxii_collections.c.id == collection_id))
        .mappings()
        .first()
    )
    return Collection(row["id"], row["group_id"], row["title"], row["description"]) if row else None


# --- ids of exported objects ---------------------------------------------------------------------


def id_records(conn: Connection, organization_id: str) -> dict[str, IdRecord]:
    query = select(sharing_stix_ids).where(sharing_stix_ids.c.organization_id == organization_id)
    return {
        row["key"]: IdRecord(row["stix_id"], _aware(row["created"]), _aware(row["modified"]), row["digest"])
        for row in conn.execute(query).mappings()
    }


def save_id_records(conn: Connection, organization_id: str, records: Mapping[str, IdRecord]) -> None:
    rows = [
        {
            "organization_id": organization_id,
            "key": key,
            "stix_id": r.stix_id,
            "created": r.created,
            "modified": r.modified,
            "digest": r.digest,
        }
        for key, r in records.items()
    ]
    for start in range(0, len(rows), 2000):
        upsert(conn, sharing_stix_ids, rows[start : start + 2000], ["organization_id", "key"])


def own_identity(conn: Connection, organization_id: str) -> str | None:
    """The identity id the organisation's exports carry, once it has exported."""
    query = select(sharing_stix_ids.c.stix_id).where(
        sharing_stix_ids.c.organization_id == organization_id,
        sharing_stix_ids.c.key == f"identity:{organization_id}",
    )
    row = conn.execute(query).first()
    return str(row[0]) if row else None


# --- what was sent and received ------------------------------------------------------------------


def record_exchange(
    conn: Connection,
    organization_id: str,
    direction: str,
    channel: str,
    collection: str,
    by_tlp: Mapping[str, int],
    actor: str,
    detail: dict[str, Any] | None = None,
) -> None:
    conn.execute(
        sharing_exchanges.insert().values(
            organization_id=organization_id,
            at=now(),
            direction=direction,
            channel=channel,
            collection=collection,
            objects=sum(by_tlp.values()),
            by_tlp=dict(by_tlp),
            actor=actor,
            detail=detail,
        )
    )


def list_exchanges(conn: Connection, organization_id: str, limit: int = 100) -> list[dict[str, Any]]:
    query = (
        select(sharing_exchanges)
        .where(sharing_exchanges.c.organization_id == organization_id)
        .order_by(sharing_exchanges.c.id.desc())
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


# --- received vulnerabilities --------------------------------------------------------------------


def store_received(
    conn: Connection, organization_id: str, received: list[ReceivedVulnerability], source: str
) -> int:
    """Keep received vulnerabilities as the organisation's own advisories (a newer copy replaces one)."""
    at = now()
    rows = [
        {
            "organization_id": organization_id,
            "advisory_id": r.advisory.id,
            "tlp": r.tlp.value if r.tlp else None,
            "producer": r.producer,
            "source": source,
            "received_at": at,
            "parsed": r.advisory.model_dump(mode="json"),
        }
        for r in received
    ]
    for start in range(0, len(rows), 2000):
        upsert(conn, shared_advisories, rows[start : start + 2000], ["organization_id", "advisory_id"])
    return len(rows)


def received_advisories(
    conn: Connection, organization_id: str, ids: Iterable[str] | None = None
) -> Iterator[Advisory]:
    query = (
        select(shared_advisories.c.parsed)
        .where(shared_advisories.c.organization_id == organization_id)
        .order_by(shared_advisories.c.advisory_id)
    )
    if ids is not None:
        query = query.where(shared_advisories.c.advisory_id.in_(sorted(ids)))
    for (parsed,) in conn.execute(query):
        yield Advisory.model_validate(parsed)


def received_markings(conn: Connection, organization_id: str) -> dict[str, Tlp | None]:
    """advisory id -> the TLP level it came with."""
    query = select(shared_advisories.c.advisory_id, shared_advisories.c.tlp).where(
        shared_advisories.c.organization_id == organization_id
    )
    return {row[0]: Tlp(row[1]) if row[1] else None for row in conn.execute(query)}


def list_received(conn: Connection, organization_id: str) -> list[dict[str, Any]]:
    query = (
        select(shared_advisories)
        .where(shared_advisories.c.organization_id == organization_id)
        .order_by(shared_advisories.c.received_at.desc(), shared_advisories.c.advisory_id)
    )
    return [dict(row) for row in conn.execute(query).mappings()]
