"""netvet's TAXII 2.1 server driven by the real `taxii2-client`, endpoint by endpoint, over 127.0.0.1.

Expected answers come from the TAXII 2.1 specification (OASIS, 2021): resource fields (sections 4
and 5), media types (1.6.8), paging with `limit`/`more`/`next`, the `match[...]` filters and the
status resource (4.3.1).
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
import stix2
from fastapi.testclient import TestClient
from taxii2client.exceptions import AccessError
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

from netvet.api import AppConfig, create_app
from netvet.sharing.tlp import Tlp
from netvet.storage.access import list_audit

from .conftest import SharingServer

TAXII = "application/taxii+json;version=2.1"


def identity(name: str, tlp: Tlp) -> stix2.Identity:
    return stix2.Identity(name=name, identity_class="organization", object_marking_refs=[tlp.marking_id])


def vulnerability(creator: stix2.Identity, cve: str, tlp: Tlp, **kwargs: object) -> stix2.Vulnerability:
    return stix2.Vulnerability(
        name=cve,
        created_by_ref=creator.id,
        external_references=[{"source_name": "cve", "external_id": cve}],
        object_marking_refs=[tlp.marking_id],
        **kwargs,
    )


def envelope(*objects: object) -> str:
    return json.dumps({"objects": [json.loads(o.serialize()) for o in objects]})  # type: ignore[attr-defined]


def collection(server: SharingServer, who: str, group: str = "eu-5g") -> Collection:
    return Collection(server.collection_url(group), auth=server.auth(who))


def test_discovery_lists_an_api_root_per_sharing_group(sharing_server: SharingServer) -> None:
    server = Server(sharing_server.url, auth=sharing_server.auth("acme"))
    assert server.title == "netvet TAXII 2.1"
    assert sorted(root.url for root in server.api_roots) == [
        sharing_server.root("eu-5g"),
        sharing_server.root("national"),
    ]
    assert server.default is not None and server.default.url == sharing_server.root("eu-5g")


def test_api_root_information(sharing_server: SharingServer) -> None:
    root = ApiRoot(sharing_server.root("eu-5g"), auth=sharing_server.auth("globex"))
    assert root.title == "EU 5G cooperation group"
    assert root.description == "Operators sharing 5G findings"
    assert root.versions == [TAXII]
    assert root.max_content_length > 2 * 1024 * 1024


def test_collections_say_who_may_write(sharing_server: SharingServer) -> None:
    for who, can_write in (
        ("acme", True),
        ("globex", True),
        ("hooli", False),
        ("csirt", False),
        ("acme:viewer", False),
    ):
        root = ApiRoot(sharing_server.root("eu-5g"), auth=sharing_server.auth(who))
        (found,) = root.collections
        assert found.id == sharing_server.collections["eu-5g"]
        assert found.title == "eu-5g vulnerabilities"
        assert found.can_read is True
        assert found.can_write is can_write, who
        assert found.media_types == ["application/stix+json;version=2.1"]
    single = collection(sharing_server, "globex")
    assert single.title == "eu-5g vulnerabilities" and single.can_write


def test_post_then_read_objects_manifest_object_versions_and_status(sharing_server: SharingServer) -> None:
    acme = identity("Acme", Tlp.GREEN)
    first = vulnerability(acme, "CVE-2023-20198", Tlp.GREEN, description="IOS XE web UI")
    second = first.new_version(description="IOS XE web UI, exploited in the wild")
    writer = collection(sharing_server, "acme")
    status = writer.add_objects(envelope(acme, first))
    assert (status.status, status.total_count, status.success_count, status.failure_count) == (
        "complete",
        2,
        2,
        0,
    )
    assert {s["id"] for s in status.successes} == {acme.id, first.id}
    writer.add_objects(envelope(second))

    root = ApiRoot(sharing_server.root("eu-5g"), auth=sharing_server.auth("acme"))
    again = root.get_status(status.id)
    assert again.id == status.id and again.success_count == 2
    with pytest.raises(requests.HTTPError) as hidden:  # another organisation's post is not its business
        ApiRoot(sharing_server.root("eu-5g"), auth=sharing_server.auth("globex")).get_status(status.id)
    assert hidden.value.response.status_code == 404

    reader = collection(sharing_server, "globex")
    latest = reader.get_object(first.id)["objects"]
    assert [o["description"] for o in latest] == ["IOS XE web UI, exploited in the wild"]
    every = reader.get_object(first.id, version="all")["objects"]
    assert sorted(o["modified"] for o in every) == sorted(
        json.loads(v.serialize())["modified"] for v in (first, second)
    )
    oldest = reader.get_object(first.id, version="first")["objects"]
    assert [o["description"] for o in oldest] == ["IOS XE web UI"]
    versions = reader.object_versions(first.id)
    assert len(versions["versions"]) == 2 and versions["more"] is False

    objects = reader.get_objects(type="vulnerability", id=first.id)
    assert [o["id"] for o in objects["objects"]] == [first.id]
    manifest = reader.get_manifest(id=first.id, version="all")
    assert {m["id"] for m in manifest["objects"]} == {first.id}
    assert len(manifest["objects"]) == 2
    assert all(m["media_type"] == "application/stix+json;version=2.1" for m in manifest["objects"])


def test_paging_with_limit_and_next_returns_each_object_once(sharing_server: SharingServer) -> None:
    acme = identity("Acme", Tlp.CLEAR)
    batch = [vulnerability(acme, f"CVE-2024-{1000 + i}", Tlp.CLEAR) for i in range(23)]
    since = datetime.now(UTC) - timedelta(milliseconds=5)
    collection(sharing_server, "acme").add_objects(envelope(acme, *batch))
    reader = collection(sharing_server, "vendorx")
    pages = list(as_pages(reader.get_objects, per_request=5, type="vulnerability", added_after=since))
    seen = [o["id"] for page in pages for o in page.get("objects", [])]
    assert sorted(seen) == sorted(v.id for v in batch)
    assert len(pages) == 5 and [len(p.get("objects", [])) for p in pages] == [5, 5, 5, 5, 3]
    manifest_pages = list(
        as_pages(reader.get_manifest, per_request=10, type="vulnerability", added_after=since)
    )
    assert sorted(m["id"] for p in manifest_pages for m in p.get("objects", [])) == sorted(
        v.id for v in batch
    )


def test_added_after_and_date_added_headers(sharing_server: SharingServer) -> None:
    acme = identity("Acme", Tlp.CLEAR)
    early = vulnerability(acme, "CVE-2022-0001", Tlp.CLEAR)
    writer = collection(sharing_server, "acme")
    writer.add_objects(envelope(early))
    between = datetime.now(UTC)
    late = vulnerability(acme, "CVE-2022-0002", Tlp.CLEAR)
    writer.add_objects(envelope(late))
    response = requests.get(
        sharing_server.collection_url("eu-5g") + "objects/",
        params={"added_after": between.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "match[type]": "vulnerability"},
        headers={"Accept": TAXII},
        auth=sharing_server.auth("globex"),
        timeout=10,
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == TAXII
    ids = [o["id"] for o in response.json()["objects"]]
    assert late.id in ids and early.id not in ids
    assert response.headers["X-TAXII-Date-Added-First"] <= response.headers["X-TAXII-Date-Added-Last"]


def test_refusals_use_taxii_error_messages(sharing_server: SharingServer) -> None:
    url = sharing_server.collection_url("eu-5g") + "objects/"
    body = envelope(identity("Acme", Tlp.GREEN))

    def call(method: str, who: str | None, **kwargs: object) -> requests.Response:
        headers = {"Accept": TAXII, "Content-Type": TAXII}
        headers.update(kwargs.pop("headers", {}))  # type: ignore[arg-type]
        auth = sharing_server.auth(who) if who else None
        return requests.request(method, url, headers=headers, auth=auth, timeout=10, **kwargs)  # type: ignore[arg-type]

    unauthenticated = call("GET", None)
    assert unauthenticated.status_code == 401 and unauthenticated.json()["http_status"] == "401"
    assert unauthenticated.headers["content-type"] == TAXII
    assert call("GET", None, headers={"Authorization": "Bearer nvt_not-a-token"}).status_code == 401
    assert call("GET", "acme", headers={"Accept": "application/json"}).status_code == 406
    assert call("GET", "acme", headers={"Accept": "application/taxii+json;version=2.0"}).status_code == 406
    assert call("POST", "acme", data=body, headers={"Content-Type": "application/json"}).status_code == 415
    assert call("POST", "hooli", data=body).status_code == 403  # a client reads, never writes
    assert call("POST", "csirt", data=body).status_code == 403  # not in the group
    assert call("POST", "acme:viewer", data=body).status_code == 403
    assert call("POST", "acme", data="not json").status_code == 400
    assert call("POST", "acme", data='{"more": false}').status_code == 422
    missing = requests.get(
        sharing_server.root("eu-5g") + f"collections/{uuid.uuid4()}/",
        headers={"Accept": TAXII},
        auth=sharing_server.auth("acme"),
        timeout=10,
    )
    assert missing.status_code == 404 and missing.json()["title"] == "Not found"


def test_taxii2_client_token_auth_and_basic_auth_with_the_token_as_password(
    sharing_server: SharingServer,
) -> None:
    from taxii2client.common import TokenAuth

    token = sharing_server.tokens["globex"]
    assert Server(sharing_server.url, auth=TokenAuth(token)).title == "netvet TAXII 2.1"
    assert Server(sharing_server.url, user="globex-analyst", password=token).title == "netvet TAXII 2.1"
    with pytest.raises(requests.HTTPError):
        Server(sharing_server.url, user="acme-analyst", password=token).refresh()


def test_objects_without_a_tlp_marking_or_invalid_are_refused_and_every_post_is_audited(
    sharing_server: SharingServer,
) -> None:
    acme = identity("Acme", Tlp.GREEN)
    unmarked = stix2.Vulnerability(name="CVE-2021-44228", created_by_ref=acme.id)
    broken = {"type": "vulnerability", "id": f"vulnerability--{uuid.uuid4()}", "spec_version": "2.1"}
    status = collection(sharing_server, "acme").add_objects(
        json.dumps({"objects": [json.loads(acme.serialize()), json.loads(unmarked.serialize()), broken]})
    )
    assert status.success_count == 1 and status.failure_count == 2
    reasons = {f["id"]: f["message"] for f in status.failures}
    assert "no TLP marking" in reasons[unmarked.id]
    assert "not valid STIX 2.1" in reasons[broken["id"]]
    with sharing_server.db.connect() as conn:
        _, entries = list_audit(conn, "acme", 100, 0)
    posts = [e for e in entries if e["action"] == "taxii.objects.add" and e["detail"]["status"] == status.id]
    assert len(posts) == 1
    assert posts[0]["actor"] == "acme-analyst" and posts[0]["via"] == "token"
    assert posts[0]["detail"]["successes"] == 1 and len(posts[0]["detail"]["failures"]) == 2


def test_a_read_only_collection_refuses_writes_in_the_client_too(sharing_server: SharingServer) -> None:
    with pytest.raises(AccessError):
        collection(sharing_server, "hooli").add_objects(envelope(identity("Hooli", Tlp.GREEN)))


def test_the_caller_is_known_before_the_body_is_read_and_bodies_are_capped(
    sharing_server: SharingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request guard in front of netvet serve, with the TAXII rule: credentials first, then the
    API root's max_content_length, both refused as TAXII error messages."""
    monkeypatch.setattr("netvet.api.taxii.MAX_CONTENT_LENGTH", 2_000)
    path = "/taxii2/eu-5g/collections/" + sharing_server.collections["eu-5g"] + "/objects/"
    headers = {"Accept": TAXII, "Content-Type": TAXII}
    small = envelope(identity("Acme", Tlp.GREEN))
    with TestClient(create_app(sharing_server.db, AppConfig())) as client:
        anonymous = client.post(path, content=small, headers=headers)
        assert anonymous.status_code == 401 and anonymous.headers["content-type"] == TAXII
        basic = (f"acme-analyst:{sharing_server.tokens['acme']}").encode()
        as_basic = {**headers, "Authorization": "Basic " + base64.b64encode(basic).decode()}
        assert client.post(path, content=small, headers=as_basic).status_code == 202
        large = json.dumps({"objects": [json.loads(identity("x" * 3_000, Tlp.GREEN).serialize())]})
        refused = client.post(path, content=large, headers=as_basic)
        assert refused.status_code == 413 and refused.json()["http_status"] == "413"
        assert refused.headers["content-type"] == TAXII
