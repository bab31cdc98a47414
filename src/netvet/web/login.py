"""Logging in and out of the dashboard (password, session cookie, login CSRF)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from netvet.api.security import DB, SESSION_COOKIE
from netvet.storage import access
from netvet.web.auth import LOGIN_CSRF_COOKIE, WebForm
from netvet.web.rendering import render

router = APIRouter(include_in_schema=False)


def local_path(target: str) -> str:
    """Where to go after login: a path on this site only ("//host" and "/\\host" lead elsewhere)."""
    if target.startswith("/") and target[1:2] not in ("/", "\\"):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    # Login CSRF: a random value in a cookie that the form must echo (double submit).
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", None, next=local_path(next), csrf=token)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


@router.post("/login", response_model=None)
def login(
    request: Request,
    db: DB,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(csrf_token, expected):
        return render(
            request, "login.html", None, 403, next=next, csrf=expected, error="The form expired; try again."
        )
    with db.begin() as conn:
        user = access.check_password(conn, username, password)
        if user is None:
            return render(
                request,
                "login.html",
                None,
                401,
                next=next,
                csrf=expected,
                error="Wrong user name or password.",
            )
        config = request.app.state.config
        cookie, _ = access.create_session(conn, user.id, config.session_lifetime)
        access.record_audit(conn, user.organization_id, user.username, "session", "session.login")
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        httponly=True,
        samesite="lax",
        secure=config.secure_cookies,
        max_age=int(config.session_lifetime.total_seconds()),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, who: WebForm, db: DB) -> RedirectResponse:
    with db.begin() as conn:
        access.end_session(conn, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
