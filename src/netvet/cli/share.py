"""Sharing commands: `netvet share export | push | pull | collections | groups`."""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from netvet.cli.common import (
    EXIT_INVALID_INPUT,
    EXIT_NOT_FOUND,
    audit,
    console,
    database,
    err_console,
    fail,
    progress_bar,
)
from netvet.cli.share_groups import collections_app, groups_app
from netvet.cli.taxii_peer import Credentials, PeerError, pull, push
from netvet.sharing.export import Detail, Export, ExportChoices
from netvet.sharing.receive import received_vulnerabilities
from netvet.sharing.release import push_refusal
from netvet.sharing.timestamps import parse_timestamp
from netvet.sharing.tlp import Tlp, UnknownTlp, parse_tlp, tlp_of
from netvet.storage import Database
from netvet.storage import sharing as store
from netvet.storage import taxii as taxii_store
from netvet.storage.inventory import DEFAULT_ORGANIZATION, get_organization
from netvet.storage.sharing_export import export_for

share_app = typer.Typer(
    help="Share vulnerabilities and findings in STIX 2.1 over TAXII 2.1, with TLP 2.0 enforced.",
    no_args_is_help=True,
)

OrgOption = Annotated[str, typer.Option("--org", help="The organisation that shares or receives.")]
TlpOption = Annotated[
    str, typer.Option("--tlp", help="TLP 2.0 marking: clear, green, amber, amber+strict or red.")
]
DetailOption = Annotated[
    Detail,
    typer.Option("--detail", help="Tell vendor and model only (product), or the software version too."),
]
SitesOption = Annotated[
    bool,
    typer.Option("--with-sites/--without-sites", help="Also tell where elements are (site coordinates)."),
]
NoteOption = Annotated[
    str | None, typer.Option("--note", help="Your assessment, added to each vulnerability's note.")
]
UrlOption = Annotated[
    str, typer.Option("--url", help="The TAXII 2.1 API root URL, e.g. https://host/taxii2/eu-5g/")
]
CollectionOption = Annotated[str, typer.Option("--collection", help="The collection id on that server.")]


def _tlp(text: str) -> Tlp:
    try:
        return parse_tlp(text)
    except UnknownTlp as exc:
        raise fail(f"--tlp: {exc}") from None


def _build(db: Database, org: str, choices: ExportChoices) -> Export:
    with db.connect() as conn:
        try:
            return export_for(conn, org, choices, datetime.now(UTC))
        except store.SharingError as exc:
            raise fail(str(exc), EXIT_NOT_FOUND) from None


def _objects(export: Export) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = json.loads(export.bundle().serialize())["objects"]
    return objects


