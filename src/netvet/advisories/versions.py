"""Version schemes of network vendors, and comparison that says when two versions cannot be compared.

Generic semantic-version comparison gets network software wrong: Huawei's VRP numbers
(V100R019C10SPC500) are not dotted at all, Cisco IOS trains (12.2(55)SE3) only order within one
train, and release-style numbers (22.10.R3) read as build metadata under semver, so R1 and R3
compare equal. Each scheme here turns a version string into a sort key, or says it cannot.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cmp_to_key, lru_cache
from typing import Protocol

from univers.versions import SemverVersion

# A sort key: the first element names the partition inside which keys compare (a Cisco train),
# so two keys with different partitions are incomparable.
VersionKey = tuple[object, ...]


class IncomparableVersions(ValueError):
    """Two versions that no shared scheme can order."""


class Comparator(Protocol):
    """Orders an asset's version (left) against a bound an advisory writes (right)."""

    def compare(self, left: str, right: str) -> int:
        """-1, 0 or 1; raises IncomparableVersions when the two cannot be ordered."""
        ...

    def same_line(self, left: str, right: str) -> bool | None:
        """Whether two versions are on one maintenance line; None when the scheme has no lines."""
        ...


@dataclass(frozen=True, slots=True)
class VersionScheme:
    name: str
    description: str
    parse: Callable[[str], VersionKey | None]


_VRP = re.compile(
    r"^V(?P<v>\d{3})R(?P<r>\d{3})(?:C(?P<c>\d{2,3}))?"
    r"(?:(?P<stage>SPC|B|CP)(?P<n>\d{2,4}))?(?:(?P<hot>SPH|HP)(?P<h>\d{1,4}))?$"
)
# B builds come before the release, SPC service packs after it; CP is a cold patch on a release.
_VRP_STAGE = {"B": -1, None: 0, "CP": 1, "SPC": 2}


def _parse_vrp(text: str) -> VersionKey | None:
    m = _VRP.match(text.strip().upper())
    if m is None:
        return None
    return (
        "vrp",
        int(m["v"]),
        int(m["r"]),
        int(m["c"] or 0),
        _VRP_STAGE[m["stage"]],
        int(m["n"] or 0),
        int(m["h"] or 0),
    )


_IOS = re.compile(
    r"^(?P<major>\d+)\.(?P<minor>\d+)\((?P<rebuild>\d+)(?P<rebuild_letter>[a-z]?)\)"
    r"(?P<train>[A-Za-z]*)(?:(?P<throttle>\d+)(?P<suffix>[A-Za-z]?))?$"
)


def _parse_ios(text: str) -> VersionKey | None:
    m = _IOS.match(text.strip())
    if m is None:
        return None
    # CPE names lowercase everything: 12.2(55)se3 is 12.2(55)SE3.
    # Releases of different trains (12.2(55)SE vs 12.2(33)SXI) are separate branches: the train and
    # the major.minor form the partition, so 12.2(55)SE3 and 12.4(24)T never compare.
    partition = f"ios:{m['major']}.{m['minor']}:{m['train'].upper()}"
    return (
        partition,
        int(m["rebuild"]),
        m["rebuild_letter"],
        int(m["throttle"] or 0),
        (m["suffix"] or "").lower(),
    )


_QUARTER = re.compile(r"^(?P<year>\d{2,4})\.Q(?P<q>[1-4])(?:\.(?P<rest>\d+(?:\.\d+)*))?$", re.IGNORECASE)
_RELEASE = re.compile(
    r"^(?P<year>\d{2,4})\.(?P<month>\d{1,2})\.R(?P<r>\d+)(?:[.-]?(?P<rest>\d+(?:\.\d+)*))?$",
    re.IGNORECASE,
)


def _parse_release(text: str) -> VersionKey | None:
    """Ericsson quarterly (22.Q3) and Nokia SR OS style (22.10.R3) releases.

    Both read as (year, month, release); a quarter is placed at its first month so 22.Q3 sorts after
    22.4.R9 and before 22.10.R1.
    """
    text = text.strip()
    m = _QUARTER.match(text)
    if m is not None:
        rest = tuple(int(p) for p in m["rest"].split(".")) if m["rest"] else ()
        return ("release", int(m["year"]) % 100, (int(m["q"]) - 1) * 3 + 1, 0, *rest)
    m = _RELEASE.match(text)
    if m is not None:
        rest = tuple(int(p) for p in m["rest"].split(".")) if m["rest"] else ()
        return ("release", int(m["year"]) % 100, int(m["month"]), int(m["r"]), *rest)
    return None


