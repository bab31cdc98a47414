"""Sharing storage on SQLite and PostgreSQL: posts, keyset pages filtered by TLP, versions, and the
lots the dashboard shows."""

from __future__ import annotations

import stix2

from netvet.sharing.timestamps import canonical_timestamp
from netvet.sharing.tlp import Tlp
from netvet.storage import Database, taxii_read
from netvet.storage import sharing as sharing_store
from netvet.storage import taxii as taxii_store

from .conftest import ORGANISATIONS, populate

WRITTEN = "2026-11-20T10:00:00.56027Z"  # stix2 writes milliseconds or finer, without trailing zeros


def vulnerability(name: str, tlp: Tlp, modified: str = WRITTEN) -> dict[str, object]:
    return {
        "type": "vulnerability",
        "spec_version": "2.1",
        "id": f"vulnerability--{stix2.Vulnerability(name=name).id.split('--')[1]}",
        "created": modified,
        "modified": modified,
        "name": name,
        "object_marking_refs": [tlp.marking_id],
    }


def post(
    db: Database, group_id: str, poster: str, objects: list[dict[str, object]]
) -> taxii_store.PostStatus:
    with db.begin() as conn:
        group = sharing_store.get_group(conn, group_id)
        collection = sharing_store.list_collections(conn, group_id)[0]
        assert group is not None
        return taxii_store.add_objects(conn, collection, group, poster, objects)


def page(db: Database, group_id: str, reader: str, **query: object) -> taxii_read.ObjectPage:
    with db.connect() as conn:
        collection = sharing_store.list_collections(conn, group_id)[0]
        wanted = taxii_read.ObjectQuery(**{"limit": 1000, **query})  # type: ignore[arg-type]
        return taxii_read.read_page(conn, collection.id, reader, sharing_store.circle(conn), wanted, True)


def test_the_same_version_written_with_other_precision_is_the_same_version(db: Database) -> None:
    """Bug: the server compared versions as written, so a re-share of an object whose `modified` ended
    in a zero digit (stix2 drops it) was taken for a new version and refused."""
    populate(db)
    original = vulnerability("CVE-2026-0001", Tlp.GREEN)
    assert post(db, "eu-5g", "acme", [original]).failures == []
    with db.begin() as conn:
        sharing_store.add_member(conn, "national", "globex")
    padded = {**original, "modified": "2026-11-20T10:00:00.560270Z", "created": "2026-11-20T10:00:00.560270Z"}
    for copy in (original, padded):
        status = post(db, "national", "globex", [copy])
        assert status.failures == [] and status.successes[0]["version"] == canonical_timestamp(WRITTEN)
    # kept as one version, and still out of reach of vendorx (GREEN: community only)
    assert [o.version for o in page(db, "national", "csirt").objects] == ["2026-11-20T10:00:00.560270Z"]
    assert page(db, "national", "vendorx").objects == []


def test_keyset_pages_apply_tlp_filters_and_versions(db: Database) -> None:
    populate(db)
    objects = [vulnerability(f"CVE-2026-{i:04d}", Tlp.GREEN if i % 3 == 0 else Tlp.AMBER) for i in range(30)]
    post(db, "eu-5g", "acme", objects)
    newer = {**objects[0], "modified": "2026-11-21T00:00:00.000Z", "name": "CVE-2026-0000 (updated)"}
    post(db, "eu-5g", "acme", [newer])
    seen: list[str] = []
    after = 0
    while True:
        found = page(db, "eu-5g", "csirt", limit=4, after_seq=after)
        seen.extend(o.stix_id for o in found.objects)
        if not found.more:
            break
        assert found.next_seq is not None
        after = found.next_seq
    greens = [o["id"] for i, o in enumerate(objects) if i % 3 == 0]
    assert sorted(seen) == sorted(greens) and len(seen) == len(set(seen))
    latest = page(db, "eu-5g", "globex", ids=frozenset({objects[0]["id"]}))
    assert [o.body["name"] for o in latest.objects] == ["CVE-2026-0000 (updated)"]  # type: ignore[index]
    every = page(db, "eu-5g", "globex", ids=frozenset({objects[0]["id"]}), versions=frozenset({"all"}))
    assert len(every.objects) == 2
    only_types = page(db, "eu-5g", "globex", types=frozenset({"indicator"}))
    assert only_types.objects == []


def test_shared_lots_say_who_can_read(db: Database) -> None:
    populate(db)
    post(
        db,
        "eu-5g",
        "acme",
        [vulnerability("CVE-2026-0100", Tlp.AMBER), vulnerability("CVE-2026-0101", Tlp.RED)],
    )
    with db.connect() as conn:
        circle = sharing_store.circle(conn)
        sent, received = taxii_read.shared_lots(conn, "acme", circle, ORGANISATIONS)
        _, globex_received = taxii_read.shared_lots(conn, "globex", circle, ORGANISATIONS)
    by_tlp = {lot.tlp: lot for lot in sent}
    assert by_tlp["amber"].readers == {"acme", "globex", "initech", "hooli"} and by_tlp["amber"].objects == 1
    assert by_tlp["red"].readers == {"acme"}
    assert received == []
    assert [(lot.producer, lot.tlp) for lot in globex_received] == [("acme", "amber")]


def test_a_post_is_all_or_nothing(db: Database) -> None:
    populate(db)
    try:
        with db.begin() as conn:
            group = sharing_store.get_group(conn, "eu-5g")
            collection = sharing_store.list_collections(conn, "eu-5g")[0]
            assert group is not None
            taxii_store.add_objects(
                conn, collection, group, "acme", [vulnerability("CVE-2026-0200", Tlp.GREEN)]
            )
            raise RuntimeError("the connection dropped")
    except RuntimeError:
        pass
    assert page(db, "eu-5g", "acme").objects == []
