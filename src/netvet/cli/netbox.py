"""`netvet import --from netbox URL --token-env NAME`: read a live NetBox into a snapshot file to import."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from rich.progress import TaskID

from netvet.cli.common import console, fail, progress_bar
from netvet.ingest.netbox import NetBox, NetBoxError, fetch_devices, save_snapshot, snapshot_path
from netvet.settings import get_settings

SOURCES = ("netbox",)
WHAT = {"/api/dcim/regions/": "regions", "/api/dcim/sites/": "sites", "/api/dcim/devices/": "devices"}


def fetch_source(kind: str, url: str, token_env: str | None) -> Path:
    """Page through the NetBox's REST API and save what it gave; return the snapshot to import."""
    if kind not in SOURCES:
        raise fail(f"--from {kind!r}: the sources netvet reads are {', '.join(SOURCES)}")
    if not url.startswith(("http://", "https://")):
        raise fail(f"--from netbox needs the NetBox's URL (https://...), not {url!r}")
    if token_env is None:
        raise fail("--from netbox needs --token-env NAME: the environment variable holding the API token")
    token = os.environ.get(token_env, "").strip()
    if not token:
        raise fail(f"--token-env {token_env}: the variable is not set or empty")
    with progress_bar(transient=True) as progress:
        tasks: dict[str, TaskID] = {}

        def on_page(endpoint: str, done: int, total: int) -> None:
            if endpoint not in tasks:
                tasks[endpoint] = progress.add_task(f"NetBox {WHAT.get(endpoint, endpoint)}", total=total)
            progress.update(tasks[endpoint], completed=done, total=total)

        try:
            document = fetch_devices(NetBox(url, token), on_page)
        except NetBoxError as exc:
            raise fail(str(exc)) from None
    at = datetime.now(UTC)
    path = save_snapshot(document, snapshot_path(get_settings().output_dir / "netbox", url, at))
    console.print(f"NetBox {url}: {document['count']:,} devices read, saved to {path}")
    return path
