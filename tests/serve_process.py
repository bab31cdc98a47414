"""`netvet serve` as its own process, for tests and benchmarks that need what a real server does
(killed mid-work, its memory measured)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


@contextmanager
def netvet_serve(database_url: str, folder: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """Start `netvet serve` on `database_url` with its home and its own temporary folder under
    `folder`; yield the process, its port and that temporary folder once it answers; kill it after."""
    temporary = folder / "tmp"
    temporary.mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    env = {
        **os.environ,
        "NETVET_HOME": str(folder / "home"),
        "NETVET_DATABASE_URL": database_url,
        "TMPDIR": str(temporary),
    }
    netvet = Path(sys.executable).with_name("netvet")
    process = subprocess.Popen(
        [str(netvet), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        process.kill()
        raise AssertionError(f"netvet serve did not start: {process.communicate()[1].decode()[-2000:]}")
    try:
        yield process, port, temporary
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
