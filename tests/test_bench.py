"""Smoke test of `kiosk bench --quick --json` on SQLite, at the smoke sizes (`bench.core.SMOKE`): it
runs and reports every figure (no timing goal)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from bench.compare import compare
from bench.core import SMOKE, SMOKE_ENV
from harness import loadgen
from kiosk.service import QueueService

# Real processes and timing: run in turn with the others of the group, on one worker (pyproject).
pytestmark = pytest.mark.xdist_group("processes")

SQLITE_FIGURES = [
    "booked_call_next_p50_ms",
    "booked_call_next_p95_ms",
    "issue_p50_ms",
    "issue_p95_ms",
    "issue_throughput_per_s",
    "concurrent_issue_p50_ms",
    "concurrent_issue_p95_ms",
    "concurrent_seconds",
    "call_next_p50_ms",
    "call_next_p95_ms",
    "fill_seconds",
]


@pytest.mark.slow
def test_quick_bench_reports_every_figure_as_json(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_BENCH_PG_URL"} | {SMOKE_ENV: "1"}
    done = subprocess.run(
        [sys.executable, "-m", "cli", "bench", "--quick", "--json", "--pg", "none"],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["quick"] is True
    assert report["postgresql"] is None
    assert "skipped" in report["postgresql_note"]
    sqlite = report["sqlite"]
    for key in SQLITE_FIGURES:
        assert isinstance(sqlite[key], (int, float)) and sqlite[key] > 0, key
    assert report["sizes"] == asdict(SMOKE) and sqlite["waiting"] == SMOKE.waiting
    assert sqlite["concurrent_processes"] == SMOKE.processes
    assert sqlite["concurrent_tickets"] == SMOKE.processes * SMOKE.per_process
    # the guard alternates: booked visitors get some of the calls, never all (6 checked in)
    assert 0 < sqlite["booked_calls"] <= 6 < sqlite["call_next_count"]
    assert report["cold_start_help_ms"] > 0
    assert report["cold_issue_ms"] > report["cold_start_help_ms"]  # a ticket saved and printed
    # the libraries alone: more than the command line's start, less than the command that imports them
    assert report["cold_start_help_ms"] < report["cold_libraries_ms"] < report["cold_issue_ms"]
    desk = report["admin"]
    assert 0 < desk["open_seconds"] < desk["signin_to_day_seconds"]
    printing = report["printing"]
    assert printing["render_encode_p50_ms"] > 0 and printing["job_bytes_max"] > 10_000
    assert 0 < printing["issue_to_job_saving_p50_ms"] < printing["issue_to_job_p50_ms"]
    assert printing["issue_to_job_p50_ms"] <= printing["issue_to_job_p95_ms"]
    lobby = report["lobby"]
    assert lobby["taps"] == 3 and 0 < lobby["tap_to_print_p50_ms"] <= lobby["tap_to_print_p95_ms"]
    assert lobby["lobby_first_frame_s"] > 0
    assert set(report["goals"]) == {"issue_p50_ms", "call_next_p50_ms", "pg_issue_throughput_per_s"}
    assert report["machine"] and re.fullmatch(r"[0-9a-f]{12}(\+changes)?", report["commit"])

    saved = tmp_path / "run.json"
    saved.write_text(done.stdout, encoding="utf-8")
    table = bench("--from", str(saved), "--markdown")
    assert table.startswith(f"Measured by `kiosk bench` (quick run on {report['machine']}")
    assert f"commit {report['commit']}" in table.splitlines()[0]
    assert "| figure | SQLite | goal |" in table
    assert f"| call-next p50 ({SMOKE.waiting:,} waiting) | {sqlite['call_next_p50_ms']:.2f} ms |" in table
    assert "| lobby kiosk: first frame |" in table
    floor = f"{report['cold_libraries_ms']:.0f} ms"
    assert f"| cold start of its libraries alone (`bench.core.LIBRARIES`) | {floor} |" in table
    same = bench("--from", str(saved), "--compare", str(saved))
    assert "sqlite.issue_p50_ms" in same and "SLOWER" not in same
    assert "no figure is more than 20% slower" in same


def bench(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "cli", "bench", *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_compare_marks_only_what_got_more_than_a_fifth_slower() -> None:
    """Times are slower when they rise, throughputs when they fall; counts are not figures."""
    old = {"sqlite": {"issue_p50_ms": 1.0, "issue_throughput_per_s": 500.0, "call_next_p50_ms": 2.0}}
    new = {"sqlite": {"issue_p50_ms": 1.3, "issue_throughput_per_s": 350.0, "call_next_p50_ms": 1.0}}
    old["sqlite"] |= {"cold_ms": 100.0, "call_next_count": 50}
    new["sqlite"] |= {"cold_ms": 115.0, "call_next_count": 80}
    rows = {line.split()[0]: line for line in compare(old, new).splitlines() if line.startswith("sqlite.")}
    names = ("issue_p50_ms", "issue_throughput_per_s", "call_next_p50_ms", "cold_ms")
    assert set(rows) == {f"sqlite.{name}" for name in names}
    assert rows["sqlite.issue_p50_ms"].endswith("+30 %   SLOWER")
    assert rows["sqlite.issue_throughput_per_s"].endswith("SLOWER")
    assert not rows["sqlite.call_next_p50_ms"].endswith("SLOWER"), "faster is never marked"
    assert not rows["sqlite.cold_ms"].endswith("SLOWER"), "15 % is within the noise"
    assert "2 figure(s) more than 20% slower" in compare(old, new)


def test_add_waiting_fills_the_line_like_issue_would(service: QueueService) -> None:
    """The bench's filler issues through the service: numbers follow the counter, each ticket has its
    `issued` event, and the next real ticket continues the numbering."""
    first = service.issue("pension-new").ticket
    ids = loadgen.add_waiting(service, "pension-recalc", 50, source="test")
    assert len(ids) == 50 == len(set(ids))
    count, head = service.waiting("pensions", limit=3)
    assert count == 51
    assert [t.code for t in head] == ["P-001", "P-002", "P-003"]
    assert [e.kind for e in service.history(ids[-1])] == ["issued"]
    assert service.ticket(ids[-1]).code == "P-051"
    assert service.issue("pension-new").ticket.number == 52
    assert service.call_next("6").id == first.id
    assert service.call_next("7").id == ids[0]


@pytest.mark.slow
def test_kiosk_bench_phones_runs_the_phones_benchmark() -> None:
    """`kiosk bench --phones N` runs bench.phones (here at a tiny scale) and prints its figures."""
    done = subprocess.run(
        [sys.executable, "-m", "cli", "bench", "--phones", "3", "--calls", "5", "--json"],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert (figures["phones"], figures["connected"]) == (3, 3)
    assert figures["calls"] >= 1 and figures["seen"] == figures["calls"]
    refused = subprocess.run(
        [sys.executable, "-m", "cli", "bench", "--phones", "0"], capture_output=True, text=True, check=False
    )
    assert refused.returncode != 0 and "at least 1" in refused.stderr
