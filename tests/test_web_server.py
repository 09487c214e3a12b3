"""`kiosk web` for real: uvicorn on 127.0.0.1 on a free port in a thread, an event stream read with
httpx2, and a call made by another service (as a counter's process would) reaching the stream.
The latency is printed, not asserted (no timed assertions)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2
import uvicorn

from kiosk.runtime import open_service
from kiosk.service import QueueService
from web.app import create_app


@contextmanager
def served(service: QueueService, **options: float) -> Iterator[str]:
    config = uvicorn.Config(
        create_app(service, **options),  # type: ignore[arg-type]
        host="127.0.0.1",
        port=0,
        log_level="warning",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def events(lines: Iterator[str]) -> Iterator[dict[str, object] | str]:
    """The stream's data events as JSON, and its comments as text."""
    for line in lines:
        if line.startswith("data: "):
            yield json.loads(line.removeprefix("data: "))
        elif line.startswith(":"):
            yield line


def test_a_call_reaches_the_event_stream(service: QueueService) -> None:
    mine = service.issue("pension-new")
    service.issue("pension-new")  # issued after: not ahead of mine
    service.issue("job-register")
    token = service.ticket_token(mine.ticket)
    counter = open_service(service.settings, service.clock)  # another terminal on the same database
    try:
        with (
            served(service, follow_interval=0.3, keep_alive=0.5) as base,
            httpx2.stream("GET", f"{base}/api/v1/tickets/{token}/events?lang=en", timeout=10) as answer,
        ):
            assert answer.status_code == 200
            assert answer.headers["content-type"].startswith("text/event-stream")
            stream = events(answer.iter_lines())
            start = next(stream)
            assert isinstance(start, dict) and start["state"] == "waiting" and start["ahead"] == 0
            assert start["department"] == {"code": "pensions", "name": "Pensions"}
            counter.call_next("9")  # another department's call: nothing for this phone
            assert next(stream) == ": keep-alive"
            called_at = time.monotonic()
            counter.call_next("7")
            update = next(e for e in stream if isinstance(e, dict))
            latency = time.monotonic() - called_at
            assert update["state"] == "called" and update["window"] == "7"
            print(f"call to event stream: {latency * 1000:.0f} ms (follower every 0.3 s)")
            counter.recall(window="7")
            update = next(e for e in stream if isinstance(e, dict))
            assert update["recalls"] == 1 and update["last_recall_at"] is not None
    finally:
        counter.db.dispose()


def test_streams_of_a_bad_token_are_json_errors(service: QueueService) -> None:
    with served(service) as base:
        answer = httpx2.get(f"{base}/api/v1/tickets/K1:NOPE/events", timeout=10)
    assert answer.status_code == 404 and answer.json() == {
        "error": "no such ticket: the link is wrong or damaged"
    }
