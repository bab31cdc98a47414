"""Every TLP 2.0 marking x every kind of recipient, read back through every TAXII endpoint with the real
`taxii2-client`: nothing reaches anyone TLP does not allow, and a re-share cannot widen the reach.

The expected table is written from FIRST's TLP 2.0 definitions (https://www.first.org/tlp/) as the
issue applies them on the server:
- RED: "for the eyes and ears of individual recipients only": it never leaves acme;
- AMBER+STRICT: "restricted to the organization only": the receiving organisations' members;
- AMBER: "within their organization and its clients": receiving organisations and their clients;
- GREEN: "within their community": every organisation in a sharing group of the server;
- CLEAR: "no limit on disclosure": anyone the server lets in.
"""

from __future__ import annotations

import json
import uuid

import pytest
import requests
import stix2
from taxii2client.v21 import Collection

from netvet.sharing.tlp import Tlp
from netvet.storage import sharing as sharing_store
from netvet.storage import taxii as taxii_store

from .conftest import SharingServer

TAXII = "application/taxii+json;version=2.1"
LEVELS = list(Tlp)

# who (a token) -> the levels it may read of an object acme posted to its whole group
TO_THE_GROUP = {
    "acme:viewer": set(LEVELS),  # same organisation, another user
    "globex": {Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT},  # receiving organisation
    "initech": {Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT},  # group member (also receiving)
    "hooli": {Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER},  # globex's client
    "csirt": {Tlp.CLEAR, Tlp.GREEN},  # community: another sharing group
    "vendorx": {Tlp.CLEAR},  # an account, no sharing group
}
# the same, when acme addressed the object to globex only (`netvet share export --recipient globex`)
TO_GLOBEX = {**TO_THE_GROUP, "initech": {Tlp.CLEAR, Tlp.GREEN}}


def marked(creator: stix2.Identity, tlp: Tlp, name: str) -> stix2.Vulnerability:
    return stix2.Vulnerability(name=name, created_by_ref=creator.id, object_marking_refs=[tlp.marking_id])


def body(*objects: stix2.base._STIXBase) -> str:
    return json.dumps({"objects": [json.loads(o.serialize()) for o in objects]})


@pytest.fixture(scope="module")
def posted(sharing_server: SharingServer) -> dict[str, dict[Tlp, str]]:
    """acme's objects at each level: posted to the group over TAXII, and addressed to globex."""
    acme = stix2.Identity(
        name="Acme", identity_class="organization", object_marking_refs=[Tlp.CLEAR.marking_id]
    )
    to_group = {tlp: marked(acme, tlp, f"group {tlp.value}") for tlp in LEVELS}
    addressed = {tlp: marked(acme, tlp, f"globex {tlp.value}") for tlp in LEVELS}
    writer = Collection(sharing_server.collection_url("eu-5g"), auth=sharing_server.auth("acme"))
    status = writer.add_objects(body(acme, *to_group.values()))
    assert status.failure_count == 0
    with sharing_server.db.begin() as conn:
        group = sharing_store.get_group(conn, "eu-5g")
        found = sharing_store.get_collection(conn, sharing_server.collections["eu-5g"])
        assert group is not None and found is not None
        result = taxii_store.add_objects(
            conn, found, group, "acme", [json.loads(v.serialize()) for v in addressed.values()], ["globex"]
        )
        assert not result.failures
    return {
        "group": {tlp: v.id for tlp, v in to_group.items()},
        "globex": {tlp: v.id for tlp, v in addressed.items()},
    }


def what_reaches(
    server: SharingServer, who: str, ids: dict[Tlp, str], group: str = "eu-5g"
) -> dict[str, set[Tlp]]:
    """Which of the objects `who` learns of through each read endpoint."""
    reader = Collection(server.collection_url(group), auth=server.auth(who))
    level_of = {stix_id: tlp for tlp, stix_id in ids.items()}
    seen: dict[str, set[Tlp]] = {}
    listed = reader.get_objects(type="vulnerability", version="all").get("objects", [])
    seen["objects"] = {level_of[o["id"]] for o in listed if o["id"] in level_of}
    manifest = reader.get_manifest(type="vulnerability", version="all").get("objects", [])
    seen["manifest"] = {level_of[m["id"]] for m in manifest if m["id"] in level_of}
    seen["object"], seen["versions"] = set(), set()
    for tlp, stix_id in ids.items():
        for endpoint, call in (("object", reader.get_object), ("versions", reader.object_versions)):
            try:
                call(stix_id)
            except requests.HTTPError as refused:
                assert refused.response.status_code == 404
                assert stix_id not in refused.response.text
            else:
                seen[endpoint].add(tlp)
    return seen


@pytest.mark.parametrize("who", sorted(TO_THE_GROUP))
@pytest.mark.parametrize("addressed", ["group", "globex"])
def test_each_recipient_gets_exactly_what_tlp_allows(
    sharing_server: SharingServer, posted: dict[str, dict[Tlp, str]], who: str, addressed: str
) -> None:
    expected = (TO_THE_GROUP if addressed == "group" else TO_GLOBEX)[who]
    seen = what_reaches(sharing_server, who, posted[addressed])
    assert seen == {endpoint: expected for endpoint in ("objects", "manifest", "object", "versions")}


