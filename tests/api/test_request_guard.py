"""The caller is checked before any body is read, and every body is capped by route while it streams."""

from __future__ import annotations

import contextlib
import re
import socket
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from netvet.api import AppConfig, create_app
from netvet.api.guard import DEFAULT_BODY_BYTES, BodyRule, rule_for
from netvet.storage import Database

from .conftest import World, add_people, create_world, serving

ACME = "/api/v1/organizations/acme"


@pytest.fixture
def live_server(sqlite_db: Database) -> Iterator[tuple[int, dict[str, str]]]:
    """The application on a real socket, so a test sees what the server reads."""
    tokens = add_people(sqlite_db)
    with serving(create_app(sqlite_db, AppConfig(max_upload_bytes=10 * 1024 * 1024))) as port:
        yield port, tokens


def send_head(port: int, head: str, body: bytes = b"") -> tuple[str, float]:
    """Send a request head and the start of its body; return the status line and the seconds it took.
    The body promised by the head is never sent in full: only a server that does not wait for it
    answers."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(head.encode() + b"\r\n" + body)
        answer = conn.recv(4096).decode("latin-1")
    return answer.split("\r\n", 1)[0], time.monotonic() - started


GIB = 1024**3
JSON = "application/json"
MULTIPART = "multipart/form-data; boundary=b"


def post_head(path: str, length: int, content_type: str, token: str | None = None) -> str:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\n{auth}"
        f"Content-Length: {length}\r\nContent-Type: {content_type}\r\n"
    )


def test_an_anonymous_2_gib_upload_is_refused_before_its_body_is_read(
    live_server: tuple[int, dict[str, str]],
) -> None:
    port, _ = live_server
    head = post_head(f"{ACME}/imports", 2 * GIB, MULTIPART)
    status, seconds = send_head(port, head, b"--b\r\n" + b"x" * 65536)
    assert status == "HTTP/1.1 401 Unauthorized" and seconds < 3


def test_anonymous_200_mb_json_bodies_are_refused_before_they_are_read(
    live_server: tuple[int, dict[str, str]],
) -> None:
    port, _ = live_server
    head = post_head("/api/v1/screening/name", 200 * 1024 * 1024, JSON)
    for _ in range(4):
        status, seconds = send_head(port, head, b'{"name": "' + b"A" * 65536)
        assert status == "HTTP/1.1 401 Unauthorized" and seconds < 3


def test_a_caller_with_a_token_gets_413_for_a_body_over_the_routes_cap_at_once(
    live_server: tuple[int, dict[str, str]],
) -> None:
    port, tokens = live_server
    head = post_head("/api/v1/screening/name", 200 * 1024 * 1024, JSON, tokens["acme:viewer"])
    status, seconds = send_head(port, head, b'{"name": "')
    assert status.startswith("HTTP/1.1 413 ") and seconds < 3
    upload = post_head(f"{ACME}/imports", 2 * GIB, MULTIPART, tokens["acme:analyst"])
    status, seconds = send_head(port, upload, b"--b\r\n")
    assert status.startswith("HTTP/1.1 413 ") and seconds < 3


def test_a_streamed_body_gets_413_as_soon_as_it_passes_the_cap(
    live_server: tuple[int, dict[str, str]],
) -> None:
    """Chunked: no length is declared, so the bytes are counted as they arrive."""
    port, tokens = live_server
    head = (
        "POST /api/v1/screening/name HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {tokens['acme:viewer']}\r\n"
        "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n"
    )
    chunk = b"A" * 65536
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(head.encode() + b"\r\n" + b"1\r\n{\r\n")
        sent = 0
        answer = b""
        # Keep streaming well past the cap (the client would go on to 200 MB): the server answers on its own.
        while sent < 20 * DEFAULT_BODY_BYTES and not answer:
            try:
                conn.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except OSError:
                break
            sent += len(chunk)
            conn.settimeout(0.001)
            with contextlib.suppress(TimeoutError):
                answer = conn.recv(4096)
            conn.settimeout(5)
        if not answer:
            answer = conn.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413")
    assert sent < 4 * DEFAULT_BODY_BYTES and time.monotonic() - started < 5


def test_every_refusal_is_a_problem_document(world: World) -> None:
    anonymous = world.client.post("/api/v1/screening/name", json={"name": "Huawei"})
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    assert anonymous.json()["type"] == "urn:netvet:problem:unauthenticated"
    wrong_token = world.client.post(
        "/api/v1/screening/name", json={"name": "Huawei"}, headers={"Authorization": "Bearer nvt_nope"}
    )
    assert wrong_token.status_code == 401
    big = world.post("acme:viewer", "/api/v1/screening/name", content=b"[" + b"1," * DEFAULT_BODY_BYTES)
    assert big.status_code == 413 and big.json()["type"] == "urn:netvet:problem:body-too-large"

    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b" " * 65536

    streamed = world.post("acme:viewer", "/api/v1/screening/name", content=chunks())
    assert streamed.status_code == 413 and streamed.json()["type"] == "urn:netvet:problem:body-too-large"
    # Within the cap, the route does its work.
    ok = world.post("acme:viewer", "/api/v1/screening/name", json={"name": "Huawei Technologies"})
    assert ok.status_code == 200


def test_the_dashboard_sends_an_anonymous_form_to_the_login_page_unread(sqlite_db: Database) -> None:
    add_people(sqlite_db)
    with TestClient(create_app(sqlite_db, AppConfig()), follow_redirects=False) as client:
        response = client.post("/imports", files={"file": ("inv.csv", b"asset_id\n" * 1000)})
        assert response.status_code == 303 and response.headers["location"] == "/login?next=/imports"
        # The login form is read without a session (it is how one starts), but only a small one.
        refused = client.post("/login", data={"username": "x" * 20_000, "password": "y"})
        assert refused.status_code == 413 and "16,384 bytes" in refused.text
        wrong = client.post("/login", data={"username": "nobody", "password": "wrong password"})
        assert wrong.status_code == 403  # read, then refused for its missing login CSRF token


def test_a_session_cookie_lets_an_api_write_through_the_guard(world: World) -> None:
    from netvet.storage import access

    with world.db.begin() as conn:
        user = access.get_user_by_name(conn, "acme-viewer", "acme")
        assert user is not None
        cookie, csrf = access.create_session(conn, user.id, __import__("datetime").timedelta(hours=1))
    world.client.cookies.set("netvet_session", cookie)
    try:
        response = world.client.post(
            "/api/v1/screening/name", json={"name": "Huawei"}, headers={"X-CSRF-Token": csrf}
        )
    finally:
        world.client.cookies.clear()
    assert response.status_code == 200


def test_the_most_specific_rule_of_a_path_applies() -> None:
    rules = [
        BodyRule("/api/v1", 10),
        BodyRule("/api/v1/organizations/*/imports", 1000),
        BodyRule("/taxii2", 50),
    ]
    assert rule_for(rules, "/api/v1/organizations/acme/imports").max_bytes == 1000
    assert rule_for(rules, "/api/v1/organizations/acme/users").max_bytes == 10
    assert rule_for(rules, "/api/v1/organizations/acme/importsx").max_bytes == 10
    assert rule_for(rules, "/taxii2/collections/x/objects/").max_bytes == 50
    assert rule_for(rules, "/elsewhere").max_bytes == DEFAULT_BODY_BYTES


@pytest.fixture
def world_on_each_database(db: Database) -> Iterator[World]:
    yield from create_world(db, add_people(db))


@pytest.mark.parametrize(
    ("path", "body", "where"),
    [
        (
            f"{ACME}/users",
            '{"username": "bob", "role": "viewer", "display_name": "B\\u0000b"}',
            "/display_name",
        ),
        (f"{ACME}/tokens", '{"username": "acme-viewer", "name": "lap\\ud800top"}', "/name"),
        ("/api/v1/screening/batch", '{"names": ["Huawei", "Hua\\u0000wei"]}', "/names/1"),
    ],
    ids=["nul", "lone-surrogate", "nul-in-a-list"],
)
def test_json_text_no_database_stores_is_422_and_stores_nothing(
    world_on_each_database: World, path: str, body: str, where: str
) -> None:
    """A NUL crashed PostgreSQL's insert and a lone surrogate every encoder: 500s, or on SQLite a NUL
    stored silently."""
    world = world_on_each_database
    headers = {**world.headers("acme:admin"), "Content-Type": "application/json"}
    response = world.client.post(path, content=body.encode(), headers=headers)
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert f"no database stores at {where}" in response.json()["detail"]
    users = world.get("acme:admin", f"{ACME}/users").json()
    tokens = world.get("acme:admin", f"{ACME}/tokens").json()
    assert "bob" not in {u["username"] for u in users} and "lap" not in str(tokens)


def test_an_escaped_backslash_before_u0000_is_plain_text(world: World) -> None:
    headers = {**world.headers("acme:viewer"), "Content-Type": "application/json"}
    response = world.client.post(
        "/api/v1/screening/name", content=b'{"name": "Hua\\\\u0000wei"}', headers=headers
    )
    assert response.status_code == 200 and response.json()["name"] == "Hua\\u0000wei"


def test_a_nul_in_a_query_string_is_422_not_a_driver_error(world_on_each_database: World) -> None:
    """PostgreSQL refuses a NUL even as a search term: this was a 500."""
    response = world_on_each_database.get("acme:viewer", f"{ACME}/assets?vendor=Hua%00wei")
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert "no database stores in the query string" in response.json()["detail"]


def test_a_nul_in_the_login_form_is_refused_unread(db: Database) -> None:
    """An anonymous login naming a user with a NUL was a 500 on PostgreSQL."""
    add_people(db)
    with TestClient(create_app(db, AppConfig()), follow_redirects=False) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        form = {
            "organization": "acme",
            "username": "x\x00y",
            "password": "p" * 12,
            "csrf_token": token.group(1),
        }
        response = client.post("/login", data=form)
    assert response.status_code == 422 and "no database stores in the form" in response.text