def _by_tlp(objects: Iterable[Mapping[str, Any]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for obj in objects:
        if obj.get("type") != "marking-definition":
            level = tlp_of(obj.get("object_marking_refs", ()))
            counts[level.value if level else "unmarked"] += 1
    return counts


def _write_atomically(path: Path, text: str) -> None:
    """Write the whole file or nothing: a half-written bundle is never left behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _print_counts(title: str, objects: Sequence[Mapping[str, Any]]) -> None:
    table = Table(title=title)
    table.add_column("type")
    table.add_column("objects", justify="right")
    for kind, count in sorted(Counter(o["type"] for o in objects).items()):
        table.add_row(kind, f"{count:,}")
    console.print(table)


def _print_failures(failures: Sequence[Mapping[str, Any]], shown: int = 10) -> None:
    for failure in failures[:shown]:
        err_console.print(
            f"  refused {failure.get('id')}: {failure.get('message')}", highlight=False, soft_wrap=True
        )
    if len(failures) > shown:
        err_console.print(f"  ... and {len(failures) - shown} more", highlight=False)


@share_app.command("export")
def export(
    tlp: TlpOption,
    to: Annotated[
        str | None, typer.Option("--to", help="Share into this sharing group's collection on this server.")
    ] = None,
    collection_id: Annotated[
        str | None,
        typer.Option("--collection", help="Which of the group's collections (default: its first)."),
    ] = None,
    recipients: Annotated[
        list[str] | None,
        typer.Option("--recipient", help="Address it to these member organisations only (repeatable)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write the STIX 2.1 bundle to this file.")
    ] = None,
    detail: DetailOption = Detail.VERSION,
    with_sites: SitesOption = False,
    note: NoteOption = None,
    org: OrgOption = DEFAULT_ORGANIZATION,
) -> None:
    """Turn the organisation's advisory matches into STIX 2.1 and share them with a group (--to) or a file (--out)."""
    if to is None and out is None:
        raise fail("say where the objects go: --to GROUP (this server) and/or --out FILE")
    choices = ExportChoices(_tlp(tlp), detail, with_sites, note)
    with database() as db:
        built = _build(db, org, choices)
        objects = _objects(built)
        with db.begin() as conn:  # the post, the ids it used and its record: all or nothing
            if to is not None:
                status = _post_locally(conn, org, to, collection_id, recipients, objects)
            store.save_id_records(conn, org, built.records)
    if out is not None:
        _write_atomically(out, built.bundle().serialize(pretty=True))
        console.print(f"wrote {len(objects):,} objects to {out}")
    _print_counts(f"{choices.tlp.label} objects of {org}", objects)
    if to is not None:
        console.print(f"shared into {to!r}: {len(status.successes):,} kept, {len(status.failures):,} refused")
        _print_failures(status.failures)


def _post_locally(
    conn: Any,
    org: str,
    group_id: str,
    collection_id: str | None,
    recipients: list[str] | None,
    objects: list[dict[str, Any]],
) -> taxii_store.PostStatus:
    group = store.get_group(conn, group_id)
    if group is None:
        raise fail(f"--to: no sharing group {group_id!r} (see `netvet share groups list`)", EXIT_NOT_FOUND)
    if group.role_of(org) is not store.MemberRole.MEMBER:
        raise fail(f"--to: {org!r} is not a member of {group_id!r}, so it cannot share there")
    strangers = sorted(set(recipients or ()) - group.member_ids)
    if strangers:
        raise fail(f"--recipient: not members of the collection's sharing group: {', '.join(strangers)}")
    collections = store.list_collections(conn, group_id)
    chosen = [c for c in collections if collection_id in (None, c.id)]
    if not chosen:
        raise fail(
            f"--collection: {group_id!r} has no collection {collection_id or ''}".strip(), EXIT_NOT_FOUND
        )
    status = taxii_store.add_objects(conn, chosen[0], group, org, objects, recipients)
    detail = {"status": status.id, "refused": len(status.failures), "recipients": recipients or []}
    store.record_exchange(
        conn, org, "sent", f"this server: {group.name}", chosen[0].title, _by_tlp(objects), "cli", detail
    )
    audit(conn, org, "share.export", f"collection {chosen[0].id}", {"group": group_id, **detail})
    return status


@share_app.command("push")
def push_command(
    url: UrlOption,
    collection_id: CollectionOption,
    tlp: Annotated[
        str | None, typer.Option("--tlp", help="Build from your matches with this marking.")
    ] = None,
    bundle: Annotated[
        Path | None, typer.Option("--bundle", help="Push this STIX 2.1 bundle file instead.")
    ] = None,
    detail: DetailOption = Detail.VERSION,
    with_sites: SitesOption = False,
    note: NoteOption = None,
    org: OrgOption = DEFAULT_ORGANIZATION,
) -> None:
    """Send objects to another TAXII 2.1 server. RED never leaves; what you received goes on only as TLP allows.

    Credentials come from the environment: NETVET_TAXII_TOKEN (a bearer token), or NETVET_TAXII_USER and
    NETVET_TAXII_PASSWORD (HTTP Basic).
    """
    if (tlp is None) == (bundle is None):
        raise fail("give either --tlp (build from your matches) or --bundle FILE")
    with database() as db:
        built: Export | None = None
        if tlp is not None:
            built = _build(db, org, ExportChoices(_tlp(tlp), detail, with_sites, note))
            objects = _objects(built)
        else:
            assert bundle is not None
            objects = _read_bundle(bundle)
        with db.connect() as conn:
            ours = store.own_identity(conn, org)
        sendable, withheld = _sendable(objects, ours, built is not None)
        for obj, reason in withheld:
            err_console.print(f"withheld {obj.get('id')}: {reason}", highlight=False, soft_wrap=True)
        if all(o.get("type") == "marking-definition" for o in sendable):
            raise fail("nothing left to send: TLP keeps every object here", EXIT_INVALID_INPUT)
        with progress_bar(transient=True) as progress:
            task = progress.add_task("pushing", total=len(sendable))
            try:
                outcome = push(
                    url,
                    collection_id,
                    sendable,
                    Credentials.from_environment(),
                    lambda n: progress.advance(task, n),
                )
            except PeerError as exc:
                raise fail(str(exc)) from None
        failures = outcome.failures or []
        with db.begin() as conn:
            if built is not None:
                store.save_id_records(conn, org, built.records)
            detail_log = {"kept": outcome.successes, "refused": len(failures), "withheld": len(withheld)}
            store.record_exchange(conn, org, "sent", url, collection_id, _by_tlp(sendable), "cli", detail_log)
            audit(conn, org, "share.push", f"{url} collection {collection_id}", detail_log)
    console.print(
        f"pushed {len(sendable):,} objects: {outcome.successes:,} kept by the server, {len(failures):,} refused"
    )
    _print_failures(failures)
    if failures:
        raise typer.Exit(1)


def _read_bundle(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise fail(f"{path}: cannot be read ({exc.strerror})", EXIT_NOT_FOUND) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise fail(f"{path}: not JSON ({exc})") from None
    if (
        not isinstance(data, dict)
        or data.get("type") != "bundle"
        or not isinstance(data.get("objects"), list)
    ):
        raise fail(f"{path}: not a STIX 2.1 bundle (a 'bundle' with an 'objects' list)")
    objects: list[dict[str, Any]] = data["objects"]
    return objects


def _sendable(
    objects: list[dict[str, Any]], ours: str | None, built_here: bool
) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], str]]]:
    """Split what may go to another server from what TLP keeps here.

    What netvet just built from our matches is ours. In a bundle file, an object is ours only when it
    names our identity as its creator (or is that identity): an observable names no creator, so it is
    treated as received.
    """
    sendable: list[dict[str, Any]] = []
    withheld: list[tuple[dict[str, Any], str]] = []
    for obj in objects:
        if obj.get("type") == "marking-definition":
            sendable.append(obj)
            continue
        level = tlp_of(obj.get("object_marking_refs", ()))
        if level is None:
            withheld.append((obj, "carries no TLP marking"))
            continue
        produced_here = built_here or (
            ours is not None and ours in (obj.get("created_by_ref"), obj.get("id"))
        )
        reason = push_refusal(level, produced_here)
        if reason:
            withheld.append((obj, reason))
        else:
            sendable.append(obj)
    return sendable, withheld