_SEMVER = re.compile(r"^v?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")


def _parse_semver(text: str) -> VersionKey | None:
    text = text.strip()
    if _SEMVER.match(text) is None:
        return None
    try:
        version = SemverVersion(text.lstrip("v"))
    except (ValueError, TypeError):
        return None
    return ("semver", version)


_TOKEN = re.compile(r"\d+|[A-Za-z]+")


def _parse_generic(text: str) -> VersionKey | None:
    """Natural order: digit runs compare as numbers, letter runs as text (so R10 sorts after R4)."""
    tokens = _TOKEN.findall(text.strip())
    if not tokens:
        return None
    # Each token becomes (kind, value) so a number and a word at the same place still order
    # deterministically instead of raising.
    return ("generic", *((1, int(t)) if t.isdigit() else (0, t.lower()) for t in tokens))


SCHEMES: dict[str, VersionScheme] = {
    s.name: s
    for s in (
        VersionScheme("huawei_vrp", "Huawei VRP: V100R019C10SPC500", _parse_vrp),
        VersionScheme("cisco_ios", "Cisco IOS: 12.2(55)SE3, ordered within one train", _parse_ios),
        VersionScheme("release", "Ericsson/Nokia releases: 22.Q3, 22.10.R3", _parse_release),
        VersionScheme("semver", "Semantic versioning (univers): 1.2.3-rc1", _parse_semver),
        VersionScheme("generic", "Natural order of numbers and words", _parse_generic),
    )
}
DEFAULT_ORDER: tuple[str, ...] = ("huawei_vrp", "cisco_ios", "release", "semver", "generic")

# Schemes of range notations from vers and CVE records that map onto ours.
SCHEME_ALIASES = {
    "semver": "semver",
    "npm": "semver",
    "generic": "generic",
    "intdot": "generic",
    "huawei": "huawei_vrp",
    "vrp": "huawei_vrp",
    "ios": "cisco_ios",
    "cisco": "cisco_ios",
}


@lru_cache(maxsize=1_000_000)
def version_key(scheme: str, text: str) -> VersionKey | None:
    return SCHEMES[scheme].parse(text)


@dataclass(frozen=True, slots=True)
class VersionComparator:
    """Compares versions with the first scheme, in preference order, that reads both."""

    schemes: tuple[str, ...] = DEFAULT_ORDER

    def keys(self, left: str, right: str) -> tuple[str, VersionKey, VersionKey]:
        for name in self.schemes:
            a = version_key(name, left)
            if a is None:
                continue
            b = version_key(name, right)
            if b is None:
                continue
            if a[0] != b[0]:
                raise IncomparableVersions(
                    f"{left!r} and {right!r} belong to different branches ({a[0]} vs {b[0]})"
                )
            return name, a, b
        raise IncomparableVersions(
            f"no version scheme reads both {left!r} and {right!r} (tried {', '.join(self.schemes)})"
        )

    def compare(self, left: str, right: str) -> int:
        """-1, 0 or 1; raises IncomparableVersions when no scheme orders the two."""
        _, a, b = self.keys(left, right)
        # Keys are tuples of mixed parts; the partition element is equal, the rest compare pairwise.
        ta, tb = a[1:], b[1:]
        try:
            return (ta > tb) - (ta < tb)  # type: ignore[operator]
        except TypeError as exc:
            raise IncomparableVersions(f"{left!r} and {right!r} cannot be ordered") from exc

    def same_line(self, left: str, right: str) -> bool | None:
        return None  # generic schemes know no maintenance lines


def comparator_for(schemes: Sequence[str] | None) -> VersionComparator:
    if not schemes:
        return VersionComparator()
    unknown = [s for s in schemes if s not in SCHEMES]
    if unknown:
        raise ValueError(f"unknown version scheme(s): {', '.join(unknown)}")
    return _comparator(tuple(schemes))


@lru_cache(maxsize=256)
def _comparator(schemes: tuple[str, ...]) -> VersionComparator:
    return VersionComparator(schemes)


def schemes_for_vendor(vendor_key: str, table: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The preference order for a vendor: its own schemes first, then the defaults."""
    own = table.get(vendor_key, ())
    return (*own, *(s for s in DEFAULT_ORDER if s not in own))


def sort_versions(versions: Iterable[str], comparator: VersionComparator) -> list[str]:
    return sorted(versions, key=cmp_to_key(comparator.compare))
