"""Talking to a TAXII 2.1 server (netvet's, medallion, OpenCTI, MISP's TAXII service) with taxii2-client."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from taxii2client.exceptions import AccessError, TAXIIServiceException
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

TOKEN_VARIABLE = "NETVET_TAXII_TOKEN"
USER_VARIABLE = "NETVET_TAXII_USER"
PASSWORD_VARIABLE = "NETVET_TAXII_PASSWORD"
PAGE = 1000  # objects per request, both ways


class PeerError(RuntimeError):
    """The server could not be reached or refused the request; the message says which and why."""


class BearerToken(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


@dataclass(frozen=True)
class Credentials:
    """From the environment, never the command line (where other users could read them)."""

    token: str | None = None
    user: str | None = None
    password: str | None = None

    @classmethod
    def from_environment(cls) -> Credentials:
        return cls(
            os.environ.get(TOKEN_VARIABLE), os.environ.get(USER_VARIABLE), os.environ.get(PASSWORD_VARIABLE)
        )

    def keywords(self) -> dict[str, Any]:
        if self.token:
            return {"auth": BearerToken(self.token)}
        if self.user and self.password:
            return {"user": self.user, "password": self.password}
        return {}


@contextmanager
def _speaking(url: str) -> Iterator[None]:
    try:
        yield
    except requests.HTTPError as exc:
        response = exc.response
        if response is None:
            raise PeerError(f"{url}: {exc}") from None
        detail = ""
        try:
            body = response.json()
            detail = ": " + "; ".join(str(body[k]) for k in ("title", "description") if body.get(k))
        except ValueError:
            pass
        raise PeerError(f"{url}: the server answered {response.status_code}{detail}") from None
    except requests.RequestException as exc:
        raise PeerError(f"{url}: cannot reach the server ({exc.__class__.__name__})") from None
    except AccessError as exc:  # the collection says it cannot be read or written by us
        raise PeerError(f"{url}: {exc}") from None
    except (TAXIIServiceException, ValueError, KeyError) as exc:
        raise PeerError(f"{url}: not a TAXII 2.1 answer ({exc})") from None


@dataclass(frozen=True)
class RemoteCollection:
    api_root: str
    api_root_title: str
    id: str
    title: str
    can_read: bool
    can_write: bool


def list_collections(url: str, credentials: Credentials) -> list[RemoteCollection]:
    """Every collection under a discovery URL (or under one API root's URL)."""
    found: list[RemoteCollection] = []
    with _speaking(url):
        server = Server(url, **credentials.keywords())
        try:
            roots: Sequence[ApiRoot] = server.api_roots
        except requests.HTTPError:
            roots = [ApiRoot(url, **credentials.keywords())]  # the URL was an API root
        for root in roots:
            for collection in root.collections:
                found.append(
                    RemoteCollection(
                        root.url,
                        root.title,
                        collection.id,
                        collection.title,
                        collection.can_read,
                        collection.can_write,
                    )
                )
    return found


def _collection(api_root: str, collection_id: str, credentials: Credentials) -> Collection:
    return Collection(f"{api_root.rstrip('/')}/collections/{collection_id}/", **credentials.keywords())


@dataclass
class PushOutcome:
    successes: int = 0
    failures: list[dict[str, str]] | None = None


def push(
    api_root: str,
    collection_id: str,
    objects: Sequence[dict[str, Any]],
    credentials: Credentials,
    advance: Callable[[int], None] = lambda _n: None,
) -> PushOutcome:
    """Post the objects in envelopes of PAGE objects; the server's status says what it kept."""
    outcome = PushOutcome(0, [])
    assert outcome.failures is not None
    with _speaking(api_root):
        collection = _collection(api_root, collection_id, credentials)
        for start in range(0, len(objects), PAGE):
            chunk = list(objects[start : start + PAGE])
            status = collection.add_objects(
                json.dumps({"objects": chunk}), wait_for_completion=True, poll_interval=1
            )
            outcome.successes += int(status.success_count)
            outcome.failures.extend(status.failures or [])
            advance(len(chunk))
    return outcome


def pull(
    api_root: str,
    collection_id: str,
    credentials: Credentials,
    added_after: datetime | None = None,
    advance: Callable[[int], None] = lambda _n: None,
) -> list[dict[str, Any]]:
    """Every object of the collection the server lets us read, page by page."""
    objects: list[dict[str, Any]] = []
    filters: dict[str, Any] = {"added_after": added_after} if added_after else {}
    with _speaking(api_root):
        collection = _collection(api_root, collection_id, credentials)
        for envelope in as_pages(collection.get_objects, per_request=PAGE, **filters):
            page = envelope.get("objects", [])
            objects.extend(page)
            advance(len(page))
    return objects
