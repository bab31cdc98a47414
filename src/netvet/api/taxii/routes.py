"""TAXII 2.1 endpoints: discovery, one API root per sharing group, its collections, objects, manifests,
versions and the status of each post. What a reader gets is what TLP lets its organisation read."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from netvet.api.security import Principal, ReadConnection
from netvet.api.taxii.protocol import (
    MAX_CONTENT_LENGTH,
    STIX_MEDIA_TYPE,
    TAXII_MEDIA_TYPE,
    TaxiiCaller,
    TaxiiError,
    accepts_taxii,
    check_content_type,
    object_query,
    taxii_response,
)
from netvet.sharing.timestamps import stix_timestamp
from netvet.storage import Database
from netvet.storage import sharing as groups
from netvet.storage import taxii as store
from netvet.storage import taxii_read as reading
from netvet.storage.access import Role
from netvet.storage.taxii_read import ObjectPage, ObjectQuery

router = APIRouter(dependencies=[Depends(accepts_taxii)])


def _root_url(request: Request) -> str:
    """This server's discovery URL without its final slash (the mount point is the root path)."""
    base = str(request.base_url).rstrip("/")
    mount = request.scope.get("root_path", "").rstrip("/")
    return base if base.endswith(mount) else base + mount


def _group(conn: Connection, api_root: str) -> groups.Group:
    group = groups.get_group(conn, api_root)
    if group is None:
        raise TaxiiError(404, "Not found", f"no API root {api_root!r}")
    return group


def _collection(conn: Connection, group: groups.Group, collection_id: str) -> groups.Collection:
    collection = groups.get_collection(conn, collection_id)
    if collection is None or collection.group_id != group.id:
        raise TaxiiError(404, "Not found", f"no collection {collection_id!r} in {group.id!r}")
    return collection


def _can_write(group: groups.Group, who: Principal) -> bool:
    """Members (not clients) of the group write, with an analyst's role or more."""
    member = group.role_of(who.organization_id) is groups.MemberRole.MEMBER
    return member and who.user.role.allows(Role.ANALYST)


def _collection_resource(
    collection: groups.Collection, group: groups.Group, who: Principal
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "id": collection.id,
        "title": collection.title,
        "can_read": True,  # every object is still filtered by its TLP for the reader
        "can_write": _can_write(group, who),
        "media_types": [STIX_MEDIA_TYPE],
    }
    if collection.description:
        resource["description"] = collection.description
    return resource


def _page(
    conn: Connection, api_root: str, collection_id: str, who: Principal, query: ObjectQuery, with_body: bool
) -> ObjectPage:
    """A page of what the caller's organisation may read in the collection."""
    found = _collection(conn, _group(conn, api_root), collection_id)
    return reading.read_page(conn, found.id, who.organization_id, groups.circle(conn), query, with_body)


def _page_headers(page: ObjectPage) -> dict[str, str]:
    if not page.objects:
        return {}
    return {
        "X-TAXII-Date-Added-First": stix_timestamp(page.objects[0].date_added),
        "X-TAXII-Date-Added-Last": stix_timestamp(page.objects[-1].date_added),
    }


def _envelope(page: ObjectPage) -> dict[str, Any]:
    envelope: dict[str, Any] = {"more": page.more}
    if page.more and page.next_seq is not None:
        envelope["next"] = str(page.next_seq)
    if page.objects:
        envelope["objects"] = [o.body for o in page.objects]
    return envelope


@router.get("/")
def discovery(request: Request, who: TaxiiCaller, conn: ReadConnection) -> Response:
    roots = [f"{_root_url(request)}/{group.id}/" for group in groups.list_groups(conn)]
    body: dict[str, Any] = {
        "title": "netvet TAXII 2.1",
        "description": "Vulnerabilities and findings shared between organisations; TLP 2.0 applied by the server.",
        "api_roots": roots,
    }
    mine = [g for g in groups.list_groups(conn) if g.role_of(who.organization_id) is not None]
    if mine:
        body["default"] = f"{_root_url(request)}/{mine[0].id}/"
    return taxii_response(body)


@router.get("/{api_root}/")
def api_root_information(api_root: str, who: TaxiiCaller, conn: ReadConnection) -> Response:
    group = _group(conn, api_root)
    body = {
        "title": group.name,
        "versions": [TAXII_MEDIA_TYPE],
        "max_content_length": MAX_CONTENT_LENGTH,
    }
    if group.description:
        body["description"] = group.description
    return taxii_response(body)


@router.get("/{api_root}/status/{status_id}/")
def status(api_root: str, status_id: str, who: TaxiiCaller, conn: ReadConnection) -> Response:
    group = _group(conn, api_root)
    found = store.get_status(conn, group.id, status_id, who.organization_id)
    if found is None:
        raise TaxiiError(404, "Not found", f"no status {status_id!r} for your organisation")
    return taxii_response(found.as_taxii())


