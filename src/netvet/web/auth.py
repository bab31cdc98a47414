"""Browser sessions: login with a password, a session cookie, and a CSRF token in every form."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Form, Request

from netvet.api.security import SESSION_COOKIE, database
from netvet.storage import Database, access

LOGIN_CSRF_COOKIE = "netvet_login_csrf"


class LoginRequired(Exception):
    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class CsrfRejected(Exception):
    pass


@dataclass(frozen=True)
class WebUser:
    user: access.User
    csrf_token: str

    @property
    def organization_id(self) -> str:
        return self.user.organization_id

    def can(self, role: access.Role | str) -> bool:
        """May write as `role` (templates pass the role's name); a regulator writes nothing here."""
        return self.user.role.allows(access.Role(role)) and not self.user.is_regulator


def web_user(request: Request, db: Annotated[Database, Depends(database)]) -> WebUser:
    cookie = request.cookies.get(SESSION_COOKIE)
    session = None
    if cookie:
        with db.connect() as conn:
            session = access.session_for(conn, cookie)
    if session is None:
        raise LoginRequired(request.url.path)
    return WebUser(session.user, session.csrf_token)


def checked_form_user(
    who: Annotated[WebUser, Depends(web_user)], csrf_token: Annotated[str, Form()] = ""
) -> WebUser:
    """The session user of a form post whose CSRF token matches the session's."""
    if not secrets.compare_digest(csrf_token.encode(), who.csrf_token.encode()):  # bytes: any text
        raise CsrfRejected()
    return who


def login_url(next_path: str) -> str:
    return "/login?next=" + quote(next_path if next_path.startswith("/") else "/")


Web = Annotated[WebUser, Depends(web_user)]
WebForm = Annotated[WebUser, Depends(checked_form_user)]
