"""Sharing groups and TAXII collections: `netvet share groups ...` and `netvet share collections ...`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from netvet.cli.common import EXIT_NOT_FOUND, audit, console, database, fail
from netvet.cli.taxii_peer import Credentials, PeerError, list_collections
from netvet.storage import sharing as store

groups_app = typer.Typer(help="Sharing groups on this server and their members.", no_args_is_help=True)
collections_app = typer.Typer(help="TAXII collections: this server's, or another server's with --url.")


@collections_app.callback(invoke_without_command=True)
def collections(
    context: typer.Context,
    url: Annotated[
        str | None, typer.Option("--url", help="Another server's TAXII discovery (or API root) URL.")
    ] = None,
) -> None:
    """List collections: this server's sharing groups and collections, or another server's (--url)."""
    if context.invoked_subcommand is not None:
        return
    table = Table(title=f"Collections on {url or 'this server'}")
    for column in ("API root / group", "collection id", "title", "read", "write"):
        table.add_column(column, overflow="fold")
    if url is not None:
        try:
            found = list_collections(url, Credentials.from_environment())
        except PeerError as exc:
            raise fail(str(exc)) from None
        for c in found:
            table.add_row(
                f"{c.api_root_title} ({c.api_root})", c.id, c.title, _yes(c.can_read), _yes(c.can_write)
            )
    else:
        with database() as db, db.connect() as conn:
            for group in store.list_groups(conn):
                for local in store.list_collections(conn, group.id):
                    table.add_row(
                        f"{group.name} ({group.id})", local.id, local.title, "as TLP allows", "members"
                    )
    console.print(table)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


@collections_app.command("create")
def create_collection(
    group: Annotated[str, typer.Argument(help="The sharing group the collection belongs to.")],
    title: Annotated[str, typer.Argument(help="Title shown to TAXII clients.")],
    description: Annotated[str | None, typer.Option(help="What the collection is for.")] = None,
) -> None:
    """Add a collection to a sharing group on this server."""
    with database() as db, db.begin() as conn:
        found = store.get_group(conn, group)
        if found is None:
            raise fail(f"no sharing group {group!r}", EXIT_NOT_FOUND)
        collection = store.create_collection(conn, group, title, description)
        for member in found.member_ids:  # each member sees in its audit log where it now shares
            audit(
                conn,
                member,
                "share.collection.create",
                f"collection {collection.id}",
                {"group": group, "title": title},
            )
    console.print(f"collection {collection.id} ({title}) in {group}")


@groups_app.command("create")
def create_group(
    group: Annotated[str, typer.Argument(help="Short id, used in URLs: eu-5g, national-csirt.")],
    name: Annotated[str, typer.Option(help="The group's name.")],
    description: Annotated[str | None, typer.Option(help="Who is in it and why.")] = None,
    collection: Annotated[str | None, typer.Option(help="Also create a collection with this title.")] = None,
) -> None:
    """Create a sharing group (an API root of this server's TAXII service)."""
    with database() as db, db.begin() as conn:
        try:
            store.create_group(conn, group, name, description)
            created = store.create_collection(conn, group, collection) if collection else None
        except store.SharingError as exc:
            raise fail(str(exc)) from None
    console.print(f"sharing group {group} ({name})" + (f", collection {created.id}" if created else ""))


@groups_app.command("add")
def add_member(
    group: Annotated[str, typer.Argument(help="The sharing group.")],
    organisation: Annotated[str, typer.Argument(help="The organisation to add.")],
    client_of: Annotated[
        str | None,
        typer.Option("--client-of", help="Add it as this member's client (reads TLP:AMBER, never writes)."),
    ] = None,
) -> None:
    """Add an organisation to a group as a member, or as a member's client."""
    role = store.MemberRole.CLIENT if client_of else store.MemberRole.MEMBER
    with database() as db, db.begin() as conn:
        try:
            store.add_member(conn, group, organisation, role, client_of)
        except store.SharingError as exc:
            raise fail(str(exc)) from None
        audit(conn, organisation, "share.group.join", group, {"role": role.value, "client_of": client_of})
    console.print(
        f"{organisation} is now a {role.value} of {group}"
        + (f" (client of {client_of})" if client_of else "")
    )


@groups_app.command("list")
def list_groups() -> None:
    """List sharing groups, their members and clients."""
    table = Table(title="Sharing groups")
    for column in ("group", "name", "members", "clients"):
        table.add_column(column, overflow="fold")
    with database() as db, db.connect() as conn:
        for group in store.list_groups(conn):
            members = ", ".join(sorted(group.member_ids))
            clients = ", ".join(
                f"{m.organization_id} (of {m.client_of})"
                for m in group.members
                if m.role is store.MemberRole.CLIENT
            )
            table.add_row(group.id, group.name, members, clients)
    console.print(table)
