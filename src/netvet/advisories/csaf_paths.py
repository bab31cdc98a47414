"""Where CSAF 2.0 documents keep products and references, walked once for every test that needs them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Document = dict[str, Any]
PRODUCT_STATUS_GROUPS = (
    "first_affected",
    "first_fixed",
    "fixed",
    "known_affected",
    "known_not_affected",
    "last_affected",
    "recommended",
    "under_investigation",
)


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def walk_branches(branches: Any, path: str) -> Iterator[tuple[dict[str, Any], str, list[dict[str, Any]]]]:
    """Every branch with its JSON path and its ancestors (outermost first)."""

    def walk(
        items: Any, here: str, ancestors: list[dict[str, Any]]
    ) -> Iterator[tuple[dict[str, Any], str, list[dict[str, Any]]]]:
        for i, branch in enumerate(as_list(items)):
            if not isinstance(branch, dict):
                continue
            branch_path = f"{here}/{i}"
            yield branch, branch_path, ancestors
            yield from walk(branch.get("branches"), f"{branch_path}/branches", [*ancestors, branch])

    yield from walk(branches, path, [])


def full_product_names(doc: Document) -> Iterator[tuple[dict[str, Any], str]]:
    """Every full_product_name_t element with its JSON path (6.1.2's relevant paths)."""
    tree = as_dict(doc.get("product_tree"))
    for branch, path, _ in walk_branches(tree.get("branches"), "/product_tree/branches"):
        if isinstance(branch.get("product"), dict):
            yield branch["product"], f"{path}/product"
    for i, fpn in enumerate(as_list(tree.get("full_product_names"))):
        if isinstance(fpn, dict):
            yield fpn, f"/product_tree/full_product_names/{i}"
    for i, rel in enumerate(as_list(tree.get("relationships"))):
        if isinstance(rel, dict) and isinstance(rel.get("full_product_name"), dict):
            yield rel["full_product_name"], f"/product_tree/relationships/{i}/full_product_name"


def product_references(doc: Document) -> Iterator[tuple[str, str]]:
    """Every product id that refers to a definition, with its path (6.1.1's relevant paths)."""
    tree = as_dict(doc.get("product_tree"))
    for g, group in enumerate(as_list(tree.get("product_groups"))):
        for p, pid in enumerate(as_list(as_dict(group).get("product_ids"))):
            yield pid, f"/product_tree/product_groups/{g}/product_ids/{p}"
    for r, rel in enumerate(as_list(tree.get("relationships"))):
        rel = as_dict(rel)
        for key in ("product_reference", "relates_to_product_reference"):
            if isinstance(rel.get(key), str):
                yield rel[key], f"/product_tree/relationships/{r}/{key}"
    for v, vuln in enumerate(as_list(doc.get("vulnerabilities"))):
        vuln = as_dict(vuln)
        status = as_dict(vuln.get("product_status"))
        for group in PRODUCT_STATUS_GROUPS:
            for p, pid in enumerate(as_list(status.get(group))):
                yield pid, f"/vulnerabilities/{v}/product_status/{group}/{p}"
        for key, field in (
            ("flags", "product_ids"),
            ("remediations", "product_ids"),
            ("scores", "products"),
            ("threats", "product_ids"),
        ):
            for i, item in enumerate(as_list(vuln.get(key))):
                for p, pid in enumerate(as_list(as_dict(item).get(field))):
                    yield pid, f"/vulnerabilities/{v}/{key}/{i}/{field}/{p}"


def product_groups(doc: Document) -> list[tuple[dict[str, Any], str]]:
    groups = as_list(as_dict(doc.get("product_tree")).get("product_groups"))
    return [(g, f"/product_tree/product_groups/{i}") for i, g in enumerate(groups) if isinstance(g, dict)]
