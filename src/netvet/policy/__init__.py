"""The policy engine: rule packs as data, evaluated in bulk over the inventory on a date.

Pure: takes an asset frame, screening's vendor evidence and loaded packs; returns an `Assessment`.
Storage (`netvet.storage.policy.run_assessment`) reads the database and calls `assess`.
"""

from netvet.policy.assessment import Assessment
from netvet.policy.evaluate import (
    UnknownJurisdictionError,
    active_rules,
    assess,
    jurisdiction_codes,
    select_packs,
)
from netvet.policy.licences import Extension, Licence, Window
from netvet.policy.loader import load_licence_file, load_pack, load_packs, shipped_licences, shipped_packs
from netvet.policy.rules import Designation, EffectType, LegalStatus, Rule, RulePack

__all__ = [
    "Assessment",
    "Designation",
    "EffectType",
    "Extension",
    "LegalStatus",
    "Licence",
    "Rule",
    "RulePack",
    "UnknownJurisdictionError",
    "Window",
    "active_rules",
    "assess",
    "jurisdiction_codes",
    "load_licence_file",
    "load_pack",
    "load_packs",
    "select_packs",
    "shipped_licences",
    "shipped_packs",
]
