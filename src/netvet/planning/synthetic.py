"""Synthetic networks for benchmarks and tests: regions of sites on a grid, some with Huawei kit.

Not a stand-in for the demo network: a seeded generator of the same shape (macro sites with a
baseband, three sectors of radios and antennas, a site router, sometimes a microwave link, and a few
core sites), so the planner can be measured at any size.
"""

from __future__ import annotations

import random
from datetime import date

from netvet.model.findings import Finding, FindingStatus
from netvet.model.inventory import Asset, Domain, Site

DEADLINES = (date(2027, 12, 31), date(2028, 6, 30), date(2029, 12, 31))


def synthetic_network(
    sites: int, regions: int = 10, seed: int = 7, deadlines: tuple[date, ...] = DEADLINES
) -> tuple[list[Site], list[Asset], list[Finding]]:
    """`sites` sites with Huawei equipment spread over `regions` regions, and a due finding per asset."""
    rng = random.Random(seed)
    site_list: list[Site] = []
    assets: list[Asset] = []
    findings: list[Finding] = []
    per_region = max(1, sites // regions)
    for n in range(sites):
        region = min(n // per_region, regions - 1)
        # Regions are bands of latitude; sites about 3-5 km apart on a jittered grid.
        lat = 48.0 + region * 0.6 + (n % per_region) // 40 * 0.035 + rng.uniform(-0.01, 0.01)
        lon = 2.0 + (n % 40) * 0.05 + rng.uniform(-0.01, 0.01)
        core = n % max(1, sites // 6) == 0
        hub = not core and rng.random() < 0.1
        kind = "core" if core else ("hub" if hub else "macro")
        site_id = f"S{n:06d}"
        site_list.append(
            Site(id=site_id, name=site_id, region=f"R{region:02d}", latitude=lat, longitude=lon, kind=kind)
        )
        # A region's deadline follows the rule that binds its jurisdiction.
        deadline = deadlines[region % len(deadlines)]
        roles: list[tuple[str, Domain]] = []
        if core:
            roles = [
                ("AMF", Domain.CORE),
                ("SMF", Domain.CORE),
                ("UPF", Domain.CORE),
                ("EMS", Domain.MANAGEMENT),
            ]
        else:
            roles.append(("BBU", Domain.RAN))
            radio = "AAU" if rng.random() < 0.5 else "RRU"
            roles.extend((radio, Domain.RAN) for _ in range(3 if rng.random() < 0.8 else 2))
            roles.extend(("Antenna", Domain.RAN) for _ in range(3))
            roles.append(("Cell Site Router", Domain.TRANSPORT))
            if rng.random() < 0.3:
                roles.append(("Microwave", Domain.TRANSPORT))
        for k, (role, domain) in enumerate(roles):
            asset_id = f"{site_id}-{k:02d}"
            assets.append(Asset(id=asset_id, site_id=site_id, vendor="Huawei", role=role, domain=domain))
            findings.append(
                Finding(
                    rule_id=f"synthetic-removal-{deadline.year}",
                    jurisdiction="XX",
                    status=FindingStatus.DUE,
                    asset_id=asset_id,
                    site_id=site_id,
                    deadline=deadline if domain is not Domain.CORE else min(deadlines),
                    source="synthetic",
                    explanation="synthetic removal deadline",
                    vendor="Huawei",
                    domain=domain.value,
                )
            )
    return site_list, assets, findings
