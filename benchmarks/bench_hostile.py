"""What hostile requests cost a running server (issue 13).

`netvet serve` runs as its own process on a fresh SQLite database, with its own temporary folder.

1. Bodies: an anonymous 2 GiB upload, four anonymous 200 MB JSON bodies sent at once to
   `/screening/name`, then a caller with a token sending 200 MB (declared, then chunked). Each body
   is streamed from a raw socket, 64 KiB at a time, until the server answers (the client never holds
   the body). The table gives each answer, how much the client had sent by then, and the server's
   resident and peak memory (`VmRSS`, `VmHWM` of /proc/PID/status) and temporary folder afterwards.
2. The patch-first ranking: one organisation's routers matched against the test advisories, and a
   CSAF advisory of about 100,000 products (the most the reader accepts) stored after that, which a third
   organisation's router matches. `GET /advisories/top` is timed for the three, beside what every
   request paid before the ranking read only the organisation's matched advisories (every stored
   advisory read).

    .venv/bin/python benchmarks/bench_hostile.py [--gib 2] [--json-mb 200] [--products 100000]
"""

from __future__ import annotations

import argparse
import contextlib
import select
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from netvet.advisories.asset_index import AssetIndex
from netvet.advisories.matcher import match_all
from netvet.advisories.reader import MAX_CSAF_PRODUCTS, parse_document
from netvet.ingest import import_inventory
from netvet.storage import Database, access, open_database
from netvet.storage import inventory as store
from netvet.storage.advisories import iter_advisories, load_asset_views, replace_matches, store_document

TESTS = Path(__file__).resolve().parent.parent / "tests"
sys.path.insert(0, str(TESTS))  # the test suite's helpers: `netvet serve` as a process, a large advisory
from large_advisories import csaf_with_affected_releases  # noqa: E402
from serve_process import netvet_serve  # noqa: E402

console = Console(width=130)
TEST_DATA = TESTS / "data" / "advisories"
CHUNK = b"x" * 65536
MB = 1_000_000
ORGANISATIONS = ("acme", "globex", "initech")
# initech runs one release of the 7750 SR that the large advisory lists.
INITECH = (
    "asset_id,site_id,country,vendor,model,software_version,role\nN1,S1,GB,Nokia,7750 SR,30.5.R1,Router\n"
)


