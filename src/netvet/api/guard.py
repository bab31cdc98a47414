"""What a request may send, checked before its body is read: who is calling, and how large the body is.

One ASGI middleware in front of the whole application (API, dashboard, and any other server mounted in
`netvet serve`). For a request that carries a body it

1. finds the `BodyRule` of the path (the most specific matching prefix; `*` stands for one segment);
2. unless the rule is anonymous (the login form), authenticates the caller from the headers alone
   (an API token or a session cookie) and refuses with 401 before a byte of the body is read;
3. refuses a declared Content-Length above the rule's cap with 413 at once, and counts the bytes while
   the body streams in, answering 413 as soon as the cap is passed (the rest is never read);
4. refuses a JSON body, a form or a query string whose text holds a NUL (or, in JSON, a lone UTF-16
   surrogate) with 422: no database stores such text (PostgreSQL refuses a NUL even as a search term,
   no encoder writes a lone surrogate), so every route that keeps or looks up what it is sent would
   fail on it with a 500.

Routes still check who may do what; this only keeps anonymous or oversized bodies off the server.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from netvet.api.problems import PROBLEM_MEDIA_TYPE, Problem
from netvet.model.text import UNSTORABLE_ESCAPE, json_unstorable_text_at

# A JSON or form body of any route without a rule of its own (a batch of 1,000 names is about 0.5 MiB).
DEFAULT_BODY_BYTES = 1024 * 1024
MULTIPART_OVERHEAD = 64 * 1024  # headers and boundaries around an uploaded file

Refusal = Callable[[Scope, Problem], Response]
Authenticate = Callable[[Headers], Awaitable[bool]]


def problem_refusal(scope: Scope, problem: Problem) -> Response:
    return JSONResponse(
        problem.body(scope.get("path")),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )


@dataclass(frozen=True)
class BodyRule:
    """How large a body the paths under `prefix` accept, and whether it may arrive before the caller
    is known. `refuse` renders the refusal (problem+json unless the area answers otherwise);
    `authenticate` replaces the guard's own check for an area that reads credentials its own way."""

    prefix: str
    max_bytes: int
    anonymous: bool = False
    refuse: Refusal = problem_refusal
    authenticate: Authenticate | None = None

    def matches(self, path: str) -> bool:
        wanted = self.prefix.strip("/").split("/") if self.prefix.strip("/") else []
        parts = path.strip("/").split("/")
        if len(parts) < len(wanted):
            return False
        return all(w in ("*", p) for w, p in zip(wanted, parts, strict=False))

    @property
    def specificity(self) -> tuple[int, int]:
        segments = [s for s in self.prefix.strip("/").split("/") if s]
        return len(segments), sum(s != "*" for s in segments)


class BodyTooLarge(Exception):
    pass


def rule_for(rules: Sequence[BodyRule], path: str) -> BodyRule:
    matching = [rule for rule in rules if rule.matches(path)]
    if not matching:
        return BodyRule("/", DEFAULT_BODY_BYTES)
    return max(matching, key=lambda rule: rule.specificity)


def too_large(max_bytes: int) -> Problem:
    return Problem(
        413, f"the body is larger than the {max_bytes:,} bytes this route accepts", kind="body-too-large"
    )


def unauthenticated() -> Problem:
    return Problem(
        401,
        "send an API token as 'Authorization: Bearer <token>' (or log in) before a body",
        kind="unauthenticated",
        headers={"WWW-Authenticate": "Bearer"},
    )


def unstorable_text(where: str) -> Problem:
    return Problem(
        422,
        f"the request holds text no database stores {where} (a NUL, or a lone surrogate such as \\ud800)",
        kind="invalid-request",
        title="Invalid request",
        errors=[{"location": where, "message": "a NUL or a lone surrogate"}],
    )


NUL_ESCAPE = b"%00"  # a NUL in a query string or a form: percent-encoded, as nothing else may be


def _json_unstorable(body: bytes) -> str | None:
    if not UNSTORABLE_ESCAPE.search(body):
        return None
    try:
        pointer = json_unstorable_text_at(body, json.loads(body))
    except (ValueError, RecursionError):
        return None  # not JSON Python reads: the route answers that
    return f"at {pointer}" if pointer is not None else None


def _form_unstorable(body: bytes) -> str | None:
    return "in the form" if NUL_ESCAPE in body else None


def _has_body(headers: Headers) -> bool:
    return headers.get("content-length", "0").strip() not in ("", "0") or "transfer-encoding" in headers


class RequestGuard:
    """The middleware. `rules` is read at each request, so areas mounted later may add theirs."""

    def __init__(self, app: ASGIApp, rules: list[BodyRule], authenticate: Authenticate) -> None:
        self.app = app
        self.rules = rules
        self.authenticate = authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        rule = rule_for(self.rules, scope["path"])
        if NUL_ESCAPE in scope.get("query_string", b""):
            await rule.refuse(scope, unstorable_text("in the query string"))(scope, receive, send)
            return
        if not _has_body(headers):
            await self.app(scope, receive, send)
            return
        authenticate = rule.authenticate or self.authenticate
        if not rule.anonymous and not await authenticate(headers):
            await rule.refuse(scope, unauthenticated())(scope, receive, send)
            return
        try:
            declared = int(headers.get("content-length", "0"))
        except ValueError:
            declared = 0
        if declared > rule.max_bytes:
            await rule.refuse(scope, too_large(rule.max_bytes))(scope, receive, send)
            return
        media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media_type == "application/json" or media_type.endswith("+json"):
            await self._checked(scope, receive, send, rule, _json_unstorable)
        elif media_type == "application/x-www-form-urlencoded":
            await self._checked(scope, receive, send, rule, _form_unstorable)
        else:
            await self._capped(scope, receive, send, rule)

    async def _checked(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        rule: BodyRule,
        unstorable: Callable[[bytes], str | None],
    ) -> None:
        """Read a body whole (within the cap), refuse text no database stores, then hand it on."""
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client left
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > rule.max_bytes:
                await rule.refuse(scope, too_large(rule.max_bytes))(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if (where := unstorable(body)) is not None:
            await rule.refuse(scope, unstorable_text(where))(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _capped(self, scope: Scope, receive: Receive, send: Send, rule: BodyRule) -> None:
        received = 0
        overflow = False
        answered = False

        async def counted_receive() -> Message:
            nonlocal received, overflow
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > rule.max_bytes:
                    overflow = True
                    raise BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal answered
            if overflow:
                return  # whatever the app answers to the cut body (400, 500), the answer is 413
            answered = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except BodyTooLarge:
            pass
        except Exception:
            if not overflow:
                raise
        if overflow and not answered:
            await rule.refuse(scope, too_large(rule.max_bytes))(scope, receive, send)
