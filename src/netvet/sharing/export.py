"""STIX 2.1 objects from an operator's advisory matches: what it would share with a group.

For each vulnerability that hit the inventory: a `vulnerability` (with its CVE and advisory as
external references), an `infrastructure` per kind of affected network element with the
`software` it runs (`consists-of`), `infrastructure has vulnerability`, and a `note` with the
operator's own assessment (how many elements, which domains, fixed or not). Vulnerabilities the
operator received from another organisation are not sent again: it adds its `opinion` on them
("agree": confirmed on its own elements) and its elements that have them. Every object carries the
chosen TLP 2.0 marking (derived objects at least the received object's), and the `identity` of the
organisation is the `created_by_ref` of everything it made.

Elements are described at the level the sender chooses: vendor and model, or also the software
version; site coordinates only when asked. Ids stay the same from one export to the next (kept by
the caller in `IdRecord`s), and an object whose content did not change keeps its version.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

import stix2

from netvet.advisories.asset_index import AssetView
from netvet.advisories.model import Advisory, SourceFormat
from netvet.model.inventory import Organization, OrganizationKind
from netvet.sharing.tlp import Tlp, marking_catalogue

_SECTORS = {
    OrganizationKind.OPERATOR: ["telecommunications"],
    OrganizationKind.VENDOR: ["technology"],
    OrganizationKind.REGULATOR: ["government-national"],
}
_INFRASTRUCTURE_TYPES = {"transport": ["routers-switches"]}


class Detail(StrEnum):
    """How much of a network element the sender tells."""

    PRODUCT = "product"  # vendor and model
    VERSION = "version"  # vendor, model and software version


class AssessedMatch(NamedTuple):
    advisory_id: str
    vulnerability: str  # the vulnerability's label in the advisory (its CVE, or the advisory's id)
    asset_id: str
    status: str  # affected, not_affected, fixed, unknown


@dataclass(frozen=True)
class Place:
    site_id: str
    name: str | None
    country: str | None
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Received:
    """A vulnerability the organisation received: its STIX id and the marking it came with."""

    stix_id: str
    tlp: Tlp


@dataclass(frozen=True)
class ExportChoices:
    tlp: Tlp
    detail: Detail = Detail.VERSION
    with_sites: bool = False
    note: str | None = None


@dataclass(frozen=True)
class IdRecord:
    """The id an exported thing keeps, the version it was last sent as, and that version's digest."""

    stix_id: str
    created: datetime
    modified: datetime
    digest: str


@dataclass(frozen=True)
class Export:
    objects: list[Any]  # stix2 objects, marking definitions first
    records: dict[str, IdRecord]  # by key, every record used (new or kept)

    def bundle(self) -> stix2.Bundle:
        return stix2.Bundle(objects=self.objects, allow_custom=False)

    @property
    def counts(self) -> Counter[str]:
        return Counter(obj["type"] for obj in self.objects)


class _Builder:
    def __init__(self, known: Mapping[str, IdRecord], now: datetime, identity_key: str) -> None:
        self.known = known
        self.now = now
        self.records: dict[str, IdRecord] = {}
        self.objects: dict[str, Any] = {}
        self.levels: set[Tlp] = set()
        self.identity_key = identity_key

    def sdo(self, cls: Any, stix_type: str, key: str, tlp: Tlp, **properties: Any) -> Any:
        """A versioned object with a kept id: a new version only when its content changed."""
        if key in self.records:
            return self.objects[self.records[key].stix_id]
        if stix_type != "identity":
            properties["created_by_ref"] = self.ref(self.identity_key)
        properties["object_marking_refs"] = [tlp.marking_id]
        digest = hashlib.sha256(json.dumps(properties, sort_keys=True, default=str).encode()).hexdigest()
        old = self.known.get(key)
        if old is None:
            record = IdRecord(f"{stix_type}--{uuid.uuid4()}", self.now, self.now, digest)
        elif old.digest == digest:
            record = old
        else:
            record = IdRecord(old.stix_id, old.created, max(self.now, old.modified), digest)
        self.records[key] = record
        self.levels.add(tlp)
        obj = cls(id=record.stix_id, created=record.created, modified=record.modified, **properties)
        self.objects[record.stix_id] = obj
        return obj

    def link(self, kind: str, source: str, target: str, tlp: Tlp) -> Any:
        return self.sdo(
            stix2.Relationship,
            "relationship",
            f"relationship:{kind}:{source}:{target}",
            tlp,
            relationship_type=kind,
            source_ref=source,
            target_ref=target,
        )

    def ref(self, key: str) -> str:
        return self.records[key].stix_id

    def observable(self, obj: Any, tlp: Tlp) -> Any:
        self.levels.add(tlp)
        self.objects.setdefault(obj.id, obj)
        return obj


def organisation_identity(builder: _Builder, organisation: Organization, tlp: Tlp) -> Any:
    return builder.sdo(
        stix2.Identity,
        "identity",
        builder.identity_key,
        tlp,
        name=organisation.name,
        identity_class="organization",
        sectors=_SECTORS.get(organisation.kind, []),
    )


def _vulnerability_refs(advisory: Advisory, label: str, cve: str | None) -> list[dict[str, str]]:
    refs: list[dict[str, str]] = []
    if cve:
        refs.append({"source_name": "cve", "external_id": cve})
    refs.append(
        {
            "source_name": advisory.publisher or advisory.source_format.value,
            "external_id": advisory.id,
            "description": advisory.title,
        }
    )
    for other in advisory.vulnerabilities:
        if other.label == label:
            refs.extend(
                {"source_name": "alias", "external_id": i} for i in other.ids if i not in (cve, label)
            )
    return refs