def memory_mb(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory of a process, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def stream(port: int, head: str, total: int, chunked: bool = False) -> tuple[str, int, float]:
    """Send a request head, then its body 64 KiB at a time until the server answers or closes; return
    the status line, the body bytes sent by then and the seconds taken."""
    started = time.monotonic()
    sent = 0
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(head.encode() + b"\r\n")
        while sent < total and not answer:
            ready, _, _ = select.select([conn], [], [], 0)
            if ready:
                answer = conn.recv(4096)
                break
            piece = f"{len(CHUNK):x}\r\n".encode() + CHUNK + b"\r\n" if chunked else CHUNK
            try:
                conn.sendall(piece)
            except OSError:  # the server answered and closed: read what it said
                break
            sent += len(CHUNK)
        if not answer:
            with contextlib.suppress(OSError):
                answer = conn.recv(4096)
    return answer.split(b"\r\n", 1)[0].decode("latin-1") or "(closed)", sent, time.monotonic() - started


def head(path: str, length: int | None, token: str | None = None, kind: str = "application/json") -> str:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    size = f"Content-Length: {length}\r\n" if length is not None else "Transfer-Encoding: chunked\r\n"
    return f"POST {path} HTTP/1.1\r\nHost: bench\r\n{auth}{size}Content-Type: {kind}\r\n"


def prepare(db: Database, products: int) -> dict[str, str]:
    """Three operators with an analyst's token each; acme's routers matched against the test advisories,
    then a CSAF advisory with `products` more affected releases stored, which only initech matches."""
    tokens = {}
    with db.begin() as conn:
        for org in ORGANISATIONS:
            store.ensure_organization(conn, org, org.title())
            user = access.create_user(conn, org, f"{org}-analyst", access.Role.ANALYST, None)
            tokens[org] = access.create_token(conn, user.id, "bench", "bench")[1]
    import_inventory(db, TEST_DATA / "routers.csv", organization_id="acme")
    with db.begin() as conn:
        for name in ("cve5-huawei-ar.json", "nvd-cisco-ios-nokia.json", "kev-catalog.json"):
            document = parse_document((TEST_DATA / name).read_bytes(), name)
            store_document(conn, document, name.ljust(64, "x")[:64])
        assets = AssetIndex.build(load_asset_views(conn, "acme"))
        replace_matches(conn, "acme", list(match_all(list(iter_advisories(conn)), assets)))
        raw = csaf_with_affected_releases(products)
        store_document(conn, parse_document(raw, "big.json"), "b" * 64)
    inventory = Path(tempfile.mkdtemp()) / "initech.csv"
    inventory.write_text(INITECH)
    import_inventory(db, inventory, organization_id="initech")
    with db.begin() as conn:
        assets = AssetIndex.build(load_asset_views(conn, "initech"))
        replace_matches(conn, "initech", list(match_all(list(iter_advisories(conn)), assets)))
    return tokens


def bodies(port: int, pid: int, temporary: Path, token: str, gib: float, json_mb: int) -> Table:
    table = Table(title="Hostile bodies against netvet serve")
    for column in ("request", "answer", "client sent", "seconds", "server RSS / peak after", "temp folder"):
        table.add_column(column)
    # Warm the server the way a working day does (the screener loaded), so the baseline is honest.
    httpx.post(
        f"http://127.0.0.1:{port}/api/v1/screening/name",
        json={"name": "Huawei Technologies"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=120,
    )
    rss, peak = memory_mb(pid)
    table.add_row("(before, screener loaded)", "", "", "", f"{rss:,.0f} / {peak:,.0f} MB", "0")

    def row(label: str, results: list[tuple[str, int, float]]) -> None:
        rss, peak = memory_mb(pid)
        answers = ", ".join(
            sorted({status.split(" ", 1)[1] if " " in status else status for status, *_ in results})
        )
        sent = sum(s for _, s, _ in results) / MB
        seconds = max(t for *_, t in results)
        table.add_row(
            label,
            answers,
            f"{sent:,.1f} MB",
            f"{seconds:.2f}",
            f"{rss:,.0f} / {peak:,.0f} MB",
            f"{folder_bytes(temporary):,}",
        )

    upload = int(gib * 1024**3)
    row(
        f"anonymous {gib:g} GiB upload",
        [
            stream(
                port,
                head("/api/v1/organizations/acme/imports", upload, kind="multipart/form-data; boundary=b"),
                upload,
            )
        ],
    )
    json_bytes = json_mb * MB
    results: list[tuple[str, int, float]] = []

    def one() -> None:
        results.append(stream(port, head("/api/v1/screening/name", json_bytes), json_bytes))

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    row(f"4 anonymous {json_mb} MB JSON bodies at once", results)
    row(
        f"a token, {json_mb} MB JSON declared",
        [stream(port, head("/api/v1/screening/name", json_bytes, token), json_bytes)],
    )
    row(
        f"a token, {json_mb} MB JSON chunked",
        [stream(port, head("/api/v1/screening/name", None, token), json_bytes, chunked=True)],
    )
    return table


def ranking(port: int, db: Database, tokens: dict[str, str], products: int, runs: int = 5) -> Table:
    table = Table(title=f"GET /advisories/top with a {products:,}-product CSAF advisory stored")
    for column in ("organisation", "what it reads", "median ms", "max ms", "ranked"):
        table.add_column(column)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
        for org, reads in (
            ("acme", "its matched advisories (3 small ones)"),
            ("globex", "nothing (no matches)"),
            ("initech", "the large advisory, which it matched"),
        ):
            headers = {"Authorization": f"Bearer {tokens[org]}"}
            times, ranked = [], 0
            for _ in range(runs):
                started = time.perf_counter()
                response = client.get(f"/api/v1/organizations/{org}/advisories/top", headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
                ranked = len(response.json())
            table.add_row(org, reads, f"{statistics.median(times):,.0f}", f"{max(times):,.0f}", str(ranked))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with db.connect() as conn:
            every = sum(1 for _ in iter_advisories(conn))
        times.append((time.perf_counter() - started) * 1000)
    table.add_row(
        "any (before)",
        f"every stored advisory ({every})",
        f"{statistics.median(times):,.0f}",
        f"{max(times):,.0f}",
        "",
    )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gib", type=float, default=2.0, help="size of the anonymous upload")
    parser.add_argument("--json-mb", type=int, default=200, help="size of each JSON body")
    parser.add_argument(
        "--products",
        type=int,
        default=MAX_CSAF_PRODUCTS - 100,  # the rest of the real advisory's tree fills it to the cap
        help="product names added to the stored CSAF advisory",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        url = f"sqlite:///{folder / 'bench.sqlite'}"
        db = open_database(url)
        started = time.monotonic()
        tokens = prepare(db, args.products)
        console.print(f"prepared in {time.monotonic() - started:.1f} s")
        with netvet_serve(url, folder) as (process, port, temporary):
            console.print(bodies(port, process.pid, temporary, tokens["acme"], args.gib, args.json_mb))
            console.print(ranking(port, db, tokens, args.products))
        db.dispose()


if __name__ == "__main__":
    main()
