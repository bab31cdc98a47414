"""Helpers for the screening tests that need a stored inventory."""

from __future__ import annotations

from pathlib import Path

from netvet.ingest import import_inventory
from netvet.storage import Database

HEADER = "asset_id,site_id,site_name,country,vendor,manufacturer,model,role,technology,installed_on"


def write_inventory(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """An inventory CSV with one asset per (asset id, vendor, manufacturer) row."""
    lines = [HEADER]
    for asset_id, vendor, manufacturer in rows:
        lines.append(f'{asset_id},S1,Camden,GB,"{vendor}","{manufacturer}",X1,BBU,5G,2020-01-01')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_rows(db: Database, tmp_path: Path, rows: list[tuple[str, str, str]]) -> None:
    import_inventory(db, write_inventory(tmp_path / "inventory.csv", rows), replace=True, force=True)
