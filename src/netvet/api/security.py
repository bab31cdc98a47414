"""Who is calling: an API token (Authorization: Bearer) or a browser session cookie, and what they may do."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError
from starlette.datastructures import Headers
from starlette.requests import cookie_parser

from netvet.api.problems import Problem, not_found
from netvet.storage import Database, access

SESSION_COOKIE = "netvet_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOUCH_WAIT_MS = 50
SQLITE_WAIT_MS = 5000  # pysqlite's default wait, restored on the pooled connection

bearer = HTTPBearer(auto_error=False, description="An API token from `netvet tokens create`.")


@dataclass(frozen=True)
class Principal:
    user: access.User
    via: str  # "token" or "session"
    csrf_token: str | None = None

    @property
    def organization_id(self) -> str:
        return self.user.organization_id

    def audit(
        self,
        conn: Connection,
        action: str,
        target: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        access.record_audit(conn, self.organization_id, self.user.username, self.via, action, target, detail)


async def database(request: Request) -> Database:
    db: Database = request.app.state.database
    return db


def read_connection(db: Annotated[Database, Depends(database)]) -> Iterator[Connection]:
    with db.connect() as conn:
        yield conn


def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    db: Annotated[Database, Depends(database)],
) -> Principal:
    if credentials is not None:
        with db.connect() as conn:
            use = access.user_for_token(conn, credentials.credentials)
        if use is None:
            raise _unauthorized("the token is unknown, revoked, or its user is disabled")
        if use.stale:
            touch_token(db, use.token_id)
        return Principal(use.user, "token")
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with db.connect() as conn:
            session = access.session_for(conn, cookie)
        if session is not None:
            if request.method not in SAFE_METHODS:
                sent = request.headers.get(CSRF_HEADER, "")
                if not secrets.compare_digest(sent.encode(), session.csrf_token.encode()):  # bytes: any text
                    raise Problem(403, f"a session write needs the {CSRF_HEADER} header", kind="csrf")
            return Principal(session.user, "session", session.csrf_token)
    raise _unauthorized("send an API token as 'Authorization: Bearer <token>'")


def known_caller(db: Database) -> Callable[[Headers], Any]:
    """For the request guard: do these headers carry a live API token or session cookie? Checked from
    the headers alone, before the body is read; the routes still decide what the caller may do."""

    def lookup(headers: Headers) -> bool:
        scheme, _, credentials = headers.get("authorization", "").partition(" ")
        with db.connect() as conn:
            if scheme.lower() == "bearer" and credentials.strip():
                return access.user_for_token(conn, credentials.strip()) is not None
            cookie = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE)
            return cookie is not None and access.session_for(conn, cookie) is not None

    async def check(headers: Headers) -> bool:
        return await run_in_threadpool(lookup, headers)

    return check


def touch_token(db: Database, token_id: int) -> None:
    """Record the token's use, best effort: a busy database (a long job writing) must neither fail nor
    slow a read over a timestamp, so on SQLite this write does not wait for the lock."""
    with suppress(OperationalError), db.begin() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {TOUCH_WAIT_MS}")
        try:
            access.touch_token(conn, token_id)
        finally:
            if db.is_sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_WAIT_MS}")


def _unauthorized(detail: str) -> Problem:
    return Problem(401, detail, kind="unauthenticated", headers={"WWW-Authenticate": "Bearer"})


def member(needed: access.Role, regulator_ok: bool = False) -> Callable[..., Any]:
    """A dependency: the caller belongs to the organisation in the path and holds at least `needed`.

    A regulator sees the reports operators submitted to it and nothing else, so inventory, findings
    and screening routes refuse regulator organisations (`regulator_ok` routes do not).
    """

    # async: no I/O here, so FastAPI need not hand it to a worker thread (it matters at 200 req/s).
    async def check(organization_id: str, who: Annotated[Principal, Depends(principal)]) -> Principal:
        # Another organisation's data is "not found", never "forbidden": its existence is not confirmed.
        if who.organization_id != organization_id:
            raise not_found(f"organisation {organization_id!r}")
        if who.user.is_regulator and not regulator_ok:
            raise Problem(403, "a regulator organisation sees submitted reports only", kind="forbidden")
        if not who.user.role.allows(needed):
            raise Problem(
                403, f"this needs the {needed.value} role; you are {who.user.role.value}", kind="forbidden"
            )
        return who

    return check


Viewer = Annotated[Principal, Depends(member(access.Role.VIEWER))]
Analyst = Annotated[Principal, Depends(member(access.Role.ANALYST))]
Admin = Annotated[Principal, Depends(member(access.Role.ADMIN))]
# Routes a regulator's users need too: their organisation, users, tokens, audit log, submissions.
AnyViewer = Annotated[Principal, Depends(member(access.Role.VIEWER, regulator_ok=True))]
AnyAnalyst = Annotated[Principal, Depends(member(access.Role.ANALYST, regulator_ok=True))]
AnyAdmin = Annotated[Principal, Depends(member(access.Role.ADMIN, regulator_ok=True))]
Caller = Annotated[Principal, Depends(principal)]
ReadConnection = Annotated[Connection, Depends(read_connection)]
DB = Annotated[Database, Depends(database)]
# An operator's analyst: may write, and the organisation is not a regulator.
Operator = Analyst
