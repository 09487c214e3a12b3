"""Request limits: bodies over a small limit are refused with 413, at once from their Content-Length
without reading them, or as soon as a body sent in chunks passes the limit (every request the API
takes is a few hundred bytes; a 300 MB body once took the server from 74 to 660 MB before it was
refused); a path and query over 4 KB are 414; a client that leaves before its body arrived is let go
quietly (it is no error of ours)."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("kiosk.web")
LIMIT = 64 * 1024  # bytes
MAX_TARGET = 4096  # bytes of path and query: a ticket's address is under 200


def too_large(limit: int) -> str:
    return f"the request body is over {limit // 1024} KB: nothing was read"


class BodyLimit:
    """Pure ASGI middleware; `limit` in bytes."""

    def __init__(self, app: ASGIApp, limit: int = LIMIT) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") > MAX_TARGET:
            text = f"the address is over {MAX_TARGET} bytes"
            await JSONResponse({"error": text}, status_code=414)(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared and (not declared.isdigit() or int(declared) > self.limit):
            status = 413 if declared.isdigit() else 400
            text = too_large(self.limit) if status == 413 else "Content-Length must be a number of bytes"
            await JSONResponse({"error": text}, status_code=status, headers={"Connection": "close"})(
                scope, receive, send
            )
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:  # answered by the app's handler of HTTP errors
                    raise HTTPException(413, too_large(self.limit))
            return message

        try:
            await self.app(scope, limited, send)
        except ClientDisconnect:
            log.info(
                "%s %s: the client left before its request arrived whole",
                scope["method"],
                scope["path"][:200],
            )
