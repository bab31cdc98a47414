"""Builders for policy tests: hand-built vendor evidence, small asset frames, packs written as YAML."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from netvet.model.screening import Decision, ScreeningStatus, VendorEvidence
from netvet.policy import RulePack, load_pack
from netvet.policy.frame import ASSET_COLUMNS

HUAWEI = VendorEvidence(
    name="Huawei Technologies Co., Ltd.",
    status=ScreeningStatus.MATCH,
    entity_id="huawei",
    entity_name="Huawei Technologies Co., Ltd.",
    list_id="fcc-covered",
    matched_name="Huawei Technologies Company",
    score=0.98,
    explanation="name tokens align",
    lists=("fcc-covered", "bis-entity"),
)
# Reached only through its parent: no rule names HiSilicon.
HISILICON = VendorEvidence(
    name="HiSilicon",
    status=ScreeningStatus.MATCH,
    entity_id="hisilicon",
    entity_name="HiSilicon Technologies Co., Ltd.",
    list_id="bis-entity",
    matched_name="HiSilicon Technologies",
    score=0.95,
    explanation="alias",
    affiliate_path=("huawei",),
    lists=("bis-entity",),
)
ZTE_REVIEW = VendorEvidence(
    name="ZTE-ish Telecom",
    status=ScreeningStatus.REVIEW,
    entity_id="zte",
    entity_name="ZTE Corporation",
    list_id="fcc-covered",
    matched_name="ZTE Corporation",
    score=0.71,
    explanation="partial",
)
ZTE_DISMISSED = ZTE_REVIEW.model_copy(update={"name": "Zeta Networks", "decision": Decision.DISMISSED})

EVIDENCE: dict[str, list[VendorEvidence]] = {
    "Huawei Technologies Co., Ltd.": [HUAWEI],
    "HiSilicon": [HISILICON],
    "ZTE-ish Telecom": [ZTE_REVIEW],
    "Zeta Networks": [ZTE_DISMISSED],
}


def asset(
    asset_id: str,
    vendor: str = "Huawei Technologies Co., Ltd.",
    *,
    site: str | None = None,
    country: str = "GB",
    role: str = "gNB",
    domain: str = "ran",
    technology: str | None = "5G",
    installed_on: date | None = None,
    purchased_on: date | None = None,
    manufacturer: str | None = None,
    funding: str | None = None,
    site_kind: str | None = None,
    national_security: bool | None = None,
    organization_id: str = "default",
) -> dict[str, Any]:
    return {
        "organization_id": organization_id,
        "id": asset_id,
        "site_id": site or f"site-{asset_id}",
        "vendor": vendor,
        "manufacturer": manufacturer,
        "role": role,
        "domain": domain,
        "technology": technology,
        "installed_on": installed_on,
        "purchased_on": purchased_on,
        "funding": funding,
        "country": country,
        "region": None,
        "site_kind": site_kind,
        "national_security": national_security,
    }


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    """An asset frame with exactly the columns storage gives the evaluator."""
    return pl.DataFrame(list(rows), schema=ASSET_COLUMNS)


PACK_HEADER = """
jurisdiction: {jurisdiction}
name: Test pack
countries: [{countries}]
version: "1"
rules:
"""

SOURCE = '[{id: S1, citation: "Test source", url: "https://example.org/rule"}]'


@pytest.fixture
def write_pack(tmp_path: Path) -> Callable[..., Path]:
    """Write a pack whose rules are given as YAML text (indented by the caller or not)."""

    def write(
        rules: str,
        jurisdiction: str = "tt",
        countries: str = "GB",
        name: str = "pack.yaml",
        designations: str = "",
    ) -> Path:
        header = PACK_HEADER.format(jurisdiction=jurisdiction, countries=countries)
        if designations:
            header = header.replace(
                "rules:\n",
                "designations:\n"
                + textwrap.indent(textwrap.dedent(designations).strip("\n") + "\n", "  ")
                + "rules:\n",
            )
        body = header + textwrap.indent(textwrap.dedent(rules).strip("\n") + "\n", "  ")
        path = tmp_path / name
        path.write_text(body.lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def make_pack(write_pack: Callable[..., Path]) -> Callable[..., RulePack]:
    def make(rules: str, **kwargs: Any) -> RulePack:
        return load_pack(write_pack(rules, **kwargs))

    return make


def rule_yaml(
    rule_id: str,
    effect: str,
    extra: str = "",
    vendors: str = "{entities: [huawei]}",
    reads: str = "presence",
) -> str:
    """One rule as YAML list item, with the fields every rule needs."""
    lines = [
        f"- id: {rule_id}",
        f"  title: Test rule {rule_id}",
        "  legal_status: binding",
        "  confidence: confirmed",
        f"  sources: {SOURCE}",
        f"  reads: {reads}",
        f"  vendors: {vendors}",
        f"  effect: {effect}",
    ]
    extra = textwrap.dedent(extra).strip("\n")
    if re.search(r"^deadline: ", extra, flags=re.MULTILINE) and "deadline_kind" not in extra:
        extra += "\ndeadline_kind: last-day"  # "by" a day: the day itself is still allowed
    lines += ["  " + line for line in extra.splitlines() if line.strip()]
    return "\n".join(lines) + "\n"
