"""Housekeeping (`QueueService.housekeeping`): past days closed, stale calls released, old notes
purged. Run by several real processes at the same moment it does each thing once (counted in the
events, not only in the states); run again it changes nothing; with nothing to do it only reads."""

from __future__ import annotations

import multiprocessing
from collections import Counter as Tally
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from kiosk.clock import FixedClock
from kiosk.config import Settings
from kiosk.domain.tickets import State
from kiosk.runtime import initialise, open_service
from kiosk.service import QueueService
from kiosk.storage.models import Event
from tests.conftest import MONDAY_10, make_settings

PROCESSES = 6
START_TIMEOUT = 60


def _housekeep(settings: dict[str, Any], at: str, start: Any, results: Any) -> None:
    """One terminal: wait for the others, then run housekeeping once; puts how many it released."""
    service = open_service(Settings(**settings), FixedClock(datetime.fromisoformat(at)))
    try:
        start.wait(START_TIMEOUT)
        results.put(len(service.housekeeping()))
    finally:
        service.db.dispose()


def _a_day_to_tidy(service: QueueService, clock: FixedClock) -> tuple[set[int], set[int]]:
    """Today three stale calls (and waiting tickets); the Friday before six tickets left open, one called.
    Returns (stale call ids, the past ids)."""
    clock.set(MONDAY_10 - timedelta(minutes=30))
    for _ in range(8):
        service.issue("pension-new")
    stale = {service.call_next(window).id for window in ("6", "7", "8")}
    clock.set(MONDAY_10 - timedelta(days=3))  # the Friday before
    past = {service.issue("pension-new").ticket.id for _ in range(6)}
    service.call_next("6")
    return stale, past


def _events_of(service: QueueService, kind: str) -> Tally[int | None]:
    with service.db.read() as s:
        return Tally(s.scalars(select(Event.ticket_id).where(Event.kind == kind)).all())


@pytest.mark.postgres
def test_terminals_housekeeping_at_once_do_each_thing_once(pg_url: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, pg_url, open_around_the_clock=True)
    clock = FixedClock(MONDAY_10)
    initialise(settings, clock)
    service = open_service(settings, clock)
    try:
        stale, past = _a_day_to_tidy(service, clock)
        context = multiprocessing.get_context("spawn")
        start, results = context.Barrier(PROCESSES), context.Queue()
        job = (settings.model_dump(), MONDAY_10.isoformat(), start, results)
        workers = [context.Process(target=_housekeep, args=job) for _ in range(PROCESSES)]
        for worker in workers:
            worker.start()
        released = [results.get(timeout=START_TIMEOUT) for _ in workers]
        for worker in workers:
            worker.join(START_TIMEOUT)
        assert [worker.exitcode for worker in workers] == [0] * PROCESSES

        assert sum(released) == len(stale), "each stale call released by one terminal"
        assert _events_of(service, "returned") == Tally({ticket_id: 1 for ticket_id in stale})
        assert _events_of(service, "closed") == Tally({ticket_id: 1 for ticket_id in past})
        assert sum(_events_of(service, "day_closed").values()) == 1, "one close of the past day"
        clock.set(MONDAY_10)
        assert {t.id for t in service.day_view() if t.state == State.WAITING} >= stale
        assert all(service.ticket(i).state == State.CLOSED for i in past)
    finally:
        service.db.dispose()


def test_housekeeping_twice_changes_nothing_the_second_time(service: QueueService, clock: FixedClock) -> None:
    stale, _ = _a_day_to_tidy(service, clock)
    clock.set(MONDAY_10)
    assert {t.id for t in service.housekeeping()} == stale
    last = service.last_event_id()
    assert service.housekeeping() == []
    assert QueueService(service.db, service.settings, clock, service.secret).housekeeping() == []
    assert service.last_event_id() == last, "a second run, even from a fresh terminal, writes no event"


def test_housekeeping_with_nothing_to_do_only_reads(service: QueueService, clock: FixedClock) -> None:
    service.issue("pension-new")
    service.housekeeping()
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(service.db.engine, "before_cursor_execute", seen)
    try:
        clock.advance(minutes=1)
        service.housekeeping()
        later_today = statements[:]
        statements.clear()
        fresh = QueueService(service.db, service.settings, clock, service.secret)
        fresh.housekeeping()  # a terminal just started also looks for past days' open tickets
    finally:
        event.remove(service.db.engine, "before_cursor_execute", seen)

    def queries(found: list[str]) -> list[str]:
        return [s for s in found if s.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE"))]

    assert len(queries(later_today)) == 2, later_today  # stale calls, notes to purge
    # and, once a day, past days' open tickets and bookings (one query), and their booking contacts
    assert len(queries(statements)) == 4, statements
    assert all(q.lstrip().upper().startswith("SELECT") for q in queries(later_today + statements))
    if service.db.dialect == "sqlite":  # never the write lock, which would hold up a terminal's issue
        assert not [s for s in later_today + statements if "IMMEDIATE" in s.upper()]
