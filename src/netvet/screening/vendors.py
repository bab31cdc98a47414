"""One canonical vendor for each name as written: the entity screening resolved it to, or the vendor the
directory (data/vendors.yaml) knows it as, or else the name's own distinctive words.

Charts, forms, the dashboard and exports all group by `CanonicalVendor.id` and show `CanonicalVendor.name`,
so "Huawei", "HUAWEI TECHNOLOGIES CO., LTD" and "华为" are one vendor everywhere; the name as written
stays beside it. Restricted vendors are reached only through screening's evidence (a match, or a
candidate an analyst confirmed): a spelling in review, or dismissed, stays apart until it is decided.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from netvet.data import DATA_DIR, load_yaml_file
from netvet.model.screening import VendorEvidence
from netvet.screening.normalize import Normalizer

UNNAMED = ""


@dataclass(frozen=True)
class DirectoryVendor:
    id: str
    name: str
    legal_name: str
    entities: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CanonicalVendor:
    """The vendor a name as written stands for."""

    id: str  # the directory's id, "entity:<id>" for a listed entity it does not know, "name:<key>" else
    name: str  # what charts, forms and exports show
    entity_id: str | None = None  # the restricted-list entity screening matched (or its known parent)


class VendorDirectory:
    def __init__(self, vendors: Sequence[DirectoryVendor], normalizer: Normalizer | None = None) -> None:
        self.vendors = tuple(vendors)
        self._normalizer = normalizer or Normalizer()
        self._by_entity: dict[str, DirectoryVendor] = {}
        self._by_key: dict[str, DirectoryVendor] = {}
        self._restricted_by_key: dict[str, DirectoryVendor] = {}
        for vendor in self.vendors:
            for entity in vendor.entities:
                self._by_entity[entity] = vendor
            # A restricted vendor's spellings are screening's to recognise; its own names serve only for
            # names never screened.
            index = self._restricted_by_key if vendor.entities else self._by_key
            for name in (vendor.name, vendor.legal_name, *vendor.aliases):
                key = self.key(name)
                other = self._by_key.get(key) or self._restricted_by_key.get(key)
                if other is not None and other is not vendor:
                    raise ValueError(
                        f"{name!r} names both {other.id} and {vendor.id} in the vendor directory"
                    )
                index[key] = vendor

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> VendorDirectory:
        raw = data["vendors"]
        assert isinstance(raw, list)
        return cls(
            [
                DirectoryVendor(
                    id=item["id"],
                    name=item["name"],
                    legal_name=item["legal_name"],
                    entities=tuple(item.get("entities", ())),
                    aliases=tuple(item.get("aliases", ())),
                )
                for item in raw
            ]
        )

    def key(self, name: str) -> str:
        """A name's distinctive words as screening reads them: "Nokia Solutions & Networks Oy" -> "nokia"."""
        form = self._normalizer(name)
        if not form.tokens:
            return name.strip().casefold()
        top = max(form.weights)
        return " ".join(t for t, w in zip(form.tokens, form.weights, strict=True) if w >= top)

    def by_name(self, name: str, screened: bool = True) -> DirectoryVendor | None:
        """The vendor a name is written for; a restricted vendor only for a name never `screened`."""
        key = self.key(name)
        return self._by_key.get(key) or (None if screened else self._restricted_by_key.get(key))

    def by_entity(self, entity_id: str) -> DirectoryVendor | None:
        return self._by_entity.get(entity_id)


@cache
def default_directory() -> VendorDirectory:
    """The shipped directory (data/vendors.yaml)."""
    return VendorDirectory.from_mapping(load_yaml_file(DATA_DIR / "vendors.yaml", "vendors.schema.json"))


def _restricted_hit(items: Sequence[VendorEvidence]) -> VendorEvidence | None:
    """The evidence the rules act on that best names the vendor: the highest score, then the group root."""
    restricted = [item for item in items if item.counts_as_restricted]
    if not restricted:
        return None
    return max(restricted, key=lambda item: (item.score, -len(item.affiliate_path), item.entity_id))


def canonical_vendors(
    written: Mapping[str, int],
    evidence: Mapping[str, Sequence[VendorEvidence]],
    directory: VendorDirectory | None = None,
) -> dict[str, CanonicalVendor]:
    """Each name as written (with how many assets carry it) -> its canonical vendor. `evidence` holds
    screening's findings for every name it screened (a name screened clear maps to no evidence).

    A name the directory does not know and screening did not resolve is grouped with the other names
    that share its distinctive words, under the spelling written most often ("Ciena Corporation" and
    "Ciena" are one vendor).
    """
    directory = directory or default_directory()
    resolved: dict[str, CanonicalVendor] = {}
    unknown: dict[str, Counter[str]] = defaultdict(Counter)
    unlisted: dict[str, list[tuple[str, str]]] = defaultdict(list)  # entity root -> (name, entity name)
    for name, count in written.items():
        if not name.strip():
            resolved[name] = CanonicalVendor("name:", UNNAMED)
            continue
        hit = _restricted_hit(evidence.get(name, ()))
        if hit is not None:
            # The matched entity if the directory knows it (HiSilicon), else its nearest known parent
            # (Huawei Technologies Deutschland GmbH -> Huawei).
            chain = hit.entity_ids
            known = next((v for v in map(directory.by_entity, chain) if v is not None), None)
            if known is not None:
                entity = next(e for e in chain if directory.by_entity(e) is known)
                resolved[name] = CanonicalVendor(known.id, known.name, entity)
            else:
                unlisted[chain[-1]].append((name, hit.entity_name))
            continue
        vendor = directory.by_name(name, screened=name in evidence)
        if vendor is not None:
            resolved[name] = CanonicalVendor(vendor.id, vendor.name)
        else:
            unknown[directory.key(name)][name] += count
    for root, hits in unlisted.items():
        # Lists spell one entity differently; the shortest of their names stands for all of them.
        label = min((entity_name for _, entity_name in hits), key=lambda n: (len(n), n))
        for name, _ in hits:
            resolved[name] = CanonicalVendor(f"entity:{root}", label, root)
    for key, spellings in unknown.items():
        # The spelling written most often names the group; ties go to the one not all in capitals.
        label = max(spellings.items(), key=lambda item: (item[1], item[0] != item[0].upper(), item[0]))[0]
        for name in spellings:
            resolved[name] = CanonicalVendor(f"name:{key}", label)
    return resolved


def vendor_names(
    counts: Mapping[str, int], vendors: Mapping[str, CanonicalVendor] | None = None
) -> dict[str, CanonicalVendor]:
    """Each name as written -> its canonical vendor: from `vendors` (an organisation's, resolved with its
    screening), else from the directory alone for the names `vendors` does not cover."""
    vendors = vendors or {}
    missing = {name: n for name, n in counts.items() if name not in vendors}
    resolved = canonical_vendors(missing, {}) if missing else {}
    return {name: vendors.get(name) or resolved[name] for name in counts}


def asset_vendor(vendor: CanonicalVendor, manufacturer: CanonicalVendor | None) -> CanonicalVendor:
    """An asset's canonical vendor: its vendor's, or its manufacturer's when screening resolved only the
    manufacturer to a restricted entity (vendor "Huawie", still in review; manufacturer "Huawei"): the
    rules act on that entity, so charts, forms and exports name it too."""
    if vendor.entity_id is None and manufacturer is not None and manufacturer.entity_id is not None:
        return manufacturer
    return vendor
