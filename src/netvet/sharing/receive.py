"""Received STIX objects as advisories: another organisation's finding becomes a local match.

A `vulnerability` becomes an advisory with one vulnerability (its CVE from the `cve` external
reference). Each element the sender says has it (`infrastructure has vulnerability`; the reverse
`vulnerability targets infrastructure`, which the STIX 2.1 tables do not list, is read as the same
link) gives a product line through the `software` the element `consists-of`: vendor, product (the
model) and the exact software version (its `version`, or the version its `cpe` names), affected. A sender that told no version says only that the
product is concerned: the line is `under_investigation`, which matching reports as unknown, never as
affected.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from netvet.advisories.cpe import ANY, NA, CpeSyntaxError, parse_cpe
from netvet.advisories.model import Advisory, Criterion, ProductStatus, SourceFormat, Vulnerability
from netvet.advisories.ranges import VersionRange
from netvet.sharing.tlp import Tlp, object_tlp


@dataclass(frozen=True)
class ReceivedVulnerability:
    stix_id: str
    tlp: Tlp | None
    producer: str | None  # the name of the identity that made it
    advisory: Advisory


def _links(objects: Sequence[Mapping[str, Any]]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(vulnerability id -> infrastructure ids that have it, infrastructure id -> software ids)."""
    has: dict[str, set[str]] = defaultdict(set)
    consists: dict[str, set[str]] = defaultdict(set)
    for obj in objects:
        if obj.get("type") != "relationship":
            continue
        kind, source, target = (
            obj.get("relationship_type"),
            obj.get("source_ref", ""),
            obj.get("target_ref", ""),
        )
        if kind == "has" and source.startswith("infrastructure--") and target.startswith("vulnerability--"):
            has[target].add(source)
        elif (
            kind == "targets"
            and source.startswith("vulnerability--")
            and target.startswith("infrastructure--")
        ):
            has[source].add(target)
        elif (
            kind == "consists-of"
            and source.startswith("infrastructure--")
            and target.startswith("software--")
        ):
            consists[source].add(target)
    return has, consists


def _cpe_version(cpe: str | None) -> str | None:
    """The version a CPE 2.3 name gives, when it names one version (not ANY, NA or a pattern)."""
    if not cpe:
        return None
    try:
        version = parse_cpe(cpe).version
    except CpeSyntaxError:
        return None
    return None if version in (ANY, NA) or any(c in version for c in "*?") else version.replace("\\", "")


def _criterion(ref: str, software: Mapping[str, Any]) -> Criterion:
    version = software.get("version") or _cpe_version(software.get("cpe"))
    return Criterion(
        ref=ref,
        status=ProductStatus.AFFECTED if version else ProductStatus.UNDER_INVESTIGATION,
        vendor=software.get("vendor"),
        product=software.get("name"),
        versions=VersionRange.exact(version) if version else None,
        cpe=software.get("cpe"),
    )


def _cve(vulnerability: Mapping[str, Any]) -> tuple[str | None, tuple[str, ...]]:
    cve = None
    others: list[str] = []
    for ref in vulnerability.get("external_references", ()):
        external_id = ref.get("external_id")
        if not external_id:
            continue
        if ref.get("source_name") == "cve" and cve is None:
            cve = external_id
        else:
            others.append(external_id)
    name = vulnerability.get("name", "")
    if cve is None and name.upper().startswith("CVE-"):
        cve = name.upper()
    return cve, tuple(dict.fromkeys(others))


def received_vulnerabilities(objects: Iterable[Mapping[str, Any]]) -> list[ReceivedVulnerability]:
    """Every `vulnerability` among the objects, as an advisory matching can use."""
    objects = list(objects)
    by_id = {obj["id"]: obj for obj in objects if "id" in obj}
    has, consists = _links(objects)
    found: list[ReceivedVulnerability] = []
    for obj in objects:
        if obj.get("type") != "vulnerability":
            continue
        criteria = [
            _criterion(f"{infrastructure}/{software}", by_id[software])
            for infrastructure in sorted(has.get(obj["id"], ()))
            for software in sorted(consists.get(infrastructure, ()))
            if software in by_id
        ]
        producer = by_id.get(obj.get("created_by_ref", ""), {}).get("name")
        cve, ids = _cve(obj)
        advisory = Advisory(
            id=obj["id"],
            source_format=SourceFormat.STIX,
            title=obj.get("description") or obj.get("name", obj["id"]),
            publisher=producer,
            published=obj.get("created"),
            vulnerabilities=(
                Vulnerability(cve=cve, ids=ids, title=obj.get("name"), criteria=tuple(criteria)),
            ),
        )
        found.append(ReceivedVulnerability(obj["id"], object_tlp(obj), producer, advisory))
    return found
