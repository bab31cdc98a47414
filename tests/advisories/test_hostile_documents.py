"""Advisory files built to break the reader or slow the server: each is refused with a reason."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection
from typer.testing import CliRunner

from large_advisories import csaf_with_affected_releases
from netvet.advisories.asset_index import AssetIndex
from netvet.advisories.matcher import MatchStatus, match_all
from netvet.advisories.model import DocumentRejected, Vulnerability
from netvet.advisories.priority import Priority, prioritise
from netvet.advisories.reader import MAX_CSAF_PRODUCTS, parse_document
from netvet.api.routers import advisories as advisory_routes
from netvet.api.routers.advisories import ranked_priorities
from netvet.cli import app
from netvet.ingest import import_inventory
from netvet.storage import Database
from netvet.storage import advisories as advisory_store
from netvet.storage import inventory as store
from netvet.storage.advisories import (
    count_advisories,
    iter_advisories,
    load_asset_views,
    replace_matches,
    store_document,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "advisories"
ROUTERS = Path(__file__).resolve().parent.parent / "data" / "advisories" / "routers.csv"


def refusal(raw: bytes) -> str:
    with pytest.raises(DocumentRejected) as caught:
        parse_document(raw, "hostile.json")
    return "; ".join(issue.message for issue in caught.value.issues)


def test_an_nvd_score_of_5000_digits_is_refused() -> None:
    raw = (
        (DATA / "nvd-cisco-ios-nokia.json")
        .read_bytes()
        .replace(b'"baseScore": 9.8', b'"baseScore": ' + b"9" * 5000, 1)
    )
    assert "Exceeds the limit (4300 digits)" in refusal(raw)


def test_an_advisory_with_text_no_database_stores_is_refused_with_its_path() -> None:
    """A NUL crashed PostgreSQL's insert (`netvet advisories load` on a PostgreSQL database)."""
    raw = (
        (DATA / "nvd-cisco-ios-nokia.json")
        .read_bytes()
        .replace(b'"lang": "en", "value": "', b'"lang": "en", "value": "\\u0000', 1)
    )
    assert b"\\u0000" in raw
    with pytest.raises(DocumentRejected) as caught:
        parse_document(raw, "nul.json")
    (issue,) = caught.value.issues
    assert "holds text no database stores" in issue.message and issue.path.endswith("/value")


@pytest.mark.parametrize(
    "raw",
    [b"[" * 100_000, b'{"document": ' * 50_000 + b"1" + b"}" * 50_000],
    ids=["brackets", "nested-objects"],
)
def test_json_nested_past_pythons_parser_is_refused(raw: bytes) -> None:
    assert "nested too deeply" in refusal(raw)


def csaf_with_products(count: int) -> bytes:
    """The Nokia SR OS advisory with `count` products in its tree (the first one is the real one)."""
    document = json.loads((DATA / "csaf-nokia-sros.json").read_text(encoding="utf-8"))
    names = [{"product_id": f"CSAFPID-X{i}", "name": f"Product {i}"} for i in range(count)]
    document["product_tree"]["full_product_names"] = names
    return json.dumps(document, separators=(",", ":")).encode()


@pytest.mark.slow
def test_a_csaf_document_of_a_million_products_is_refused_before_its_schema_check() -> None:
    raw = csaf_with_products(1_000_000)
    started = time.monotonic()
    message = refusal(raw)
    assert f"names more than {MAX_CSAF_PRODUCTS:,} products" in message
    # Counted and refused before jsonschema walks a million objects (which took minutes and gigabytes).
    assert time.monotonic() - started < 30


def test_a_csaf_document_within_the_product_limit_is_read() -> None:
    parsed = parse_document(csaf_with_products(2_000), "many.json")
    assert len(parsed.advisories) == 1


