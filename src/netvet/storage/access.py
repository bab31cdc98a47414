"""Who may do what: users, API tokens, browser sessions, submissions to regulators, jobs, the audit log.

Passwords are hashed with Argon2 (slow on purpose). API tokens and session ids are 256-bit random
secrets, so a single SHA-256 is enough to store them safely and keeps each request's lookup cheap.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
    update,
)
from sqlalchemy.engine import Connection, RowMapping

from netvet.storage.tables import metadata, organizations

TOKEN_PREFIX = "nvt_"
TOKEN_LAST_USED_STEP = timedelta(
    minutes=5
)  # touch last_used_at at most this often (a write per request is costly)
password_hasher = PasswordHasher()


class Role(StrEnum):
    """viewer reads; analyst also imports, screens and decides; admin also manages users and tokens."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


_RANKS = {Role.VIEWER: 0, Role.ANALYST: 1, Role.ADMIN: 2}


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organization_id", String(64), nullable=False),
    Column("username", String(64), nullable=False),
    Column("display_name", Text),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
    # A user name is unique within its organisation only: one organisation's admin must not learn,
    # from a refused name, which names another organisation uses.
    UniqueConstraint("organization_id", "username"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", Text),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    ForeignKeyConstraint(["user_id"], ["users.id"]),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the cookie value
    Column("user_id", Integer, nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    ForeignKeyConstraint(["user_id"], ["users.id"]),
)

submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organization_id", String(64), nullable=False),  # the operator that submitted
    Column("regulator_id", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("media_type", String(128), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("submitted_by", Text, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
    ForeignKeyConstraint(["regulator_id"], ["organizations.id"]),
    Index("ix_submissions_regulator", "regulator_id"),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("organization_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("progress", Float),
    Column("result", JSON),
    Column("error", JSON),
    Index("ix_jobs_org", "organization_id", "created_at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organization_id", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("via", String(16), nullable=False),  # token, session or cli
    Column("action", String(64), nullable=False),
    Column("target", Text),
    Column("detail", JSON),
    Index("ix_audit_log_org", "organization_id", "id"),
)


def now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time netvet stores is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- users ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    id: int
    organization_id: str
    username: str
    role: Role
    display_name: str | None = None
    disabled: bool = False
    has_password: bool = False
    organization_kind: str = "operator"

    @property
    def is_regulator(self) -> bool:
        return self.organization_kind == "regulator"


class AccessError(ValueError):
    """A request the access rules refuse (duplicate user name, unknown user, ...)."""


class PasswordRefused(AccessError):
    """A password too weak to set."""


MIN_PASSWORD_LENGTH = 12


def password_problem(password: str) -> str | None:
    """Why a password may not be set, or None. Length is what counts most (NIST SP 800-63B 3.1.1.2);
    beyond it, a password of blanks or of one character repeated is refused outright."""
    if not password.strip():
        return "the password is blank"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password needs at least {MIN_PASSWORD_LENGTH} characters"
    if len(set(password)) == 1:
        return "the password is one character repeated"
    return None


def _hash_password(password: str) -> str:
    problem = password_problem(password)
    if problem is not None:
        raise PasswordRefused(problem)
    return password_hasher.hash(password)


def _user(row: RowMapping) -> User:
    return User(
        id=row["id"],
        organization_id=row["organization_id"],
        username=row["username"],
        role=Role(row["role"]),
        display_name=row["display_name"],
        disabled=row["disabled_at"] is not None,
        has_password=row["password_hash"] is not None,
        organization_kind=row["organization_kind"],
    )


def _user_query() -> Any:
    return select(users, organizations.c.kind.label("organization_kind")).join(
        organizations, organizations.c.id == users.c.organization_id
    )


def create_user(
    conn: Connection,
    organization_id: str,
    username: str,
    role: Role,
    password: str | None = None,
    display_name: str | None = None,
) -> User:
    if get_user_by_name(conn, username, organization_id) is not None:
        raise AccessError(f"user {username!r} already exists in this organisation")
    result = conn.execute(
        users.insert().values(
            organization_id=organization_id,
            username=username,
            display_name=display_name,
            role=role.value,
            password_hash=_hash_password(password) if password is not None else None,
            created_at=now(),
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    user = get_user(conn, int(key[0]))
    assert user is not None
    return user


def get_user(conn: Connection, user_id: int) -> User | None:
    row = conn.execute(_user_query().where(users.c.id == user_id)).mappings().first()
    return _user(row) if row else None


def get_user_by_name(conn: Connection, username: str, organization_id: str) -> User | None:
    query = _user_query().where(users.c.username == username, users.c.organization_id == organization_id)
    row = conn.execute(query).mappings().first()
    return _user(row) if row else None


def users_named(conn: Connection, username: str) -> list[User]:
    """Every organisation's user of that name (for the command line, which sees all organisations)."""
    query = _user_query().where(users.c.username == username).order_by(users.c.organization_id)
    return [_user(row) for row in conn.execute(query).mappings()]


def list_users(conn: Connection, organization_id: str) -> list[User]:
    query = _user_query().where(users.c.organization_id == organization_id).order_by(users.c.id)
    return [_user(row) for row in conn.execute(query).mappings()]


def update_user(
    conn: Connection,
    user_id: int,
    role: Role | None = None,
    disabled: bool | None = None,
    password: str | None = None,
) -> None:
    values: dict[str, Any] = {}
    if role is not None:
        values["role"] = role.value
    if disabled is not None:
        values["disabled_at"] = now() if disabled else None
    if password is not None:
        values["password_hash"] = _hash_password(password)
    if values:
        conn.execute(update(users).where(users.c.id == user_id).values(**values))
    if disabled:
        # A disabled user is logged out everywhere at once.
        conn.execute(web_sessions.delete().where(web_sessions.c.user_id == user_id))


def check_password(conn: Connection, organization_id: str, username: str, password: str) -> User | None:
    query = _user_query().where(users.c.username == username, users.c.organization_id == organization_id)
    row = conn.execute(query).mappings().first()
    if row is None or row["password_hash"] is None or row["disabled_at"] is not None:
        # Hash anyway so a missing user takes as long to refuse as a wrong password.
        password_hasher.hash(password)
        return None
    try:
        password_hasher.verify(row["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return None
    return _user(row)


# --- API tokens ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenInfo:
    id: int
    user_id: int
    username: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def create_token(conn: Connection, user_id: int, name: str, created_by: str) -> tuple[TokenInfo, str]:
    """A new token for the user; the secret is returned here once and only its hash is kept."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    result = conn.execute(
        api_tokens.insert().values(
            user_id=user_id,
            name=name,
            token_hash=secret_hash(secret),
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            created_at=now(),
            created_by=created_by,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    info = get_token(conn, int(key[0]))
    assert info is not None
    return info, secret


def _token_query() -> Any:
    return select(api_tokens, users.c.username, users.c.organization_id).join(
        users, users.c.id == api_tokens.c.user_id
    )


def _token(row: RowMapping) -> TokenInfo:
    return TokenInfo(
        id=row["id"],
        user_id=row["user_id"],
        username=row["username"],
        name=row["name"],
        prefix=row["prefix"],
        created_at=_aware(row["created_at"]) or now(),
        last_used_at=_aware(row["last_used_at"]),
        revoked_at=_aware(row["revoked_at"]),
    )


def get_token(conn: Connection, token_id: int, organization_id: str | None = None) -> TokenInfo | None:
    query = _token_query().where(api_tokens.c.id == token_id)
    if organization_id is not None:
        query = query.where(users.c.organization_id == organization_id)
    row = conn.execute(query).mappings().first()
    return _token(row) if row else None


def list_tokens(conn: Connection, organization_id: str) -> list[TokenInfo]:
    query = _token_query().where(users.c.organization_id == organization_id).order_by(api_tokens.c.id)
    return [_token(row) for row in conn.execute(query).mappings()]


def revoke_token(conn: Connection, token_id: int) -> None:
    conn.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now())
    )


@dataclass(frozen=True)
class TokenUse:
    user: User
    token_id: int
    stale: bool  # last_used_at is older than TOKEN_LAST_USED_STEP: worth a (best-effort) touch


def user_for_token(conn: Connection, secret: str) -> TokenUse | None:
    """The active user a live token belongs to, or None (unknown, revoked, or user disabled). Reads only."""
    query = (
        _user_query()
        .add_columns(api_tokens.c.id.label("token_id"), api_tokens.c.last_used_at)
        .join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(api_tokens.c.token_hash == secret_hash(secret), api_tokens.c.revoked_at.is_(None))
    )
    row = conn.execute(query).mappings().first()
    if row is None or row["disabled_at"] is not None:
        return None
    last_used = _aware(row["last_used_at"])
    stale = last_used is None or now() - last_used > TOKEN_LAST_USED_STEP
    return TokenUse(_user(row), int(row["token_id"]), stale)


def touch_token(conn: Connection, token_id: int) -> None:
    conn.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=now()))


# --- browser sessions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WebSession:
    user: User
    csrf_token: str


def create_session(conn: Connection, user_id: int, lifetime: timedelta) -> tuple[str, str]:
    """Start a session; return the cookie value and the CSRF token that forms must carry."""
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    moment = now()
    conn.execute(
        web_sessions.insert().values(
            id=secret_hash(secret),
            user_id=user_id,
            csrf_token=csrf,
            created_at=moment,
            expires_at=moment + lifetime,
        )
    )
    conn.execute(web_sessions.delete().where(web_sessions.c.expires_at < moment))
    return secret, csrf


def session_for(conn: Connection, secret: str) -> WebSession | None:
    query = (
        _user_query()
        .add_columns(web_sessions.c.csrf_token, web_sessions.c.expires_at)
        .join(web_sessions, web_sessions.c.user_id == users.c.id)
        .where(web_sessions.c.id == secret_hash(secret))
    )
    row = conn.execute(query).mappings().first()
    if row is None or row["disabled_at"] is not None:
        return None
    expires = _aware(row["expires_at"])
    if expires is None or expires < now():
        return None
    return WebSession(_user(row), row["csrf_token"])


def end_session(conn: Connection, secret: str) -> None:
    conn.execute(web_sessions.delete().where(web_sessions.c.id == secret_hash(secret)))


# --- submissions to regulators -------------------------------------------------------------------


def create_submission(conn: Connection, **values: Any) -> int:
    content: bytes = values["content"]
    result = conn.execute(
        submissions.insert().values(
            **values,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            submitted_at=now(),
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


_SUBMISSION_FIELDS = [c for c in submissions.c if c.name != "content"]


def list_submissions(conn: Connection, organization_id: str, regulator: bool) -> list[dict[str, Any]]:
    """What an operator sent, or (for a regulator) what operators sent to it; never the content."""
    column = submissions.c.regulator_id if regulator else submissions.c.organization_id
    query = select(*_SUBMISSION_FIELDS).where(column == organization_id).order_by(submissions.c.id.desc())
    return [dict(row) for row in conn.execute(query).mappings()]


def get_submission(
    conn: Connection, submission_id: int, organization_id: str, with_content: bool = False
) -> dict[str, Any] | None:
    """The submission if the organisation sent or received it, else None."""
    fields = list(submissions.c) if with_content else _SUBMISSION_FIELDS
    query = select(*fields).where(
        submissions.c.id == submission_id,
        (submissions.c.organization_id == organization_id) | (submissions.c.regulator_id == organization_id),
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


# --- jobs ----------------------------------------------------------------------------------------


def create_job(conn: Connection, organization_id: str, kind: str, created_by: str) -> str:
    job_id = secrets.token_hex(16)
    conn.execute(
        jobs.insert().values(
            id=job_id,
            organization_id=organization_id,
            kind=kind,
            status=JobStatus.QUEUED.value,
            created_by=created_by,
            created_at=now(),
        )
    )
    return job_id


def update_job(conn: Connection, job_id: str, **values: Any) -> None:
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(**values))


def get_job(conn: Connection, job_id: str, organization_id: str) -> dict[str, Any] | None:
    query = select(jobs).where(jobs.c.id == job_id, jobs.c.organization_id == organization_id)
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def list_jobs(conn: Connection, organization_id: str, limit: int = 50) -> list[dict[str, Any]]:
    query = (
        select(jobs)
        .where(jobs.c.organization_id == organization_id)
        .order_by(jobs.c.created_at.desc())
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def fail_interrupted_jobs(conn: Connection) -> int:
    """Jobs left queued or running by a process that stopped can never finish: mark them failed."""
    result = conn.execute(
        update(jobs)
        .where(jobs.c.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]))
        .values(
            status=JobStatus.FAILED.value,
            finished_at=now(),
            error={"title": "interrupted", "detail": "the server stopped before the job finished"},
        )
    )
    return int(result.rowcount or 0)


# --- audit log (append only: nothing here updates or deletes an entry) ---------------------------


def record_audit(
    conn: Connection,
    organization_id: str,
    actor: str,
    via: str,
    action: str,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    conn.execute(
        audit_log.insert().values(
            organization_id=organization_id,
            at=now(),
            actor=actor,
            via=via,
            action=action,
            target=target,
            detail=detail,
        )
    )


def list_audit(
    conn: Connection, organization_id: str, limit: int, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    where = audit_log.c.organization_id == organization_id
    total = int(conn.execute(select(func.count()).select_from(audit_log).where(where)).scalar_one())
    query = select(audit_log).where(where).order_by(audit_log.c.id.desc()).limit(limit).offset(offset)
    return total, [dict(row) for row in conn.execute(query).mappings()]


def regulators(conn: Connection) -> list[tuple[str, str]]:
    """(id, name) of every regulator organisation: the addresses an operator may submit reports to."""
    query = (
        select(organizations.c.id, organizations.c.name)
        .where(organizations.c.kind == "regulator")
        .order_by(organizations.c.name)
    )
    return [(row.id, row.name) for row in conn.execute(query)]
