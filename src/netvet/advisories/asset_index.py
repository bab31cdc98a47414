"""The inventory as matching sees it: assets indexed by (vendor key, product key) and by OS family.

A product key comes from the model and the part number (also without the vendor's name in front) and
each component (for purl). An asset's OS family (IOS XE, Junos OS, ...) comes from the inventory's
platform column, its model or its version format (advisories/families.py). Vendor names are reduced
to keys and their words, and also indexed under the company the screening layer resolved them to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from netvet.advisories.families import AssetFamily, FamilyTable, default_families
from netvet.advisories.vendors import (
    VendorKey,
    VendorVersions,
    default_vendor_versions,
    product_key,
    product_keys,
    screening_vendor_key,
)


@dataclass(frozen=True, slots=True)
class ComponentView:
    name: str
    supplier: str
    version: str | None = None


@dataclass(frozen=True, slots=True)
class AssetView:
    """What matching needs to know of an asset."""

    id: str
    vendor: str
    model: str | None = None
    software_version: str | None = None
    hardware_version: str | None = None
    part_number: str | None = None
    manufacturer: str | None = None
    domain: str = "other"
    components: tuple[ComponentView, ...] = ()
    platform: str | None = None  # the operating system as the inventory names it ("IOS XE")


@dataclass
class AssetIndex:
    """Assets by (vendor key, product key), by OS family and by vendor; a product key comes from the
    model, the part number and each component (for purl)."""

    assets: Sequence[AssetView]
    vendor_key: VendorKey
    vendor_versions: VendorVersions
    families: FamilyTable
    by_product: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # -> asset groups
    by_family: dict[str, list[int]] = field(default_factory=dict)  # family key -> asset groups
    by_vendor: dict[str, list[int]] = field(default_factory=dict)  # vendor token -> asset groups
    by_component: dict[tuple[str, str], list[tuple[int, int]]] = field(default_factory=dict)
    # (vendor token, part number written as one word) -> asset groups: "ASIK" for Nokia's AirScale
    # System Module, which advisories name with the model's words around it.
    by_part_word: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    # Assets that look the same to matching (vendor, model, part number, versions as written) form
    # a group, evaluated once: an operator has thousands of one model on a handful of versions.
    groups: list[list[int]] = field(default_factory=list)
    group_of: list[int] = field(default_factory=list)
    vendor_keys: list[tuple[str, ...]] = field(default_factory=list)  # per group
    scheme_vendors: list[str] = field(default_factory=list)  # per group
    group_families: list[AssetFamily] = field(default_factory=list)  # per group
    # Inventory vendor names the screening layer resolved to a listed company (a misspelt "Hauwei
    # Technologies" to "Huawei Technologies Co., Ltd."): each name is also indexed under those.
    vendor_aliases: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        assets: Iterable[AssetView],
        vendor_key: VendorKey | None = None,
        vendor_versions: VendorVersions | None = None,
        vendor_aliases: Mapping[str, Sequence[str]] | None = None,
        families: FamilyTable | None = None,
    ) -> AssetIndex:
        index = cls(
            assets=list(assets),
            vendor_key=vendor_key or screening_vendor_key(),
            vendor_versions=vendor_versions or default_vendor_versions(),
            families=families or default_families(),
            vendor_aliases=vendor_aliases or {},
        )
        index._fill()
        return index

    def tokens(self, vendor: str) -> tuple[str, ...]:
        """The vendor's key and its words: "Huawei Technologies España S.L." (key huawei_espana_sl)
        still meets "huawei", and "LM Ericsson" meets "ericsson"."""
        key = self.vendor_key(vendor)
        return tuple(dict.fromkeys((key, *(t for t in key.split("_") if len(t) > 1))))

    def scheme_vendor(self, tokens: tuple[str, ...]) -> str:
        """The token that names the vendor in the version-scheme table, else the whole key."""
        return next((t for t in tokens if t in self.vendor_versions.schemes), tokens[0] if tokens else "")

    def _fill(self) -> None:
        tokens_cache: dict[str, tuple[str, ...]] = {}
        group_of_signature: dict[tuple[str | None, ...], int] = {}

        def tokens(name: str) -> tuple[str, ...]:
            found = tokens_cache.get(name)
            if found is None:
                names = (name, *self.vendor_aliases.get(name, ()))
                found = tokens_cache[name] = tuple(dict.fromkeys(t for n in names for t in self.tokens(n)))
            return found

        for i, asset in enumerate(self.assets):
            for c, component in enumerate(asset.components):
                for token in tokens(component.supplier):
                    self.by_component.setdefault((token, product_keys(component.name)[0]), []).append((i, c))
            signature = (
                asset.vendor,
                asset.manufacturer,
                asset.model,
                asset.part_number,
                asset.software_version,
                asset.hardware_version,
                asset.platform,
            )
            group = group_of_signature.get(signature)
            if group is not None:
                self.groups[group].append(i)
                self.group_of.append(group)
                continue
            group = group_of_signature[signature] = len(self.groups)
            self.groups.append([i])
            self.group_of.append(group)
            vendors = tuple(
                dict.fromkeys(t for v in (asset.vendor, asset.manufacturer) if v for t in tokens(v))
            )
            self.vendor_keys.append(vendors)
            self.scheme_vendors.append(self.scheme_vendor(vendors))
            family = self.families.family_of(
                vendors, asset.model, asset.part_number, asset.software_version, asset.platform
            )
            self.group_families.append(family)
            if family.family is not None:
                self.by_family.setdefault(family.family.key, []).append(group)
            products = asset_products(asset, vendors)
            part_word = _part_word(asset.part_number)
            for vendor in vendors:
                self.by_vendor.setdefault(vendor, []).append(group)
                if part_word is not None:
                    self.by_part_word.setdefault((vendor, part_word), []).append(group)
                for product in products:
                    self.by_product.setdefault((vendor, product), []).append(group)

    def representative(self, group: int) -> AssetView:
        """Every asset of a group has the same vendor, model, part number and versions."""
        return self.assets[self.groups[group][0]]

    def lookup_assets(self, vendor: str | None, product: str | None) -> list[int]:
        return [a for g in self.lookup(vendor, product) for a in self.groups[g]]

    def lookup(self, vendor: str | None, product: str | None) -> list[int]:
        """The asset groups of this vendor and product."""
        if not vendor or not product:
            return []
        tokens = self.tokens(vendor)
        keys = list(product_keys(product))
        # "Huawei AR3200" or "Cisco IOS XE Software": the vendor's name in front of the product.
        for key in list(keys):
            for token in tokens:
                if key.startswith(token + "_"):
                    keys.append(key[len(token) + 1 :])
        found: list[int] = []
        for token in tokens:
            for key in dict.fromkeys(keys):
                found.extend(self.by_product.get((token, key), ()))
        return list(dict.fromkeys(found))

    def named_with_part(self, vendor: str | None, product: str | None) -> list[int]:
        """The asset groups whose part number and every word of whose model the product name contains:
        CISA's "ASIK AirScale 5G Common System Module" names the AirScale System Module, part ASIK,
        though neither key equals the record's."""
        if not vendor or not product:
            return []
        words = set(product_key(product).split("_"))
        found: list[int] = []
        for token in self.tokens(vendor):
            for word in words:
                for group in self.by_part_word.get((token, word), ()):
                    model = self.representative(group).model
                    if model and set(product_key(model).split("_")) - set(token.split("_")) <= words:
                        found.append(group)
        return list(dict.fromkeys(found))

    def components(self, vendor: str, product: str) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        for token in self.tokens(vendor):
            found.extend(self.by_component.get((token, product_keys(product)[0]), ()))
        return list(dict.fromkeys(found))


def asset_products(asset: AssetView, vendor_tokens: Sequence[str] = ()) -> set[str]:
    """Product keys of the model and part number, also without the vendor's name in front
    ("Ericsson Network Manager" is also network_manager, as NVD's CPE ericsson:network_manager)."""
    keys = {k for name in (asset.model, asset.part_number) if name for k in product_keys(name)}
    for key in list(keys):
        for token in vendor_tokens:
            if key.startswith(token + "_"):
                keys.update(product_keys(key[len(token) + 1 :]))
    return keys


def _part_word(part_number: str | None) -> str | None:
    """A part number an advisory can write as a word of a product name: one word of at least three
    characters with a letter in it ("ASIK"; not "1", not "474021A-101" split in two)."""
    if not part_number:
        return None
    key = product_key(part_number)
    if "_" in key or len(key) < 3 or key.isdigit():
        return None
    return key