@share_app.command("pull")
def pull_command(
    url: UrlOption,
    collection_id: CollectionOption,
    added_after: Annotated[
        str | None,
        typer.Option(
            "--added-after", help="Only what the server added after this time (2026-01-31T00:00:00Z)."
        ),
    ] = None,
    org: OrgOption = DEFAULT_ORGANIZATION,
) -> None:
    """Fetch a collection; its vulnerabilities become advisories that `netvet advisories match` uses.

    Credentials come from the environment, as for `netvet share push`.
    """
    since = None
    if added_after:
        try:
            since = parse_timestamp(added_after)
        except ValueError as exc:
            raise fail(f"--added-after: {exc}") from None
    with database() as db:
        with db.connect() as conn:
            if get_organization(conn, org) is None:
                raise fail(f"no organisation {org!r}", EXIT_NOT_FOUND)
        with progress_bar(transient=True) as progress:
            task = progress.add_task("pulling", total=None)
            try:
                objects = pull(
                    url,
                    collection_id,
                    Credentials.from_environment(),
                    since,
                    lambda n: progress.advance(task, n),
                )
            except PeerError as exc:
                raise fail(str(exc)) from None
        received = received_vulnerabilities(objects)
        source = f"{url} collection {collection_id}"
        with db.begin() as conn:
            store.store_received(conn, org, received, source)
            detail = {"vulnerabilities": len(received)}
            store.record_exchange(conn, org, "received", url, collection_id, _by_tlp(objects), "cli", detail)
            audit(conn, org, "share.pull", source, {"objects": len(objects), **detail})
    _print_counts(f"received from {url}", objects)
    console.print(
        f"{len(received):,} vulnerabilities kept as advisories for {org}; "
        "run `netvet advisories match` to match them against your inventory"
    )


share_app.add_typer(groups_app, name="groups")
share_app.add_typer(collections_app, name="collections")


def register(app: typer.Typer) -> None:
    app.add_typer(share_app, name="share")
