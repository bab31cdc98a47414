"""`netvet users add` makes the first admin; `netvet tokens create/revoke` hand out and withdraw tokens."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from netvet.api import create_app
from netvet.cli import app
from netvet.storage import Database, access

runner = CliRunner()
PASSWORD = "a long enough password"


def test_first_admin_then_a_token_that_works_and_can_be_revoked(cli_env: Database) -> None:
    added = runner.invoke(
        app, ["users", "add", "root", "--role", "admin", "--org", "acme"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert added.exit_code == 0, added.output
    assert "added admin root to operator acme" in added.output
    with cli_env.connect() as conn:
        assert access.check_password(conn, "acme", "root", PASSWORD) is not None
        assert access.check_password(conn, "acme", "root", "wrong password!!") is None
    created = runner.invoke(app, ["tokens", "create", "root", "--name", "ci"])
    assert created.exit_code == 0, created.output
    secret = created.output.strip().splitlines()[-1]
    assert secret.startswith(access.TOKEN_PREFIX)
    client = TestClient(create_app(cli_env))
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json()["organization"]["id"] == "acme" and me.json()["role"] == "admin"
    listed = runner.invoke(app, ["tokens", "list", "--org", "acme"])
    assert "ci" in listed.output and secret not in listed.output
    revoked = runner.invoke(app, ["tokens", "revoke", "1"])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    with cli_env.connect() as conn:
        _, entries = access.list_audit(conn, "acme", 10, 0)
    assert [e["action"] for e in entries] == ["token.revoke", "token.create", "user.create"]


def test_clear_errors_for_duplicates_short_passwords_and_unknown_users(cli_env: Database) -> None:
    runner.invoke(app, ["users", "add", "dana", "--no-password"])
    again = runner.invoke(app, ["users", "add", "dana", "--no-password"])
    assert again.exit_code == 2 and "already exists" in again.output
    short = runner.invoke(app, ["users", "add", "eve"], input="short\nshort\n")
    assert short.exit_code == 2 and "12 characters" in short.output
    repeated = runner.invoke(app, ["users", "add", "eve"], input="x" * 16 + "\n" + "x" * 16 + "\n")
    assert repeated.exit_code == 2 and "one character repeated" in repeated.output
    missing = runner.invoke(app, ["tokens", "create", "nobody"])
    assert missing.exit_code == 3 and "no user 'nobody'" in missing.output
    assert runner.invoke(app, ["tokens", "revoke", "99"]).exit_code == 3


def test_a_token_for_a_name_several_organisations_use_needs_the_organisation(cli_env: Database) -> None:
    for org in ("acme", "globex"):
        assert runner.invoke(app, ["users", "add", "ops", "--org", org, "--no-password"]).exit_code == 0
    ambiguous = runner.invoke(app, ["tokens", "create", "ops"])
    assert (
        ambiguous.exit_code == 2
        and "several organisations have a user 'ops' (acme, globex)" in ambiguous.output
    )
    chosen = runner.invoke(app, ["tokens", "create", "ops", "--org", "globex"])
    assert chosen.exit_code == 0, chosen.output
    me = TestClient(create_app(cli_env)).get(
        "/api/v1/me", headers={"Authorization": f"Bearer {chosen.output.strip().splitlines()[-1]}"}
    )
    assert me.json()["organization"]["id"] == "globex"


def test_serve_switches_secure_cookies(cli_env: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    served: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app, **options))
    for flags, secure in (([], None), (["--secure-cookies"], True), (["--no-secure-cookies"], False)):
        assert runner.invoke(app, ["serve", *flags]).exit_code == 0
        assert served["app"].state.config.secure_cookies is secure  # type: ignore[attr-defined]
    assert served["proxy_headers"] is True and served["forwarded_allow_ips"] == "127.0.0.1"
