"""The cost catalogue: what replacing an asset costs and how many crew-days it takes.

The catalogue is data (data/costs.yaml, validated by costs.schema.json); this module only turns the
parsed mapping into lookups. Roles are resolved through the role table, so an inventory that writes
'gNodeB' prices like 'gNB'.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from netvet.model.inventory import Domain
from netvet.model.roles import RoleTable, role_key


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

    def weight(self, domain: Domain | str) -> float:
        return self.domain_weights[str(domain)]


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

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> CostCatalogue:
        """Build from a mapping already validated against costs.schema.json."""
        risk = data["risk"]
        site_kinds = {
            str(k["kind"]).lower(): UnitCost(
                float(k["visit_cost"]), float(k["visit_crew_days"]), str(k["source"])
            )
            for k in data["site_kinds"]
        }
        site_kinds.setdefault("default", UnitCost(0.0, 0.0, "no site overhead given"))
        return cls(
            version=str(data["version"]),
            currency=str(data["currency"]),
            crew_day_rate=float(data["crew_day_rate"]),
            days_per_crew_week=float(data["days_per_crew_week"]),
            risk=RiskWeights(
                domain_weights={str(k): float(v) for k, v in risk["domain_weights"].items()},
                late_multiplier=float(risk["late_multiplier"]),
                unfinished_weeks=int(risk["unfinished_weeks"]),
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
