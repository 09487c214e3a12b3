"""The soak's checks can fail: a small day made with the real service, a loopback printer and an
event follower passes them all; then one thing is broken (with plain SQL or in the facts the
terminals report) and exactly the matching check fails."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from bench.soak import Plan, check, check_bookings, check_printing
from bench.soak_alerts import check_alerts
from harness.loopback import LoopbackPrinter
from kiosk.clock import FixedClock
from kiosk.config import Settings
from kiosk.domain.ratings import RatingRefused
from kiosk.follow import EventFollower
from kiosk.runtime import initialise, open_service
from kiosk.service import QueueService
from kiosk.storage.models import Event, Ticket
from printer.printing import TicketPrinter
from tests.conftest import MONDAY_10, make_settings

# The soak's pass/fail checks: true when they hold, or a count that must stay 0.
HOLDS = [
    "accounted_once",
    "display_saw_every_call",
    "stats_agree",
    "every_ticket_one_print_outcome",
    "every_failure_an_event",
    "every_fault_kind_seen",
    "front_desk_sees_every_failed_ticket",
    "printed_only_if_received",
    "ratings_agree",
    "pauses_agree",
]
ZERO = ["duplicate_numbers", "called_while_held"]


@dataclass
class Day:
    """What the terminals of a soak report, and the database they wrote."""

    settings: Settings
    service: QueueService
    issued: list[int]
    prints: dict[str, int]
    received: int
    injected: dict[str, int] = field(default_factory=lambda: {"offline": 1})
    windows: list[dict[str, Any]] = field(default_factory=list)
    display: list[int] = field(default_factory=list)

    def grade(self) -> dict[str, Any]:
        plan = Plan(seconds=60, kiosks=1, windows=["6", "9"], visitors=len(self.issued))
        report = check(self.settings, plan, self.issued, self.windows, self.display, 1.0)
        report.update(check_printing(self.settings, self.issued, self.prints, self.injected, self.received))
        return report

    def sql(self, statements: Callable[[Connection], object]) -> None:
        """Run plain SQL on a connection of its own, outside the service's transaction rules."""
        self.service.db.dispose()
        with self.service.db.engine.connect() as conn:
            statements(conn)
            conn.commit()


def failing(report: dict[str, Any]) -> set[str]:
    return {k for k in HOLDS if not report[k]} | {k for k in ZERO if report[k]}


@pytest.fixture
def day(tmp_path: Path, db_url: str) -> Iterator[Day]:
    """Four tickets printed on a loopback printer (the last while it is offline), two called at
    window 6 (one served, one no-show), one at window 9 still called; the display follows."""
    settings = make_settings(tmp_path, db_url, open_around_the_clock=True)
    initialise(settings)
    service = open_service(settings)
    fake = LoopbackPrinter()
    printer = TicketPrinter(service, fake.url, timeout=1.0)
    issued, prints = [], Counter[str]()
    for n, code in enumerate(["pension-new", "pension-new", "job-register", "pension-new"]):
        fake.mode = "offline" if n == 3 else "ok"
        ticket = service.issue(code)
        issued.append(ticket.ticket.id)
        prints[printer.submit(ticket).result(timeout=30).reason or "printed"] += 1
    printer.close()
    fake.close()
    served = service.call_next("6", staff="clerk-6")
    service.start(window="6", staff="clerk-6")
    service.finish(window="6", staff="clerk-6")
    service.rate(served.id, 4, ["staff_helpful"], source="phone")
    with pytest.raises(RatingRefused):
        service.rate(served.id, 5, source="phone")
    service.pause_window("6", True, staff="clerk-6", reason="lunch")
    away = service.now()  # the clerk's own measure of the break: from after it began to before it ended
    service.pause_window("6", False, staff="clerk-6")
    service.call_next("6", staff="clerk-6")
    service.no_show(window="6", staff="clerk-6")
    service.call_next("9")
    ratings = {"rated": [4], "ratings_refused": {"rated": 1}, "ratings_tried": {"rated": 1}}
    windows = [{"window": "6", "served": 1, "no_shows": 1, "transfers": 0, **ratings,
                "pauses": [("lunch", away, away)]}]  # fmt: skip
    nothing = {"rated": [], "ratings_refused": {}, "ratings_tried": {}, "pauses": []}
    windows.append({"window": "9", "served": 0, "no_shows": 0, "transfers": 0, **nothing})
    display = [e.id for e in EventFollower(service, after=0).poll() if e.kind == "called"]
    yield Day(settings, service, issued, dict(prints), fake.completed, windows=windows, display=display)
    service.db.dispose()


