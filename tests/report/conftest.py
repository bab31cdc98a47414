"""A small real inventory (tests/data/report/inventory.csv) and hand-built findings about it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from netvet.ingest.importer import import_inventory
from netvet.model.findings import Finding, FindingStatus
from netvet.report.context import ReportData, gather
from netvet.report.methods import ListSummary, Methods, PackSummary, RuleSummary
from netvet.storage import Database

AT = date(2026, 11, 25)
INVENTORY = Path(__file__).resolve().parent.parent / "data" / "report" / "inventory.csv"


@pytest.fixture
def report_db(sqlite_db: Database) -> Database:
    import_inventory(sqlite_db, INVENTORY)
    return sqlite_db


def hand_findings() -> list[Finding]:
    """What a policy engine could say about the inventory: one of each status, a cap, a site-less finding."""
    return [
        Finding(
            rule_id="uk-dvd-5g-removal",
            jurisdiction="uk",
            status=FindingStatus.DUE,
            asset_id="LON-1-BBU",
            site_id="LON-1",
            deadline=date(2027, 12, 31),
            source="Designated Vendor Direction 2022",
            explanation="Huawei 5G equipment must be out of 5G by 2027-12-31.",
            vendor="Huawei Technologies Co.,Ltd.",
            domain="ran",
        ),
        Finding(
            rule_id="uk-dvd-5g-removal",
            jurisdiction="uk",
            status=FindingStatus.DUE,
            asset_id="LON-1-AAU",
            site_id=None,  # the report must find the site through the inventory
            deadline=date(2027, 12, 31),
            source="Designated Vendor Direction 2022",
            explanation="Huawei 5G equipment must be out of 5G by 2027-12-31.",
            vendor="HUAWEI",
            domain="ran",
        ),
        Finding(
            rule_id="uk-dvd-core",
            jurisdiction="uk",
            status=FindingStatus.VIOLATION,
            asset_id="GB-CORE-AMF",
            site_id="GB-CORE",
            deadline=date(2023, 12, 31),
            source="Designated Vendor Direction 2022",
            explanation="Huawei out of network cores by 2023-12-31 <b>not met</b>.",
            vendor="Huawei",
            domain="core",
        ),
        Finding(
            rule_id="uk-2020-hrv-access-cap",
            jurisdiction="uk",
            status=FindingStatus.VIOLATION,
            asset_id=None,
            site_id=None,
            deadline=date(2020, 1, 28),
            source="UK government decision 2020-01-28",
            explanation="The vendor group holds 2 of 4 sites (50.0%); the cap is 35%.",
            domain="ran",
            measured_share=0.5,
            cap=0.35,
            cap_metric="sites",
            excess=1,
        ),
        Finding(
            rule_id="us-fcc-covered-list",
            jurisdiction="us",
            status=FindingStatus.VIOLATION,
            asset_id="BIL-1-BBU",
            site_id="BIL-1",
            deadline=date(2021, 3, 12),
            source="FCC Covered List",
            explanation="ZTE equipment is on the Covered List.",
            vendor="ZTE Corporation",
            domain="ran",
        ),
        Finding(
            rule_id="us-fcc-supply-chain-annual-report",
            jurisdiction="us",
            status=FindingStatus.REPORT,
            asset_id="KAN-2-BBU",
            site_id="KAN-2",
            deadline=date(2027, 3, 31),
            source="47 CFR 1.50007",
            explanation="Covered equipment must be reported by 2027-03-31.",
            vendor="Huawei",
            domain="ran",
        ),
        Finding(
            rule_id="us-bis-entity-list",
            jurisdiction="us",
            status=FindingStatus.LICENSED,
            asset_id="BER-1-BBU",  # US export rules reaching a German site: not the FCC's business
            site_id="BER-1",
            deadline=date(2020, 8, 13),
            source="84 FR 22961",
            explanation="Covered by the Temporary General License.",
            vendor="Huawei",
            domain="ran",
        ),
    ]


def hand_methods() -> Methods:
    return Methods(
        packs=[
            PackSummary(
                jurisdiction="uk",
                name="United Kingdom",
                version="2026-11-25",
                countries=("GB",),
                rules=(
                    RuleSummary(
                        "uk-dvd-core", "Huawei out of network cores", "binding", "confirmed", ("DVD 2022",)
                    ),
                    RuleSummary(
                        "uk-dvd-full-fibre-cap",
                        "Huawei at most 35% of full fibre",
                        "binding",
                        "confirmed",
                        ("DVD",),
                    ),
                    RuleSummary("uk-dvd-5g-removal", "No Huawei in 5G", "binding", "confirmed", ("DVD",)),
                    RuleSummary(
                        "uk-2020-hrv-access-cap", "35% of access", "guidance", "confirmed", ("NCSC",)
                    ),
                    RuleSummary(
                        "uk-2020-5g-removal", "Out of 5G by 2027", "guidance", "confirmed", ("DCMS",)
                    ),
                ),
            ),
            PackSummary("us", "United States", "2026-11-25", ("US", "PR"), ()),
        ],
        lists=[
            ListSummary("fcc-covered", "FCC Covered List", "FCC", date(2024, 9, 3), "https://www.fcc.gov/", 9)
        ],
        rules_skipped={"uk-2020-5g-removal": "superseded by uk-dvd-5g-removal"},
    )


@pytest.fixture
def findings() -> list[Finding]:
    return hand_findings()


@pytest.fixture
def methods() -> Methods:
    return hand_methods()


@pytest.fixture
def report_data(report_db: Database) -> ReportData:
    return gather(report_db, "default", hand_findings(), AT, ("uk", "us"), hand_methods())
