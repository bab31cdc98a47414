"""Policy storage: user licences and extensions, and `run_assessment` over the database (stored whole by
`netvet.storage.findings`, where the API and dashboard read it)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
)

from netvet.data import role_table
from netvet.model.screening import VendorEvidence
from netvet.policy import Assessment, assess
from netvet.policy.licences import Extension, Licence
from netvet.policy.loader import (
    check_licence_rules,
    load_packs,
    parse_licence_document,
    shipped_licences,
    shipped_pack_paths,
)
from netvet.policy.rules import RulePack
from netvet.policy.timeline import TimelineEvent, timeline
from netvet.storage.db import Database
from netvet.storage.findings import Recorder, record_assessment
from netvet.storage.inventory import get_organization
from netvet.storage.tables import assets, metadata, sites

policy_licences = Table(
    "policy_licences",
    metadata,
    Column("organization_id", String(64), primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("kind", String(16), primary_key=True),  # licence or extension
    Column("document", JSON, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
)

_ASSET_QUERY = select(
    assets.c.organization_id,
    assets.c.id,
    assets.c.site_id,
    assets.c.vendor,
    assets.c.manufacturer,
    assets.c.role,
    assets.c.domain,
    assets.c.technology,
    assets.c.installed_on,
    assets.c.purchased_on,
    assets.c.funding,
    sites.c.country,
    sites.c.region,
    sites.c.kind.label("site_kind"),
    sites.c.national_security,
).select_from(
    assets.join(
        sites, (assets.c.organization_id == sites.c.organization_id) & (assets.c.site_id == sites.c.id)
    )
)


ASSET_FRAME_COLUMNS = [
    "organization_id", "id", "site_id", "vendor", "manufacturer", "role", "domain", "technology",
    "installed_on", "purchased_on", "funding", "country", "region", "site_kind", "national_security",
]  # fmt: skip


def asset_frame(conn: Connection, organization_id: str) -> pl.DataFrame:
    """Every asset of the organisation with its site's country, region and kind, in one query.

    Rows come straight from the driver: SQLAlchemy's per-value date processing would cost more than the
    query on a million rows; SQLite's ISO date strings are parsed by polars in bulk instead.
    """
    query = _ASSET_QUERY.where(assets.c.organization_id == organization_id)
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled))
        rows = cursor.fetchall()
    finally:
        cursor.close()
    schema: dict[str, type[pl.DataType]] = {
        c: (pl.Date if c.endswith("_on") and conn.dialect.name != "sqlite" else pl.String)
        for c in ASSET_FRAME_COLUMNS
    }
    # SQLite keeps a boolean as 0/1, PostgreSQL as true/false: both read as integers here.
    schema["national_security"] = pl.Int8 if conn.dialect.name == "sqlite" else pl.Boolean
    return pl.DataFrame(rows, schema=schema, orient="row")


def stored_licences(conn: Connection, organization_id: str) -> tuple[list[Licence], list[Extension]]:
    licences: list[Licence] = []
    extensions: list[Extension] = []
    query = select(policy_licences).where(policy_licences.c.organization_id == organization_id)
    for row in conn.execute(query).mappings():
        document = (
            {"licences": [row["document"]]} if row["kind"] == "licence" else {"extensions": [row["document"]]}
        )
        found, extended = parse_licence_document(document, row["file_name"])
        licences += found
        extensions += extended
    return licences, extensions


def add_licence_document(
    conn: Connection, organization_id: str, data: Mapping[str, Any], file_name: str, packs: Sequence[RulePack]
) -> tuple[int, int]:
    """Store every licence and extension of a validated file (replacing same ids); all or nothing."""
    licences, extensions = parse_licence_document(dict(data), file_name)
    check_licence_rules(licences, extensions, packs)
    now = datetime.now(UTC)
    for kind, items in (("licence", data.get("licences", [])), ("extension", data.get("extensions", []))):
        for item in items:
            conn.execute(
                delete(policy_licences).where(
                    (policy_licences.c.organization_id == organization_id)
                    & (policy_licences.c.id == item["id"])
                    & (policy_licences.c.kind == kind)
                )
            )
            conn.execute(
                insert(policy_licences).values(
                    organization_id=organization_id,
                    id=item["id"],
                    kind=kind,
                    document=_json_ready(item),
                    file_name=file_name,
                    added_at=now,
                )
            )
    return len(licences), len(extensions)


def _json_ready(value: Any) -> Any:
    """YAML gives dates as objects; JSON columns want strings (the schema accepts both)."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def rule_packs(extra_policies: Sequence[Path | str] = ()) -> tuple[RulePack, ...]:
    """The shipped packs plus the user's own (what-if) packs, loaded all-or-nothing."""
    return load_packs([*shipped_pack_paths(), *extra_policies])


