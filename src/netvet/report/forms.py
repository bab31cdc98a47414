"""Regulators' forms filled from the inventory and the findings, as far as an inventory can fill them.

- `us-covered`: the covered-equipment report in the shape of the FCC's supply chain data collection
  (the 2020 information collection from eligible telecommunications carriers, OMB 3060-1270, and the
  Supply Chain Annual Report that followed it, 47 CFR 1.50007): one row per piece of covered equipment.
- `uk-dvd`: the UK designated-vendor compliance summary: one row per requirement of the rule pack for
  the UK (the Designated Vendor Direction of 2022-10-13: core, 35% full-fibre cap, 5G removal, ...).

Fields the inventory cannot know (registration numbers, costs paid, certifications) are present and
left empty, and `FormField.netvet_source` is None for them; docs/reports.md lists them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select

from netvet.report.context import STATUS_RANK, ReportData
from netvet.report.summary import missing_data, position, status_counts
from netvet.screening.vendors import CanonicalVendor, asset_vendor, vendor_names
from netvet.spreadsheets import csv_value
from netvet.storage import Database
from netvet.storage.inventory import ID_BATCH, iter_assets
from netvet.storage.tables import sites

US_JURISDICTION = "us"
UK_JURISDICTION = "uk"


@dataclass(frozen=True)
class FormField:
    name: str
    question: str  # what the official form asks, in our words
    netvet_source: str | None  # where netvet takes the answer from; None: the inventory cannot know


WHAT_IF_FIELD = FormField(
    "what_if", "(netvet) a what-if assessment, not the network's status: what makes it one", "--policy"
)

US_COVERED_FIELDS: tuple[FormField, ...] = (
    FormField("filer_name", "Name of the provider filing", "organisation name"),
    FormField("frn", "FCC Registration Number (FRN) of the filer", None),
    FormField("holding_company", "Holding company and affiliates covered by the filing", None),
    FormField("as_of", "Date the information is given as of", "assessment date (--at)"),
    FormField("equipment_id", "Identifier of the equipment", "asset id"),
    FormField(
        "manufacturer",
        "Manufacturer / vendor of the covered equipment or service",
        "asset vendor, as one canonical name (the entity screening matched)",
    ),
    FormField(
        "manufacturer_as_written",
        "(netvet) the vendor and manufacturer as the inventory writes them",
        "asset vendor and manufacturer",
    ),
    FormField("model", "Model or type of the equipment", "asset model and part number"),
    FormField("equipment_function", "What the equipment does in the network", "asset role"),
    FormField("network_part", "Where in the network (core, access, transport, management)", "asset domain"),
    FormField("technology", "Technology (e.g. 4G, 5G)", "asset technology"),
    FormField(
        "location",
        "Location of the equipment (site, address or coordinates)",
        "site name, region, coordinates",
    ),
    FormField("state_or_region", "State or region", "site region"),
    FormField("in_use", "Whether the equipment is in use in the network", "present in the inventory: yes"),
    FormField("obtained_on", "When it was purchased, leased or otherwise obtained", "asset purchased_on"),
    FormField("installed_on", "When it was installed", "asset installed_on"),
    FormField("federal_funding", "Whether federal (USF) support paid for it", "asset funding, as written"),
    FormField("purchase_cost", "Cost of purchasing the equipment", None),
    FormField("installation_cost", "Cost of installing it", None),
    FormField("removal_replacement_cost_estimate", "Estimated cost to remove and replace it", None),
    FormField("estimate_basis", "How the removal and replacement estimate was made", None),
    FormField("replacement_plan", "Plans and timing to remove and replace it", None),
    FormField("rules", "(netvet) the rules that flag it", "findings"),
    FormField("status", "(netvet) its worst status, or unknown with what is missing", "findings"),
    FormField("deadline", "(netvet) the nearest deadline the rules give", "findings"),
    FormField("certification", "Officer's certification of the filing", None),
)

UK_DVD_FIELDS: tuple[FormField, ...] = (
    FormField("provider", "Public communications provider the direction is given to", "organisation name"),
    FormField("as_of", "Date of the compliance position", "assessment date (--at)"),
    FormField("requirement", "Requirement of the designated vendor direction", "rule id and title"),
    FormField("deadline", "Date by which the requirement must be met", "rule deadline (findings)"),
    FormField(
        "position",
        "Compliant, on track (due), not compliant, or unknown (with what is missing)",
        "worst finding status; never compliant while a finding is unknown",
    ),
    FormField("items_not_compliant", "Equipment still in breach of the requirement", "findings in violation"),
    FormField("items_due", "Equipment that must still go before the deadline", "findings due"),
    FormField("items_unknown", "Equipment the inventory cannot decide", "findings unknown"),
    FormField("missing", "What the inventory lacks to decide the rest", "findings unknown: missing"),
    FormField("items_licensed", "Equipment covered by an exemption", "findings licensed"),
    FormField("measured_share", "Share of the designated vendor (for the 35% cap)", "cap findings"),
    FormField("cap", "The cap", "cap findings"),
    FormField("excess", "How many sites or items must move to meet the cap", "cap findings"),
    FormField("cap_metric", "What the share counts (sites or equipment)", "cap findings"),
    FormField(
        "national_security_sites", "Sites significant to national security (named by the government)", None
    ),
    FormField("remediation_plan", "The provider's plan and dates to comply", None),
    FormField("source", "Legal source of the requirement", "rule sources"),
)


def _network_part(domain: str) -> str:
    return {"ran": "access (RAN)"}.get(domain, domain)


def _pack_countries(data: ReportData, jurisdiction: str) -> list[str]:
    countries = [
        c for pack in data.methods.packs if pack.jurisdiction == jurisdiction for c in pack.countries
    ]
    return countries or [jurisdiction.upper()]


def us_hits(data: ReportData, jurisdiction: str = US_JURISDICTION) -> pl.DataFrame:
    """Findings of the US rules on equipment in the US: the FCC asks about the carrier's own network,
    not about US export rules reaching equipment abroad."""
    return data.findings.filter(
        (pl.col("jurisdiction") == jurisdiction)
        & pl.col("asset_id").is_not_null()
        & pl.col("country").is_in(_pack_countries(data, jurisdiction))
    )


def us_flagged(data: ReportData, jurisdiction: str = US_JURISDICTION) -> pl.DataFrame:
    """Per asset: the rules of `jurisdiction` that flag it and the nearest deadline."""
    names = list(STATUS_RANK)
    return (
        us_hits(data, jurisdiction)
        .with_columns(pl.col("status").replace_strict(STATUS_RANK, default=len(names)).alias("rank"))
        .group_by("asset_id")
        .agg(
            pl.col("rule_id").unique().sort().str.join("; ").alias("rules"),
            pl.col("deadline").min().alias("deadline"),
            pl.col("rank").min().alias("rank"),
            pl.col("missing").drop_nulls().unique().sort().str.join("; ").alias("missing"),
        )
        .with_columns(
            pl.col("rank").replace_strict(dict(enumerate(names)), return_dtype=pl.String).alias("worst")
        )
        .select("asset_id", "rules", "deadline", "worst", "missing")
    )


def us_covered_rows(
    db: Database, data: ReportData, jurisdiction: str = US_JURISDICTION
) -> Iterator[dict[str, Any]]:
    """One row per flagged asset, in asset id order, with the inventory's details."""
    flagged = {row[0]: row[1:] for row in us_flagged(data, jurisdiction).iter_rows()}
    ids = sorted(flagged)
    canonical = _VendorLookup(data.vendors)
    with db.connect() as conn:
        site_rows = conn.execute(
            select(sites).where(sites.c.organization_id == data.organization_id)
        ).mappings()
        site_of: dict[str, dict[str, Any]] = {row["id"]: dict(row) for row in site_rows}
        for start in range(0, len(ids), ID_BATCH):
            for asset in iter_assets(conn, data.organization_id, ids[start : start + ID_BATCH]):
                site: dict[str, Any] = site_of.get(asset.site_id, {})
                rules, deadline, worst, missing = flagged[asset.id]
                coordinates = (
                    f"{site['latitude']:.5f},{site['longitude']:.5f}"
                    if site and site["latitude"] is not None and site["longitude"] is not None
                    else ""
                )
                location = " / ".join(str(p) for p in (asset.site_id, site.get("name"), coordinates) if p)
                yield {
                    "filer_name": data.organization_name,
                    "frn": "",
                    "holding_company": "",
                    "as_of": data.at.isoformat(),
                    "equipment_id": asset.id,
                    "manufacturer": asset_vendor(
                        canonical[asset.vendor], canonical[asset.manufacturer] if asset.manufacturer else None
                    ).name,
                    "manufacturer_as_written": " / ".join(
                        dict.fromkeys(p for p in (asset.vendor, asset.manufacturer) if p)
                    ),
                    "model": " ".join(p for p in (asset.model, asset.part_number) if p),
                    "equipment_function": asset.role,
                    "network_part": _network_part(asset.domain.value),
                    "technology": asset.technology or "",
                    "location": location,
                    "state_or_region": site.get("region") or "",
                    "in_use": "yes",
                    "obtained_on": asset.purchased_on.isoformat() if asset.purchased_on else "",
                    "installed_on": asset.installed_on.isoformat() if asset.installed_on else "",
                    "federal_funding": asset.funding or "",
                    "purchase_cost": "",
                    "installation_cost": "",
                    "removal_replacement_cost_estimate": "",
                    "estimate_basis": "",
                    "replacement_plan": "",
                    "rules": rules,
                    # Never "compliant" by omission: an undecided rule says what the inventory lacks.
                    "status": f"unknown (missing: {missing})" if worst == "unknown" else worst,
                    "deadline": deadline.isoformat() if deadline else "",
                    "certification": "",
                }


