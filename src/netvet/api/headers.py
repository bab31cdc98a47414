"""Security headers on every response: no framing, no sniffing, and a Content-Security-Policy.

The dashboard is server-rendered HTML with one stylesheet and no script, so its policy allows nothing
but its own stylesheet, images and form posts; `frame-ancestors 'none'` keeps other sites from framing
it (clickjacking). API answers are data, never pages: their policy allows nothing at all.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DASHBOARD_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
COMMON = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # for browsers that predate frame-ancestors
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders:
    """Adds the headers; paths under one of `data_prefixes` (read at each request, so areas mounted
    later may add theirs) get the data policy."""

    def __init__(self, app: ASGIApp, data_prefixes: list[str]) -> None:
        self.app = app
        self.data_prefixes = data_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        is_data = any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.data_prefixes)
        policy = DATA_POLICY if is_data else DASHBOARD_POLICY

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", policy)
            await send(message)

        await self.app(scope, receive, with_headers)
