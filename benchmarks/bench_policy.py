"""Policy assessment at scale: a stored network of N assets assessed against every shipped pack on one date.

    .venv/bin/python benchmarks/bench_policy.py --assets 100000 300000 1000000

For each size: a fresh SQLite database is filled with a synthetic multi-country operator (sites of 10
assets in GB, DE, SE, FR, BE, CA, US, ES; vendor areas with about a third Huawei, some ZTE, some
HiSilicon-made boxes under other brands, and the rest Ericsson/Nokia), screening's results are given as
hand-built vendor evidence (the state "after screening"), and `run_assessment` runs with every asset
under its own country's rules at 2025-06-01. Prints the time to read the inventory, to evaluate, and
in all, with the number of findings.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from netvet.data import role_table
from netvet.model.screening import ScreeningStatus, VendorEvidence
from netvet.policy import assess, shipped_licences
from netvet.storage import inventory as store
from netvet.storage import open_database
from netvet.storage.policy import asset_frame, rule_packs, run_assessment
from netvet.storage.tables import sites

COUNTRIES = ("GB", "DE", "SE", "FR", "BE", "CA", "US", "ES")
# (vendor as written, manufacturer, weight)
VENDORS = (
    ("Huawei Technologies Co., Ltd.", None, 30),
    ("HUAWEI", None, 5),
    ("ZTE Corporation", None, 5),
    ("Acme Radio", "HiSilicon", 3),
    ("Ericsson AB", None, 30),
    ("Nokia Solutions and Networks", None, 27),
)
ROLES = (
    ("gNB", "ran", "5G"),
    ("eNodeB", "ran", "4G"),
    ("AAU", "ran", "5G"),
    ("RRU", "ran", "4G"),
    ("Cell Site Router", "transport", None),
    ("Microwave", "transport", None),
    ("OLT", "transport", None),
    ("AMF", "core", "5G"),
    ("MME", "core", "4G"),
    ("EMS", "management", "5G"),
)
ROLE_WEIGHTS = (20, 20, 15, 15, 8, 8, 4, 3, 3, 4)


def _evidence(name: str, entity: str, entity_name: str, path: tuple[str, ...] = ()) -> VendorEvidence:
    return VendorEvidence(
        name=name,
        status=ScreeningStatus.MATCH,
        entity_id=entity,
        entity_name=entity_name,
        list_id="fcc-covered" if not path else "bis-entity",
        matched_name=entity_name,
        score=0.97,
        explanation="benchmark",
        affiliate_path=path,
        lists=("fcc-covered", "bis-entity"),
    )


EVIDENCE = {
    "Huawei Technologies Co., Ltd.": [
        _evidence("Huawei Technologies Co., Ltd.", "huawei", "Huawei Technologies Co., Ltd.")
    ],
    "HUAWEI": [_evidence("HUAWEI", "huawei", "Huawei Technologies Co., Ltd.")],
    "ZTE Corporation": [_evidence("ZTE Corporation", "zte", "ZTE Corporation")],
    "HiSilicon": [_evidence("HiSilicon", "hisilicon", "HiSilicon Technologies Co., Ltd.", ("huawei",))],
}


def fill(url: str, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    site_count = max(1, count // 10)
    site_rows = []
    site_vendor = []
    for i in range(site_count):
        # Vendor areas: consecutive sites share a vendor, as operators assign regions.
        area = i // 50
        site_rows.append(
            {
                "organization_id": "default",
                "id": f"S{i:07d}",
                "country": COUNTRIES[area % len(COUNTRIES)],
                "kind": "national-security" if i % 997 == 0 else None,
            }
        )
        site_vendor.append(random.Random(area).choices(VENDORS, weights=[v[2] for v in VENDORS])[0])
    start = date(2016, 1, 1)
    rows = []
    for i in range(count):
        site = i % site_count
        vendor, manufacturer, _ = site_vendor[site]
        role, domain, technology = rng.choices(ROLES, weights=ROLE_WEIGHTS)[0]
        installed = start + timedelta(days=rng.randrange(3400))
        rows.append(
            {
                "organization_id": "default",
                "id": f"A{i:08d}",
                "site_id": f"S{site:07d}",
                "vendor": vendor,
                "manufacturer": manufacturer,
                "role": role,
                "domain": domain,
                "technology": technology,
                "installed_on": installed,
                "purchased_on": installed - timedelta(days=60),
                "funding": "USF" if i % 50 == 0 else None,
                "row_hash": "0" * 32,
            }
        )
    db = open_database(url)
    with db.begin() as conn:
        store.ensure_organization(conn, "default")
        for offset in range(0, len(site_rows), 20000):
            store.upsert(conn, sites, site_rows[offset : offset + 20000], ["organization_id", "id"])
        for offset in range(0, len(rows), 100000):
            store.insert_assets(conn, rows[offset : offset + 100000])
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--at", type=date.fromisoformat, default=date(2025, 6, 1))
    parser.add_argument("--repeat", type=int, default=2, help="runs per size; the best is shown")
    args = parser.parse_args()
    console = Console()
    table = Table(title=f"Policy assessment, every shipped pack, at {args.at} (SQLite)")
    for column in (
        "assets",
        "read inventory (s)",
        "evaluate (s)",
        "run_assessment (s)",
        "findings",
        "s per 100k",
    ):
        table.add_column(column, justify="right")
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.assets:
            url = f"sqlite:///{Path(tmp) / f'bench-{count}.sqlite'}"
            console.print(f"filling {count:,} assets ...")
            fill(url, count)
            db = open_database(url)
            # Best of --repeat runs: the machine is shared, and the minimum is the least disturbed figure.
            total = read = evaluate = float("inf")
            for _ in range(args.repeat):
                started = time.perf_counter()
                result = run_assessment(db, "default", None, args.at, evidence=EVIDENCE)
                total = min(total, time.perf_counter() - started)
                # The two phases on their own: one query into a frame, then the bulk evaluation.
                started = time.perf_counter()
                with db.connect() as conn:
                    frame = asset_frame(conn, "default")
                read = min(read, time.perf_counter() - started)
                started = time.perf_counter()
                assess(
                    frame, EVIDENCE, rule_packs(), args.at, licences=shipped_licences()[0], roles=role_table()
                )
                evaluate = min(evaluate, time.perf_counter() - started)
            db.dispose()
            table.add_row(
                f"{count:,}",
                f"{read:.1f}",
                f"{evaluate:.1f}",
                f"{total:.1f}",
                f"{result.frame.height:,}",
                f"{total / count * 100_000:.2f}",
            )
    console.print(table)


if __name__ == "__main__":
    main()
