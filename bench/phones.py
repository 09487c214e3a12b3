"""Phones following their tickets: `kiosk web` as its own process over a scratch SQLite file, N phones
(each an event stream, GET /api/v1/tickets/<token>/events, from its own loopback address as phones
on the Wi-Fi come from theirs) in another process, and the counters calling tickets through the
queue service from this one. It prints the call-to-phone latency (from the call's commit to the
phone reading the called ticket off its stream) and the server's memory (VmHWM, VmRSS); figures
beside their goals, never a failure on a slow figure.

Usage: python -m bench.phones [--phones 300] [--calls 60] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.clock import FixedClock
from kiosk.config import load_settings
from kiosk.runtime import initialise, open_service
from kiosk.service import QueueService

# A Monday morning in Kyiv: every department of the shipped catalogue is open.
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Kyiv"))
GOALS = {"latency_p95_ms": 1000.0, "server_hwm_mb": 200.0}
WAIT_S = 120.0
JOIN_S = 0.01  # a phone joins every 10 ms: 300 in 3 s


@dataclass(frozen=True)
class Figures:
    phones: int
    connected: int
    calls: int
    seen: int
    latency_p50_ms: float
    latency_p95_ms: float
    latency_max_ms: float
    updates: int
    server_hwm_mb: float
    server_rss_mb: float
    connect_seconds: float


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def memory_mb(pid: int) -> tuple[float, float]:
    """VmHWM (the peak) and VmRSS of a process, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return (int(fields["VmHWM"].split()[0]) / 1024, int(fields["VmRSS"].split()[0]) / 1024)


# The phones: another process ------------------------------------------------------------------


async def follow(
    base: str, token: str, address: str, delay: float, seen: dict[str, float], counts: list[int]
) -> None:
    """One phone following its ticket's event stream from its own address. Plain asyncio streams
    (the benchmark needs nothing beyond the README's install): an HTTP/1.0 request, so the server
    sends the stream as it is, line by line, and closes it at the end."""
    await asyncio.sleep(delay)  # phones join over a few seconds, not in one instant
    host, _, port = base.removeprefix("http://").partition(":")
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(host, int(port), local_addr=(address, 0)), timeout=30
    )
    path = f"/api/v1/tickets/{token}/events"
    writer.write(f"GET {path} HTTP/1.0\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode())
    first = True
    try:
        status = await asyncio.wait_for(reader.readline(), timeout=30)
        if status.split()[1:2] != [b"200"]:
            raise RuntimeError(f"the event stream answered {status.decode(errors='replace').strip()}")
        while (await reader.readline()).strip():  # the headers, up to the blank line
            pass
        while raw := await reader.readline():
            line = raw.decode().strip()
            if not line.startswith("data: "):
                continue
            data = json.loads(line.removeprefix("data: "))
            if first:
                counts[0] += 1
                first = False
            else:
                counts[1] += 1
            if data["state"] == "called" and data["number"] not in seen:
                seen[data["number"]] = time.time()
    finally:
        writer.close()


async def phones_main(base: str, tokens: list[str], conn: Connection) -> None:
    seen: dict[str, float] = {}
    counts = [0, 0]  # streams started, updates after the first
    # 127.0.0.2 and on: every phone its own address (the server limits requests per address)
    tasks = [
        asyncio.create_task(follow(base, t, f"127.0.{2 + i // 250}.{2 + i % 250}", i * JOIN_S, seen, counts))
        for i, t in enumerate(tokens)
    ]
    deadline = time.monotonic() + WAIT_S
    while counts[0] < len(tokens) and time.monotonic() < deadline:
        failed = [t for t in tasks if t.done() and t.exception()]
        if failed:
            conn.send(("failed", repr(failed[0].exception())))
            return
        await asyncio.sleep(0.05)
    conn.send(("ready", counts[0]))
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, conn.recv)  # "stop"
    conn.send(("seen", seen, counts[1]))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def phones_process(base: str, tokens: list[str], conn: Connection) -> None:
    asyncio.run(phones_main(base, tokens, conn))


# The centre, the server and the counters --------------------------------------------------------


def open_departments(service: QueueService) -> list[tuple[str, list[str]]]:
    """(the first service, the windows) of each department open now."""
    return [
        (dept.service[0].code, list(dept.windows))
        for dept in service.catalogue.department
        if service.opening(dept.code).open
    ]


