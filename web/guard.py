"""The connection guard of `kiosk web`: uvicorn's HTTP/1.1 protocol with what uvicorn lacks.

- A request must arrive whole within `REQUEST_SECONDS` of the connection opening (or of the last
  answer): a client that sends nothing, or half a request, is answered 408 and closed. uvicorn's own
  keep-alive timeout starts only after a first answer.
- One client address may hold `PER_CLIENT` connections at once; more are answered 429 and closed at
  once, so one client never uses up the server's file descriptors and leaves others unanswered.
- All clients together may hold `total_connections()`, a share of this process's open-file limit; past
  it a new connection is answered 503 and closed at once.

Behind a reverse proxy every visitor has the proxy's address: set the limits there."""

from __future__ import annotations

import asyncio
import json
import resource
from collections import Counter
from typing import ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

REQUEST_SECONDS = 10.0
PER_CLIENT = 64
RESERVED_FILES = 64  # the database, the log, the event follower, uvicorn's own


def total_connections() -> int:
    """Connections all clients may hold: the open-file limit less what the process needs besides."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 10_000
    return max(16, soft - RESERVED_FILES)


def _answer(status: int, reason: str, text: str, wait: int | None = None) -> bytes:
    body = json.dumps({"error": text}).encode()
    head = [
        f"HTTP/1.1 {status} {reason}",
        "content-type: application/json",
        f"content-length: {len(body)}",
        "cache-control: no-store",
        "connection: close",
    ]
    if wait is not None:
        head.append(f"retry-after: {wait}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


TIMED_OUT = _answer(408, "Request Timeout", "the request did not arrive in time")
TOO_MANY_HERE = _answer(429, "Too Many Requests", "too many open connections from this address", 5)
TOO_MANY = _answer(503, "Service Unavailable", "the server is busy: try again shortly", 5)
FINISHED = (h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR)


class GuardedH11Protocol(H11Protocol):
    """Pass as uvicorn's `http` protocol class. The counts are per process (one event loop)."""

    per_client: ClassVar[Counter[str]] = Counter()
    request_seconds: ClassVar[float] = REQUEST_SECONDS
    client_limit: ClassVar[int] = PER_CLIENT
    total_limit: ClassVar[int] = 0  # 0: total_connections(), read when the first connection comes

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._host = self.client[0] if self.client else ""
        self._timer: asyncio.TimerHandle | None = None
        self.per_client[self._host] += 1
        if not GuardedH11Protocol.total_limit:
            GuardedH11Protocol.total_limit = total_connections()
        if self.per_client[self._host] > self.client_limit:
            self._refuse(TOO_MANY_HERE)
        elif len(self.connections) > self.total_limit:
            self._refuse(TOO_MANY)
        else:
            self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        self.per_client[self._host] -= 1
        if self.per_client[self._host] <= 0:
            del self.per_client[self._host]
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if not self.transport.is_closing():
            self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._watch()

    def _refuse(self, answer: bytes) -> None:
        self.transport.write(answer)
        self.transport.close()

    def _watch(self) -> None:
        """Time the request in progress: from its first byte (or the connection, or the last answer)
        until it has arrived whole."""
        if self.conn.their_state in FINISHED:
            self._stop_timer()
        elif self._timer is None:
            self._timer = self.loop.call_later(self.request_seconds, self._timed_out)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _timed_out(self) -> None:
        self._timer = None
        if self.transport.is_closing():
            return
        if self.cycle is None or self.cycle.response_complete:
            self.transport.write(TIMED_OUT)  # nothing else is being answered on this connection
        self.transport.close()