def test_the_patch_first_ranking_reads_only_the_advisories_the_organisation_matched(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large advisory another organisation matched (or nobody did) costs this one nothing."""
    import_inventory(sqlite_db, ROUTERS, organization_id="acme")
    with sqlite_db.begin() as conn:
        store.ensure_organization(conn, "globex")
        for name in ("cve5-huawei-ar.json", "nvd-cisco-ios-nokia.json", "kev-catalog.json"):
            store_document(conn, parse_document((DATA / name).read_bytes(), name), name.ljust(64, "x")[:64])
        matches = list(
            match_all(list(iter_advisories(conn)), AssetIndex.build(load_asset_views(conn, "acme")))
        )
        replace_matches(conn, "acme", matches)
        # Loaded after matching: stored, matched by nobody yet.
        big = parse_document(csaf_with_products(20_000), "big.json")
        store_document(conn, big, "b" * 64)
    matched = {m.advisory_id for m in matches if m.status is MatchStatus.AFFECTED}
    assert big.advisories[0].id not in matched
    read: list[str] = []
    stored = advisory_store.iter_parsed

    def counting(conn: Connection, ids: Collection[str] | None = None) -> Iterator[dict[str, Any]]:
        for parsed in stored(conn, ids):
            read.append(parsed["id"])
            yield parsed

    monkeypatch.setattr(advisory_store, "iter_parsed", counting)
    with sqlite_db.connect() as conn:
        ranked = ranked_priorities(conn, "acme", 20)
        assert {p.advisory_id for p in ranked} == matched and sorted(read) == sorted(matched)
        read.clear()
        assert ranked_priorities(conn, "globex", 20) == [] and read == []


def test_an_organisation_that_matched_a_large_advisory_ranks_it_without_reading_its_products(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ranking needs each vulnerability's ids, title and scores, not the products it applies to:
    building 20,000 criteria on every request took seconds (a 100,000-product one, 3 to 16 s)."""
    import_inventory(sqlite_db, ROUTERS, organization_id="acme")  # R3: a 7750 SR on 22.10.R3
    with sqlite_db.begin() as conn:
        for name in ("nvd-cisco-ios-nokia.json", "kev-catalog.json"):
            store_document(conn, parse_document((DATA / name).read_bytes(), name), name.ljust(64, "x")[:64])
        big = parse_document(csaf_with_affected_releases(20_000), "big.json")
        store_document(conn, big, "b" * 64)
        advisories = list(iter_advisories(conn))
        matches = list(match_all(advisories, AssetIndex.build(load_asset_views(conn, "acme"))))
        replace_matches(conn, "acme", matches)
    affected = [m for m in matches if m.status is MatchStatus.AFFECTED]
    assert big.advisories[0].id in {m.advisory_id for m in affected}
    ranked_with: list[Mapping[tuple[str, str], Vulnerability]] = []

    def ranking(
        affected: Iterable[tuple[str, str, str]],
        vulnerabilities: Mapping[tuple[str, str], Vulnerability],
        *args: Any,
    ) -> list[Priority]:
        ranked_with.append(vulnerabilities)
        return prioritise(affected, vulnerabilities, *args)

    monkeypatch.setattr(advisory_routes, "prioritise", ranking)
    with sqlite_db.connect() as conn:
        ranked = ranked_priorities(conn, "acme", 20)
        kev = set(advisory_store.kev_catalogue(conn))
        domains = {a.id: a.domain for a in load_asset_views(conn, "acme")}
    # No vulnerability was read with the products it applies to ...
    (read,) = ranked_with
    assert any(advisory_id == big.advisories[0].id for advisory_id, _ in read)
    assert all(v.criteria == () for v in read.values())
    # ... and the ranking is the one the whole advisories give.
    whole = prioritise(
        ((m.advisory_id, m.vulnerability, m.asset_id) for m in affected),
        {(a.id, v.label): v for a in advisories for v in a.vulnerabilities},
        kev,
        domains,
    )
    assert [(p.advisory_id, p.vulnerability, p.cvss, p.kev, p.score) for p in ranked] == [
        (p.advisory_id, p.vulnerability, p.severity.score, p.kev, p.score) for p in whole[:20]
    ]


def nvd_with_a_5000_digit_score() -> bytes:
    raw = (DATA / "nvd-cisco-ios-nokia.json").read_bytes()
    return raw.replace(b'"baseScore": 9.8', b'"baseScore": ' + b"9" * 5000, 1)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        pytest.param(
            "nvd-digits.json", nvd_with_a_5000_digit_score, "Exceeds the limit (4300 digits)", id="nvd-score"
        ),
        pytest.param("brackets.json", lambda: b"[" * 100_000, "nested too deeply", id="brackets"),
        pytest.param(
            "csaf-million.json",
            lambda: csaf_with_products(1_000_000),
            f"names more than {MAX_CSAF_PRODUCTS:,} products",
            id="csaf-1000000-products",
            marks=pytest.mark.slow,
        ),
    ],
)
def test_advisories_load_refuses_each_with_exit_2_and_stores_nothing(
    cli_env: Database, tmp_path: Path, name: str, content: Callable[[], bytes], reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content())
    result = CliRunner().invoke(app, ["advisories", "load", str(path)])
    assert result.exit_code == 2, result.output
    assert f"rejected:{path}" in re.sub(r"\s+", "", result.output)
    assert reason in re.sub(r"\s+", " ", result.output)
    with cli_env.connect() as conn:
        assert count_advisories(conn) == 0
