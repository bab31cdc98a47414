"""Import speed and memory: N assets from CSV into SQLite, then the same file again (all unchanged).

    .venv/bin/python benchmarks/bench_import.py --assets 1000000

Each import runs in a fresh child process so its peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from netvet.demo import generate_inventory
from netvet.ingest.writers import write_inventory


def make_file(path: Path, assets: int) -> int:
    """The demo network scaled up until it holds `assets` rows (about 8.5 assets a site)."""
    rows = generate_inventory(seed=1, sites=max(1, assets * 10 // 85))

    def limited() -> object:
        for n, row in enumerate(rows):
            if n >= assets:
                return
            yield row

    return write_inventory(limited(), path)  # type: ignore[arg-type]


def child(database: str, path: str) -> None:
    from netvet.ingest import import_inventory
    from netvet.storage import open_database

    db = open_database(f"sqlite:///{database}")
    start = time.perf_counter()
    report = import_inventory(db, Path(path))
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak_mb,
                "added": report.rows_added,
                "unchanged": report.rows_unchanged,
                "updated": report.rows_updated,
            }
        )
    )


def run_child(database: Path, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(database), str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    console = Console(width=120)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "inventory.csv"
        written = make_file(csv_path, args.assets)
        database = Path(tmp) / "bench.sqlite"
        first = run_child(database, csv_path)
        second = run_child(database, csv_path)
        table = Table(
            title=f"Import {written:,} assets from CSV ({csv_path.stat().st_size / 1e6:.0f} MB) into SQLite"
        )
        for column in ("run", "seconds", "rows/s", "peak memory (MB)", "added", "unchanged", "goal"):
            table.add_column(column, justify="right")
        table.add_row(
            "first import",
            f"{first['seconds']:.1f}",
            f"{written / first['seconds']:,.0f}",
            f"{first['peak_mb']:.0f}",
            f"{first['added']:,}",
            f"{first['unchanged']:,}",
            "≤ 60 s, < 1 GB",
        )
        table.add_row(
            "re-import",
            f"{second['seconds']:.1f}",
            f"{written / second['seconds']:,.0f}",
            f"{second['peak_mb']:.0f}",
            f"{second['added']:,}",
            f"{second['unchanged']:,}",
            "≤ 90 s, < 1 GB",
        )
        console.print(table)


if __name__ == "__main__":
    main()
