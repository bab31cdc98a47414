"""The pure domain model: plain objects, no I/O."""

from netvet.model.findings import Finding, FindingStatus
from netvet.model.inventory import (
    Asset,
    Component,
    Domain,
    Organization,
    OrganizationKind,
    Site,
)
from netvet.model.roles import RoleTable, RoleTableError
from netvet.model.screening import Decision, ScreeningStatus, VendorEvidence

__all__ = [
    "Asset",
    "Component",
    "Decision",
    "Domain",
    "Finding",
    "FindingStatus",
    "Organization",
    "OrganizationKind",
    "RoleTable",
    "RoleTableError",
    "ScreeningStatus",
    "Site",
    "VendorEvidence",
]
