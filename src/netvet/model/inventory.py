"""Organisations, sites, network elements (assets) and their components."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Domain(StrEnum):
    """Where in the network an element sits; rules are scoped by it."""

    CORE = "core"
    RAN = "ran"
    TRANSPORT = "transport"
    MANAGEMENT = "management"
    OTHER = "other"


class OrganizationKind(StrEnum):
    OPERATOR = "operator"
    VENDOR = "vendor"
    REGULATOR = "regulator"


class Organization(BaseModel):
    """A legal entity: an operator that owns a network, a vendor, or a regulator.

    `parent_id` and `affiliate_ids` carry ownership links, which matter because
    restrictions reach subsidiaries and affiliates of a listed company.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    kind: OrganizationKind = OrganizationKind.OPERATOR
    aliases: tuple[str, ...] = ()
    country: str | None = None
    identifiers: dict[str, str] = Field(default_factory=dict)
    parent_id: str | None = None
    affiliate_ids: tuple[str, ...] = ()


class Site(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str | None = None
    region: str | None = None
    country: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    kind: str | None = None
    # Whether the site is significant to national security, or its access equipment serves such a site
    # (UK Designated Vendor Direction); None when the operator has not recorded it.
    national_security: bool | None = None


class Component(BaseModel):
    """Something an asset contains that comes from its own supplier: a chipset, a software stack."""

    model_config = ConfigDict(frozen=True)

    name: str
    supplier: str
    kind: str | None = None
    version: str | None = None


class Asset(BaseModel):
    """A network element as the inventory describes it."""

    model_config = ConfigDict(frozen=True)

    id: str
    site_id: str
    vendor: str
    role: str
    domain: Domain
    manufacturer: str | None = None
    model: str | None = None
    part_number: str | None = None
    serial_number: str | None = None
    hardware_version: str | None = None
    software_version: str | None = None
    # The operating system as the inventory names it ("IOS XE", "Junos OS Evolved"): advisories name
    # the OS, and some models run more than one.
    platform: str | None = None
    technology: str | None = None
    installed_on: date | None = None
    purchased_on: date | None = None
    funding: str | None = None
    components: tuple[Component, ...] = ()
