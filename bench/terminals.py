"""Benchmarks of the terminals' screens: cold start of `kiosk lobby` to its first frame and the idle CPU
of `kiosk display` (the real commands in a pseudo-terminal); with Textual's test driver, the kiosk's
tap to print job, the display's call (from another process) to screen, and the front desk opening
over a busy day and applying one change."""

from __future__ import annotations

import asyncio
import fcntl
import multiprocessing
import os
import pty
import random
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Any

from harness import loadgen
from kiosk import collector
from kiosk.config import Settings
from kiosk.domain.events import Called, Kind, payload_of
from kiosk.runtime import initialise, open_service, open_staff

PYCACHE = Path(tempfile.gettempdir()) / "kiosk-bench-pycache"


def installed_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """`env` (by default this one) as an installed kiosk's terminal starts in: its modules' bytecode
    cached, as pip compiles it at install (a shell with PYTHONDONTWRITEBYTECODE would have every start
    compile them from source, some 60 ms), in the benchmark's own cache outside the source tree."""
    base = os.environ if env is None else env
    kept = {k: v for k, v in base.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**kept, "PYTHONPYCACHEPREFIX": str(PYCACHE)}


def first_frame_seconds(config: Path, data_dir: Path, marker: bytes, command: str = "lobby") -> float:
    """Seconds from spawning `kiosk <command>` in a 120x40 terminal to `marker` on its screen."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = installed_env({**os.environ, "TERM": "xterm-256color", "KIOSK_DATA_DIR": str(data_dir)})
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "cli", "--config", str(config), command],
        stdin=follower, stdout=follower, stderr=follower, env=env, start_new_session=True,
    )  # fmt: skip
    os.close(follower)
    seen = b""
    try:
        while marker not in seen:
            ready, _, _ = select.select([leader], [], [], 15)
            if not ready:
                raise TimeoutError(f"`kiosk {command}` drew nothing with {marker!r} within 15 s")
            try:
                seen += os.read(leader, 65536)
            except OSError:
                break
        return time.perf_counter() - started
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        os.close(leader)


def idle_cpu_percent(config: Path, data_dir: Path, command: str = "display", seconds: float = 10.0) -> float:
    """CPU use of `kiosk <command>` in a terminal while nothing happens, in % of one core."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = installed_env({**os.environ, "TERM": "xterm-256color", "KIOSK_DATA_DIR": str(data_dir)})
    child = subprocess.Popen(
        [sys.executable, "-m", "cli", "--config", str(config), command],
        stdin=follower, stdout=follower, stderr=follower, env=env, start_new_session=True,
    )  # fmt: skip
    os.close(follower)
    ticks = os.sysconf("SC_CLK_TCK")

    def cpu() -> float:
        fields = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks

    try:
        deadline = time.monotonic() + 4  # started and settled
        while time.monotonic() < deadline:
            if select.select([leader], [], [], 0.2)[0]:
                os.read(leader, 65536)
        before, started = cpu(), time.monotonic()
        while time.monotonic() - started < seconds:
            if select.select([leader], [], [], 0.2)[0]:
                os.read(leader, 65536)
        return (cpu() - before) / (time.monotonic() - started) * 100
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        os.close(leader)


def tap_to_print(settings: Settings, taps: int) -> list[float]:
    """Seconds from the tap on a service to the whole job handed to the printer (preview here)."""
    from textual.events import Click

    from screens.lobby.app import create_app
    from screens.lobby.messages import PrintDone
    from screens.lobby.need import ServiceScreen
    from screens.lobby.ticket import TicketScreen

    service = open_service(settings)
    app = create_app(settings, service)
    times: list[float] = []
    tapped = 0.0

    def hook(message: object) -> None:
        nonlocal tapped
        if isinstance(message, Click):  # a tap: the driver makes the Click when the finger lifts
            tapped = time.perf_counter()
        elif isinstance(message, PrintDone):
            times.append(message.result.sent_at - tapped)

    async def run() -> None:
        async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
            for _ in range(taps):
                await pilot.click("#lang-en")
                await pilot.click("#menu-pension")
                while not isinstance(app.screen, ServiceScreen):
                    await pilot.pause(0.01)
                done = len(times)
                await pilot.click("#service-pension-new")
                while len(times) == done:
                    await asyncio.sleep(0.001)
                while not isinstance(app.screen, TicketScreen):
                    await pilot.pause(0.01)
                app.start_over()
                await pilot.pause(0.01)

    asyncio.run(run())
    service.db.dispose()
    return times


