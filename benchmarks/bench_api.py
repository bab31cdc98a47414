"""Load on the findings endpoint (one page of 100) with the demo network loaded.

The server is `netvet serve` in its own process on 127.0.0.1; this script is the load tool, a second
process that sends requests at a fixed rate (open loop: a slow answer does not slow the sender) and
then as fast as a few connections allow (closed loop), and prints throughput and latency percentiles.

    .venv/bin/python benchmarks/bench_api.py [--rate 200] [--seconds 20] [--connections 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from netvet.demo import generate_inventory
from netvet.ingest import import_inventory
from netvet.ingest.writers import write_inventory
from netvet.screening import vendor_evidence_for_names
from netvet.storage import access, open_database
from netvet.storage import findings as stored
from netvet.storage import inventory as store
from netvet.storage.policy import run_assessment

console = Console()
ORG = store.DEFAULT_ORGANIZATION


def prepare(folder: Path) -> tuple[str, str, int]:
    """Demo network imported, assessed on today's date and stored; an API token. Returns (url, token, findings)."""
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    db = open_database(url)
    inventory = folder / "demo.jsonl"
    write_inventory(generate_inventory(1), inventory)
    report = import_inventory(db, inventory, organization_id=ORG)
    # Evidence straight from the screener (the same names and lists the stored screening run uses).
    with db.connect() as conn:
        names = store.distinct_supplier_names(conn, ORG)
    evidence = vendor_evidence_for_names(names)
    result = run_assessment(db, ORG, None, date.today(), evidence=evidence)
    with db.begin() as conn:
        stored.save_result(
            conn,
            ORG,
            result.at,
            list(result.jurisdictions),
            result.summary(),
            result.frame,
            "bench",
            access.now(),
        )
        user = access.create_user(conn, ORG, "bench", access.Role.VIEWER)
        _, token = access.create_token(conn, user.id, "bench", "bench")
    db.dispose()
    console.print(f"demo network: {report.rows_added:,} assets; {result.frame.height:,} findings stored")
    return url, token, result.frame.height


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(database_url: str, port: int, home: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NETVET_DATABASE_URL": database_url, "NETVET_HOME": str(home)}
    netvet = Path(sys.executable).with_name("netvet")
    server = subprocess.Popen(
        [str(netvet), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


async def open_loop(
    client: httpx.AsyncClient, path: str, rate: float, seconds: float
) -> tuple[list[float], int, float]:
    """Send `rate` requests per second for `seconds`; each latency is measured from its scheduled time."""
    latencies: list[float] = []
    errors = 0
    total = int(rate * seconds)
    start = time.perf_counter()

    async def one(scheduled: float) -> None:
        nonlocal errors
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        response = await client.get(path)
        if response.status_code != 200 or len(response.json()["items"]) != 100:
            errors += 1
        latencies.append(time.perf_counter() - scheduled)

    await asyncio.gather(*(one(start + i / rate) for i in range(total)))
    return latencies, errors, time.perf_counter() - start


async def closed_loop(
    client: httpx.AsyncClient, path: str, connections: int, seconds: float
) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()
    stop = start + seconds

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            sent = time.perf_counter()
            response = await client.get(path)
            if response.status_code != 200:
                errors += 1
            latencies.append(time.perf_counter() - sent)

    await asyncio.gather(*(worker() for _ in range(connections)))
    return latencies, errors, time.perf_counter() - start


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run_load(base: str, token: str, rate: float, seconds: float, connections: int) -> Table:
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/organizations/{ORG}/findings?page=3&page_size=100"
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    table = Table(title="GET findings, one page of 100 (server: netvet serve, 1 process; load: this process)")
    for column in ("mode", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"):
        table.add_column(column, justify="right")
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as client:
        await closed_loop(client, path, 4, 2)  # warm up
        runs = [
            (f"open loop at {rate:g}/s", await open_loop(client, path, rate, seconds)),
            (
                f"closed loop, {connections} connections",
                await closed_loop(client, path, connections, seconds),
            ),
        ]
    for label, (latencies, errors, elapsed) in runs:
        table.add_row(
            label,
            f"{len(latencies):,}",
            str(errors),
            f"{len(latencies) / elapsed:,.0f}",
            *(f"{1000 * percentile(latencies, q):.1f}" for q in (0.5, 0.95, 0.99)),
            f"{1000 * max(latencies):.1f}",
        )
    console.print(f"mean latency (open loop): {1000 * statistics.mean(runs[0][1][0]):.1f} ms")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="netvet-bench-api-") as tmp:
        folder = Path(tmp)
        with console.status("preparing the demo network and its assessment"):
            database_url, token, _ = prepare(folder)
        port = free_port()
        server = start_server(database_url, port, folder)
        try:
            table = asyncio.run(
                run_load(f"http://127.0.0.1:{port}", token, args.rate, args.seconds, args.connections)
            )
        finally:
            server.terminate()
            server.wait(10)
    console.print(table)


if __name__ == "__main__":
    main()
