"""Small hand-made networks for the planner tests: sites, assets and findings as the model has them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from netvet.model.findings import Finding, FindingStatus
from netvet.model.inventory import Asset, Domain, Site
from netvet.planning import (
    CapMethod,
    CostCatalogue,
    CrewTable,
    PlanningInstance,
    PlanningParameters,
    build_instance,
)
from netvet.planning.parameters import PrecedenceRule

START = date(2027, 1, 4)  # a Monday, at the start of a quarter's second week


Phase = tuple[str, float, int, str]  # name, share of the crew-days, shortest length in weeks, crew


def catalogue(
    crew_days: float = 5.0,
    cost: float = 1000.0,
    weights: dict[str, float] | None = None,
    late_multiplier: float = 10.0,
    unfinished_weeks: int = 10,
    crew_day_rate: float = 0.0,
    phases: dict[str, list[Phase]] | None = None,
    teams: dict[str, int] | None = None,
    roles: dict[str, tuple[float, float]] | None = None,
) -> CostCatalogue:
    """A catalogue where every asset costs `cost` and takes `crew_days`, with no site overhead.

    `phases` per domain, specialised crews' `teams`, and `roles` priced apart (cost, crew-days).
    """
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
        "roles": [
            {"role": role, "equipment_cost": c, "crew_days": d, "source": "test"}
            for role, (c, d) in (roles or {}).items()
        ],
        "specialist_crews": [
            {"type": crew, "teams": n, "day_rate": 0, "source": "test"} for crew, n in (teams or {}).items()
        ],
        "phases": [
            {
                "domain": domain,
                "source": "test",
                "steps": [
                    {"phase": name, "share": share, "min_weeks": weeks, "crew": crew, "source": "test"}
                    for name, share, weeks, crew in steps
                ],
            }
            for domain, steps in (phases or {}).items()
        ],
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
        status: FindingStatus | None = FindingStatus.DUE,
        jurisdiction: str = "UK",
        legal_status: str | None = None,
        rule_id: str | None = None,
        roles: Sequence[str] | None = None,
    ) -> list[str]:
        """Assets at a site (one per domain, with `roles` if given), each with one finding unless the
        status is None; returns their ids."""
        if not any(s.id == site_id for s in self.sites):
            self.sites.append(Site(id=site_id, region=region, latitude=lat, longitude=lon))
        ids = []
        for k, domain in enumerate(domains):
            asset_id = f"{site_id}-{domain.value}-{sum(a.site_id == site_id for a in self.assets)}"
            role = roles[k] if roles is not None else domain.value
            self.assets.append(Asset(id=asset_id, site_id=site_id, vendor="Huawei", role=role, domain=domain))
            ids.append(asset_id)
            if status is not None:
                self.finding(asset_id, site_id, deadline, status, jurisdiction, legal_status, rule_id)
        return ids

    def finding(
        self,
        asset_id: str | None,
        site_id: str | None,
        deadline: date | None,
        status: FindingStatus = FindingStatus.DUE,
        jurisdiction: str = "UK",
        legal_status: str | None = None,
        rule_id: str | None = None,
        **cap: Any,
    ) -> None:
        self.findings.append(
            Finding(
                rule_id=rule_id or f"{jurisdiction.lower()}-removal",
                jurisdiction=jurisdiction,
                status=status,
                asset_id=asset_id,
                site_id=site_id,
                deadline=deadline,
                source="test",
                explanation="test",
                legal_status=legal_status,
                **cap,
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
    cap_members: dict[str, list[str]] | None = None,
    cap_method: CapMethod = CapMethod.OPTIMAL,
    advisory_work: bool = True,
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
        advisory_work=advisory_work,
    )
    return build_instance(
        net.findings, net.assets, net.sites, cat or catalogue(), params, None, cap_members, cap_method
    )
