"""Small hand-made networks for the planner tests: sites, assets and findings as the model has them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from netvet.model.findings import Finding, FindingStatus
from netvet.model.inventory import Asset, Domain, Site
from netvet.planning import CostCatalogue, CrewTable, PlanningInstance, PlanningParameters, build_instance
from netvet.planning.parameters import PrecedenceRule

START = date(2027, 1, 4)  # a Monday, at the start of a quarter's second week


def catalogue(
    crew_days: float = 5.0,
    cost: float = 1000.0,
    weights: dict[str, float] | None = None,
    late_multiplier: float = 10.0,
    unfinished_weeks: int = 10,
    crew_day_rate: float = 0.0,
) -> CostCatalogue:
    """A catalogue where every asset costs `cost` and takes `crew_days`, with no site overhead."""
    domains = ("core", "ran", "transport", "management", "other")
    data: dict[str, Any] = {
        "version": "test",
        "currency": "USD",
        "crew_day_rate": crew_day_rate,
        "days_per_crew_week": 5,
        "risk": {
            "domain_weights": weights or {"core": 3, "ran": 1, "transport": 2, "management": 3, "other": 1},
            "late_multiplier": late_multiplier,
            "unfinished_weeks": unfinished_weeks,
        },
        "roles": [],
        "domains": [
            {"domain": d, "equipment_cost": cost, "crew_days": crew_days, "source": "test"} for d in domains
        ],
        "site_kinds": [{"kind": "default", "visit_cost": 0, "visit_crew_days": 0, "source": "test"}],
    }
    return CostCatalogue.from_mapping(data)


@dataclass
class Network:
    sites: list[Site]
    assets: list[Asset]
    findings: list[Finding]

    def add(
        self,
        site_id: str,
        domains: Sequence[Domain],
        deadline: date | None,
        region: str = "North",
        lat: float | None = None,
        lon: float | None = None,
        status: FindingStatus = FindingStatus.DUE,
        jurisdiction: str = "UK",
    ) -> None:
        if not any(s.id == site_id for s in self.sites):
            self.sites.append(Site(id=site_id, region=region, latitude=lat, longitude=lon))
        for domain in domains:
            asset_id = f"{site_id}-{domain.value}-{sum(a.site_id == site_id for a in self.assets)}"
            self.assets.append(
                Asset(id=asset_id, site_id=site_id, vendor="Huawei", role=domain.value, domain=domain)
            )
            self.findings.append(
                Finding(
                    rule_id=f"{jurisdiction.lower()}-removal",
                    jurisdiction=jurisdiction,
                    status=status,
                    asset_id=asset_id,
                    site_id=site_id,
                    deadline=deadline,
                    source="test",
                    explanation="test",
                )
            )


def network() -> Network:
    return Network([], [], [])


def instance(
    net: Network,
    cat: CostCatalogue | None = None,
    horizon: int = 10,
    crews: int | dict[str, int] = 1,
    budget: float | None = None,
    neighbour_km: float | None = None,
    precedence: Sequence[str] = (),
    start: date = START,
    jurisdictions: tuple[str, ...] = (),
) -> PlanningInstance:
    table = CrewTable(crews) if isinstance(crews, int) else CrewTable(0, crews)
    params = PlanningParameters(
        start=start,
        horizon_weeks=horizon,
        crews=table,
        budget_per_quarter=budget,
        neighbour_km=neighbour_km,
        precedence=tuple(PrecedenceRule.parse(p) for p in precedence),
        jurisdictions=jurisdictions,
    )
    return build_instance(net.findings, net.assets, net.sites, cat or catalogue(), params)