class _VendorLookup:
    """The canonical vendor of a name, from the report's (resolved with screening), else the directory."""

    def __init__(self, vendors: Mapping[str, CanonicalVendor]) -> None:
        self._vendors = dict(vendors)

    def __getitem__(self, name: str) -> CanonicalVendor:
        if name not in self._vendors:
            self._vendors.update(vendor_names({name: 1}, self._vendors))
        return self._vendors[name]


def us_covered_summary(data: ReportData, jurisdiction: str = US_JURISDICTION) -> list[dict[str, Any]]:
    """The covered equipment grouped by canonical vendor (as in the share chart) and network part."""
    hits = us_hits(data, jurisdiction).with_columns(pl.col("vendor_canonical").alias("vendor"))
    grouped = (
        hits.group_by("vendor", "domain")
        .agg(
            pl.col("asset_id").n_unique().alias("items"),
            pl.col("site_id").n_unique().alias("sites"),
            pl.col("deadline").min().alias("deadline"),
            pl.col("asset_id").filter(pl.col("status") == "unknown").n_unique().alias("unknown"),
        )
        .sort("items", "vendor", descending=[True, False], nulls_last=True)
    )
    return [
        {
            "vendor": vendor or "",
            "network_part": _network_part(domain or ""),
            "items": items,
            "sites": site_count,
            "deadline": deadline.isoformat() if deadline else "",
            "unknown": unknown,
        }
        for vendor, domain, items, site_count, deadline, unknown in grouped.iter_rows()
    ]


