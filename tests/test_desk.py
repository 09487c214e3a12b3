"""The front desk's operations through the service API, on SQLite and PostgreSQL: changing a ticket's
priority with a reason, the quick transaction, closing a department for the day, print faults and the
day's audit trail."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest

from kiosk.clock import FixedClock
from kiosk.domain.tickets import Issued, State
from kiosk.errors import DepartmentClosed, InvalidTransition, KioskError, NotFound
from kiosk.service import QueueService
from tests.conftest import MONDAY_10

# Change of priority ---------------------------------------------------------------------------


def test_giving_priority_moves_a_ticket_ahead(service: QueueService, clock: FixedClock) -> None:
    first = service.issue("pension-new").ticket
    clock.advance(minutes=1)
    second = service.issue("pension-new").ticket
    clock.advance(minutes=1)
    changed = service.change_priority(second.code, "veteran", "  showed a veteran card  ", staff="iryna")
    assert (changed.priority, changed.state) == ("veteran", State.WAITING)
    assert service.ahead_of(second.code) == 0 and service.ahead_of(first.code) == 1

    event = service.history(second.id)[-1]
    assert event.kind == "priority_changed"
    assert event.data == {"from": None, "to": "veteran", "reason": "showed a veteran card"}
    assert (event.staff, event.state, event.department) == ("iryna", "waiting", "pensions")
    assert event.at == clock.now()

    assert service.call_next("6").id == second.id
    assert service.call_next("7").id == first.id


def test_taking_priority_away_puts_a_ticket_back_in_arrival_order(
    service: QueueService, clock: FixedClock
) -> None:
    plain = service.issue("pension-new").ticket
    clock.advance(minutes=1)
    wrong = service.issue("pension-new", priority="aged-80").ticket
    assert service.ahead_of(plain.code) == 1
    taken = service.change_priority(wrong.code, None, "the document was not valid", staff="iryna")
    assert taken.priority is None
    assert service.history(wrong.id)[-1].data == {
        "from": "aged-80",
        "to": None,
        "reason": "the document was not valid",
    }
    assert service.call_next("6").id == plain.id
    assert service.call_next("7").id == wrong.id


def test_priority_change_needs_a_reason_and_a_known_category(service: QueueService) -> None:
    ticket = service.issue("pension-new").ticket
    for reason in ("", "   "):
        with pytest.raises(KioskError, match="say why"):
            service.change_priority(ticket.code, "veteran", reason)
    with pytest.raises(NotFound, match="priority"):
        service.change_priority(ticket.code, "vip", "asked nicely")
    assert service.ticket(ticket.id).priority is None
    assert [e.kind for e in service.history(ticket.id)] == ["issued"]


def test_priority_change_is_refused_once_the_ticket_is_done(service: QueueService) -> None:
    ticket = service.issue("pension-new").ticket
    service.call_next("6")
    service.start(window="6")
    service.finish(window="6")
    with pytest.raises(InvalidTransition, match="too late"):
        service.change_priority(ticket.code, "veteran", "late document")
    assert service.ticket(ticket.id).priority is None


def test_priority_change_of_a_called_ticket_is_allowed(service: QueueService) -> None:
    ticket = service.issue("pension-new").ticket
    service.call_next("6")
    changed = service.change_priority(ticket.code, "pregnant", "told the window")
    assert (changed.priority, changed.state, changed.window) == ("pregnant", State.CALLED, "6")


# Quick transaction ----------------------------------------------------------------------------


def test_quick_transaction_is_done_at_once_and_counts_as_served(
    service: QueueService, clock: FixedClock
) -> None:
    done = service.quick_transaction("info-general", language="uk", staff="iryna")
    assert (done.code, done.department, done.state, done.language) == ("I-001", "info", State.DONE, "uk")
    history = service.history(done.id)
    assert [e.kind for e in history] == ["issued", "started", "finished"]
    assert [e.state for e in history] == ["waiting", "serving", "done"]
    assert [e.window for e in history[1:]] == ["desk", "desk"]
    assert {e.staff for e in history} == {"iryna"}
    assert history[0].data["source"] == "desk"
    assert all(e.at == clock.now() for e in history)

    # a quick transaction is served; it waited in no line and nobody is left waiting
    info = {d.department: d for d in service.stats().departments}["info"]
    assert (info.issued, info.served, info.waiting_now, info.no_shows) == (1, 1, 0, 0)
    assert info.wait.count == 0
    assert (info.service.count, info.service.max) == (1, 0.0)
    assert service.stats().total.served == 1
    assert service.waiting_counts()["info"] == 0
    # the next visitor of the department gets the next number
    assert service.issue("info-general").ticket.code == "I-002"


def test_quick_transaction_never_takes_over_a_ticket_a_window_called(
    service: QueueService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ticket is issued in one transaction and served in the next: a window calling next in
    between must keep it, not see it silently finished at the desk."""
    issue = service.issue

    def issue_then_window_calls(*args: Any, **kwargs: Any) -> Issued:
        issued = issue(*args, **kwargs)
        service.call_next("1", staff="olena")
        return issued

    monkeypatch.setattr(service, "issue", issue_then_window_calls)
    with pytest.raises(InvalidTransition, match="called to window 1"):
        service.quick_transaction("info-general", staff="iryna")
    ticket = service.day_view()[0]
    assert (ticket.state, ticket.window) == (State.CALLED, "1")
    assert [e.kind for e in service.history(ticket.id)] == ["issued", "called"]