def _caller(settings_values: dict[str, Any], calls: int, results: Any) -> None:
    """Another terminal: call tickets at irregular moments, reporting when each call was committed."""
    settings = Settings(**settings_values)
    service = open_service(settings)
    for _ in range(calls):
        time.sleep(random.uniform(0.2, 0.7))
        ticket = service.call_next("6")
        results.put((ticket.code, time.time()))
        service.start(window="6")
        service.finish(window="6")
    service.db.dispose()


def call_to_display(settings: Settings, calls: int) -> list[float]:
    """Seconds from each call's commit (another process) to the display receiving it."""
    from screens.common.live import EventsArrived
    from screens.display.app import create_app

    service = open_service(settings)
    for _ in range(calls):
        service.issue("pension-new")
    app = create_app(settings.model_copy(update={"speech": False}), service)
    seen: dict[str, float] = {}

    def hook(message: object) -> None:
        if isinstance(message, EventsArrived):
            for event in message.events:
                payload = payload_of(event)
                if isinstance(payload, Called) and event.kind == Kind.CALLED:
                    seen.setdefault(payload.code, time.time())

    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    caller = context.Process(target=_caller, args=(settings.model_dump(mode="json"), calls, results))

    async def run() -> None:
        async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
            while app.follower is None:
                await pilot.pause(0.05)
            caller.start()
            while len(seen) < calls:
                await pilot.pause(0.05)

    asyncio.run(run())
    caller.join(timeout=30)
    committed = dict(results.get(timeout=5) for _ in range(calls))
    service.db.dispose()
    return [seen[code] - at for code, at in committed.items()]


def admin_figures(settings: Settings, tickets: int = 5000, changes: int = 20) -> dict[str, Any]:
    from screens.admin.app import AdminScreen, create_app
    from screens.admin.queue import QueueTable

    service = open_service(settings)
    loadgen.add_waiting(service, "pension-new", tickets)
    staff = open_staff(service)
    staff.add("Bench admin", "admin", "13579")
    figures: dict[str, Any] = {"tickets": tickets}

    async def run() -> None:
        async with app.run_test(size=(160, 50)) as pilot:
            started = time.perf_counter()
            member = staff.sign_in("Bench admin", "13579", role="admin")  # the PIN checked, as typed
            signed = time.perf_counter()
            app.signed_in(member)
            while not isinstance(app.screen, AdminScreen) or not app.screen.query(QueueTable):
                await pilot.pause(0.01)
            queue = app.screen.query_one(QueueTable)
            while queue.table.row_count < tickets:
                await pilot.pause(0.01)
            figures["open_seconds"] = time.perf_counter() - signed
            figures["signin_to_day_seconds"] = time.perf_counter() - started
            applied = []
            for _ in range(changes):
                ticket = service.call_next("6")
                service.start(window="6")
                service.finish(window="6")
                changed = [service.ticket(ticket.id)]
                began = time.perf_counter()
                queue.apply(changed)
                applied.append(time.perf_counter() - began)
                await pilot.pause(0.01)
            figures["apply_change_ms_p50"] = statistics.median(applied) * 1000
            figures["apply_change_ms_max"] = max(applied) * 1000

    with collector.as_command():  # the desk's process holds and freezes its collector as it runs
        app = create_app(settings, service)
        asyncio.run(run())
    service.db.dispose()
    return figures


def measure_display(tmp: Path, calls: int, idle_seconds: float) -> dict[str, Any]:
    config = tmp / "bench.toml"
    config.write_text('centre_name = "Bench centre"\nopen_around_the_clock = true\nspeech = false\n')
    settings = Settings(data_dir=tmp, open_around_the_clock=True, speech=False)
    initialise(settings)
    latencies = sorted(call_to_display(settings, calls))
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    return {
        "call_to_display_p50_s": statistics.median(latencies),
        "call_to_display_p95_s": p95,
        "calls": len(latencies),
        "display_idle_cpu_percent": idle_cpu_percent(config, tmp, "display", idle_seconds),
    }


def measure_lobby(tmp: Path, taps: int) -> dict[str, Any]:
    config = tmp / "bench.toml"
    config.write_text('centre_name = "Bench centre"\nopen_around_the_clock = true\nspeech = false\n')
    settings = Settings(data_dir=tmp, open_around_the_clock=True, speech=False)
    initialise(settings)
    first_frame_seconds(config, tmp, b"English")  # writes the bytecode, as an install has it
    starts = [first_frame_seconds(config, tmp, b"English") for _ in range(3)]
    latencies = sorted(tap_to_print(settings, taps))
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    return {
        "lobby_first_frame_s": statistics.median(starts),
        "tap_to_print_p50_ms": statistics.median(latencies) * 1000,
        "tap_to_print_p95_ms": p95 * 1000,
        "taps": len(latencies),
    }