def run(phones: int, calls: int, progress: bool = True) -> Figures:
    def say(text: str) -> None:
        if progress:
            print(f"bench.phones: {text}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="kiosk-phones-") as tmp:
        folder = Path(tmp)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        config = folder / "kiosk.toml"
        config.write_text(f'data_dir = "data"\nspeech = false\npublic_url = "{base}"\n')
        settings = load_settings(config, environ={})
        clock = FixedClock(MONDAY_10)
        initialise(settings, clock)
        service = open_service(settings, clock)
        lines = open_departments(service)
        tokens = []
        for i in range(phones):
            code, _ = lines[i % len(lines)]
            tokens.append(service.ticket_token(service.issue(code).ticket))
        say(f"{phones} tickets in {len(lines)} departments")

        env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        env.update(
            KIOSK_CONFIG=str(config), KIOSK_NOW=MONDAY_10.isoformat(), XDG_DATA_HOME=str(folder / "xdg")
        )
        with (folder / "web.log").open("wb") as log:  # the server writes to its own copy
            server = subprocess.Popen(
                [sys.executable, "-m", "cli", "web", "--host", "127.0.0.1", "--port", str(port)],
                env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        mine, theirs = multiprocessing.get_context("spawn").Pipe()
        clients = None
        try:
            deadline = time.monotonic() + WAIT_S
            while True:
                if server.poll() is not None:
                    raise RuntimeError((folder / "web.log").read_text())
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("kiosk web never listened") from None
                    time.sleep(0.1)
            started = time.monotonic()
            clients = multiprocessing.get_context("spawn").Process(
                target=phones_process, args=(base, tokens, theirs), daemon=True
            )
            clients.start()
            if not mine.poll(WAIT_S):
                raise RuntimeError("the phones never all connected")
            kind, *rest = mine.recv()
            if kind != "ready":
                raise RuntimeError(f"a phone failed: {rest[0]}")
            connected = int(rest[0])
            connect_seconds = time.monotonic() - started
            say(f"{connected} phones following, in {connect_seconds:.1f} s")

            called: dict[str, float] = {}
            windows = sorted({w for _, ws in lines for w in ws})
            busy: set[str] = set()
            for n in range(calls):
                window = windows[n % len(windows)]
                if window in busy:
                    service.start(window=window)
                    service.finish(window=window)
                try:
                    ticket = service.call_next(window)
                except Exception:  # nobody left for this window
                    busy.discard(window)
                    continue
                called[ticket.code] = time.time()
                busy.add(window)
                time.sleep(0.25)  # a busy centre: four calls a second
            time.sleep(2.0)  # the last calls reach their phones
            hwm, rss = memory_mb(server.pid)
            mine.send("stop")
            kind, seen, updates = mine.recv()
        finally:
            if clients is not None:
                clients.join(timeout=10)
                if clients.is_alive():
                    clients.terminate()
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            service.db.dispose()
            log.close()

    latencies = sorted((seen[code] - at) * 1000 for code, at in called.items() if code in seen)
    if not latencies:
        raise RuntimeError("no phone saw its call")
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    return Figures(
        phones=phones,
        connected=connected,
        calls=len(called),
        seen=len(latencies),
        latency_p50_ms=round(statistics.median(latencies), 1),
        latency_p95_ms=round(p95, 1),
        latency_max_ms=round(latencies[-1], 1),
        updates=updates,
        server_hwm_mb=round(hwm, 1),
        server_rss_mb=round(rss, 1),
        connect_seconds=round(connect_seconds, 2),
    )


def report(figures: Figures) -> str:
    f = figures
    return "\n".join(
        [
            f"phones following: {f.connected} of {f.phones} (all connected in {f.connect_seconds} s)",
            f"calls: {f.calls}, seen on their phones: {f.seen}; other updates delivered: {f.updates}",
            f"call to phone latency: p50 {f.latency_p50_ms} ms, p95 {f.latency_p95_ms} ms "
            f"(goal ≤ {GOALS['latency_p95_ms']:.0f}), max {f.latency_max_ms} ms",
            f"kiosk web memory: peak (VmHWM) {f.server_hwm_mb} MB (goal ≤ {GOALS['server_hwm_mb']:.0f}), "
            f"now {f.server_rss_mb} MB",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.phones", description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args.phones, args.calls)
    print(json.dumps(asdict(figures), indent=2) if args.json else report(figures))


if __name__ == "__main__":
    main()
