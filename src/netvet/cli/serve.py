"""`netvet serve` (API and dashboard), `netvet users ...` and `netvet tokens ...`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from netvet.cli.common import EXIT_NOT_FOUND, OrgOption, console, database, fail
from netvet.model.inventory import OrganizationKind
from netvet.storage import access
from netvet.storage import inventory as store
from netvet.storage.db import MAX_ROW_ID

users_app = typer.Typer(help="Users of the API and dashboard.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens: created, shown once, revocable.", no_args_is_help=True)
CLI_ACTOR = "cli"


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log every request (costs throughput).")
    ] = False,
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="Mark cookies Secure (HTTPS only). Default: when the request came over HTTPS.",
            show_default=False,
        ),
    ] = None,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            help="Proxies whose X-Forwarded-For / -Proto are believed (the client's address and HTTPS)."
        ),
    ] = "127.0.0.1",
) -> None:
    """Serve the REST API (/api/v1) and the dashboard (/) on the CLI's database."""
    import uvicorn

    from netvet.api import AppConfig, create_app
    from netvet.storage import open_database

    db = open_database()
    console.print(f"netvet on http://{host}:{port}/  (API: /api/v1, OpenAPI: /api/v1/openapi.json)")
    console.print(f"database: {db.url}")
    app = create_app(db, AppConfig(secure_cookies=secure_cookies))
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="info",
            access_log=access_log,
            proxy_headers=True,
            forwarded_allow_ips=forwarded_allow_ips,
        )
    finally:
        db.dispose()


@users_app.command("add")
def add_user(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[access.Role, typer.Option(help="viewer, analyst or admin.")] = access.Role.VIEWER,
    org: Annotated[
        str, typer.Option("--org", help="Organisation the user belongs to.")
    ] = store.DEFAULT_ORGANIZATION,
    org_kind: Annotated[
        OrganizationKind, typer.Option(help="Kind of the organisation when it is created now.")
    ] = OrganizationKind.OPERATOR,
    org_name: Annotated[
        str | None, typer.Option(help="Name of the organisation when it is created now.")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    password: Annotated[
        bool, typer.Option("--password/--no-password", help="Ask for a password (needed for the dashboard).")
    ] = True,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="Read the password from the first line of standard input (for scripts)."
        ),
    ] = False,
) -> None:
    """Add a user (the first admin is made this way); creates the organisation if it is new."""
    secret = None
    if password_stdin:
        # The line end is the input's, not the password's; every other character is kept.
        secret = sys.stdin.readline().rstrip("\r\n")
        if not secret:
            raise fail("--password-stdin: standard input held no password")
    elif password:
        secret = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    if secret is not None and (problem := access.password_problem(secret)) is not None:
        raise fail(problem)
    with database() as db, db.begin() as conn:
        store.ensure_organization(conn, org, org_name, kind=org_kind)
        organization = store.get_organization(conn, org)
        assert organization is not None
        try:
            user = access.create_user(conn, org, username, role, secret, name)
        except access.AccessError as exc:
            raise fail(str(exc)) from None
        access.record_audit(conn, org, CLI_ACTOR, "cli", "user.create", username, {"role": role.value})
    console.print(f"added {user.role.value} [bold]{user.username}[/] to {organization.kind.value} {org}")


@users_app.command("list")
def list_users(
    org: OrgOption = store.DEFAULT_ORGANIZATION,
) -> None:
    """List the organisation's users."""
    with database() as db, db.connect() as conn:
        users = access.list_users(conn, org)
    table = Table("id", "user", "role", "password", "disabled")
    for user in users:
        table.add_row(
            str(user.id),
            user.username,
            user.role.value,
            "yes" if user.has_password else "no",
            "yes" if user.disabled else "",
        )
    console.print(table)


@tokens_app.command("create")
def create_token(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for (shown in listings).")] = "cli",
    org: Annotated[
        str | None,
        typer.Option("--org", help="The user's organisation (needed when several have a user of that name)."),
    ] = None,
) -> None:
    """Create an API token; it is printed once and only its hash is kept."""
    with database() as db, db.begin() as conn:
        named = [u for u in access.users_named(conn, username) if org is None or u.organization_id == org]
        if not named:
            raise fail(f"no user {username!r}; add one with `netvet users add`", EXIT_NOT_FOUND)
        if len(named) > 1:
            orgs = ", ".join(u.organization_id for u in named)
            raise fail(f"several organisations have a user {username!r} ({orgs}); choose one with --org")
        user = named[0]
        token, secret = access.create_token(conn, user.id, name, CLI_ACTOR)
        access.record_audit(
            conn,
            user.organization_id,
            CLI_ACTOR,
            "cli",
            "token.create",
            f"token {token.id}",
            {"user": username, "name": name},
        )
    console.print(f"token {token.id} for {username} (shown once, store it now):")
    print(secret)


@tokens_app.command("revoke")
def revoke_token(
    token_id: Annotated[
        int, typer.Argument(min=1, max=MAX_ROW_ID, help="Token id (see `netvet tokens list`).")
    ],
) -> None:
    """Revoke an API token at once."""
    with database() as db, db.begin() as conn:
        token = access.get_token(conn, token_id)
        if token is None:
            raise fail(f"no token {token_id}", EXIT_NOT_FOUND)
        user = access.get_user(conn, token.user_id)
        assert user is not None
        access.revoke_token(conn, token_id)
        access.record_audit(
            conn,
            user.organization_id,
            CLI_ACTOR,
            "cli",
            "token.revoke",
            f"token {token_id}",
            {"user": token.username},
        )
    console.print(f"token {token_id} of {token.username} revoked")


@tokens_app.command("list")
def list_tokens(
    org: OrgOption = store.DEFAULT_ORGANIZATION,
) -> None:
    """List the organisation's tokens (never their secrets)."""
    with database() as db, db.connect() as conn:
        tokens = access.list_tokens(conn, org)
    table = Table("id", "user", "name", "prefix", "created", "last used", "revoked")
    for token in tokens:
        table.add_row(
            str(token.id),
            token.username,
            token.name,
            token.prefix + "…",
            f"{token.created_at:%Y-%m-%d %H:%M}",
            f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "",
            f"{token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "",
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
