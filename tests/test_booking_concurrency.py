"""Booked visits under concurrency, with real processes (multiprocessing "spawn") on a SQLite file and
on PostgreSQL: kiosks booking the same slots at once never overfill one, and kiosks checking in the
same codes at once give exactly one ticket per booking."""

from __future__ import annotations

from collections import Counter as Tally
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from harness import loadgen
from kiosk.clock import FixedClock
from kiosk.runtime import initialise, open_service
from kiosk.storage.models import Booking, Event, Ticket
from tests.conftest import KYIV, MONDAY_10, make_settings

# Real processes and timing: run in turn with the others of the group, on one worker (pyproject).
pytestmark = pytest.mark.xdist_group("processes")

PROCESSES = 6
SLOTS = [f"2026-11-24T{h:02d}:{m:02d}" for h in (9, 10, 11) for m in (0, 20, 40)]  # Tuesday, 9 slots


@pytest.mark.slow
def test_kiosks_booking_at_once_never_overfill_a_slot(db_url: str, tmp_path: Path) -> None:
    url = db_url
    settings = make_settings(tmp_path, url)
    initialise(settings, FixedClock(MONDAY_10))
    jobs = [(settings.model_dump(), MONDAY_10.isoformat(), "pension-new", SLOTS) for _ in range(PROCESSES)]
    results, _elapsed = loadgen.run_together(loadgen.book_many, jobs)

    made = [(slot, code) for rows in results for slot, code in rows if code]
    refused = [slot for rows in results for slot, code in rows if not code]
    per_slot = Tally(slot for slot, _code in made)
    assert per_slot == {slot: 2 for slot in SLOTS}, "each slot holds 2: no more, no fewer"
    assert len(refused) == PROCESSES * len(SLOTS) - 2 * len(SLOTS)
    assert len({code for _slot, code in made}) == len(made)
    service = open_service(settings, FixedClock(MONDAY_10))
    try:
        with service.db.read() as s:
            rows = s.execute(select(Booking.at, Booking.seat, Booking.code)).all()
            booked_events = s.scalar(select(func.count()).where(Event.kind == "booked"))
        assert {(at.astimezone(KYIV).strftime("%Y-%m-%dT%H:%M"), code) for at, _seat, code in rows} == set(
            made
        )
        assert sorted(seat for _at, seat, _code in rows) == sorted([1, 2] * len(SLOTS))
        assert booked_events == len(made), "one `booked` event per booking made, none for a refusal"
    finally:
        service.db.dispose()


@pytest.mark.slow
def test_kiosks_checking_in_one_code_at_once_give_one_ticket(db_url: str, tmp_path: Path) -> None:
    url = db_url
    settings = make_settings(tmp_path, url)
    clock = FixedClock(MONDAY_10)
    initialise(settings, clock)
    service = open_service(settings, clock)
    try:
        codes = [service.book("pension-new", datetime(2026, 11, 23, 10, 20)).code for _ in range(2)]
        codes += [service.book("job-register", datetime(2026, 11, 23, 10, 20)).code]
        codes += [service.book("housing-subsidy", datetime(2026, 11, 23, 10, 30)).code for _ in range(2)]
        now = (MONDAY_10 + timedelta(minutes=16)).isoformat()  # within check-in of every slot
        jobs = [(settings.model_dump(), now, codes) for _ in range(PROCESSES)]
        results, _elapsed = loadgen.run_together(loadgen.check_in_many, jobs)

        given = [(code, ticket_id) for rows in results for code, ticket_id, _why in rows if ticket_id]
        refusals = Tally(why for rows in results for _code, ticket_id, why in rows if not ticket_id)
        assert sorted(code for code, _id in given) == sorted(codes), "one ticket per code, no more"
        assert refusals == {"used": (PROCESSES - 1) * len(codes)}
        with service.db.read() as s:
            tickets = s.execute(select(Ticket.id, Ticket.booked_at)).all()
            issued = s.scalar(select(func.count()).where(Event.kind == "issued"))
            checked_in = s.scalar(select(func.count()).where(Event.kind == "checked_in"))
        assert len(tickets) == issued == checked_in == len(codes)
        assert all(booked_at is not None for _id, booked_at in tickets)
        assert {b.ticket_id for b in service.bookings()} == {ticket_id for _code, ticket_id in given}
    finally:
        service.db.dispose()
