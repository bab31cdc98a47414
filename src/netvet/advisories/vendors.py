"""Vendor keys (so "HUAWEI", "Huawei Technologies Co., Ltd." and the CPE vendor `huawei` meet) and
each vendor's version schemes, from data/advisories/vendor_versions.yaml, for products outside the OS
families (data/advisories/os_families.yaml)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from netvet.advisories.versions import VersionComparator, comparator_for, schemes_for_vendor
from netvet.data import DATA_DIR, load_yaml_file

VendorKey = Callable[[str], str]

# Words that say what kind of company it is, not which one; dropped by the simple key.
_COMPANY_WORDS = {
    "co", "company", "corp", "corporation", "inc", "incorporated", "ltd", "limited", "llc", "plc", "gmbh",
    "ag", "sa", "oy", "ab", "bv", "nv", "technologies", "technology", "tech", "systems", "networks",
    "solutions", "communications", "telecom", "and", "the", "group", "holdings", "international",
}  # fmt: skip


def simple_vendor_key(name: str) -> str:
    """Lower-cased words without company-form words: a fallback when screening's normaliser is absent."""
    words = re.findall(r"[a-z0-9]+", name.lower())
    kept = [w for w in words if w not in _COMPANY_WORDS]
    return "_".join(kept or words)


def simple_tokens(name: str | None) -> tuple[str, ...]:
    """The simple key of a vendor name and its words ("Juniper Networks" -> juniper)."""
    if not name:
        return ()
    key = simple_vendor_key(name)
    return tuple(dict.fromkeys((key, *(t for t in key.split("_") if len(t) > 1))))


@cache
def screening_vendor_key() -> VendorKey:
    """The screening layer's name normaliser, reduced to its distinctive tokens (generic words such
    as "technologies" weigh less there and are dropped here); the simple key if it cannot be used."""
    try:
        from netvet.screening.normalize import Normalizer

        normalizer = Normalizer()

        def key(name: str) -> str:
            form = normalizer(name)
            if not form.tokens:
                return simple_vendor_key(name)
            top = max(form.weights)
            return "_".join(t for t, w in zip(form.tokens, form.weights, strict=True) if w >= top)

        key("Huawei Technologies Co., Ltd.")  # fail here, not in the middle of a match
    except Exception:  # the screening area is another team's code: never let it break matching
        return simple_vendor_key
    return cache(key)


def product_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


# Advisories name products with words inventories leave out: "AR3200 Series Routers",
# "ar3200_firmware", "NE40E Software". Trailing words of this kind are dropped one by one.
_KIND_WORDS = frozenset(
    {"series", "router", "routers", "switch", "switches", "firmware", "software", "os", "system",
     "systems", "platform", "device", "devices", "appliance", "appliances", "family", "products"}
)  # fmt: skip


@lru_cache(maxsize=200_000)
def product_keys(name: str) -> tuple[str, ...]:
    """The product's key and the keys left when kind words are dropped from its end."""
    key = product_key(name)
    keys = [key]
    words = key.split("_")
    while len(words) > 1 and words[-1] in _KIND_WORDS:
        words = words[:-1]
        keys.append("_".join(words))
    return tuple(keys)


@dataclass(frozen=True)
class VendorVersions:
    schemes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def comparator(self, vendor_key: str, named_scheme: str | None = None) -> VersionComparator:
        order = schemes_for_vendor(vendor_key, self.schemes)
        if named_scheme and named_scheme != "generic":
            order = (named_scheme, *(s for s in order if s != named_scheme))
        return comparator_for(order)


@cache
def default_vendor_versions() -> VendorVersions:
    data = load_yaml_file(
        DATA_DIR / "advisories" / "vendor_versions.yaml", "advisories/vendor_versions.schema.json"
    )
    vendors = data["vendors"]
    return VendorVersions(
        schemes={k: tuple(v["schemes"]) for k, v in vendors.items()},
    )
