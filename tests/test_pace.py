"""A department's pace from its calls: the windows calling in the last half hour, the median gap
between two calls at one window (within a third and three times the typical minutes), and the
quote and the desk's forecast made from it."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from kiosk.clock import FixedClock
from kiosk.domain.pace import Pace, pace_of
from kiosk.service import QueueService
from tests.conftest import KYIV

NOW = datetime(2026, 11, 23, 11, 0, tzinfo=KYIV)


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def test_the_pace_follows_the_calls() -> None:
    calls = [("6", ago(40)), ("6", ago(32)), ("7", ago(28)), ("6", ago(24)), ("7", ago(20)), ("8", ago(45))]
    pace = pace_of(calls, NOW, windows=3)
    assert pace == Pace(gap=8.0, windows=2)  # window 8 last called 45 min ago: not calling
    assert pace.minutes(4, typical=12) == 16  # 4 ahead x 8 min / 2 windows
    assert pace.minutes(0, typical=12) == 0
    assert Pace(gap=1.0, windows=1).per_person(12) == 4  # a gap of a minute: at least a third
    assert Pace(gap=60.0, windows=1).per_person(12) == 36  # a long break between: at most three times


def test_before_the_first_calls_the_catalogue_says() -> None:
    pace = pace_of([("6", ago(5))], NOW, windows=3)
    assert pace == Pace(gap=None, windows=1)
    assert pace_of([], NOW, windows=3) == Pace(gap=None, windows=3)
    assert pace_of([], NOW, windows=3).minutes(3, typical=12) == 12


def test_quotes_follow_the_days_pace(service: QueueService, clock: FixedClock) -> None:
    for _ in range(8):
        service.issue("pension-new")
    assert service.issue("pension-new").wait_minutes == 8 * 12 // 3  # no calls yet: 3 windows, 12 min
    for _ in range(4):  # window 6 alone calls and serves, every 5 minutes
        ticket = service.call_next("6")
        service.start(ticket.code)
        clock.advance(minutes=5)
        service.finish(ticket.code)
    clock.advance(minutes=3)  # the pace is read again (it is kept 2 minutes)
    issued = service.issue("pension-new")
    assert (issued.ahead, issued.wait_minutes) == (5, 25)  # 5 ahead x 5 min at 1 window


def test_while_every_window_has_a_visitor_the_visits_in_progress_count() -> None:
    busy = Pace(gap=8.0, windows=2, occupied=2)
    assert busy.minutes(0, typical=12) == 2  # next, but both windows busy: half a visit shared by 2
    assert busy.minutes(4, typical=12) == 18  # (4 + 0.5) x 8 min / 2 windows
    free = Pace(gap=8.0, windows=2, occupied=1)
    assert (free.minutes(0, typical=12), free.minutes(4, typical=12)) == (0, 16)


def test_the_next_visitor_is_told_of_the_visits_in_progress(service: QueueService, clock: FixedClock) -> None:
    assert service.issue("info-general").wait_minutes == 0  # both windows are free
    service.issue("info-general")
    for window in ("1", "2"):
        service.start(service.call_next(window).code)
    clock.advance(minutes=3)  # the pace is read again (it is kept 2 minutes)
    issued = service.issue("info-general")
    typical = service.catalogue.dept("info").typical_minutes
    assert (issued.ahead, issued.wait_minutes) == (0, math.ceil(typical / 2 / 2))  # half a visit, 2 windows


def test_booked_visitors_whose_slots_begin_meanwhile_go_first() -> None:
    slots = ((ago(-10), 1.0), (ago(-15), 0.8), (ago(-15), 0.8), (ago(-90), 1.0))
    pace = Pace(gap=None, windows=1, slots=slots)
    # 2 ahead x 12 min = 24 min; meanwhile 1 checked in + 2 x 0.8 likely to come: 3 more go first
    assert pace.quote(2, typical=12, now=NOW) == (2 + 3) * 12
    assert Pace(gap=None, windows=1).quote(2, typical=12, now=NOW) == 24