def test_quick_transaction_of_a_closed_department_is_refused(service: QueueService) -> None:
    service.set_department_open("info", False, staff="iryna")
    with pytest.raises(DepartmentClosed):
        service.quick_transaction("info-general")
    assert service.day_view() == []


# Closing a department for the day -------------------------------------------------------------


def test_closing_a_department_for_the_day_and_reopening_it(service: QueueService, clock: FixedClock) -> None:
    assert service.opening("pensions").open
    service.set_department_open("pensions", False, staff="iryna")

    opening = service.opening("pensions")
    assert (opening.open, opening.reason) == (False, "closed_today")
    assert opening.hours == "08:00-14:00, 14:00-20:00"
    assert service.closed_today() == {"pensions"}
    with pytest.raises(DepartmentClosed) as caught:
        service.issue("pension-new")
    assert caught.value.reason == "closed_today"
    assert "is closed today" in str(caught.value)
    # the other departments keep giving tickets
    assert service.issue("job-register").ticket.code == "E-001"

    clock.advance(minutes=30)
    service.set_department_open("pensions", True, staff="iryna")
    assert service.opening("pensions").open
    assert service.closed_today() == set()
    assert service.issue("pension-new").ticket.code == "P-001"

    kinds = [(e.kind, e.department, e.staff) for e in service.audit() if e.kind.startswith("department")]
    assert kinds == [("department_opened", "pensions", "iryna"), ("department_closed", "pensions", "iryna")]


def test_a_department_closed_today_opens_again_the_next_day(service: QueueService, clock: FixedClock) -> None:
    service.set_department_open("pensions", False)
    assert not service.opening("pensions").open
    clock.set(MONDAY_10 + timedelta(days=1))
    assert service.opening("pensions").open
    assert service.issue("pension-new").ticket.code == "P-001"


def test_closing_an_unknown_department_is_refused(service: QueueService) -> None:
    with pytest.raises(NotFound):
        service.set_department_open("astrology", False)
    assert service.closed_today() == set()


# Today's last-ticket time ---------------------------------------------------------------------


