"""kill -9 of a working terminal at random moments, over and over: afterwards the database is
consistent (no duplicate or missing number, no half-made ticket, every state backed by its events)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.clock import FixedClock
from kiosk.config import Settings
from kiosk.runtime import initialise, open_service
from kiosk.storage.models import Counter, Event, Ticket

# Real processes and timing: run in turn with the others of the group, on one worker (pyproject).
pytestmark = pytest.mark.xdist_group("processes")

ROOT = Path(__file__).resolve().parents[1]


def kill_repeatedly(settings: Settings, kills: int) -> None:
    """Start a terminal (`tests.churn`), let it work for a random moment, kill -9 it; `kills` times."""
    values = json.dumps(settings.model_dump(mode="json"))
    rng = random.Random(7)
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.churn", values],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdin is not None and server.stdout is not None
    try:
        for _ in range(kills):
            server.stdin.write("go\n")
            server.stdin.flush()
            ready, pid = server.stdout.readline().split()
            assert ready == "ready"
            time.sleep(rng.uniform(0.005, 0.25))
            os.kill(int(pid), signal.SIGKILL)
            assert server.stdout.readline().strip() == "dead"
    finally:
        server.stdin.close()
        assert server.wait(timeout=30) == 0
        server.stdout.close()


def check_consistent(settings: Settings) -> int:
    service = open_service(settings)
    with service.db.read() as s:
        tickets = s.scalars(select(Ticket)).all()
        events = s.scalars(select(Event).where(Event.ticket_id.is_not(None)).order_by(Event.id)).all()
        counters = {(c.department, c.day): c.last for c in s.scalars(select(Counter))}
    numbers: dict[tuple[str, object], list[int]] = defaultdict(list)
    for t in tickets:
        numbers[(t.origin, t.day)].append(t.number)
    for key, found in numbers.items():
        assert sorted(found) == list(range(1, len(found) + 1)), f"{key}: numbers must be 1..N with no gap"
        assert counters[key] == len(found), f"{key}: the counter and the tickets agree"
    by_ticket: dict[int, list[Event]] = defaultdict(list)
    for e in events:
        by_ticket[int(e.ticket_id or 0)].append(e)
    for t in tickets:
        history = by_ticket[t.id]
        assert history and history[0].kind == "issued", f"{t.code}: no half-made ticket"
        state_events = [e for e in history if e.kind not in ("printed", "print_failed", "reprinted")]
        assert state_events[-1].state == t.state, f"{t.code}: its state is backed by its last event"
    at_window = [(t.window, t.day) for t in tickets if t.state in ("called", "serving")]
    assert len(at_window) == len(set(at_window)), "no window holds two tickets"
    service.db.dispose()
    release_what_the_dead_left(settings)
    return len(tickets)


def release_what_the_dead_left(settings: Settings) -> None:
    """Calls the killed terminals left open go back to the queue once stale_call_minutes passed."""
    later = FixedClock(datetime.now(UTC) + timedelta(minutes=settings.stale_call_minutes + 1))
    service = open_service(settings, later)
    service.release_stale_calls(staff="display")
    assert not [t for t in service.day_view() if t.state == "called"]
    service.db.dispose()


def _settings(tmp_path: Path, url: str) -> Settings:
    settings = Settings(
        data_dir=tmp_path / "data", database_url=url, open_around_the_clock=True, speech=False
    )
    initialise(settings)
    return settings


@pytest.mark.slow
def test_kill_9_on_sqlite(tmp_path: Path) -> None:
    settings = _settings(tmp_path, f"sqlite:///{tmp_path / 'kiosk.sqlite3'}")
    kill_repeatedly(settings, 100)
    assert check_consistent(settings) > 100


@pytest.mark.slow
@pytest.mark.postgres
def test_kill_9_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    settings = _settings(tmp_path, pg_url)
    kill_repeatedly(settings, 100)
    assert check_consistent(settings) > 100