def _element_key(asset: AssetView, choices: ExportChoices, place: Place | None) -> tuple[str, ...]:
    version = asset.software_version if choices.detail is Detail.VERSION else None
    site = place.site_id if place is not None and choices.with_sites else ""
    return (asset.vendor, asset.model or "", version or "", site)


def _assessment_text(name: str, statuses: Counter[str], domains: Counter[str], note: str | None) -> str:
    affected = statuses.get("affected", 0)
    parts = [f"{name}: {affected} of our network elements affected"]
    if domains:
        parts[0] += " (" + ", ".join(f"{d} {n}" for d, n in sorted(domains.items())) + ")"
    for status in ("fixed", "not_affected", "unknown"):
        if statuses.get(status):
            parts.append(f"{statuses[status]} {status.replace('_', ' ')}")
    text = "; ".join(parts) + "."
    return f"{text}\n\n{note}" if note else text


def build_export(
    organisation: Organization,
    advisories: Iterable[Advisory],
    matches: Iterable[AssessedMatch],
    assets: Mapping[str, AssetView],
    choices: ExportChoices,
    now: datetime,
    known: Mapping[str, IdRecord],
    places: Mapping[str, Place] | None = None,
    received: Mapping[str, Received] | None = None,
) -> Export:
    """The objects to share: every vulnerability with at least one affected element."""
    places = places or {}
    received = received or {}
    builder = _Builder(known, now, f"identity:{organisation.id}")
    organisation_identity(builder, organisation, choices.tlp)
    by_vulnerability: dict[tuple[str, str], list[AssessedMatch]] = defaultdict(list)
    for match in matches:
        by_vulnerability[(match.advisory_id, match.vulnerability)].append(match)
    for advisory in advisories:
        for vulnerability in advisory.vulnerabilities:
            rows = by_vulnerability.get((advisory.id, vulnerability.label), [])
            affected = [r for r in rows if r.status == "affected" and r.asset_id in assets]
            if not affected:
                continue
            origin = received.get(advisory.id) if advisory.source_format is SourceFormat.STIX else None
            tlp = max(choices.tlp, origin.tlp, key=lambda t: t.rank) if origin else choices.tlp
            if origin is not None:
                target = origin.stix_id
            else:
                target = builder.sdo(
                    stix2.Vulnerability,
                    "vulnerability",
                    f"vulnerability:{advisory.id}:{vulnerability.label}",
                    tlp,
                    name=vulnerability.cve or vulnerability.label,
                    description=vulnerability.title or advisory.title,
                    external_references=_vulnerability_refs(advisory, vulnerability.label, vulnerability.cve),
                ).id
            _elements(builder, affected, assets, places, choices, tlp, target)
            statuses = Counter(r.status for r in rows)
            domains = Counter(assets[r.asset_id].domain for r in affected)
            name = vulnerability.cve or vulnerability.label
            builder.sdo(
                stix2.Note,
                "note",
                f"note:{target}",
                tlp,
                abstract=f"{organisation.name} assessment of {name}",
                content=_assessment_text(name, statuses, domains, choices.note),
                object_refs=[target],
            )
            if origin is not None:
                builder.sdo(
                    stix2.Opinion,
                    "opinion",
                    f"opinion:{target}",
                    tlp,
                    opinion="agree",
                    explanation=f"Confirmed on {len(affected)} of our network elements.",
                    object_refs=[target],
                )
    catalogue = marking_catalogue()
    markings = [catalogue.stix_definition(level) for level in sorted(builder.levels, key=lambda t: t.rank)]
    return Export([*markings, *builder.objects.values()], builder.records)


def _elements(
    builder: _Builder,
    affected: Sequence[AssessedMatch],
    assets: Mapping[str, AssetView],
    places: Mapping[str, Place],
    choices: ExportChoices,
    link_tlp: Tlp,
    vulnerability_id: str,
) -> None:
    """The elements that have the vulnerability. They are the sender's own and carry its chosen marking;
    the link to a received vulnerability carries that one's (`link_tlp`)."""
    tlp = choices.tlp
    groups: dict[tuple[str, ...], list[AssetView]] = defaultdict(list)
    for row in affected:
        asset = assets[row.asset_id]
        groups[_element_key(asset, choices, places.get(asset.id))].append(asset)
    for key, members in sorted(groups.items()):
        vendor, model, version, site = key
        sample = members[0]
        label = " ".join(p for p in (vendor, model, version) if p)
        infrastructure = builder.sdo(
            stix2.Infrastructure,
            "infrastructure",
            "infrastructure:" + "|".join(key),
            tlp,
            name=label + (f" at {site}" if site else ""),
            description=f"{len(members)} network element(s), {sample.domain} domain.",
            infrastructure_types=_INFRASTRUCTURE_TYPES.get(sample.domain, ["unknown"]),
        )
        software_properties: dict[str, Any] = {"name": model or vendor, "vendor": vendor}
        if version:
            software_properties["version"] = version
        software = builder.observable(
            stix2.Software(**software_properties, object_marking_refs=[tlp.marking_id]), tlp
        )
        builder.link("consists-of", infrastructure.id, software.id, tlp)
        builder.link("has", infrastructure.id, vulnerability_id, link_tlp)
        place = places.get(sample.id)
        if site and place is not None and place.latitude is not None and place.longitude is not None:
            location = builder.sdo(
                stix2.Location,
                "location",
                f"location:{site}",
                tlp,
                name=place.name or site,
                latitude=place.latitude,
                longitude=place.longitude,
                **({"country": place.country} if place.country else {}),
            )
            builder.link("located-at", infrastructure.id, location.id, tlp)
