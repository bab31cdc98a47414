"""Write inventory rows in the canonical format (CSV, JSON lines or XLSX)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from netvet.ingest.columns import CANONICAL_COLUMNS, OPTIONAL_COLUMNS
from netvet.spreadsheets import csv_value, xlsx_cell

COLUMNS = (*CANONICAL_COLUMNS, *OPTIONAL_COLUMNS)


def write_inventory(rows: Iterable[dict[str, Any]], path: Path) -> int:
    """Write rows to `path` in the format its suffix names; return the number written.

    CSV and XLSX are flat tables, so an asset's components go only into JSON lines.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    count = 0
    if suffix in (".jsonl", ".ndjson", ".json"):
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                record = {c: row.get(c) for c in COLUMNS if row.get(c) is not None}
                if row.get("components"):
                    record["components"] = row["components"]
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        return count
    if suffix == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("inventory")
        sheet.append(list(COLUMNS))
        for row in rows:
            sheet.append([xlsx_cell(sheet, row.get(c)) for c in COLUMNS])
            count += 1
        workbook.save(path)
        return count
    if suffix != ".csv":
        raise ValueError(f"cannot write {path.name}: use a .csv, .jsonl or .xlsx name")
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else csv_value(row.get(c)) for c in COLUMNS])
            count += 1
    return count
