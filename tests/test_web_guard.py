"""`kiosk web` holds its ground: a client that sends nothing or half a request is answered 408 and
closed; one address holding many connections is answered 429 past its share while another address
is still served; event streams are capped per address; a repeated warning is logged once a second.
The real server runs at `ulimit -n 256`, as in the issue's attack; every socket is on 127.0.0.x."""

from __future__ import annotations

import logging
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
import uvicorn

from kiosk.errors import KioskError
from kiosk.security.tokens import TokenDirectory
from kiosk.service import QueueService
from tests import test_cli
from tests.test_cli import run_json
from tests.test_web_server import served
from web import app as web_app
from web.guard import GuardedH11Protocol
from web.quiet import OncePerSecond
from web.server import serve

env, initialised_data, ready = test_cli.env, test_cli.initialised_data, test_cli.ready


def connect(port: int, source: str = "127.0.0.1") -> socket.socket:
    sock = socket.socket()
    try:
        sock.bind((source, 0))
        sock.settimeout(10)
        sock.connect(("127.0.0.1", port))
    except OSError:
        sock.close()
        raise
    return sock


def ask(port: int, path: str, source: str, headers: str = "") -> bytes:
    """One whole HTTP/1.1 request from `source`; the answer's first line."""
    with connect(port, source) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: kiosk\r\n{headers}Connection: close\r\n\r\n".encode())
        return sock.makefile("rb").readline()


def at_most_256_files() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


@pytest.fixture
def server(ready: dict[str, str], tmp_path: Path) -> Iterator[tuple[int, Path, str]]:
    """`kiosk web` as a process at `ulimit -n 256`: its port, its log and an API token."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = run_json("token", "add", "dashboard", env=ready)["token"]
    log = tmp_path / "web.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli", "web", "--host", "127.0.0.1", "--port", str(port)],
            env=ready, stdout=out, stderr=subprocess.STDOUT, preexec_fn=at_most_256_files,
        )  # fmt: skip
    try:
        for _ in range(200):
            try:
                ask(port, "/api/v1/openapi.json", "127.0.0.1")
                break
            except OSError:
                time.sleep(0.05)
        yield port, log, token
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.mark.xdist_group("processes")
def test_300_idle_connections_from_one_address_leave_the_others_served(server: tuple[int, Path, str]) -> None:
    port, log, token = server
    opened = time.monotonic()
    idle = [connect(port) for _ in range(300)]
    try:
        last = idle[-1].makefile("rb").readline()  # past its share: answered at once, then closed
        assert last.startswith(b"HTTP/1.1 429"), last
        started = time.monotonic()
        answer = ask(port, "/api/v1/queue", "127.0.0.2", f"Authorization: Bearer {token}\r\n")
        print(f"another address answered in {(time.monotonic() - started) * 1000:.0f} ms")
        assert answer.startswith(b"HTTP/1.1 200"), answer
        idle[0].sendall(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: kiosk\r\n\r\n")  # a kept one works
        assert idle[0].makefile("rb").readline().startswith(b"HTTP/1.1 200")
    finally:
        for sock in idle:
            sock.close()
    time.sleep(0.5)
    assert ask(port, "/api/v1/openapi.json", "127.0.0.1").startswith(b"HTTP/1.1 200"), "its share is back"
    text = log.read_text(errors="replace")
    assert text.count("Too many open files") <= 1 + time.monotonic() - opened, "once a second at most"
    assert len(text) < 50_000, f"{len(text)} bytes of log"


@pytest.fixture
def guarded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The in-process server of tests/test_web_server.py with the guard, its timeout short."""
    monkeypatch.setattr(GuardedH11Protocol, "request_seconds", 0.5)
    original = uvicorn.Config.__init__

    def with_guard(self: uvicorn.Config, *args: object, **kwargs: object) -> None:
        original(self, *args, **{**kwargs, "http": GuardedH11Protocol})  # type: ignore[arg-type]

    monkeypatch.setattr(uvicorn.Config, "__init__", with_guard)


