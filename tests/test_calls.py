"""Calls that must be refused, on SQLite and PostgreSQL: a window outside the ticket's department (the
front desk may override it with a reason), a ticket of a past day, and a scanned ticket that is over."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from kiosk.clock import FixedClock
from kiosk.domain.tickets import State
from kiosk.errors import InvalidTransition, KioskError, QueueEmpty, ScanRefused, WrongWindow
from kiosk.service import QueueService
from tests.conftest import MONDAY_10


def rows(service: QueueService) -> tuple[list[object], list[object]]:
    """Every ticket and every event as the service sees them (a refusal must change none)."""
    return service.day_view(), service.audit()


def test_a_ticket_is_called_only_to_a_window_of_its_department(service: QueueService) -> None:
    ticket = service.issue("pension-new").ticket  # pensions: windows 6, 7, 8
    before = rows(service)
    with pytest.raises(WrongWindow, match=r"P-001 \(pensions\) is served at window 6, 7, 8, not at window 9"):
        service.call(ticket.code, "9")
    assert rows(service) == before
    assert service.call(ticket.code, "7").window == "7"


def test_every_way_back_to_a_window_keeps_the_rule(service: QueueService) -> None:
    ticket = service.issue("pension-new").ticket
    service.call(ticket.code, "6")
    service.start(window="6")
    service.hold(window="6")  # on hold: called again from the hold
    with pytest.raises(WrongWindow):
        service.call(ticket.code, "9")
    service.call(ticket.code, "8")
    service.return_to_queue(window="8")  # returned: waiting again, at no window
    with pytest.raises(WrongWindow):
        service.call(ticket.code, "1")
    service.call(ticket.code, "6")
    moved = service.transfer(ticket.code, "employment")  # transferred while at window 6
    assert (moved.state, moved.window) == (State.WAITING, None)
    with pytest.raises(WrongWindow, match="served at window 9, 10, not at window 6"):
        service.call(ticket.code, "6")
    with pytest.raises(QueueEmpty, match="nobody is waiting"):
        service.call_next("6")  # window 6 serves pensions only
    assert service.call(ticket.code, "9").window == "9"


def test_the_front_desk_overrides_with_a_reason_that_is_kept(service: QueueService) -> None:
    ticket = service.issue("pension-new").ticket
    before = rows(service)
    for blank in ("", "   "):
        with pytest.raises(KioskError, match="say why"):
            service.call(ticket.code, "9", staff="Olena", override=blank)
    assert rows(service) == before
    called = service.call(ticket.code, "9", staff="Olena", override=" the clerk at 9 speaks Turkish ")
    assert (called.state, called.window) == (State.CALLED, "9")
    last = service.history(ticket.id)[-1]
    assert (last.kind, last.window, last.staff) == ("called", "9", "Olena")
    assert last.data == {"code": "P-001", "override": "the clerk at 9 speaks Turkish", "language": "en"}
    plain = service.issue("pension-new").ticket
    service.call(plain.code, "6")
    assert "override" not in service.history(plain.id)[-1].data


def test_a_past_days_ticket_is_never_called(service: QueueService, clock: FixedClock) -> None:
    yesterday = service.issue("pension-new").ticket
    at_window = service.issue("pension-new").ticket
    service.call(at_window.code, "7")
    clock.set(MONDAY_10 + timedelta(days=1))
    today = service.issue("pension-new").ticket  # the first change of the day closes Monday
    service.call(today.code, "6")
    for ref in (yesterday.id, str(yesterday.id)):
        with pytest.raises(InvalidTransition, match=r"P-001 is from 23\.11\.2026, not from today"):
            service.call(ref, "6")
        with pytest.raises(InvalidTransition, match=r"P-001 is from 23\.11\.2026, not from today"):
            service.call(ref, "8")
    with pytest.raises(InvalidTransition, match=r"P-002 is from 23\.11\.2026, not from today"):
        service.recall(at_window.id)
    assert service.ticket(yesterday.id).state == State.CLOSED
    assert service.ticket(at_window.id).state == State.CLOSED
    assert service.at_window("6") == service.ticket(today.id)


def test_the_rollover_closes_past_days_before_the_first_change(
    service: QueueService, clock: FixedClock
) -> None:
    left = service.issue("pension-new").ticket
    clock.set(MONDAY_10 + timedelta(days=1))
    assert service.ticket(left.id).state == State.WAITING  # reading changes nothing
    with pytest.raises(QueueEmpty, match="nobody is waiting"):
        service.call_next("6")  # a change: Monday is closed first
    closed = service.ticket(left.id)
    assert closed.state == State.CLOSED
    assert service.history(left.id)[-1].data == {"reason": "left open at the end of the day"}


def test_the_rollover_costs_one_query_a_day(service: QueueService, clock: FixedClock) -> None:
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(service.db.engine, "before_cursor_execute", seen)
    try:
        service.issue("pension-new")
        first = statements[:]
        service.issue("pension-new")
        clock.set(MONDAY_10 + timedelta(hours=9))
        service.issue("pension-new")
        same_day = statements[:]
        clock.set(MONDAY_10 + timedelta(days=1))
        service.issue("pension-new")
    finally:
        event.remove(service.db.engine, "before_cursor_execute", seen)

    def looks(found: list[str]) -> int:
        return sum("tickets.day" in s and "UNION" in s for s in found)  # with bookings nobody used

    assert looks(first) == 1, "one look for past open tickets and bookings, at the day's first change"
    assert looks(same_day) == 1, "the later changes of the same day do not look again"
    assert looks(statements) == 2, "the next day looks once more"


@pytest.mark.parametrize(
    ("steps", "reason", "message"),
    [
        (["call", "start", "finish"], "done", "P-001 is served already"),
        (["cancel"], "cancelled", "P-001 is cancelled already"),
        (["close"], "closed", "P-001 is closed already"),
    ],
)
def test_scanning_a_ticket_that_is_over_is_refused(
    service: QueueService, steps: list[str], reason: str, message: str
) -> None:
    issued = service.issue("pension-new")
    actions = {
        "call": lambda: service.call(issued.ticket.id, "6"),
        "start": lambda: service.start(window="6"),
        "finish": lambda: service.finish(window="6"),
        "cancel": lambda: service.cancel(issued.ticket.id, reason="left"),
        "close": lambda: service.close_day(),
    }
    assert service.open_scanned(issued.qr).state == State.WAITING
    for step in steps:
        actions[step]()
    with pytest.raises(ScanRefused, match=message) as refused:
        service.open_scanned(issued.qr)
    assert (refused.value.reason, refused.value.number) == (reason, "P-001")


def test_a_no_show_scans_as_valid_since_it_may_return(service: QueueService) -> None:
    issued = service.issue("pension-new")
    service.call(issued.ticket.id, "6")
    service.no_show(window="6")
    assert service.open_scanned(issued.qr).state == State.NO_SHOW
    assert service.return_to_queue(issued.ticket.id).state == State.WAITING