def test_moving_todays_last_ticket_earlier_and_back(service: QueueService, clock: FixedClock) -> None:
    assert service.opening("pensions").cutoff == time(19, 30)  # the catalogue's
    assert service.set_last_ticket("pensions", time(11, 0), staff="iryna") == time(11, 0)
    assert service.issue("pension-new").ticket.code == "P-001"  # 10:00, before it

    clock.advance(minutes=61)  # 11:01
    opening = service.opening("pensions")
    assert (opening.open, opening.reason, opening.cutoff) == (False, "after_cutoff", time(11, 0))
    with pytest.raises(DepartmentClosed) as caught:
        service.issue("pension-recalc")
    assert "last ticket 11:00" in str(caught.value)
    assert service.issue("job-register").ticket.code == "E-001"  # other departments unchanged

    service.set_last_ticket("pensions", None, staff="iryna")  # back to the usual 19:30
    assert service.opening("pensions").open
    assert service.issue("pension-recalc").ticket.code == "P-002"
    moves = [(e.kind, e.staff, e.data) for e in service.audit() if e.kind == "last_ticket_set"]
    assert moves == [
        ("last_ticket_set", "iryna", {"last_ticket": None}),
        ("last_ticket_set", "iryna", {"last_ticket": "11:00"}),
    ]


def test_a_later_last_ticket_holds_for_today_only(service: QueueService, clock: FixedClock) -> None:
    service.set_last_ticket("pensions", time(19, 55))
    clock.set(MONDAY_10.replace(hour=19, minute=45))
    assert service.opening("pensions").open  # past the usual 19:30, before today's 19:55
    clock.set(MONDAY_10.replace(hour=19, minute=45) + timedelta(days=1))
    opening = service.opening("pensions")
    assert (opening.open, opening.cutoff) == (False, time(19, 30))


@pytest.mark.parametrize("at", [time(7, 0), time(8, 0), time(20, 30), time(23, 59)])
def test_a_last_ticket_outside_the_hours_is_refused(service: QueueService, at: time) -> None:
    with pytest.raises(InvalidTransition, match="outside the hours"):
        service.set_last_ticket("pensions", at)
    assert service.opening("pensions").cutoff == time(19, 30)
    assert not [e for e in service.audit() if e.kind == "last_ticket_set"]


# Print faults and the audit trail -------------------------------------------------------------


def test_print_faults_clear_when_the_ticket_is_reprinted(service: QueueService, clock: FixedClock) -> None:
    good = service.issue("pension-new").ticket
    bad = service.issue("pension-new").ticket
    worse = service.issue("job-register").ticket
    service.record_notice("printed", good.id, {"printer": "test"})
    service.record_notice("print_failed", bad.id, {"reason": "paper_out", "reprint": False})
    service.record_notice("print_failed", worse.id, {"reason": "offline", "reprint": False})
    assert service.print_faults() == {bad.id, worse.id}

    clock.advance(minutes=2)
    service.record_notice("reprinted", bad.id, {"printer": "test"}, staff="iryna")
    assert service.print_faults() == {worse.id}
    service.record_notice("print_failed", worse.id, {"reason": "offline", "reprint": True})
    assert service.print_faults() == {worse.id}
    # another day has its own faults
    assert service.print_faults(MONDAY_10.date() + timedelta(days=1)) == set()
    # notices change no ticket
    assert service.ticket(bad.id).state == State.WAITING


def test_audit_lists_the_days_events_newest_first_with_staff(
    service: QueueService, clock: FixedClock
) -> None:
    ticket = service.issue("pension-new", staff="iryna").ticket
    clock.advance(minutes=1)
    service.change_priority(ticket.code, "veteran", "card shown", staff="iryna")
    clock.advance(minutes=1)
    service.call_next("6", staff="olena")
    clock.advance(minutes=1)
    service.set_department_open("family", False, staff="iryna")

    audit = service.audit()
    head = [(e.kind, e.staff, e.ticket_id) for e in audit[:4]]
    assert head == [
        ("department_closed", "iryna", None),
        ("called", "olena", ticket.id),
        ("priority_changed", "iryna", ticket.id),
        ("issued", "iryna", ticket.id),
    ]
    assert [e.id for e in audit] == sorted((e.id for e in audit), reverse=True)
    assert {e.day for e in audit} == {MONDAY_10.date()}
    assert len(service.audit(limit=2)) == 2
    assert service.audit(MONDAY_10.date() - timedelta(days=1)) == []