@pytest.mark.parametrize("credentials", [None, "Bearer nvt_unknown", "Basic Z2xvYmV4OmZvbw=="])
def test_an_outsider_gets_nothing_from_any_endpoint(
    sharing_server: SharingServer, posted: dict[str, dict[Tlp, str]], credentials: str | None
) -> None:
    clear = posted["group"][Tlp.CLEAR]
    base = sharing_server.collection_url("eu-5g")
    headers = {"Accept": TAXII, **({"Authorization": credentials} if credentials else {})}
    for url in (
        sharing_server.url,
        sharing_server.root("eu-5g"),
        sharing_server.root("eu-5g") + "collections/",
        base,
        base + "objects/",
        base + "manifest/",
        base + f"objects/{clear}/",
        base + f"objects/{clear}/versions/",
    ):
        response = requests.get(url, headers=headers, timeout=10)
        assert response.status_code == 401, url
        assert clear not in response.text and "eu-5g vulnerabilities" not in response.text


@pytest.fixture(scope="module")
def globex_in_national(sharing_server: SharingServer) -> str:
    """globex also belongs to the national group, where it may try to pass on what acme gave it."""
    with sharing_server.db.begin() as conn:
        sharing_store.add_member(conn, "national", "globex")
    return sharing_server.collection_url("national")


def repost(server: SharingServer, url: str, obj: dict[str, object]) -> dict[str, object]:
    response = requests.post(
        url + "objects/",
        data=json.dumps({"objects": [obj]}),
        headers={"Accept": TAXII, "Content-Type": TAXII},
        auth=server.auth("globex"),
        timeout=10,
    )
    assert response.status_code == 202, response.text
    status: dict[str, object] = response.json()
    return status


def received(server: SharingServer, stix_id: str) -> dict[str, object]:
    reader = Collection(server.collection_url("eu-5g"), auth=server.auth("globex"))
    (obj,) = reader.get_object(stix_id)["objects"]
    return dict(obj)


def test_a_reshare_keeps_the_marking_and_its_limits(
    sharing_server: SharingServer, posted: dict[str, dict[Tlp, str]], globex_in_national: str
) -> None:
    amber = received(sharing_server, posted["group"][Tlp.AMBER])
    status = repost(sharing_server, globex_in_national, amber)
    assert status["success_count"] == 1
    ids = {Tlp.AMBER: str(amber["id"])}
    # csirt is in the national group, but acme's AMBER reaches only eu-5g's members and their clients
    assert what_reaches(sharing_server, "csirt", ids, "national")["objects"] == set()
    assert what_reaches(sharing_server, "hooli", ids, "national")["objects"] == {Tlp.AMBER}  # globex's client
    assert what_reaches(sharing_server, "vendorx", ids, "national")["objects"] == set()


@pytest.mark.parametrize(
    ("level", "change", "reason"),
    [
        (Tlp.AMBER, "strip", "must keep that marking"),
        (Tlp.AMBER, Tlp.GREEN, "cannot lower it to TLP:GREEN"),
        (Tlp.AMBER_STRICT, Tlp.CLEAR, "cannot lower it to TLP:CLEAR"),
        (Tlp.GREEN, Tlp.CLEAR, "cannot lower it to TLP:CLEAR"),
    ],
)
def test_a_reshare_that_strips_or_lowers_the_marking_is_refused(
    sharing_server: SharingServer,
    posted: dict[str, dict[Tlp, str]],
    globex_in_national: str,
    level: Tlp,
    change: Tlp | str,
    reason: str,
) -> None:
    obj = received(sharing_server, posted["group"][level])
    if isinstance(change, Tlp):
        obj["object_marking_refs"] = [change.marking_id]
    else:
        del obj["object_marking_refs"]
    status = repost(sharing_server, globex_in_national, obj)
    assert status["success_count"] == 0
    (failure,) = status["failures"]  # type: ignore[misc]
    assert reason in failure["message"]
    ids = {level: str(obj["id"])}
    assert what_reaches(sharing_server, "csirt", ids, "national")["objects"] == set()  # nothing was stored


def test_a_recipient_cannot_post_a_new_version_of_what_it_received(
    sharing_server: SharingServer, posted: dict[str, dict[Tlp, str]], globex_in_national: str
) -> None:
    amber = stix2.parse(received(sharing_server, posted["group"][Tlp.AMBER]))
    lowered = amber.new_version(object_marking_refs=[Tlp.CLEAR.marking_id], description="now public")
    status = repost(sharing_server, globex_in_national, json.loads(lowered.serialize()))
    (failure,) = status["failures"]  # type: ignore[misc]
    assert "only the organisation that made an object" in failure["message"]
    ids = {Tlp.AMBER: lowered.id}
    assert what_reaches(sharing_server, "vendorx", ids, "national")["objects"] == set()
    assert what_reaches(sharing_server, "vendorx", ids, "eu-5g")["objects"] == set()


def test_red_is_never_reshared_and_amber_received_elsewhere_stays_with_the_resharer(
    sharing_server: SharingServer, globex_in_national: str
) -> None:
    # Objects globex got from acme outside this server: created_by_ref names acme, not globex.
    acme = stix2.Identity(
        name="Acme", identity_class="organization", object_marking_refs=[Tlp.CLEAR.marking_id]
    )
    red = marked(acme, Tlp.RED, f"red {uuid.uuid4()}")
    amber = marked(acme, Tlp.AMBER, f"amber {uuid.uuid4()}")
    status = repost(sharing_server, globex_in_national, json.loads(red.serialize()))
    assert "cannot be re-shared" in status["failures"][0]["message"]  # type: ignore[index]
    assert repost(sharing_server, globex_in_national, json.loads(amber.serialize()))["success_count"] == 1
    ids = {Tlp.RED: red.id, Tlp.AMBER: amber.id}
    assert what_reaches(sharing_server, "csirt", ids, "national")["objects"] == set()
    assert what_reaches(sharing_server, "hooli", ids, "national")["objects"] == {Tlp.AMBER}
