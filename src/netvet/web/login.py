"""Logging in and out of the dashboard (password, session cookie, login CSRF)."""

from __future__ import annotations

import logging
import math
import secrets
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection

from netvet.api.security import DB, SESSION_COOKIE
from netvet.storage import access, logins
from netvet.storage import inventory as store
from netvet.web.auth import LOGIN_CSRF_COOKIE, WebForm
from netvet.web.rendering import render

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)


def secure_cookies(request: Request) -> bool:
    """Mark cookies Secure as configured; by default exactly when the request came over HTTPS (directly,
    or through a trusted proxy's X-Forwarded-Proto), so plain http://127.0.0.1 still works."""
    configured: bool | None = request.app.state.config.secure_cookies
    return configured if configured is not None else request.url.scheme == "https"


def local_path(target: str) -> str:
    """Where to go after login: a path on this site only ("//host" and "/\\host" lead elsewhere)."""
    if target.startswith("/") and target[1:2] not in ("/", "\\"):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/", org: str = "") -> HTMLResponse:
    # Login CSRF: a random value in a cookie that the form must echo (double submit).
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", None, next=local_path(next), csrf=token, organization=org)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies(request)
    )
    return response


@router.post("/login", response_model=None)
def login(
    request: Request,
    db: DB,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    organization: Annotated[str, Form(max_length=64)] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(csrf_token, expected):
        return render(
            request,
            "login.html",
            None,
            403,
            next=next,
            csrf=expected,
            organization=organization,
            error="The form expired; try again.",
        )
    address = request.client.host if request.client else "unknown"
    moment = access.now()
    with db.begin() as conn:
        throttled = logins.login_throttled(conn, organization, username, address, moment)
        if throttled is not None:
            # Refused before the password is even checked, so guessing gains nothing while it lasts.
            wait = max(1, math.ceil(throttled.retry_after.total_seconds()))
            refusal = render(
                request,
                "login.html",
                None,
                429,
                next=next,
                csrf=expected,
                organization=organization,
                error=f"Too many failed logins ({throttled.reason}); try again in {math.ceil(wait / 60)} minute(s).",
            )
            refusal.headers["Retry-After"] = str(wait)
            return refusal
        user = access.check_password(conn, organization, username, password)
        if user is None:
            _record_failure(conn, organization, username, address, moment)
            return render(
                request,
                "login.html",
                None,
                401,
                next=next,
                csrf=expected,
                organization=organization,
                error="Wrong organisation, user name or password.",
            )
        logins.clear_login_failures(conn, organization, username)
        config = request.app.state.config
        cookie, _ = access.create_session(conn, user.id, config.session_lifetime)
        access.record_audit(conn, user.organization_id, user.username, "session", "session.login")
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        max_age=int(config.session_lifetime.total_seconds()),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


def _record_failure(
    conn: Connection, organization: str, username: str, address: str, moment: datetime
) -> None:
    """Count the failure for throttling, and audit it in the organisation it names, when there is
    one (an organisation that does not exist has no log to write to: the server log has it)."""
    logins.record_login_failure(conn, organization, username, address, moment)
    if store.get_organization(conn, organization) is None:
        log.warning(
            "failed login for unknown organisation %r, user %r, from %s", organization, username, address
        )
        return
    known = access.get_user_by_name(conn, username, organization) is not None
    detail = {"address": address, "user_exists": known}
    access.record_audit(conn, organization, username[:64], "session", "session.login_failed", None, detail)


@router.post("/logout")
def logout(request: Request, who: WebForm, db: DB) -> RedirectResponse:
    with db.begin() as conn:
        access.end_session(conn, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
