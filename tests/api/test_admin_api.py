"""Users, tokens (shown once, hashed, revocable), the append-only audit log, and regulator submissions."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from netvet.storage import access

from .conftest import World

ACME = "/api/v1/organizations/acme"


def test_admin_creates_a_user_and_a_token_shown_once(world: World) -> None:
    created = world.post("acme:admin", f"{ACME}/users", json={"username": "dana", "role": "analyst"})
    assert created.status_code == 201 and created.json()["role"] == "analyst"
    duplicate = world.post("acme:admin", f"{ACME}/users", json={"username": "dana"})
    assert duplicate.status_code == 409
    response = world.post("acme:admin", f"{ACME}/tokens", json={"username": "dana", "name": "laptop"})
    assert response.status_code == 201
    secret = response.json()["secret"]
    token_id = response.json()["token"]["id"]
    me = world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).json()
    assert me["username"] == "dana" and me["role"] == "analyst" and me["organization"]["id"] == "acme"
    listed = world.get("acme:admin", f"{ACME}/tokens").json()
    assert secret not in str(listed) and any(t["id"] == token_id for t in listed)
    with world.db.connect() as conn:
        stored = conn.execute(
            select(access.api_tokens.c.token_hash).where(access.api_tokens.c.id == token_id)
        ).scalar_one()
    assert stored == access.secret_hash(secret) and secret not in stored


def test_a_revoked_token_stops_working_at_once(world: World) -> None:
    response = world.post("acme:admin", f"{ACME}/tokens", json={"username": "acme-viewer", "name": "temp"})
    secret, token_id = response.json()["secret"], response.json()["token"]["id"]
    headers = {"Authorization": f"Bearer {secret}"}
    assert world.client.get("/api/v1/me", headers=headers).status_code == 200
    revoked = world.client.delete(f"{ACME}/tokens/{token_id}", headers=world.headers("acme:admin"))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert world.client.get("/api/v1/me", headers=headers).status_code == 401
    # Another organisation's admin cannot revoke (or learn of) acme's tokens.
    assert (
        world.client.delete(
            f"/api/v1/organizations/globex/tokens/{token_id}", headers=world.headers("globex:admin")
        ).status_code
        == 404
    )


def test_disabling_a_user_shuts_out_their_tokens(world: World) -> None:
    users = world.get("acme:admin", f"{ACME}/users").json()
    viewer = next(u for u in users if u["username"] == "acme-viewer")
    assert (
        world.client.patch(
            f"{ACME}/users/{viewer['id']}", json={"disabled": True}, headers=world.headers("acme:admin")
        ).status_code
        == 200
    )
    assert world.get("acme:viewer", "/api/v1/me").status_code == 401
    admin = next(u for u in users if u["username"] == "acme-admin")
    selfish = world.client.patch(
        f"{ACME}/users/{admin['id']}", json={"role": "viewer"}, headers=world.headers("acme:admin")
    )
    assert selfish.status_code == 409


def test_every_write_is_audited_and_the_log_cannot_be_edited(world: World) -> None:
    world.post("acme:admin", f"{ACME}/users", json={"username": "erin"})
    world.post("acme:admin", f"{ACME}/tokens", json={"username": "erin", "name": "ci"})
    entries = world.get("acme:viewer", f"{ACME}/audit").json()["items"]
    assert (entries[1]["action"], entries[1]["target"]) == ("user.create", "erin")
    assert entries[0]["action"] == "token.create" and entries[0]["detail"]["user"] == "erin"
    # No route edits the log ...
    entry = entries[0]["id"]
    for method in ("put", "patch", "delete"):
        response = world.client.request(method, f"{ACME}/audit/{entry}", headers=world.headers("acme:admin"))
        assert response.status_code in (404, 405)
    # ... and the database itself refuses to change a row.
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), world.db.begin() as conn:
            conn.execute(text(statement))
    # Globex's log holds nothing of acme's.
    assert world.get("globex:admin", "/api/v1/organizations/globex/audit").json()["total"] == 0


def test_an_operator_submits_a_report_and_only_that_regulator_sees_it(world: World) -> None:
    form = {"regulator_id": "ofcom", "title": "Q4 return"}
    files = {"file": ("return.html", b"<html>report</html>", "text/html")}
    response = world.post("acme:analyst", f"{ACME}/submissions", data=form, files=files)
    assert response.status_code == 201, response.text
    submission = response.json()
    assert submission["regulator_id"] == "ofcom" and submission["size"] == 19
    received = world.get("ofcom:admin", "/api/v1/organizations/ofcom/submissions").json()
    assert [s["id"] for s in received] == [submission["id"]]
    content = world.get("ofcom:admin", f"/api/v1/organizations/ofcom/submissions/{submission['id']}/content")
    assert content.content == b"<html>report</html>" and content.headers["content-type"].startswith(
        "text/html"
    )
    # Globex neither sees it in its list nor fetches it by id.
    assert world.get("globex:admin", "/api/v1/organizations/globex/submissions").json() == []
    assert (
        world.get("globex:admin", f"/api/v1/organizations/globex/submissions/{submission['id']}").status_code
        == 404
    )
    # Submitting to something that is not a regulator is refused.
    to_globex = world.post(
        "acme:analyst", f"{ACME}/submissions", data={"regulator_id": "globex", "title": "x"}, files=files
    )
    assert to_globex.status_code == 404
