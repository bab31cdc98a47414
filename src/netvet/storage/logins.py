"""Failed logins, kept to throttle password guessing per account and per address.

OWASP's Authentication Cheat Sheet: limit failed attempts per account and per source without locking
accounts for good. Within any window of LOGIN_WINDOW, an account may fail ACCOUNT_FAILURES times and
an address ADDRESS_FAILURES times; a further attempt is refused, without checking its password, until
the oldest failure leaves the window. A successful login clears its account's failures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, ColumnElement, DateTime, Index, Integer, String, Table, delete, select
from sqlalchemy.engine import Connection

from netvet.storage.tables import metadata

LOGIN_WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organization_id", String(64), nullable=False),  # as typed: may name no organisation
    Column("username", String(64), nullable=False),  # as typed: may name no user
    Column("address", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_login_failures_account", "organization_id", "username", "at"),
    Index("ix_login_failures_address", "address", "at"),
)


@dataclass(frozen=True)
class Throttled:
    """Why the attempt is refused, and for how long."""

    reason: str
    retry_after: timedelta


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _oldest_if_full(
    conn: Connection, where: Sequence[ColumnElement[bool]], limit: int, since: datetime
) -> datetime | None:
    """The oldest failure in the window when the window already holds `limit` failures."""
    query = (
        select(login_failures.c.at)
        .where(*where, login_failures.c.at > since)
        .order_by(login_failures.c.at.desc())
        .limit(limit)
    )
    recent = list(conn.execute(query).scalars())
    return _aware(recent[-1]) if len(recent) >= limit else None


def login_throttled(
    conn: Connection, organization_id: str, username: str, address: str, now: datetime
) -> Throttled | None:
    since = now - LOGIN_WINDOW
    account = [login_failures.c.organization_id == organization_id, login_failures.c.username == username]
    checks = (
        ("too many failed logins for this account", account, ACCOUNT_FAILURES),
        ("too many failed logins from this address", [login_failures.c.address == address], ADDRESS_FAILURES),
    )
    waits = []
    for reason, where, limit in checks:
        oldest = _oldest_if_full(conn, where, limit, since)
        if oldest is not None:
            waits.append(Throttled(reason, oldest + LOGIN_WINDOW - now))
    return max(waits, key=lambda t: t.retry_after) if waits else None


def record_login_failure(
    conn: Connection, organization_id: str, username: str, address: str, now: datetime
) -> None:
    conn.execute(
        login_failures.insert().values(
            organization_id=organization_id[:64], username=username[:64], address=address[:64], at=now
        )
    )
    # Failures older than the window no longer count: keep the table small.
    conn.execute(delete(login_failures).where(login_failures.c.at < now - LOGIN_WINDOW))


def clear_login_failures(conn: Connection, organization_id: str, username: str) -> None:
    conn.execute(
        delete(login_failures).where(
            login_failures.c.organization_id == organization_id, login_failures.c.username == username
        )
    )