def test_the_day_as_it_happened_passes(day: Day) -> None:
    report = day.grade()
    assert failing(report) == set() and report["ok"] and report["printing_ok"], report
    assert (report["calls"], report["tickets_printed"], report["print_failures_by_reason"]) == (
        3,
        3,
        {"offline": 1},
    )


def test_a_number_given_twice(day: Day) -> None:
    """The unique constraint is the first guard; without it, the soak's own count is the second."""
    first, second = day.issued[:2]

    def duplicate(conn: Connection) -> None:
        if conn.dialect.name == "postgresql":
            name = conn.scalar(
                text(
                    "SELECT conname FROM pg_constraint WHERE conrelid = 'tickets'::regclass AND contype = 'u'"
                )
            )
            conn.execute(text(f'ALTER TABLE tickets DROP CONSTRAINT "{name}"'))
        else:  # SQLite cannot drop a table constraint: a copy of the table without it, keys off
            raw = conn.connection.driver_connection  # in autocommit: PRAGMA foreign_keys takes effect
            assert raw is not None
            raw.execute("PRAGMA foreign_keys = OFF")
            raw.execute("CREATE TABLE tickets_copy AS SELECT * FROM tickets")
            raw.execute("DROP TABLE tickets")
            raw.execute("ALTER TABLE tickets_copy RENAME TO tickets")
        conn.execute(
            text("UPDATE tickets SET number = (SELECT number FROM tickets WHERE id = :a) WHERE id = :b"),
            {"a": first, "b": second},
        )
        conn.commit()

    day.sql(duplicate)
    report = day.grade()
    assert failing(report) == {"duplicate_numbers"} and not report["ok"], report


def test_a_ticket_the_database_lost(day: Day) -> None:
    day.issued.append(max(day.issued) + 1)  # a kiosk reported a ticket that was never saved
    assert failing(day.grade()) == {"accounted_once", "every_ticket_one_print_outcome"}


def test_a_lost_print_outcome(day: Day) -> None:
    day.sql(
        lambda conn: conn.execute(
            text("DELETE FROM events WHERE kind = 'printed' AND ticket_id = :t"), {"t": day.issued[0]}
        )
    )
    assert failing(day.grade()) == {"every_ticket_one_print_outcome", "every_failure_an_event"}


def test_a_print_failure_recorded_as_printed(day: Day) -> None:
    day.sql(lambda conn: conn.execute(text("UPDATE events SET kind = 'printed' WHERE kind = 'print_failed'")))
    assert failing(day.grade()) == {
        "every_failure_an_event",
        "every_fault_kind_seen",
        "printed_only_if_received",
    }


def test_a_fault_kind_that_never_showed(day: Day) -> None:
    day.injected["paper_out"] = 1  # injected, but no kiosk ever saw the printer out of paper
    assert failing(day.grade()) == {"every_fault_kind_seen"}


def test_a_failed_ticket_the_front_desk_does_not_see(day: Day) -> None:
    day.sql(
        lambda conn: conn.execute(text("UPDATE events SET day = '2000-01-03' WHERE kind = 'print_failed'"))
    )
    assert failing(day.grade()) == {"front_desk_sees_every_failed_ticket"}


def test_a_rating_the_figures_lost(day: Day) -> None:
    day.sql(lambda conn: conn.execute(text("DELETE FROM events WHERE kind = 'rated'")))
    assert failing(day.grade()) == {"ratings_agree"}


def test_a_second_rating_taken(day: Day) -> None:
    day.windows[0]["ratings_refused"] = {}  # the phone's second rating went through
    assert failing(day.grade()) == {"ratings_agree"}


