"""Password guessing is throttled per account and per address, failures are audited, and the dashboard
cannot be framed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select, update

from netvet.api import AppConfig, create_app
from netvet.storage import Database, access, logins

from .conftest import PASSWORD


def attempt(client: TestClient, password: str, username: str = "ann", organization: str = "acme") -> Response:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    form = {"organization": organization, "username": username, "password": password}
    return client.post("/login", data={**form, "csrf_token": token.group(1)}, follow_redirects=False)


def test_200_wrong_passwords_then_the_right_one_is_refused_with_429(client: TestClient) -> None:
    statuses = [attempt(client, f"guess number {n:04d}").status_code for n in range(200)]
    assert statuses[: logins.ACCOUNT_FAILURES] == [401] * logins.ACCOUNT_FAILURES
    assert set(statuses[logins.ACCOUNT_FAILURES :]) == {429}
    right = attempt(client, PASSWORD)
    assert right.status_code == 429
    retry_after = int(right.headers["retry-after"])
    assert 0 < retry_after <= logins.LOGIN_WINDOW.total_seconds()
    assert "Too many failed logins" in right.text


def test_the_account_opens_again_once_its_failures_leave_the_window(
    client: TestClient, web_db: Database
) -> None:
    for n in range(logins.ACCOUNT_FAILURES):
        attempt(client, f"guess number {n:04d}")
    assert attempt(client, PASSWORD).status_code == 429
    with web_db.begin() as conn:  # as if the window had passed
        conn.execute(update(logins.login_failures).values(at=access.now() - logins.LOGIN_WINDOW))
    assert attempt(client, PASSWORD).status_code == 303
    with web_db.connect() as conn:
        left = conn.execute(select(logins.login_failures.c.username)).scalars().all()
    assert "ann" not in left  # a successful login clears its account's failures


def test_one_address_guessing_across_accounts_is_throttled_too(client: TestClient) -> None:
    names = [f"user{n}" for n in range(logins.ADDRESS_FAILURES)]
    assert {attempt(client, "wrong password!!", name).status_code for name in names} == {401}
    assert attempt(client, PASSWORD, "vic").status_code == 429


def test_failed_logins_are_audited_in_the_organisation_they_name(
    client: TestClient, web_db: Database
) -> None:
    attempt(client, "wrong password!!")
    attempt(client, "wrong password!!", username="nobody")
    attempt(client, "wrong password!!", organization="no-such-org")
    with web_db.connect() as conn:
        _, entries = access.list_audit(conn, "acme", 10, 0)
        _, elsewhere = access.list_audit(conn, "no-such-org", 10, 0)
    failed = [(e["actor"], e["action"], e["detail"]["user_exists"]) for e in entries]
    assert failed == [("nobody", "session.login_failed", False), ("ann", "session.login_failed", True)]
    assert entries[0]["detail"]["address"] == "testclient" and elsewhere == []


def test_a_user_of_another_organisation_cannot_log_in_under_this_one(client: TestClient) -> None:
    assert attempt(client, PASSWORD, username="reg", organization="acme").status_code == 401
    assert attempt(client, PASSWORD, username="reg", organization="ofcom").status_code == 303


def test_the_dashboard_sends_a_content_security_policy_that_forbids_framing(client: TestClient) -> None:
    for path in ("/login", "/imports", "/static/netvet.css"):
        response = client.get(path, follow_redirects=False)
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy, path
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
    api = client.get("/api/v1/me")
    assert api.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'; sandbox"


def test_no_page_needs_inline_style_or_script(client: TestClient) -> None:
    from .conftest import log_in

    log_in(client, "ann")
    for path in ("/", "/sites", "/findings", "/imports", "/timeline", "/screening", "/plans", "/advisories"):
        page = client.get(path).text
        assert " style=" not in page and "<style" not in page and "<script" not in page, path


@pytest.mark.parametrize(
    ("configured", "base_url", "secure"),
    [
        (None, "http://testserver", False),
        (None, "https://testserver", True),
        (True, "http://testserver", True),
        (False, "https://testserver", False),
    ],
)
def test_session_cookies_are_secure_behind_https_or_when_told(
    web_db: Database, configured: bool | None, base_url: str, secure: bool
) -> None:
    with TestClient(create_app(web_db, AppConfig(secure_cookies=configured)), base_url=base_url) as client:
        page = client.get("/login")
        assert ("secure" in page.headers["set-cookie"].lower()) is secure
        if secure and base_url.startswith("http:"):
            return  # a browser sends no Secure cookie over plain HTTP, so there is no login to look at
        response = attempt(client, PASSWORD)
    cookies = [v for k, v in response.headers.multi_items() if k == "set-cookie" and "netvet_session" in v]
    assert len(cookies) == 1 and ("secure" in cookies[0].lower()) is secure


def test_session_lifetime_is_the_configured_one(web_db: Database) -> None:
    with TestClient(create_app(web_db, AppConfig(session_lifetime=timedelta(minutes=30)))) as client:
        response = attempt(client, PASSWORD)
    assert "max-age=1800" in response.headers["set-cookie"].lower()
