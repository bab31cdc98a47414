"""The screening review queue shows one item per name as written, with one decision per entity covering
every list the entity is on (not one item per list entry)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from .conftest import import_and_assess, log_in

WEB_DATA = Path(__file__).resolve().parent.parent / "data" / "web"


def test_a_name_on_several_lists_is_one_review_item_with_one_decision(client: TestClient) -> None:
    csrf = log_in(client, "ann")
    import_and_assess(client, csrf, WEB_DATA / "inventory-spellings.csv", "2026-11-25", ["uk"])
    page = client.get("/screening").text
    items = re.findall(r'<article class="card candidate".*?</article>', page, flags=re.S)
    huawie = [item for item in items if "<h2>Huawie</h2>" in item]
    assert len(huawie) == 1  # "Huawie" (inventory-spellings.csv, row R2) is in review
    [item] = huawie
    assert len(re.findall(r'<section class="entity"', item)) == 1
    assert len(re.findall(r'action="/screening/\d+/decision"', item)) == 1
    # Huawei is on the FCC Covered List (47 CFR 1.50002), the BIS Entity List (84 FR 22961) and named in
    # NDAA FY2019 section 889: one entity, every list named on it.
    lists = re.search(r"On <strong>([^<]+)</strong>", item)
    assert lists is not None and {"fcc-covered", "bis-entity", "ndaa-889"} <= set(lists.group(1).split(", "))
