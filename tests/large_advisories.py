"""A real advisory grown large, for the tests and the benchmark of what large advisories cost."""

from __future__ import annotations

import json
from pathlib import Path

ADVISORY_DATA = Path(__file__).resolve().parent / "data" / "advisories"


def csaf_with_affected_releases(count: int) -> bytes:
    """The Nokia SR OS advisory with `count` more releases of the 7750 SR, each known to be affected."""
    document = json.loads((ADVISORY_DATA / "csaf-nokia-sros.json").read_text(encoding="utf-8"))
    releases = document["product_tree"]["branches"][0]["branches"][0]["branches"]
    for i in range(count):
        version = f"{30 + i // 1000}.{i % 1000}.R1"
        product = {"name": f"Nokia 7750 SR {version}", "product_id": f"CSAFPID-X{i}"}
        releases.append({"category": "product_version", "name": version, "product": product})
    document["vulnerabilities"][0]["product_status"]["known_affected"] += [
        f"CSAFPID-X{i}" for i in range(count)
    ]
    return json.dumps(document, separators=(",", ":")).encode()