def screening_evidence(
    conn: Connection, organization_id: str, at: date | None = None
) -> dict[str, list[VendorEvidence]]:
    """Screening's stored results for the organisation (the latest run, with the analysts' decisions
    taken by `at`)."""
    from netvet.storage.screening import vendor_evidence

    return vendor_evidence(conn, organization_id, at)


@dataclass
class PolicyInputs:
    """Everything an assessment reads: packs, licences and extensions, the asset frame, the evidence."""

    packs: tuple[RulePack, ...]
    licences: list[Licence]
    extensions: list[Extension]
    assets: pl.DataFrame
    evidence: Mapping[str, Sequence[VendorEvidence]]
    organization_names: dict[str, tuple[str, ...]]  # name and aliases (a contract binds its signatories)


def policy_inputs(
    db: Database,
    organization_id: str,
    extra_policies: Sequence[Path | str] = (),
    evidence: Mapping[str, Sequence[VendorEvidence]] | None = None,
    at: date | None = None,
) -> PolicyInputs:
    """Load and check every file first (all-or-nothing), then read the database once."""
    packs = rule_packs(extra_policies)
    licences, extensions = shipped_licences()
    with db.connect() as conn:
        own_licences, own_extensions = stored_licences(conn, organization_id)
        frame = asset_frame(conn, organization_id)
        if evidence is None:
            evidence = screening_evidence(conn, organization_id, at)
        organization = get_organization(conn, organization_id)
    licences += own_licences
    extensions += own_extensions
    check_licence_rules(licences, extensions, packs)
    names = {organization_id: (organization.name, *organization.aliases)} if organization else {}
    return PolicyInputs(packs, licences, extensions, frame, evidence, names)


def run_assessment(
    db: Database,
    organization_id: str = "default",
    jurisdictions: Sequence[str] | None = None,
    at: date | None = None,
    extra_policies: Sequence[Path | str] = (),
    *,
    include_proposals: bool = False,
    evidence: Mapping[str, Sequence[VendorEvidence]] | None = None,
    record: Recorder | None = None,
    findings_file: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Assessment:
    """Assess the stored inventory with the stored screening results on `at` (default: today).

    With `record`, the assessment is stored whole where the API and dashboard read it, as a what-if
    when extra packs or proposals took part. Raises `DataFileError` for a bad rule pack or licence file
    (nothing is evaluated then) and `UnknownJurisdictionError` for an unknown jurisdiction code.
    """
    at = at or date.today()
    inputs = policy_inputs(db, organization_id, extra_policies, evidence, at)
    result = assess(
        inputs.assets,
        inputs.evidence,
        inputs.packs,
        at,
        jurisdictions=jurisdictions,
        licences=inputs.licences,
        extensions=inputs.extensions,
        include_proposals=include_proposals,
        roles=role_table(),
        organization_names=inputs.organization_names,
        progress=progress,
    )
    scenario = what_if_scenario(extra_policies, include_proposals)
    if findings_file is not None:
        result.write_json(findings_file, scenario)
    if record is not None:
        record.assessment_id = record_assessment(
            db, organization_id, result, record.actor, record.via, scenario
        )
    return result


def what_if_scenario(extra_policies: Sequence[Path | str], include_proposals: bool) -> str | None:
    """What makes an assessment a what-if (None: it is the network's status under the shipped law)."""
    parts = [f"extra pack {Path(p).name}" for p in extra_policies]
    if include_proposals:
        parts.append("proposals included")
    return "; ".join(parts) or None


def run_timeline(
    db: Database,
    organization_id: str = "default",
    jurisdictions: Sequence[str] | None = None,
    extra_policies: Sequence[Path | str] = (),
    *,
    evidence: Mapping[str, Sequence[VendorEvidence]] | None = None,
    today: date | None = None,
) -> list[TimelineEvent]:
    inputs = policy_inputs(db, organization_id, extra_policies, evidence)
    return timeline(
        inputs.assets,
        inputs.evidence,
        inputs.packs,
        today or date.today(),
        jurisdictions=jurisdictions,
        licences=inputs.licences,
        extensions=inputs.extensions,
        roles=role_table(),
        organization_id=organization_id,
    )


__all__ = [
    "add_licence_document",
    "asset_frame",
    "policy_inputs",
    "policy_licences",
    "rule_packs",
    "run_assessment",
    "run_timeline",
    "stored_licences",
    "what_if_scenario",
]
