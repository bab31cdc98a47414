"""Screening names against restricted-party lists (pure: no database, no network).

See docs/screening.md for the interface other areas use.
"""

from netvet.screening.api import screen_names, vendor_evidence_for_names
from netvet.screening.config import ScreeningConfig, default_config
from netvet.screening.decisions import DecisionBook, DecisionRecord
from netvet.screening.lists import ListEntry, ListInfo, ScreeningList, shipped_entity_ids, shipped_lists
from netvet.screening.screener import Explanation, NameScreening, Screener, ScreeningResult

__all__ = [
    "DecisionBook",
    "DecisionRecord",
    "Explanation",
    "ListEntry",
    "ListInfo",
    "NameScreening",
    "Screener",
    "ScreeningConfig",
    "ScreeningList",
    "ScreeningResult",
    "default_config",
    "screen_names",
    "shipped_entity_ids",
    "shipped_lists",
    "vendor_evidence_for_names",
]
