"""Headers on every answer of `kiosk web` that does not set its own: `X-Content-Type-Options:
nosniff` and `Cache-Control: no-store`. A ticket's address is its capability: no cache, shared or
the browser's own, may keep its JSON (the phone page's HTML and assets, the same for every ticket,
say `no-cache` themselves: revalidated, so an update reaches phones)."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class SafeHeaders:
    """Pure ASGI middleware: it adds headers and leaves bodies and event streams as they are."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
