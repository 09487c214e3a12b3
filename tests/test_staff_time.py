"""Staff time on a known day (`kiosk.domain.staff_time`): two members at two windows of pensions,
breaks with reasons, service and idle stretches while others wait; every figure worked out by hand
from the script. Also: a break needs a known reason, and older breaks without one still read."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kiosk.clock import FixedClock
from kiosk.domain.events import Kind, Paused, read_payload
from kiosk.domain.staff_time import NO_REASON, StaffTime, staff_times
from kiosk.domain.tickets import EventView
from kiosk.errors import KioskError, NotFound
from kiosk.service import QueueService
from tests.conftest import MONDAY_10

MIN = 60.0


def at(clock: FixedClock, hhmm: str) -> None:
    hours, minutes = map(int, hhmm.split(":"))
    clock.set(MONDAY_10.replace(hour=hours, minute=minutes))


def scripted_day(service: QueueService, clock: FixedClock) -> None:
    """Ivan at window 6 and Olha at window 7, both of pensions (windows 6, 7, 8); the comments say
    who is idle: their window free and not on a break while a visitor of pensions waits."""
    at(clock, "10:00")
    service.pause_window("6", True, staff="Ivan", reason="paperwork")  # Ivan's first action at 6
    at(clock, "10:05")
    a = service.issue("pension-new").ticket  # waits, but window 6 is on a break: not idle
    at(clock, "10:10")
    service.pause_window("6", False, staff="Ivan")  # paperwork 10 min; Ivan idle from now...
    at(clock, "10:15")
    service.call_next("7", staff="Olha")  # ...to now, when nobody waits any more: 5 min
    at(clock, "10:16")
    service.start(a.code, staff="Olha")
    at(clock, "10:20")
    b = service.issue("pension-recalc").ticket  # Ivan idle again (Olha is serving)
    at(clock, "10:24")
    service.finish(a.code, staff="Olha")  # A served in 8 min; Olha idle from now...
    at(clock, "10:26")
    service.call_next("6", staff="Ivan")  # ...to now, B called: Olha 2 min, Ivan 6 min (11)
    at(clock, "10:27")
    service.start(b.code, staff="Ivan")
    at(clock, "10:30")
    service.pause_window("7", True, staff="Olha", reason="lunch")
    service.issue("job-register")  # employment waits to the end: nobody of pensions idles for it
    at(clock, "10:37")
    service.finish(b.code, staff="Ivan")  # B served in 10 min
    at(clock, "10:40")
    c = service.issue("pension-certificate").ticket  # Ivan idle (Olha at lunch)...
    at(clock, "10:45")
    service.call_next("6", staff="Ivan")  # ...5 min (16)
    at(clock, "10:46")
    service.no_show(c.code, staff="Ivan")
    at(clock, "10:50")
    d = service.issue("pension-new").ticket  # Ivan idle...
    at(clock, "10:55")
    service.pause_window("6", True, staff="Ivan", reason="break")  # ...5 min (21); still on it at 11:20
    at(clock, "11:00")
    service.pause_window("7", False, staff="Olha")  # lunch 30 min; Olha idle...
    at(clock, "11:03")
    service.call_next("7", staff="Olha")  # ...3 min (5)
    at(clock, "11:04")
    service.start(d.code, staff="Olha")
    at(clock, "11:10")
    service.finish(d.code, staff="Olha")  # D served in 6 min
    at(clock, "11:15")
    service.quick_transaction("info-general", staff="Olena")  # a question answered at the desk
    at(clock, "11:20")


IVAN = StaffTime(
    "Ivan", ("6",), served=1, service_seconds=10 * MIN,
    pauses={"paperwork": 10 * MIN, "break": 25 * MIN},  # the break runs on to now, 11:20
    idle_seconds=21 * MIN, working_seconds=55 * MIN,  # 10:00 to 10:55
)  # fmt: skip
OLHA = StaffTime(
    "Olha", ("7",), served=2, service_seconds=7 * MIN, pauses={"lunch": 30 * MIN},
    idle_seconds=5 * MIN, working_seconds=55 * MIN,  # 10:15 to 11:10
)  # fmt: skip
OLENA = StaffTime("Olena", ("desk",), served=1)  # a quick answer has no service time, no window span


def test_a_scripted_day_per_staff_member(service: QueueService, clock: FixedClock) -> None:
    scripted_day(service, clock)
    assert service.staff_time() == [IVAN, OLENA, OLHA]
    assert IVAN.pause_seconds == 35 * MIN
    assert service.staff_time(member="Olha") == [OLHA]
    assert service.staff_time(member="Petro") == [StaffTime("Petro")]  # did nothing today: zeros
    assert service.staff_time(MONDAY_10.date() - timedelta(days=1)) == []


def test_a_past_day_ends_at_its_close(service: QueueService, clock: FixedClock) -> None:
    """Read the next day, the day's open break ends at its close (here at 11:20): the same figures."""
    scripted_day(service, clock)
    assert service.close_day(staff="Olena") == 1  # the employment ticket still waiting
    clock.advance(days=1)
    assert service.staff_time(MONDAY_10.date()) == [IVAN, OLENA, OLHA]


def test_a_break_needs_a_reason_of_the_catalogue(service: QueueService) -> None:
    with pytest.raises(KioskError, match="a break needs a reason: one of break, lunch, paperwork, training"):
        service.pause_window("6", True, staff="Ivan")
    with pytest.raises(NotFound, match="unknown pause reason 'nap'; the reasons are: break, lunch"):
        service.pause_window("6", True, staff="Ivan", reason="nap")
    assert not service.window_paused("6")
    service.pause_window("6", True, staff="Ivan", reason="lunch")
    board = service.day_board()
    assert board.paused["6"] and not board.paused["7"]
    assert board.reasons == {"6": "lunch"}
    (paused,) = [e for e in service.audit() if e.kind == Kind.WINDOW_PAUSED]
    assert (paused.window, paused.staff, paused.data) == ("6", "Ivan", {"reason": "lunch"})
    service.pause_window("6", False, staff="Ivan", reason="ignored when resuming")
    assert service.day_board().reasons == {}


def event(n: int, minute: int, kind: Kind, data: dict[str, object] | None = None) -> EventView:
    moment = datetime(2026, 11, 23, 10, minute, tzinfo=MONDAY_10.tzinfo)
    return EventView(n, moment, moment.date(), kind, None, None, "6", "Ivan", None, data or {})


def test_a_break_recorded_before_reasons_reads_as_not_given() -> None:
    assert read_payload("window_paused", {}) == Paused()
    old = [event(1, 0, Kind.WINDOW_PAUSED), event(2, 12, Kind.WINDOW_RESUMED)]
    new = [event(3, 20, Kind.WINDOW_PAUSED, {"reason": "lunch"})]
    until = datetime(2026, 11, 23, 10, 50, tzinfo=MONDAY_10.tzinfo)
    (row,) = staff_times([*old, *new], {"6": ["pensions"]}, until)
    assert row.pauses == {NO_REASON: 12 * MIN, "lunch": 30 * MIN}
    assert (row.working_seconds, row.idle_seconds) == (20 * MIN, 0.0)  # nobody waited
