"""Load on the findings endpoint (one page of 100) with the demo network loaded.

The server runs in its own process on 127.0.0.1: `netvet serve` as shipped, then the same app with its
rendered-page memory turned off (every request reads and renders its page from the stored findings).
The load comes from a second process: Debian's `wrk` (apt-get install wrk), asking for a random full
page of the stored findings on 2, 4 and 8 keep-alive connections. Without wrk, a Python (httpx) loop
is used instead; it costs more CPU per request than the server does, so it measures itself as much as
the server (the table says which tool ran).

    .venv/bin/python benchmarks/bench_api.py [--seconds 10] [--connections 2,4,8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
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

console = Console(width=120)
ORG = store.DEFAULT_ORGANIZATION
PATH = f"/api/v1/organizations/{ORG}/findings"
PAGE_SIZE = 100
WRK_SCRIPT = """
math.randomseed(1)
wrk.headers["Authorization"] = "Bearer {token}"
request = function()
  return wrk.format("GET", "{path}?page_size={size}&page=" .. math.random(1, {pages}))
end
"""
SERVER_CODE = """
import sys, uvicorn
from netvet.api import AppConfig, create_app
from netvet.storage import open_database
app = create_app(open_database(sys.argv[1]), AppConfig(findings_page_cache=int(sys.argv[3])))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def prepare(folder: Path) -> tuple[str, str, int]:
    """The demo network imported, assessed as of today and stored whole; a viewer's API token."""
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    db = open_database(url)
    inventory = folder / "demo.jsonl"
    write_inventory(generate_inventory(1), inventory)
    report = import_inventory(db, inventory, organization_id=ORG)
    with db.connect() as conn:
        names = store.distinct_supplier_names(conn, ORG)
    # The screener's evidence for the inventory's names, as the assessment job would store and read it.
    result = run_assessment(db, ORG, None, date.today(), evidence=vendor_evidence_for_names(names))
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


def start_server(database_url: str, port: int, home: Path, page_cache: bool) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NETVET_DATABASE_URL": database_url, "NETVET_HOME": str(home)}
    if page_cache:  # exactly what users run
        command = [str(Path(sys.executable).with_name("netvet")), "serve", "--port", str(port)]
    else:
        command = [sys.executable, "-c", SERVER_CODE, database_url, str(port), "0"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(
    base: str, token: str, pages: int, connections: int, seconds: float, folder: Path
) -> dict[str, float]:
    script = folder / "findings.lua"
    script.write_text(WRK_SCRIPT.format(token=token, path=PATH, size=PAGE_SIZE, pages=pages))
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)$", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests": float(re.search(r"(\d+) requests in", output).group(1)),  # type: ignore[union-attr]
        "errors": float(errors.group(1)) if errors else 0.0,
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        **{f"p{q}": _ms(v) for q, v in latency.items()},
    }


def run_httpx(base: str, token: str, pages: int, connections: int, seconds: float) -> dict[str, float]:
    async def load() -> dict[str, float]:
        latencies: list[float] = []
        errors = 0
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
            stop = time.perf_counter() + seconds

            async def worker() -> None:
                nonlocal errors
                while time.perf_counter() < stop:
                    sent = time.perf_counter()
                    page = random.randint(1, pages)
                    response = await client.get(PATH, params={"page": page, "page_size": PAGE_SIZE})
                    errors += response.status_code != 200
                    latencies.append(1000 * (time.perf_counter() - sent))

            start = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(connections)))
            elapsed = time.perf_counter() - start
        ordered = sorted(latencies)
        pick = {q: ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] for q in (50, 90, 99)}
        return {
            "requests": len(latencies),
            "errors": errors,
            "rate": len(latencies) / elapsed,
            **{f"p{q}": v for q, v in pick.items()},
        }

    return asyncio.run(load())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", default="2,4,8")
    args = parser.parse_args()
    tool = "wrk" if shutil.which("wrk") else "httpx"
    table = Table(title=f"GET findings, a random full page of {PAGE_SIZE} (load: {tool}, second process)")
    for column in ("server", "connections", "requests", "non-200", "req/s", "p50 ms", "p90 ms", "p99 ms"):
        table.add_column(column, justify="right")
    with tempfile.TemporaryDirectory(prefix="netvet-bench-api-") as tmp:
        folder = Path(tmp)
        with console.status("preparing the demo network and its stored assessment"):
            database_url, token, findings = prepare(folder)
        pages = findings // PAGE_SIZE
        for page_cache in (True, False):
            port = free_port()
            server = start_server(database_url, port, folder, page_cache)
            base = f"http://127.0.0.1:{port}"
            label = "netvet serve" if page_cache else "no page memory"
            try:
                for connections in (int(c) for c in args.connections.split(",")):
                    if tool == "wrk":
                        figures = run_wrk(base, token, pages, connections, args.seconds, folder)
                    else:
                        figures = run_httpx(base, token, pages, connections, args.seconds)
                    table.add_row(
                        label,
                        str(connections),
                        f"{figures['requests']:,.0f}",
                        f"{figures['errors']:,.0f}",
                        f"{figures['rate']:,.0f}",
                        *(f"{figures[f'p{q}']:.1f}" for q in (50, 90, 99)),
                    )
            finally:
                server.terminate()
                server.wait(10)
    console.print(table)


if __name__ == "__main__":
    main()
