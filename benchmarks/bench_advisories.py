"""Advisory matching at scale, all in memory.

    .venv/bin/python benchmarks/bench_advisories.py --advisories 10000 --assets 1000000
    .venv/bin/python benchmarks/bench_advisories.py --records ../shared/data/real-world/cve5 \
        ../shared/data/real-world/kev --assets 1000000

Synthetic (the first form): assets spread over vendor models with vendor-style software versions
(Huawei VRP, Cisco IOS, Nokia/Ericsson releases); advisories name products from a larger universe
than the operator owns (most advisories hit nothing, as in a real feed), mixing CVE-style ranges,
exact versions and NVD OS+hardware pairs.

Real records (`--records`): every file the folders hold, read as `netvet advisories load` reads them,
against the demo network (`--assets 0`) or the demo network scaled up to about `--assets` assets.

Prints one table: phase, seconds, and what was produced.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from netvet.advisories.asset_index import AssetIndex, AssetView
from netvet.advisories.matcher import Matcher, MatchStatus
from netvet.advisories.model import Advisory, Criterion, ProductStatus, SourceFormat, Vulnerability
from netvet.advisories.ranges import VersionRange
from netvet.advisories.reader import parse_document
from netvet.data import role_table
from netvet.demo import generate_inventory

VENDORS = {
    "Huawei Technologies Co., Ltd.": lambda r: (
        f"V{r.choice((100, 200, 300))}R0{r.randint(10, 22)}C{r.choice((0, 10, 20)):02d}SPC{r.randint(1, 9)}00"
    ),
    "Cisco Systems, Inc.": lambda r: (
        f"{r.choice(('12.2', '15.2', '15.6'))}({r.randint(1, 60)}){r.choice(('SE', 'E', 'SP'))}{r.randint(1, 12)}"
    ),
    "Nokia Solutions and Networks": lambda r: (
        f"{r.randint(20, 24)}.{r.choice((3, 7, 10))}.R{r.randint(1, 9)}"
    ),
    "Ericsson": lambda r: f"{r.randint(20, 24)}.Q{r.randint(1, 4)}",
    "ZTE Corporation": lambda r: f"V{r.randint(1, 5)}.{r.randint(0, 30)}.{r.randint(0, 20)}",
}
DOMAINS = ("core", "ran", "ran", "ran", "transport", "transport", "management")


def inventory(
    rng: random.Random, count: int, models_per_vendor: int
) -> tuple[list[AssetView], dict[str, list[str]]]:
    models = {v: [f"M{v[:3].upper()}-{i:04d}" for i in range(models_per_vendor)] for v in VENDORS}
    versions = {
        (v, m): [VENDORS[v](rng) for _ in range(rng.randint(3, 20))] for v in VENDORS for m in models[v]
    }
    keys = list(versions)
    assets = []
    for i in range(count):
        vendor, model = keys[int(rng.paretovariate(1.2) * 7) % len(keys)] if i % 3 else rng.choice(keys)
        assets.append(
            AssetView(
                id=f"A{i:07d}",
                vendor=vendor,
                model=model,
                software_version=rng.choice(versions[(vendor, model)]),
                domain=rng.choice(DOMAINS),
            )
        )
    return assets, {f"{v}|{m}": vs for (v, m), vs in versions.items()}


def advisories(
    rng: random.Random, count: int, owned: dict[str, list[str]], universe: int, hit_rate: float
) -> list[Advisory]:
    owned_keys = list(owned)
    result = []
    for n in range(count):
        criteria = []
        for c in range(rng.randint(1, 3)):
            if rng.random() < hit_rate:
                vendor, model = rng.choice(owned_keys).split("|")
                seen = sorted(owned[f"{vendor}|{model}"])
            else:
                vendor, model = rng.choice(list(VENDORS)), f"OTHER-{rng.randrange(universe)}"
                seen = [VENDORS[vendor](rng) for _ in range(3)]
            kind = rng.random()
            if kind < 0.5:  # CVE JSON 5 style range
                lo, hi = sorted(rng.sample(seen, 2)) if len(seen) > 1 else (seen[0], seen[0])
                versions = VersionRange(constraints=((">=", lo), ("<", hi)), text=f">={lo} <{hi}")
                exhaustive = True
            elif kind < 0.8:  # CSAF exact version
                versions = VersionRange.exact(rng.choice(seen))
                exhaustive = False
            else:  # NVD: the vendor's OS on this hardware
                hi = rng.choice(seen)
                platform = Criterion(ref="hw", status=ProductStatus.AFFECTED, vendor=vendor, product=model)
                criteria.append(
                    Criterion(
                        ref=f"cfg{c}", status=ProductStatus.AFFECTED, vendor=vendor, product="os",
                        versions=VersionRange(constraints=(("<", hi),), text=f"<{hi}"),
                        platforms=(platform,), exhaustive=True,
                    )
                )  # fmt: skip
                continue
            criteria.append(
                Criterion(
                    ref=f"p{c}", status=ProductStatus.AFFECTED, vendor=vendor, product=model,
                    versions=versions, exhaustive=exhaustive,
                )
            )  # fmt: skip
        result.append(
            Advisory(
                id=f"SYN-{n:05d}",
                source_format=SourceFormat.CVE5,
                title="synthetic",
                vulnerabilities=(Vulnerability(cve=f"CVE-2099-{n:05d}", criteria=tuple(criteria)),),
            )
        )
    return result


def demo_network(assets: int) -> list[AssetView]:
    """The demo network (assets 0), or the demo generator scaled to about that many assets."""
    roles = role_table()
    sites = max(1, assets * 10 // 85) if assets else None
    views = []
    for row in generate_inventory(seed=1, sites=sites):
        domain = roles.domain_for(row["role"])
        views.append(
            AssetView(
                id=row["asset_id"],
                vendor=row["vendor"],
                model=row.get("model"),
                software_version=row.get("software_version"),
                part_number=row.get("part_number"),
                manufacturer=row.get("manufacturer"),
                domain=domain.value if domain else "other",
                platform=row.get("platform"),
            )
        )
    return views


def real_records(paths: list[Path]) -> tuple[list[Advisory], int]:
    """Advisories and the number of KEV entries in the files under `paths`."""
    files = [
        f
        for p in paths
        for f in (sorted(p.rglob("*")) if p.is_dir() else [p])
        if f.suffix in (".json", ".csv")
    ]
    found: list[Advisory] = []
    kev = 0
    for path in files:
        document = parse_document(path.read_bytes(), str(path))
        found.extend(document.advisories)
        kev += len(document.kev)
    return found, kev


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--advisories", type=int, default=10_000)
    parser.add_argument("--assets", type=int, default=1_000_000, help="with --records, 0 is the demo network")
    parser.add_argument("--records", type=Path, nargs="*", help="real advisory files or folders")
    parser.add_argument("--models-per-vendor", type=int, default=200)
    parser.add_argument(
        "--hit-rate", type=float, default=0.1, help="share of product lines the operator owns"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    table = Table()
    # Wall seconds, and this process's CPU seconds: on a shared machine the second is the steadier.
    for column in ("phase", "seconds", "cpu s", "result"):
        table.add_column(column, justify="left" if column in ("phase", "result") else "right")
    cpu = time.process_time()

    def cpu_since() -> str:
        nonlocal cpu
        spent, cpu = time.process_time() - cpu, time.process_time()
        return f"{spent:.1f}"

    start = time.perf_counter()
    if args.records:
        feed, kev = real_records(args.records)
        table.add_row(
            "read records",
            f"{time.perf_counter() - start:.1f}",
            cpu_since(),
            f"{len(feed):,} advisories, {kev:,} KEV entries",
        )
        start = time.perf_counter()
        assets = demo_network(args.assets)
        table.add_row(
            "generate the network (not timed below)",
            f"{time.perf_counter() - start:.1f}",
            cpu_since(),
            f"{len(assets):,} assets",
        )
    else:
        assets, owned = inventory(rng, args.assets, args.models_per_vendor)
        feed = advisories(rng, args.advisories, owned, universe=50_000, hit_rate=args.hit_rate)
        table.add_row(
            "generate (not timed below)",
            f"{time.perf_counter() - start:.1f}",
            cpu_since(),
            f"{len(owned):,} owned models",
        )
    table.title = f"Advisory matching: {len(feed):,} advisories x {len(assets):,} assets"

    start = time.perf_counter()
    index = AssetIndex.build(assets)
    build = time.perf_counter() - start
    table.add_row(
        "index assets",
        f"{build:.1f}",
        build_cpu := cpu_since(),
        f"{len(index.by_product):,} (vendor, product) keys, {len(index.by_family)} OS families",
    )

    start = time.perf_counter()
    matcher = Matcher(index, cve_records={a.id for a in feed if a.source_format is SourceFormat.CVE5})
    counts = dict.fromkeys(MatchStatus, 0)
    for advisory in feed:
        for match in matcher.match_advisory(advisory):
            counts[match.status] += 1
    matching = time.perf_counter() - start
    rows = sum(counts.values())
    match_cpu = cpu_since()
    table.add_row(
        "match", f"{matching:.1f}", match_cpu, ", ".join(f"{s.value} {n:,}" for s, n in counts.items())
    )
    total_cpu = f"{float(build_cpu) + float(match_cpu):.1f}"
    table.add_row(
        "total (index + match)", f"{build + matching:.1f}", total_cpu, f"{rows:,} rows; goal < 60 s"
    )
    Console().print(table)


if __name__ == "__main__":
    main()
