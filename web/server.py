"""Run the API with uvicorn (`kiosk web`)."""

from __future__ import annotations

import socket

import uvicorn

from kiosk.errors import KioskError, quoted
from kiosk.service import QueueService
from web.app import create_app
from web.guard import GuardedH11Protocol
from web.quiet import quieten


def listening_socket(host: str, port: int) -> socket.socket:
    """The server's socket, bound here so that a wrong address or a port in use is one clear message."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except (OSError, UnicodeError, OverflowError) as exc:
        raise KioskError(f"cannot listen on {quoted(host)} port {port}: {exc}") from None
    return sock


BACKLOG = 128  # also how many connections asyncio accepts in one go, before the guard sees them


def serve(service: QueueService, host: str, port: int) -> None:
    """Serve until interrupted; open event streams get 2 s to end when it stops. The address is taken
    first: logging is set up only for a server that will run."""
    sock = listening_socket(host, port)
    config = uvicorn.Config(
        create_app(service),
        host=host,
        port=port,
        log_level="info",
        proxy_headers=False,  # the rate limit counts the peer's address, never a header it sends
        timeout_graceful_shutdown=2,
        server_header=False,
        http=GuardedH11Protocol,
        backlog=BACKLOG,  # a timeout for a request that never comes, caps per client and in all
    )
    quieten("uvicorn", "uvicorn.error", "uvicorn.access")  # after uvicorn set its own logging up
    uvicorn.Server(config).run(sockets=[sock])