@router.get("/{api_root}/collections/")
def collections(api_root: str, who: TaxiiCaller, conn: ReadConnection) -> Response:
    group = _group(conn, api_root)
    found = [_collection_resource(c, group, who) for c in groups.list_collections(conn, group.id)]
    return taxii_response({"collections": found} if found else {})


@router.get("/{api_root}/collections/{collection_id}/")
def collection(api_root: str, collection_id: str, who: TaxiiCaller, conn: ReadConnection) -> Response:
    group = _group(conn, api_root)
    return taxii_response(_collection_resource(_collection(conn, group, collection_id), group, who))


@router.get("/{api_root}/collections/{collection_id}/manifest/")
def manifest(
    api_root: str, collection_id: str, request: Request, who: TaxiiCaller, conn: ReadConnection
) -> Response:
    page = _page(conn, api_root, collection_id, who, object_query(request), with_body=False)
    body: dict[str, Any] = {"more": page.more}
    if page.more and page.next_seq is not None:
        body["next"] = str(page.next_seq)
    if page.objects:
        body["objects"] = [
            {
                "id": o.stix_id,
                "date_added": stix_timestamp(o.date_added),
                "version": o.version,
                "media_type": STIX_MEDIA_TYPE,
            }
            for o in page.objects
        ]
    return taxii_response(body, headers=_page_headers(page))


@router.get("/{api_root}/collections/{collection_id}/objects/")
def get_objects(
    api_root: str, collection_id: str, request: Request, who: TaxiiCaller, conn: ReadConnection
) -> Response:
    page = _page(conn, api_root, collection_id, who, object_query(request), with_body=True)
    return taxii_response(_envelope(page), headers=_page_headers(page))


async def _read_envelope(request: Request) -> list[Any]:
    """The posted envelope's objects (the request guard has capped the body at max_content_length)."""
    try:
        envelope = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise TaxiiError(400, "Bad request", "the body is not JSON") from None
    if not isinstance(envelope, dict) or not isinstance(envelope.get("objects"), list):
        raise TaxiiError(422, "Unprocessable", "the body must be a TAXII envelope with an 'objects' list")
    objects: list[Any] = envelope["objects"]
    return objects


@router.post("/{api_root}/collections/{collection_id}/objects/")
async def add_objects(api_root: str, collection_id: str, request: Request, who: TaxiiCaller) -> Response:
    check_content_type(request)
    db: Database = request.app.state.database
    with db.connect() as conn:
        group = _group(conn, api_root)
        found = _collection(conn, group, collection_id)
    if not _can_write(group, who):
        raise TaxiiError(
            403, "Forbidden", "only a member of the collection's sharing group, as analyst or admin, may post"
        )
    objects = await _read_envelope(request)

    def store_post() -> store.PostStatus:
        with db.begin() as conn:
            result = store.add_objects(conn, found, group, who.organization_id, objects)
            who.audit(
                conn,
                "taxii.objects.add",
                f"collection {found.id}",
                {
                    "group": group.id,
                    "status": result.id,
                    "successes": len(result.successes),
                    "failures": result.failures[:20],
                },
            )
        return result

    result = await run_in_threadpool(store_post)
    return taxii_response(result.as_taxii(), 202)


def _object_page(
    conn: Connection,
    api_root: str,
    collection_id: str,
    object_id: str,
    request: Request,
    who: Principal,
    versions_only: bool,
) -> ObjectPage:
    """The versions of one object the caller may read; 404 when there is none (hidden or absent alike)."""
    query = object_query(request, allow_version=not versions_only)
    query = replace(query, ids=frozenset({object_id}))
    page = _page(conn, api_root, collection_id, who, query, with_body=not versions_only)
    if not page.objects and query.after_seq == 0:
        raise TaxiiError(404, "Not found", "no such object you may read in this collection")
    return page


@router.get("/{api_root}/collections/{collection_id}/objects/{object_id}/")
def get_object(
    api_root: str,
    collection_id: str,
    object_id: str,
    request: Request,
    who: TaxiiCaller,
    conn: ReadConnection,
) -> Response:
    page = _object_page(conn, api_root, collection_id, object_id, request, who, versions_only=False)
    return taxii_response(_envelope(page), headers=_page_headers(page))


@router.get("/{api_root}/collections/{collection_id}/objects/{object_id}/versions/")
def versions(
    api_root: str,
    collection_id: str,
    object_id: str,
    request: Request,
    who: TaxiiCaller,
    conn: ReadConnection,
) -> Response:
    page = _object_page(conn, api_root, collection_id, object_id, request, who, versions_only=True)
    body: dict[str, Any] = {"more": page.more, "versions": sorted({o.version for o in page.objects})}
    if page.more and page.next_seq is not None:
        body["next"] = str(page.next_seq)
    return taxii_response(body, headers=_page_headers(page))
