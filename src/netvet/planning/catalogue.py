"""The cost catalogue: what replacing an asset costs, how many crew-days it takes, and in which phases.

The catalogue is data (data/costs.yaml, validated by costs.schema.json); this module only turns the
parsed mapping into lookups. Roles are resolved through the role table, so an inventory that writes
'gNodeB' prices like 'gNB'.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from netvet.model.inventory import Domain
from netvet.model.roles import RoleTable, role_key

FIELD_CREW = "field"  # the regional crews `--crews` counts; every other crew type is network-wide
REPLACEMENT = "replacement"  # the one phase of work whose domain has no phases in the catalogue
# When a package mixes domains, the phases of the first one here that has phases apply.
DOMAIN_ORDER = ("core", "management", "transport", "ran", "other")


class CatalogueError(ValueError):
    """A catalogue that passes the schema but cannot be used; `key` names the field."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True, slots=True)
class UnitCost:
    equipment_cost: float
    crew_days: float
    source: str


@dataclass(frozen=True, slots=True)
class RiskWeights:
    domain_weights: Mapping[str, float]
    late_multiplier: float
    unfinished_weeks: int
    advisory_share: float = 0.5  # what guidance adds to an asset's weekly weight, as a share of it

    def weight(self, domain: Domain | str) -> float:
        return self.domain_weights[str(domain)]


@dataclass(frozen=True, slots=True)
class CrewType:
    """Specialised crews or vendor professional services: teams shared by the whole network."""

    name: str
    teams: int
    day_rate: float
    source: str


@dataclass(frozen=True, slots=True)
class PhaseStep:
    """One phase of a domain's work: its share of the crew-days, shortest length and crew."""

    name: str
    share: float
    min_weeks: int
    crew: str
    source: str


SINGLE_PHASE = (PhaseStep(REPLACEMENT, 1.0, 1, FIELD_CREW, "one visit by field crews"),)


@dataclass(frozen=True)
class CostCatalogue:
    version: str
    currency: str
    crew_day_rate: float
    days_per_crew_week: float
    risk: RiskWeights
    roles: Mapping[str, UnitCost]  # keyed by role_key of the canonical role
    domains: Mapping[str, UnitCost]
    site_kinds: Mapping[str, UnitCost]  # visit overhead per site kind; "default" always present
    specialists: Mapping[str, CrewType] = field(default_factory=dict)
    phases: Mapping[str, tuple[PhaseStep, ...]] = field(default_factory=dict)  # by domain

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> CostCatalogue:
        """Build from a mapping already validated against costs.schema.json; CatalogueError if unusable."""
        risk = data["risk"]
        site_kinds = {
            str(k["kind"]).lower(): UnitCost(
                float(k["visit_cost"]), float(k["visit_crew_days"]), str(k["source"])
            )
            for k in data["site_kinds"]
        }
        site_kinds.setdefault("default", UnitCost(0.0, 0.0, "no site overhead given"))
        specialists = {
            str(c["type"]): CrewType(str(c["type"]), int(c["teams"]), float(c["day_rate"]), str(c["source"]))
            for c in data.get("specialist_crews", [])
        }
        if FIELD_CREW in specialists:
            raise CatalogueError(
                "specialist_crews", f"'{FIELD_CREW}' names the regional crews; pick another name"
            )
        return cls(
            version=str(data["version"]),
            currency=str(data["currency"]),
            crew_day_rate=float(data["crew_day_rate"]),
            days_per_crew_week=float(data["days_per_crew_week"]),
            risk=RiskWeights(
                domain_weights={str(k): float(v) for k, v in risk["domain_weights"].items()},
                late_multiplier=float(risk["late_multiplier"]),
                unfinished_weeks=int(risk["unfinished_weeks"]),
                advisory_share=float(risk.get("advisory_share", 0.5)),
            ),
            roles={
                role_key(str(r["role"])): UnitCost(
                    float(r["equipment_cost"]), float(r["crew_days"]), str(r["source"])
                )
                for r in data["roles"]
            },
            domains={
                str(d["domain"]): UnitCost(
                    float(d["equipment_cost"]), float(d["crew_days"]), str(d["source"])
                )
                for d in data["domains"]
            },
            site_kinds=site_kinds,
            specialists=specialists,
            phases=_phases(data.get("phases", []), specialists),
        )

    def asset_cost(self, role: str, domain: Domain | str, roles: RoleTable | None = None) -> UnitCost:
        """The unit cost of replacing one asset: by its role, else by its domain."""
        keys = [role_key(role)]
        entry = roles.lookup(role) if roles is not None else None
        if entry is not None:
            keys.insert(0, role_key(entry.role))
        for key in keys:
            found = self.roles.get(key)
            if found is not None:
                return found
        fallback = self.domains.get(str(domain))
        if fallback is None:
            return UnitCost(0.0, 0.0, f"no catalogue entry for role {role!r} or domain {domain!s}")
        return fallback

    def site_visit(self, kind: str | None) -> UnitCost:
        return self.site_kinds.get((kind or "default").lower(), self.site_kinds["default"])

    def phases_for(self, domains: Iterable[str]) -> tuple[PhaseStep, ...]:
        """The phases of a package's work: those of its leading domain, else one field visit."""
        present = set(domains)
        for domain in DOMAIN_ORDER:
            if domain in present and domain in self.phases:
                return self.phases[domain]
        return SINGLE_PHASE

    def day_rate(self, crew: str) -> float:
        return self.crew_day_rate if crew == FIELD_CREW else self.specialists[crew].day_rate

    def default_teams(self) -> dict[str, int]:
        return {name: c.teams for name, c in sorted(self.specialists.items())}


def _phases(
    entries: Iterable[Mapping[str, Any]], specialists: Mapping[str, CrewType]
) -> dict[str, tuple[PhaseStep, ...]]:
    out: dict[str, tuple[PhaseStep, ...]] = {}
    for i, entry in enumerate(entries):
        domain = str(entry["domain"])
        if domain in out:
            raise CatalogueError(f"phases.{i}.domain", f"domain {domain} has phases twice")
        steps = []
        for k, step in enumerate(entry["steps"]):
            crew = str(step.get("crew", FIELD_CREW))
            if crew != FIELD_CREW and crew not in specialists:
                raise CatalogueError(
                    f"phases.{i}.steps.{k}.crew",
                    f"crew {crew!r} is neither '{FIELD_CREW}' nor one of specialist_crews "
                    f"({', '.join(sorted(specialists)) or 'none'})",
                )
            steps.append(
                PhaseStep(
                    str(step["phase"]),
                    float(step["share"]),
                    int(step["min_weeks"]),
                    crew,
                    str(step["source"]),
                )
            )
        total = sum(s.share for s in steps)
        if abs(total - 1.0) > 1e-6:
            raise CatalogueError(
                f"phases.{i}.steps", f"the shares of {domain}'s phases add up to {total:g}, not 1"
            )
        if len({s.name for s in steps}) != len(steps) or REPLACEMENT in {s.name for s in steps}:
            raise CatalogueError(
                f"phases.{i}.steps", f"{domain}'s phases need distinct names other than '{REPLACEMENT}'"
            )
        out[domain] = tuple(steps)
    return out