def test_a_break_kept_shorter_than_it_was_or_for_another_reason(day: Day) -> None:
    away = day.windows[0]["pauses"][0][1]
    day.windows[0]["pauses"] = [("lunch", away - timedelta(minutes=10), away)]  # away ten minutes
    assert failing(day.grade()) == {"pauses_agree"}
    day.windows[0]["pauses"] = [("training", away, away)]
    assert failing(day.grade()) == {"pauses_agree"}


def test_a_call_the_display_missed(day: Day) -> None:
    day.display.remove(day.display[1])
    assert failing(day.grade()) == {"display_saw_every_call"}


def test_a_ticket_called_while_another_window_held_it(day: Day) -> None:
    """A second `called` event for the ticket window 9 holds, as if window 3 took it too."""
    called = day.service.at_window("9")
    assert called is not None

    def call_again(conn: Connection) -> None:
        columns = 'at, day, kind, ticket_id, department, "window", staff, state, data'
        at_window_3 = columns.replace('"window"', "'3'")
        conn.execute(
            text(
                f"INSERT INTO events ({columns}) SELECT {at_window_3} FROM events"
                " WHERE ticket_id = :t AND kind = 'called'"
            ),
            {"t": called.id},
        )

    day.sql(call_again)
    new_call = day.service.last_event_id()
    day.display.append(new_call)  # the display saw it: only the double call is wrong
    assert failing(day.grade()) == {"called_while_held"}


def test_statistics_that_disagree_with_the_tickets(day: Day) -> None:
    """The statistics count a ticket by its `issued` event: one lost, and they miss a ticket."""
    waiting = day.issued[3]  # never called, so its history stays consistent otherwise
    day.sql(
        lambda conn: conn.execute(
            text("DELETE FROM events WHERE kind = 'issued' AND ticket_id = :t"), {"t": waiting}
        )
    )
    assert failing(day.grade()) == {"stats_agree"}


# The booked visitors' checks (bench.soak.check_bookings) -------------------------------------------

BOOKING_ZERO = ["slots_overbooked", "booked_after_booked_while_walk_ins_past_sla"]
BOOKING_HOLDS = ["every_check_in_accounted", "no_booking_left_open"]


@dataclass
class BookedDay:
    settings: Settings
    service: QueueService
    issued: list[int]
    checked_in: dict[str, int]
    codes: list[str]

    def grade(self) -> dict[str, Any]:
        plan = Plan(seconds=60, kiosks=1, windows=["6", "7"], visitors=4, day=MONDAY_10.date())
        return check_bookings(self.settings, plan, self.issued, self.checked_in, {})

    def sql(self, statement: str, **values: Any) -> None:
        self.service.db.dispose()
        with self.service.db.engine.connect() as conn:
            conn.execute(text(statement), values)
            conn.commit()


def booking_failures(report: dict[str, Any]) -> set[str]:
    return {k for k in BOOKING_HOLDS if not report[k]} | {k for k in BOOKING_ZERO if report[k]}


@pytest.fixture
def booked_day(tmp_path: Path, db_url: str) -> Iterator[BookedDay]:
    """A walk-in at 10:00; two booked for 10:20 check in at 10:16 and are called at 10:21 at windows 6
    and 7 (the walk-in has waited past the SLA, but neither window called two booked in a row); a
    third, booked for 10:40, never comes."""
    settings = make_settings(tmp_path, db_url, open_around_the_clock=True)
    clock = FixedClock(MONDAY_10)
    initialise(settings, clock)
    service = open_service(settings, clock)
    walk_in = service.issue("pension-new").ticket.id
    codes = [service.book("pension-new", datetime(2026, 11, 23, 10, 20)).code for _ in range(2)]
    codes.append(service.book("pension-new", datetime(2026, 11, 23, 10, 40)).code)
    clock.advance(minutes=16)
    checked_in = {code: service.check_in(code).ticket.id for code in codes[:2]}
    clock.advance(minutes=5)
    called = [service.call_next("6").id, service.call_next("7").id]
    assert called == list(checked_in.values()), "the booked visitors first: the walk-in waits"
    yield BookedDay(settings, service, [walk_in, *checked_in.values()], checked_in, codes)
    service.db.dispose()


