"""What an advisory line names: OS families or products, and the hardware it is limited to.

"Cisco IOS XE Software" names a family; "IOS and IOS XE Software" two; "ZXR10 1800-2S series
,ZXR10 2800-4" a list of models; "SR OS (7250 IXR, 7450 ESS, 7750 SR, ...)" a family with examples
of its hardware. CVE JSON 5 `platforms` ("SRX Series", "MX Series with SPC3") limit a line to
hardware; environments there ("Linux", "64 bit") limit nothing an inventory can test.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from netvet.advisories.asset_index import AssetView
from netvet.advisories.cpe import CpeSyntaxError, parse_cpe
from netvet.advisories.designations import Designation, parse_designation, split_product_name
from netvet.advisories.families import Family, FamilyTable, without_vendor
from netvet.advisories.model import Criterion


@dataclass(frozen=True)
class Target:
    families: tuple[Family, ...]
    names: tuple[str, ...]  # products that are not a family: matched by model
    by_designation: bool  # the names are model designations (a list, a series): matched word by word
    hardware: tuple[Designation, ...]
    note: str  # what the line says about hardware that limits nothing


def target_of(criterion: Criterion, table: FamilyTable, vendor_tokens: Collection[str]) -> Target:
    product = criterion.product or ""
    split = split_product_name(product, lambda name: table.resolve(name, vendor_tokens) is not None)
    families: list[Family] = []
    names: list[str] = []
    for name in split.names:
        family = table.resolve(name, vendor_tokens)
        if family is None and criterion.cpe and not split.is_list:
            family = _cpe_family(criterion.cpe, table)
        if family is not None:
            families.append(family)
        else:
            names.append(name)
    notes = []
    if split.examples:
        notes.append(f"the product's hardware ({split.examples}) is given as examples, limiting nothing")
    declared = [*split.hardware, *criterion.hardware]
    environments = [p for p in declared if table.is_environment(p)]
    if environments:
        notes.append(
            f"platforms {', '.join(repr(p) for p in environments)} name an execution environment, "
            "not hardware: not tested"
        )
    hardware = tuple(parse_designation(p) for p in declared if not table.is_environment(p))
    by_designation = split.is_list or any("series" in n.lower() for n in names)
    return Target(tuple(dict.fromkeys(families)), tuple(names), by_designation, hardware, "; ".join(notes))


def _cpe_family(cpe: str, table: FamilyTable) -> Family | None:
    try:
        parsed = parse_cpe(cpe)
    except CpeSyntaxError:
        return None
    return table.resolve(parsed.product, (parsed.vendor,))


class HardwareTest(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"


def hardware_test(
    target: Target, asset: AssetView, vendor_tokens: Collection[str]
) -> tuple[HardwareTest, str]:
    """Whether the asset is hardware the line is limited to, and why."""
    if not target.hardware:
        return HardwareTest.PASSED, "platform test: " + (target.note or "none in the record")
    listed = ", ".join(repr(d.text) for d in target.hardware)
    models = [without_vendor(n, vendor_tokens) for n in (asset.model, asset.part_number) if n]
    parts = [c.name for c in asset.components]
    for designation in target.hardware:
        model = next((m for m in models if designation.covers(m)), None)
        if model is None:
            part = next((p for p in parts if designation.covers(p)), None)
            if part is not None:
                return HardwareTest.PASSED, f"platform test: {designation.text!r} covers its part {part}"
            continue
        if not designation.qualifiers:
            return HardwareTest.PASSED, f"platform test: {designation.text!r} covers model {model}"
        carried = designation.qualifier_in([*parts, *(n for n in (asset.part_number,) if n)])
        if carried is not None:
            return (
                HardwareTest.PASSED,
                f"platform test: {designation.text!r} covers model {model} with {carried}",
            )
        return (
            HardwareTest.UNKNOWN,
            f"platform test: {designation.text!r} needs parts the inventory does not record for "
            f"model {model} (its components list none of them)",
        )
    return HardwareTest.FAILED, f"platform test: the record is limited to {listed}"
