"""Readers for inventory files (CSV, JSON, XLSX) and the all-or-nothing importer."""

from netvet.ingest.errors import InventoryFileError, RowError
from netvet.ingest.importer import ImportReport, import_inventory

__all__ = ["ImportReport", "InventoryFileError", "RowError", "import_inventory"]
