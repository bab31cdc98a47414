"""Users and API tokens of the organisation (admin), and its audit log (read only, for everyone in it)."""

from __future__ import annotations

from fastapi import APIRouter

from netvet.api.paging import Paging, RowId
from netvet.api.problems import PROBLEM_RESPONSES, Problem, not_found
from netvet.api.schemas import (
    AuditEntry,
    Page,
    TokenCreate,
    TokenCreated,
    TokenOut,
    UserCreate,
    UserOut,
    UserUpdate,
)
from netvet.api.security import DB, ReadConnection
from netvet.api.security import AnyAdmin as Admin
from netvet.api.security import AnyViewer as Viewer
from netvet.storage import access

router = APIRouter(prefix="/organizations/{organization_id}", tags=["access"], responses=PROBLEM_RESPONSES)


def user_out(user: access.User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        disabled=user.disabled,
        has_password=user.has_password,
    )


def token_out(token: access.TokenInfo) -> TokenOut:
    return TokenOut(**token.__dict__)


@router.get("/users", response_model=list[UserOut])
def list_users(organization_id: str, who: Admin, conn: ReadConnection) -> list[UserOut]:
    return [user_out(user) for user in access.list_users(conn, organization_id)]


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(organization_id: str, body: UserCreate, who: Admin, db: DB) -> UserOut:
    with db.begin() as conn:
        try:
            user = access.create_user(
                conn, organization_id, body.username, body.role, body.password, body.display_name
            )
        except access.AccessError as exc:
            raise Problem(409, str(exc), kind="conflict") from None
        who.audit(conn, "user.create", user.username, {"role": user.role.value})
    return user_out(user)


@router.patch("/users/{user_id}", response_model=UserOut)
def update_user(organization_id: str, user_id: RowId, body: UserUpdate, who: Admin, db: DB) -> UserOut:
    with db.begin() as conn:
        user = access.get_user(conn, user_id)
        if user is None or user.organization_id != organization_id:
            raise not_found(f"user {user_id}")
        if user.id == who.user.id and (body.disabled or (body.role and body.role is not access.Role.ADMIN)):
            raise Problem(409, "an admin cannot disable or demote themselves", kind="conflict")
        access.update_user(conn, user_id, role=body.role, disabled=body.disabled)
        who.audit(conn, "user.update", user.username, body.model_dump(mode="json", exclude_none=True))
        updated = access.get_user(conn, user_id)
    assert updated is not None
    return user_out(updated)


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(organization_id: str, who: Admin, conn: ReadConnection) -> list[TokenOut]:
    return [token_out(token) for token in access.list_tokens(conn, organization_id)]


@router.post("/tokens", response_model=TokenCreated, status_code=201)
def create_token(organization_id: str, body: TokenCreate, who: Admin, db: DB) -> TokenCreated:
    with db.begin() as conn:
        user = access.get_user_by_name(conn, body.username, organization_id)
        if user is None:
            raise not_found(f"user {body.username!r}")
        token, secret = access.create_token(conn, user.id, body.name, who.user.username)
        who.audit(conn, "token.create", f"token {token.id}", {"user": user.username, "name": body.name})
    return TokenCreated(token=token_out(token), secret=secret)


@router.delete("/tokens/{token_id}", response_model=TokenOut)
def revoke_token(organization_id: str, token_id: RowId, who: Admin, db: DB) -> TokenOut:
    with db.begin() as conn:
        token = access.get_token(conn, token_id, organization_id)
        if token is None:
            raise not_found(f"token {token_id}")
        access.revoke_token(conn, token_id)
        who.audit(conn, "token.revoke", f"token {token_id}", {"user": token.username})
        revoked = access.get_token(conn, token_id, organization_id)
    assert revoked is not None
    return token_out(revoked)


@router.get("/audit", response_model=Page[AuditEntry])
def list_audit(organization_id: str, who: Viewer, conn: ReadConnection, paging: Paging) -> Page[AuditEntry]:
    total, rows = access.list_audit(conn, organization_id, paging.page_size, paging.offset)
    return Page(
        items=[AuditEntry(**row) for row in rows], total=total, page=paging.page, page_size=paging.page_size
    )
