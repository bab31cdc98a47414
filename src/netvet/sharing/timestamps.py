"""STIX and TAXII timestamps: one canonical form, so versions written with different precision
(".560Z", ".56Z", ".560000Z") are recognised as the same version."""

from __future__ import annotations

from datetime import UTC, datetime


def stix_timestamp(value: datetime) -> str:
    """A STIX/TAXII timestamp: UTC, milliseconds unless the value has finer precision."""
    value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    fraction = (
        f"{value.microsecond // 1000:03d}" if value.microsecond % 1000 == 0 else f"{value.microsecond:06d}"
    )
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + fraction + "Z"


def parse_timestamp(text: str) -> datetime:
    """A STIX timestamp (any sub-second precision, trailing Z) as an aware datetime; ValueError if not one."""
    if not text.endswith("Z"):
        raise ValueError(f"{text!r} is not a UTC timestamp ending in Z")
    head, _, fraction = text[:-1].partition(".")
    value = datetime.strptime(head, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    if fraction:
        if not fraction.isdigit():
            raise ValueError(f"{text!r} has a malformed fraction of a second")
        value = value.replace(microsecond=int((fraction + "000000")[:6]))
    return value


def canonical_timestamp(text: str) -> str:
    """The canonical form of a STIX timestamp (ValueError if it is not one)."""
    return stix_timestamp(parse_timestamp(text))
