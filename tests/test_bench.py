"""Smoke test of `kiosk bench --quick --json` on SQLite: it runs and reports every figure (no timing goal)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from harness import loadgen
from kiosk.service import QueueService

# Real processes and timing: run in turn with the others of the group, on one worker (pyproject).
pytestmark = pytest.mark.xdist_group("processes")

SQLITE_FIGURES = [
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
def test_quick_bench_reports_every_figure_as_json() -> None:
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_BENCH_PG_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "bench", "--quick", "--json", "--pg", "none"],
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
    assert sqlite["waiting"] == 10_000
    assert sqlite["concurrent_processes"] == 8
    assert sqlite["concurrent_tickets"] == 8 * 40
    assert report["cold_start_help_ms"] > 0
    printing = report["printing"]
    assert printing["render_encode_p50_ms"] > 0 and printing["job_bytes_max"] > 10_000
    assert 0 < printing["issue_to_job_saving_p50_ms"] < printing["issue_to_job_p50_ms"]
    assert printing["issue_to_job_p50_ms"] <= printing["issue_to_job_p95_ms"]
    lobby = report["lobby"]
    assert lobby["taps"] == 10 and 0 < lobby["tap_to_print_p50_ms"] <= lobby["tap_to_print_p95_ms"]
    assert lobby["lobby_first_frame_s"] > 0
    assert set(report["goals"]) == {"issue_p50_ms", "call_next_p50_ms", "pg_issue_throughput_per_s"}


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
        [sys.executable, "-m", "kiosk", "bench", "--phones", "3", "--calls", "5", "--json"],
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
        [sys.executable, "-m", "kiosk", "bench", "--phones", "0"], capture_output=True, text=True, check=False
    )
    assert refused.returncode != 0 and "at least 1" in refused.stderr
