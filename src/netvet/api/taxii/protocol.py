"""TAXII 2.1 on the wire: media types, error messages, who is calling, and the query filters."""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from netvet.api.problems import Problem
from netvet.api.security import Principal, database, touch_token
from netvet.sharing.timestamps import parse_timestamp
from netvet.storage import Database, access
from netvet.storage.taxii_read import ObjectQuery

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
DEFAULT_PAGE = 100
MAX_PAGE = 1000
MAX_CONTENT_LENGTH = 32 * 1024 * 1024  # bytes a POST may carry: 1,000 objects take well under 2 MiB


class TaxiiError(Exception):
    """Answer with a TAXII 2.1 error message resource (section 3.6.1)."""

    def __init__(
        self, status: int, title: str, description: str | None = None, headers: dict[str, str] | None = None
    ):
        self.status = status
        self.title = title
        self.description = description
        self.headers = headers
        super().__init__(description or title)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"title": self.title, "http_status": str(self.status)}
        if self.description:
            body["description"] = self.description
        return body


class TaxiiResponse(JSONResponse):
    media_type = TAXII_MEDIA_TYPE


def taxii_response(content: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return TaxiiResponse(content, status_code=status, headers=dict(headers or {}))


def install_error_handlers(app: FastAPI) -> None:
    async def on_taxii(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, TaxiiError)
        return taxii_response(exc.body(), exc.status, exc.headers)

    async def on_http(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else None
        error = TaxiiError(exc.status_code, detail or "error", None, dict(exc.headers or {}) or None)
        return taxii_response(error.body(), exc.status_code, error.headers)

    async def on_validation(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        where = "; ".join(f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg', '')}" for e in exc.errors())
        return taxii_response(TaxiiError(400, "Bad request", where).body(), 400)

    async def on_error(_request: Request, _exc: Exception) -> Response:
        error = TaxiiError(500, "Internal error", "an unexpected error occurred; see the server log")
        return taxii_response(error.body(), 500)

    app.add_exception_handler(TaxiiError, on_taxii)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_error)


def _media_type(value: str) -> tuple[str, dict[str, str]]:
    kind, *params = (p.strip() for p in value.split(";"))
    parsed = {}
    for param in params:
        name, _, val = param.partition("=")
        parsed[name.strip().lower()] = val.strip().strip('"')
    return kind.lower(), parsed


def _is_taxii_21(value: str) -> bool:
    kind, params = _media_type(value)
    return kind == "application/taxii+json" and params.get("version", "2.1") == "2.1"


async def accepts_taxii(request: Request) -> None:
    """406 unless the Accept header allows application/taxii+json;version=2.1."""
    accept = request.headers.get("accept")
    if not accept:
        return
    for item in accept.split(","):
        if _is_taxii_21(item) or _media_type(item)[0] in ("*/*", "application/*"):
            return
    raise TaxiiError(406, "Not acceptable", f"this server answers in {TAXII_MEDIA_TYPE}")


def check_content_type(request: Request) -> None:
    if not _is_taxii_21(request.headers.get("content-type", "")):
        raise TaxiiError(415, "Unsupported media type", f"send the envelope as {TAXII_MEDIA_TYPE}")


def _unauthorized(detail: str) -> TaxiiError:
    return TaxiiError(401, "Unauthorized", detail, {"WWW-Authenticate": 'Bearer, Basic realm="netvet TAXII"'})


def _token_from(header: str) -> tuple[str, str | None]:
    """The token in `Authorization: Bearer <token>`, or in Basic auth as the password (with the user
    name it was sent with): TAXII clients such as OpenCTI's and MISP's send Basic credentials."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() in ("bearer", "token") and value.strip():  # taxii2-client's TokenAuth says "Token"
        return value.strip(), None
    if scheme.lower() == "basic":
        try:
            user, sep, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise _unauthorized("malformed Basic credentials") from None
        if sep and password:
            return password, user
    raise _unauthorized("send an API token as 'Authorization: Bearer <token>', or as the Basic password")


def token_use(db: Database, header: str | None) -> access.TokenUse:
    """The live token in an Authorization header (Bearer, Token, or Basic with the token as password
    and its user's name), or a 401 TaxiiError."""
    if not header:
        raise _unauthorized("this TAXII server needs an API token")
    token, user_name = _token_from(header)
    with db.connect() as conn:
        use = access.user_for_token(conn, token)
    if use is None:
        raise _unauthorized("the token is unknown, revoked, or its user is disabled")
    if user_name is not None and not secrets.compare_digest(user_name.encode(), use.user.username.encode()):
        raise _unauthorized("the Basic user name is not the token's user")
    return use


def known_taxii_caller(db: Database) -> Callable[[Headers], Awaitable[bool]]:
    """For the request guard: do these headers carry credentials this server takes? Checked before a
    byte of a post's body is read."""

    def lookup(headers: Headers) -> bool:
        try:
            token_use(db, headers.get("authorization"))
        except TaxiiError:
            return False
        return True

    async def check(headers: Headers) -> bool:
        return await run_in_threadpool(lookup, headers)

    return check


def taxii_refusal(_scope: Scope, problem: Problem) -> Response:
    """The guard's refusals (401, 413) as TAXII error messages."""
    error = TaxiiError(problem.status, problem.title, problem.detail, problem.headers)
    if problem.status == 401:
        error = _unauthorized(problem.detail or "this TAXII server needs an API token")
    return taxii_response(error.body(), error.status, error.headers)


async def taxii_caller(request: Request, db: Annotated[Database, Depends(database)]) -> Principal:
    """The caller, from the same API tokens as the rest of the API (a browser session is not enough:
    a TAXII client is a program)."""
    use = await run_in_threadpool(token_use, db, request.headers.get("authorization"))
    if use.stale:
        touch_token(db, use.token_id)
    return Principal(use.user, "token")


TaxiiCaller = Annotated[Principal, Depends(taxii_caller)]


def _split(params: Mapping[str, str], name: str) -> frozenset[str]:
    value = params.get(name)
    return frozenset(v.strip() for v in value.split(",") if v.strip()) if value else frozenset()


def object_query(request: Request, allow_version: bool = True) -> ObjectQuery:
    """The filters of a GET on objects, manifest or versions, with 400 for a malformed one."""
    params = request.query_params
    try:
        limit = int(params.get("limit", DEFAULT_PAGE))
    except ValueError:
        raise TaxiiError(400, "Bad request", "limit must be a whole number") from None
    if limit < 1:
        raise TaxiiError(400, "Bad request", "limit must be at least 1")
    after_seq = 0
    if params.get("next"):
        try:
            after_seq = int(params["next"])
        except ValueError:
            raise TaxiiError(400, "Bad request", "next is not one this server gave") from None
    added_after: datetime | None = None
    versions = _split(params, "match[version]") or frozenset({"last"})
    try:
        if params.get("added_after"):
            added_after = parse_timestamp(params["added_after"])
        for version in versions - {"last", "first", "all"}:
            parse_timestamp(version)
    except ValueError as exc:
        raise TaxiiError(400, "Bad request", str(exc)) from None
    return ObjectQuery(
        limit=min(limit, MAX_PAGE),
        after_seq=after_seq,
        added_after=added_after,
        ids=_split(params, "match[id]"),
        types=_split(params, "match[type]"),
        spec_versions=_split(params, "match[spec_version]"),
        versions=versions if allow_version else frozenset({"all"}),
    )