_WITHOUT_FORCE = {"guidance": "guidance, no legal force", "proposal": "a proposal, not law"}


def uk_dvd_rows(data: ReportData, jurisdiction: str = UK_JURISDICTION) -> list[dict[str, Any]]:
    """One row per requirement: every rule of the pack (met ones too), with the findings' counts."""
    titles: dict[str, str] = {}
    sources: dict[str, str] = {}
    forces: dict[str, str] = {}
    for pack in data.methods.packs:
        if pack.jurisdiction == jurisdiction:
            for rule in pack.rules:
                titles[rule.id] = rule.title
                sources[rule.id] = "; ".join(rule.sources)
                forces[rule.id] = rule.legal_status
    mine = data.findings.filter(pl.col("jurisdiction") == jurisdiction)
    rule_ids = list(dict.fromkeys([*titles, *sorted(set(mine.get_column("rule_id").to_list()))]))
    rows = []
    for rule_id in rule_ids:
        findings = mine.filter(pl.col("rule_id") == rule_id)
        counts = status_counts(findings)
        caps = findings.filter(pl.col("cap").is_not_null()).sort("measured_share", descending=True)
        top_cap = caps.row(0, named=True) if caps.height else None
        deadlines = findings.get_column("deadline").drop_nulls()
        if rule_id in data.methods.rules_skipped:
            stand = f"not assessed: {data.methods.rules_skipped[rule_id]}"
        else:
            stand = position(findings)
        if stand == "compliant" and forces.get(rule_id) in _WITHOUT_FORCE:
            # Guidance or a proposal: nothing to comply with in law, so never "compliant".
            stand = f"no findings ({_WITHOUT_FORCE[forces[rule_id]]})"
        rows.append(
            {
                "provider": data.organization_name,
                "as_of": data.at.isoformat(),
                "requirement": f"{rule_id}: {titles[rule_id]}" if rule_id in titles else rule_id,
                "deadline": deadlines.min().isoformat() if deadlines.len() else "",  # type: ignore[union-attr]
                "position": stand,
                "items_not_compliant": counts["violation"] if not top_cap else "",
                "items_due": counts["due"] if not top_cap else "",
                "items_unknown": counts["unknown"] if not top_cap else "",
                "missing": "; ".join(str(m) for m in missing_data(findings)),
                "items_licensed": counts["licensed"],
                "measured_share": f"{top_cap['measured_share']:.4f}" if top_cap else "",
                "cap": f"{top_cap['cap']:.2f}" if top_cap else "",
                "excess": top_cap["excess"] if top_cap else "",
                "cap_metric": top_cap["cap_metric"] or "" if top_cap else "",
                "national_security_sites": "",
                "remediation_plan": "",
                "source": sources.get(rule_id)
                or (str(findings.get_column("source")[0]) if findings.height else ""),
            }
        )
    return rows


def write_csv(rows: Iterable[dict[str, Any]], fields: Sequence[FormField], path: Path) -> int:
    """Write form rows under the form's field names; returns the number of rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[f.name for f in fields])
        writer.writeheader()
        for row in rows:
            writer.writerow({key: csv_value(value) for key, value in row.items()})
            written += 1
    return written
