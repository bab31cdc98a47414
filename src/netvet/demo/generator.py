"""Generate the demo operator group's inventory, deterministically from a seed.

The shape (countries, regions, vendor areas, product lines, how names are written) is data in
`data/demo/`; this module only draws from it. Rows come out in the canonical inventory format, so the
demo goes through the same import path as a user's file.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from netvet.data import DATA_DIR, load_yaml_file

DEMO_DIR = DATA_DIR / "demo"
KM_PER_DEGREE = 111.32
SECTORS = 3
CORE_5G = ("AMF", "SMF", "UPF", "AUSF", "UDM", "NRF", "PCF")
CORE_4G = ("MME", "SGW", "PGW", "HSS")
# US rip-and-replace reimburses only Huawei/ZTE gear obtained on or before this day (policy-facts.md).
US_REIMBURSEMENT_CUTOFF = date(2020, 6, 30)
# UK: no new Huawei 5G purchases after this day (policy-facts.md); a few demo sites break it on purpose.
UK_5G_PURCHASE_CUTOFF = date(2020, 12, 31)
CHINESE_RAN = ("huawei", "zte")
# Real inventories have gaps; the demo leaves some on purpose so the rules' missing-data answers
# (`unknown`, naming what is missing) show: purchase and installation dates, a radio's technology, and
# the UK sites' national-security significance, which only UK operators record at all.
MISSING_PURCHASE_DATE = 0.04
MISSING_INSTALLATION_DATE = 0.02
MISSING_TECHNOLOGY = 0.01
UK_NATIONAL_SECURITY = {"yes": 0.03, "unrecorded": 0.12}


@dataclass(frozen=True)
class DemoShape:
    operator_group: str
    countries: dict[str, dict[str, Any]]
    vendors: dict[str, dict[str, Any]]
    products: dict[str, dict[str, dict[str, Any]]]

    def signatory_aliases(self, country: str | None = None) -> list[str]:
        """Names under which the operators (of one country, or all) signed contracts that bind only
        their parties: the demo organisation is recorded under them."""
        chosen = [country.upper()] if country else list(self.countries)
        return [
            str(spec["signatory_as"]) for c in chosen if "signatory_as" in (spec := self.countries.get(c, {}))
        ]


@cache
def load_demo_shape() -> DemoShape:
    network = load_yaml_file(DEMO_DIR / "network.yaml", "demo_network.schema.json")
    vendors = load_yaml_file(DEMO_DIR / "vendors.yaml", "demo_vendors.schema.json")
    products = load_yaml_file(DEMO_DIR / "products.yaml", "demo_products.schema.json")
    return DemoShape(
        network["operator_group"], network["countries"], vendors["vendors"], products["products"]
    )


def _region_code(name: str) -> str:
    letters = "".join(part[0] for part in name.replace("-", " ").split())
    return (letters if len(letters) > 1 else name[:3]).upper()


def _random_day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


class _CountryGenerator:
    def __init__(
        self, rng: random.Random, gaps: random.Random, shape: DemoShape, country: str, site_count: int
    ) -> None:
        self.rng = rng
        # Gaps are drawn from their own generator so the rest of the network is the same as without them.
        self.gaps = gaps
        self.shape = shape
        self.country = country
        self.spec = shape.countries[country]
        self.site_count = site_count
        # Each region's inventory team writes a vendor's name its own way; other spellings slip in.
        self.habit: dict[tuple[str, str], str] = {}

    def spelling(self, vendor: str, region: str) -> str:
        spellings = self.shape.vendors[vendor]["spellings"]
        key = (vendor, region)
        if key not in self.habit:
            self.habit[key] = self.rng.choice(spellings)
        return self.habit[key] if self.rng.random() < 0.8 else self.rng.choice(spellings)

    def product(self, vendor: str, role: str) -> dict[str, Any] | None:
        return self.shape.products.get(vendor, {}).get(role)

    def asset(
        self,
        asset_id: str,
        site: dict[str, Any],
        vendor: str,
        role: str,
        technology: str | None,
        installed: date,
    ) -> dict[str, Any]:
        product = self.product(vendor, role) or {}
        versions = product.get("versions") or [None]
        manufacturers = product.get("manufacturer")
        if manufacturers:
            manufacturer: str | None = self.rng.choice(manufacturers)
        elif self.rng.random() < 0.7:
            manufacturer = self.shape.vendors[vendor]["spellings"][0]
        else:
            manufacturer = None
        purchased = installed - timedelta(days=self.rng.randrange(20, 150))
        if technology is not None and self.gaps.random() < MISSING_TECHNOLOGY:
            technology = None
        row: dict[str, Any] = {
            "asset_id": asset_id,
            **site,
            "vendor": self.spelling(vendor, site["region"]),
            "manufacturer": manufacturer,
            "model": product.get("model"),
            "part_number": product.get("part"),
            "serial_number": f"{vendor[:2].upper()}{self.rng.randrange(10**9, 10**10)}",
            "hardware_version": None,
            "software_version": self.rng.choice(versions),
            "platform": product.get("platform"),
            "role": role,
            "domain": None,
            "technology": technology,
            "installed_on": None if self.gaps.random() < MISSING_INSTALLATION_DATE else installed.isoformat(),
            "purchased_on": None if self.gaps.random() < MISSING_PURCHASE_DATE else purchased.isoformat(),
            "funding": self.funding(vendor),
        }
        chips = product.get("chip")
        if chips:
            row["components"] = [
                {"name": "baseband chipset", "supplier": self.rng.choice(chips), "kind": "chipset"},
            ]
        return row

    def funding(self, vendor: str) -> str | None:
        if self.country != "US":
            return None
        return "USF High-Cost" if self.rng.random() < 0.4 else "Private"

    def national_security(self) -> bool | None:
        """Whether a radio site serves a site significant to national security (UK only; some unrecorded)."""
        if self.country != "GB":
            return None
        draw = self.gaps.random()
        if draw < UK_NATIONAL_SECURITY["yes"]:
            return True
        if draw < UK_NATIONAL_SECURITY["yes"] + UK_NATIONAL_SECURITY["unrecorded"]:
            return None
        return False

    def install_date(self, vendor: str, technology: str | None, role: str) -> date:
        if self.country == "US" and vendor in CHINESE_RAN:
            # Rural carriers bought Huawei/ZTE before the FCC's 2020 cut-off.
            return _random_day(self.rng, date(2014, 3, 1), US_REIMBURSEMENT_CUTOFF + timedelta(days=60))
        if technology == "5G":
            if self.country == "GB" and vendor == "huawei" and self.rng.random() < 0.97:
                return _random_day(self.rng, date(2019, 5, 30), UK_5G_PURCHASE_CUTOFF)
            return _random_day(self.rng, date(2019, 6, 1), date(2025, 6, 30))
        return _random_day(self.rng, date(2013, 1, 1), date(2020, 12, 31))

    def sites(self) -> Iterator[dict[str, Any]]:
        regions = self.spec["regions"]
        total_weight = sum(r["weight"] for r in regions)
        counts = [max(1, round(self.site_count * r["weight"] / total_weight)) for r in regions]
        for region, count in zip(regions, counts, strict=True):
            yield from self.region_sites(region, count)
        yield from self.datacenter(regions[0])

    def ran_vendor_at(self, region: dict[str, Any], angle: float) -> str:
        # Vendor areas are contiguous: each vendor gets an angular slice of the region.
        shares = list(region["ran"].items())
        total = sum(share for _, share in shares)
        position = (angle % (2 * math.pi)) / (2 * math.pi) * total
        for vendor, share in shares:
            if position < share:
                return str(vendor)
            position -= share
        return str(shares[-1][0])

    def region_sites(self, region: dict[str, Any], count: int) -> Iterator[dict[str, Any]]:
        rng = self.rng
        code = _region_code(region["name"])
        rural = region["kind"] == "rural"
        for n in range(1, count + 1):
            angle = rng.uniform(0, 2 * math.pi)
            distance = region["radius_km"] * math.sqrt(rng.random())
            latitude = region["lat"] + distance * math.cos(angle) / KM_PER_DEGREE
            longitude = region["lon"] + distance * math.sin(angle) / (
                KM_PER_DEGREE * math.cos(math.radians(region["lat"]))
            )
            hub = rng.random() < 0.10
            site_id = f"{self.country}-{code}-{n:05d}"
            site = {
                "site_id": site_id,
                "site_name": f"{region['name']} {'hub' if hub else 'site'} {n}",
                "region": region["name"],
                "country": self.country,
                "latitude": round(max(-90.0, min(90.0, latitude)), 5),
                "longitude": round(longitude, 5),
                "site_kind": "hub" if hub else ("rural macro" if rural else "urban macro"),
                "national_security": self.national_security(),
            }
            ran = self.ran_vendor_at(region, angle)
            has_5g = rng.random() < (0.4 if rural else 0.7)
            technology = "5G" if has_5g else "4G"
            installed = self.install_date(ran, technology, "BBU")
            yield self.asset(f"{site_id}-BBU1", site, ran, "BBU", technology, installed)
            for sector in range(1, SECTORS + 1):
                radio = "AAU" if has_5g else "RRU"
                yield self.asset(f"{site_id}-{radio}{sector}", site, ran, radio, technology, installed)
                antenna_vendor = ran if rng.random() < 0.5 else "commscope"
                yield self.asset(
                    f"{site_id}-ANT{sector}", site, antenna_vendor, "Antenna", technology, installed
                )
            transport = (
                self.spec["transport_vendor"] if rng.random() < 0.7 else rng.choice(["cisco", "juniper"])
            )
            if self.product(transport, "Cell Site Router") is None:
                transport = "cisco"
            yield self.asset(
                f"{site_id}-CSR",
                site,
                transport,
                "Cell Site Router",
                None,
                self.install_date(transport, None, "Cell Site Router"),
            )
            if rng.random() < (0.35 if rural else 0.10):
                mw_vendor = transport if self.product(transport, "Microwave") else rng.choice([ran, "siae"])
                if self.product(mw_vendor, "Microwave") is None:
                    mw_vendor = "siae"
                for link in range(1, rng.choice((1, 1, 2)) + 1):
                    yield self.asset(
                        f"{site_id}-MW{link}",
                        site,
                        mw_vendor,
                        "Microwave",
                        None,
                        self.install_date(mw_vendor, None, "Microwave"),
                    )
            if hub:
                optical = transport if self.product(transport, "Optical") else "ciena"
                yield self.asset(
                    f"{site_id}-OPT",
                    site,
                    optical,
                    "Optical",
                    None,
                    self.install_date(optical, None, "Optical"),
                )
                router = transport if self.product(transport, "Router") else "cisco"
                yield self.asset(
                    f"{site_id}-AGG", site, router, "Router", None, self.install_date(router, None, "Router")
                )
            if rng.random() < 0.03:
                camera = rng.choice(["hikvision", "dahua", "axis"])
                yield self.asset(
                    f"{site_id}-CAM",
                    site,
                    camera,
                    "CCTV",
                    None,
                    _random_day(rng, date(2016, 1, 1), date(2023, 12, 31)),
                )
            if self.country == "US" and ran in CHINESE_RAN and rng.random() < 0.3:
                yield self.asset(
                    f"{site_id}-CPE", site, ran, "CPE", "4G", self.install_date(ran, "4G", "CPE")
                )

    def datacenter(self, region: dict[str, Any]) -> Iterator[dict[str, Any]]:
        site_id = f"{self.country}-DC1"
        site = {
            "site_id": site_id,
            "site_name": f"{self.spec['operator']} core data centre",
            "region": region["name"],
            "country": self.country,
            "latitude": region["lat"],
            "longitude": region["lon"],
            "site_kind": "datacenter",
            "national_security": False if self.country == "GB" else None,
        }
        core = self.spec["core_vendor"]
        for role in (*CORE_5G, *CORE_4G, "IMS"):
            vendor = core if self.product(core, role) else "ericsson"
            technology = "5G" if role in CORE_5G else "4G"
            for instance in (1, 2):  # geo-redundant pairs
                yield self.asset(
                    f"{site_id}-{role}{instance}",
                    site,
                    vendor,
                    role,
                    technology,
                    self.install_date(vendor, technology, role),
                )
        ran_vendors = sorted({v for r in self.spec["regions"] for v in r["ran"]})
        for vendor in ran_vendors:
            if self.product(vendor, "EMS"):
                yield self.asset(
                    f"{site_id}-EMS-{vendor.upper()}",
                    site,
                    vendor,
                    "EMS",
                    None,
                    self.install_date(vendor, None, "EMS"),
                )
        yield self.asset(
            f"{site_id}-ORCH",
            site,
            "ericsson",
            "Orchestrator",
            None,
            self.install_date("ericsson", None, "Orchestrator"),
        )


def generate_inventory(
    seed: int = 1, sites: int | None = None, country: str | None = None
) -> Iterator[dict[str, Any]]:
    """Rows of the demo inventory in the canonical format (plus `components` where an asset has them).

    `sites` scales the whole group to about that many radio sites; `country` keeps one country only.
    """
    shape = load_demo_shape()
    if country is not None:
        country = country.upper()
        if country not in shape.countries:
            raise ValueError(f"no demo network for {country}; choose one of {', '.join(shape.countries)}")
        chosen = [country]
    else:
        chosen = list(shape.countries)
    default_total = sum(shape.countries[c]["sites"] for c in chosen)
    scale = (sites / default_total) if sites else 1.0
    for code in chosen:
        rng = random.Random(f"{seed}:{code}")
        gaps = random.Random(f"{seed}:{code}:gaps")
        count = max(1, round(shape.countries[code]["sites"] * scale))
        yield from _CountryGenerator(rng, gaps, shape, code, count).sites()
