"""Benchmarks of the terminals' screens: cold start of `kiosk lobby` to its first frame (the real
command in a pseudo-terminal), and tap-to-print-job latency of the kiosk (Textual's test driver)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any

from kiosk.config import Settings
from kiosk.runtime import initialise


def first_frame_seconds(config: Path, data_dir: Path, marker: bytes, command: str = "lobby") -> float:
    """Seconds from spawning `kiosk <command>` in a 120x40 terminal to `marker` on its screen."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "KIOSK_DATA_DIR": str(data_dir)}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--config", str(config), command],
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
    env = {**os.environ, "TERM": "xterm-256color", "KIOSK_DATA_DIR": str(data_dir)}
    child = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--config", str(config), command],
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


def measure_display(tmp: Path, calls: int, idle_seconds: float) -> dict[str, Any]:
    from screens.display.bench import call_to_display

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
    starts = [first_frame_seconds(config, tmp, b"English") for _ in range(3)]
    from screens.lobby.bench import tap_to_print

    latencies = sorted(tap_to_print(settings, taps))
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    return {
        "lobby_first_frame_s": statistics.median(starts),
        "tap_to_print_p50_ms": statistics.median(latencies) * 1000,
        "tap_to_print_p95_ms": p95 * 1000,
        "taps": len(latencies),
    }