def test_the_booked_day_as_it_happened_passes(booked_day: BookedDay) -> None:
    report = booked_day.grade()
    assert booking_failures(report) == set() and report["bookings_ok"], report
    assert report["bookings_by_state"] == {"checked_in": 2, "no_show": 1}, "the end of the day closed it"
    assert report["booked_after_booked_calls"] == 0


def test_a_slot_overbooked(booked_day: BookedDay) -> None:
    """The third booking moved into the full 10:20 slot on a seat of its own (seat 3 of 2)."""
    booked_day.sql(
        "UPDATE bookings SET at = (SELECT at FROM bookings WHERE code = :first), seat = 3"
        " WHERE code = :third",
        first=booked_day.codes[0],
        third=booked_day.codes[2],
    )
    assert booking_failures(booked_day.grade()) == {"slots_overbooked"}


def test_a_check_in_whose_ticket_lost_its_slot(booked_day: BookedDay) -> None:
    booked_day.sql("UPDATE tickets SET booked_at = NULL WHERE id = :t", t=booked_day.issued[1])
    assert booking_failures(booked_day.grade()) == {"every_check_in_accounted"}


def test_a_check_in_the_kiosk_saw_but_the_booking_does_not_know(booked_day: BookedDay) -> None:
    booked_day.sql(
        "UPDATE bookings SET state = 'cancelled', ticket_id = NULL WHERE code = :c", c=booked_day.codes[0]
    )
    assert booking_failures(booked_day.grade()) == {"every_check_in_accounted"}


def test_two_booked_in_a_row_while_a_walk_in_waits_past_the_sla(booked_day: BookedDay) -> None:
    """Window 7's call moved to window 6: window 6 called two booked visitors in a row while the
    walk-in had waited 21 minutes (SLA 15)."""
    booked_day.sql(
        "UPDATE events SET \"window\" = '6' WHERE kind = 'called' AND ticket_id = :t", t=booked_day.issued[2]
    )
    report = booked_day.grade()
    assert booking_failures(report) == {"booked_after_booked_while_walk_ins_past_sla"}
    assert report["booked_after_booked_calls"] == 1


def test_the_alerts_check_wants_each_breach_warned_of_and_each_alert_gone_after_the_call(
    service: QueueService, clock: FixedClock
) -> None:
    """Two walk-ins at 10:00: one called at 10:05 (no breach), one at 10:30 (waited past the
    15-minute target); the desk saw its alert from 10:10 until the call."""
    early, late = (service.issue("pension-new").ticket for _ in range(2))
    clock.set(MONDAY_10 + timedelta(minutes=5))
    assert service.call_next("6").id == early.id
    service.no_show(window="6")
    clock.set(MONDAY_10 + timedelta(minutes=30))
    assert service.call_next("6").id == late.id
    with service.db.read() as s:
        tickets = {int(t.id): t for t in s.scalars(select(Ticket))}
        events = list(s.scalars(select(Event).where(Event.ticket_id.is_not(None)).order_by(Event.id)))
    plan = Plan(seconds=600, kiosks=1, windows=["6"], visitors=2)  # a long enough day to be judged
    at = {minute: MONDAY_10 + timedelta(minutes=minute) for minute in (10, 11, 30, 60)}
    key = (late.id, late.department)

    def judged(tickets_seen: dict[tuple[int, str], tuple[datetime, datetime]]) -> dict[str, Any]:
        seen = {"tickets": tickets_seen, "lines": {"pensions": [at[11]]}, "until": at[60]}
        return check_alerts(service, plan, events, tickets, seen, timedelta(minutes=1))

    report = judged({key: (at[10], at[30])})
    assert report["alerts_judged"] and report["alerts_ok"], report
    assert (report["alerts_breaches"], report["line_forecast_before_breach_share"]) == (1, 1.0)
    assert not judged({})["alerts_ok"]  # never warned of
    assert not judged({key: (at[30], at[30])})["alerts_ok"]  # seen only at the call, after the breach
    assert judged({key: (at[10], at[60])})["alerts_left_after_the_call"] == 1