def test_nothing_or_half_a_request_is_answered_408_and_closed(service: QueueService, guarded: None) -> None:
    with served(service) as base:
        port = int(base.rsplit(":", 1)[1])
        with connect(port) as silent, connect(port) as half, connect(port) as whole:
            half.sendall(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: ki")
            whole.sendall(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: kiosk\r\n\r\n")
            for sock in (silent, half):
                answer = sock.makefile("rb").read()  # to the end: the server closed it
                assert answer.startswith(b"HTTP/1.1 408"), answer
            assert whole.makefile("rb").readline().startswith(b"HTTP/1.1 200")
    assert GuardedH11Protocol.per_client == {}, "every connection was counted out"


def test_a_body_that_never_arrives_is_let_go_quietly_and_a_long_address_is_414(
    service: QueueService, guarded: None, caplog: pytest.LogCaptureFixture
) -> None:
    tokens = TokenDirectory(service.db, service.clock, service.settings.zone)
    token = tokens.add("crm", "issue", by="admin")[1]
    with served(service) as base:
        port = int(base.rsplit(":", 1)[1])
        with connect(port) as slow:
            slow.sendall(
                f"POST /api/v1/tickets HTTP/1.1\r\nHost: kiosk\r\nAuthorization: Bearer {token}\r\n"
                "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{".encode()
            )
            assert slow.makefile("rb").read() == b"", "closed once its time was up, nothing half-answered"
        assert ask(port, "/t/" + "a" * 5000, "127.0.0.1").startswith(b"HTTP/1.1 414")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "a client that left is no error"
    assert service.day_view() == [], "nothing was issued"


def test_event_streams_are_capped_per_address(
    service: QueueService, guarded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_app, "STREAMS_PER_CLIENT", 2)
    token = service.ticket_token(service.issue("pension-new").ticket)
    with served(service, keep_alive=0.2) as base, httpx2.Client(timeout=10) as client:
        url = f"{base}/api/v1/tickets/{token}/events"
        with client.stream("GET", url) as one, client.stream("GET", url) as two:
            assert (one.status_code, two.status_code) == (200, 200)
            third = client.get(url)
            assert third.status_code == 429 and third.headers["retry-after"] == "30"
            assert third.json()["error"] == "too many open event streams from this address"
        for _ in range(100):  # both closed: the address may open streams again
            with client.stream("GET", url) as again:
                if again.status_code == 200:
                    break
            time.sleep(0.05)
        assert again.status_code == 200


def error(message: str = "accept failed: %s") -> logging.LogRecord:
    return logging.LogRecord("asyncio", logging.ERROR, "", 0, message, ("EMFILE",), None)


def test_a_repeated_warning_is_logged_once_a_second_with_a_count() -> None:
    now = [100.0]
    quiet = OncePerSecond(clock=lambda: now[0])
    passed = [quiet.filter(error()) for _ in range(1000)]
    assert passed.count(True) == 1
    assert quiet.filter(error("another: %s")), "another message is not held back by the first"
    now[0] += 1.0
    record = error()
    assert quiet.filter(record)
    assert record.getMessage() == "accept failed: EMFILE [999 more like this were not logged]"
    access = logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, '"GET %s"', ("/" + "a" * 100_000,), None
    )
    assert quiet.filter(access) and len(access.getMessage()) < 400, "a client's long address is logged cut"
    info = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, "GET /", (), None)
    assert all(quiet.filter(info) for _ in range(10)), "access lines are not warnings: all kept"


def test_a_server_that_cannot_listen_leaves_logging_as_it_was(service: QueueService) -> None:
    """The address is taken before the log is quietened: a refused `kiosk web` (run in-process by the
    CLI fuzzer) once left its filter on the test run's own log handlers."""
    handlers = logging.getLogger().handlers
    before = [list(h.filters) for h in handlers]
    with pytest.raises(KioskError, match="cannot listen on"):
        serve(service, "256.0.0.1", 0)
    assert [list(h.filters) for h in logging.getLogger().handlers] == before
