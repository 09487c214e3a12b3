"""Call-next as a centre with appointments sees it: a long line of walk-ins, booked visitors checked
in for slots that have begun, and the starvation guard on (walk-ins waiting past the target, so a
window alternates booked and walk-in calls). The clock is fixed: a Monday morning."""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.clock import FixedClock
from kiosk.config import Settings
from kiosk.runtime import initialise, open_service

KYIV = ZoneInfo("Europe/Kyiv")
MONDAY = datetime(2026, 11, 23, 8, 5, tzinfo=KYIV)
SERVICE, WINDOW = "pension-new", "6"


def booked_call_next(url: str, data_dir: Path, waiting: int, calls: int) -> dict[str, Any]:
    """Call-next p50 and p95 (ms) with `waiting` walk-ins queued at 08:05, the 08:20-09:00 booked
    visitors checked in, and the calls from 09:00 on, 30 s apart (each served at once)."""
    settings = Settings(data_dir=data_dir, database_url=url, speech=False)
    clock = FixedClock(MONDAY)
    initialise(settings, clock)
    service = open_service(settings, clock)
    try:
        codes = []
        at = datetime(2026, 11, 23, 8, 20)
        while at.hour < 14:
            codes += [service.book(SERVICE, at, "uk", source="bench").code for _ in range(2)]
            at += timedelta(minutes=20)
        for _ in range(waiting):
            service.issue(SERVICE, source="bench")
        for code in codes[:6]:  # the 08:20, 08:40 and 09:00 visitors, each a little early
            clock.set(service.booking(code).at - timedelta(minutes=2))
            service.check_in(code)
        clock.set(MONDAY.replace(hour=9, minute=0))
        times, booked = [], 0
        for _ in range(calls):
            clock.advance(seconds=30)
            began = time.perf_counter()
            ticket = service.call_next(WINDOW, staff="bench")
            times.append(time.perf_counter() - began)
            booked += ticket.booked_at is not None
            service.start(ticket.id, window=WINDOW, staff="bench")
            service.finish(ticket.id, window=WINDOW, staff="bench")
        p95 = statistics.quantiles(times, n=100, method="inclusive")[94]
        return {
            "booked_call_next_p50_ms": round(statistics.median(times) * 1000, 3),
            "booked_call_next_p95_ms": round(p95 * 1000, 3),
            "booked_calls": booked,
        }
    finally:
        service.db.dispose()
