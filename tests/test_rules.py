"""The queue's rules through the service API, on SQLite and PostgreSQL: numbering, order, hours,
the state machine, transfers and the day boundary."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.clock import FixedClock
from kiosk.domain.tickets import State, queue_order
from kiosk.errors import (
    DepartmentClosed,
    InvalidTransition,
    NotFound,
    PriorityRefused,
    QueueEmpty,
    WindowBusy,
)
from kiosk.runtime import initialise, open_service
from kiosk.service import QueueService
from tests.conftest import MONDAY_10, make_settings


def test_numbers_start_at_one_per_department_and_day(service: QueueService) -> None:
    codes = [service.issue(s).ticket.code for s in ("pension-new", "pension-recalc", "job-register")]
    assert codes == ["P-001", "P-002", "E-001"]


def test_issue_reports_people_ahead_and_a_wait(service: QueueService) -> None:
    first = service.issue("pension-new")
    second = service.issue("pension-certificate")
    assert (first.ahead, second.ahead) == (0, 1)
    assert second.wait_minutes > 0
    assert second.ticket.windows == ("6", "7", "8")
    assert second.qr.startswith("K1:")


def test_priority_first_then_first_come(service: QueueService, clock: FixedClock) -> None:
    early = service.issue("pension-new")
    clock.advance(minutes=1)
    veteran = service.issue("pension-new", priority="veteran")
    clock.advance(minutes=1)
    later = service.issue("pension-new")
    clock.advance(minutes=1)
    aged = service.issue("pension-recalc", priority="aged-80")
    order = []
    for _ in range(4):
        ticket = service.call_next("6")
        order.append(ticket.code)
        service.start(window="6")
        service.finish(window="6")
    assert order == [veteran.ticket.code, aged.ticket.code, early.ticket.code, later.ticket.code]
    with pytest.raises(QueueEmpty):
        service.call_next("6")


def test_the_views_order_is_the_queues_order(service: QueueService, clock: FixedClock) -> None:
    """`queue_order` (what a screen sorts views by) calls in the order call-next does, through
    priority changes, a return to the queue that keeps the ticket's place and a move to the back."""
    for priority in (None, "veteran", None, None, "aged-80", None):
        service.issue("pension-new", priority=priority)
        clock.advance(minutes=1)
    service.change_priority("P-003", "veteran", "showed a card")
    service.change_priority("P-002", None, "not valid")
    service.call_next("6")
    service.return_to_queue(window="6")
    service.transfer("P-001", "pensions", to_end=True)  # to the back: its place is now, not its id
    waiting = [t for t in service.day_view() if t.state == State.WAITING]
    expected = [t.code for t in sorted(waiting, key=queue_order)]
    called = []
    for _ in waiting:
        called.append(service.call_next("6").code)
        service.start(window="6")
        service.finish(window="6")
    assert called == expected
    assert expected[:2] == ["P-003", "P-005"] and expected[-1] == "P-001"


def test_priority_right_once_a_day_per_service(service: QueueService) -> None:
    service.issue("pension-new", priority="veteran", holder="AB 123456", source="cli")
    with pytest.raises(PriorityRefused):
        service.issue("pension-new", priority="veteran", holder="ab123456", source="cli")
    # another service, or another document, is fine
    service.issue("pension-recalc", priority="veteran", holder="AB 123456", source="cli")
    service.issue("pension-new", priority="veteran", holder="CD 999", source="cli")


def test_priority_right_works_again_the_next_day(service: QueueService, clock: FixedClock) -> None:
    first = service.issue("pension-new", priority="veteran", holder="AB 123456")
    clock.advance(hours=9)  # 19:00, still the same day: still refused
    with pytest.raises(PriorityRefused):
        service.issue("pension-new", priority="veteran", holder="AB 123456")
    clock.advance(hours=15)  # 10:00 the next morning
    again = service.issue("pension-new", priority="veteran", holder="AB 123456")
    assert (again.ticket.priority, again.ticket.day) == ("veteran", first.ticket.day + timedelta(days=1))
    with pytest.raises(PriorityRefused):  # and once on that day too
        service.issue("pension-new", priority="veteran", holder="AB 123456")


def test_cancelled_priority_ticket_frees_the_right(service: QueueService) -> None:
    first = service.issue("pension-new", priority="disability", holder="X1", source="desk")
    service.cancel(first.ticket.code)
    service.issue("pension-new", priority="disability", holder="X1", source="desk")


def test_unknown_names_are_refused(service: QueueService) -> None:
    with pytest.raises(NotFound, match="unknown service"):
        service.issue("no-such-service")
    with pytest.raises(NotFound, match="priority"):
        service.issue("pension-new", priority="vip")
    with pytest.raises(NotFound, match="window"):
        service.call_next("99")
    with pytest.raises(NotFound, match="language"):
        service.issue("pension-new", language="de")


@pytest.mark.parametrize(
    ("local", "reason"),
    [
        (datetime(2026, 11, 23, 7, 59), "before_opening"),
        (datetime(2026, 11, 23, 19, 30), "after_cutoff"),
        (datetime(2026, 11, 23, 21, 0), "after_cutoff"),
        (datetime(2026, 11, 28, 10, 0), "closed_today"),  # Saturday
    ],
)
def test_closed_department_is_refused_with_reason(
    service: QueueService, clock: FixedClock, local: datetime, reason: str
) -> None:
    clock.set(local.replace(tzinfo=ZoneInfo("Europe/Kyiv")))
    with pytest.raises(DepartmentClosed) as caught:
        service.issue("pension-new")
    assert caught.value.reason == reason
    assert "08:00-14:00, 14:00-20:00" in str(caught.value)
    assert service.day_view() == []


def test_last_minute_before_cutoff_and_second_shift_are_open(
    service: QueueService, clock: FixedClock
) -> None:
    kyiv = ZoneInfo("Europe/Kyiv")
    clock.set(datetime(2026, 11, 23, 19, 29, 59, tzinfo=kyiv))
    assert service.issue("pension-new").ticket.code == "P-001"
    clock.set(datetime(2026, 11, 23, 14, 0, tzinfo=kyiv))
    assert service.opening("pensions").open


def test_around_the_clock_setting_ignores_hours(tmp_path: Path, sqlite_url: str) -> None:
    settings = make_settings(tmp_path, sqlite_url, open_around_the_clock=True)
    clock = FixedClock(datetime(2026, 11, 29, 3, 0, tzinfo=ZoneInfo("Europe/Kyiv")))  # Sunday night
    initialise(settings, clock)
    assert open_service(settings, clock).issue("pension-new").ticket.code == "P-001"


def test_day_boundary_follows_local_midnight_far_from_utc(tmp_path: Path, sqlite_url: str) -> None:
    """Kiritimati is UTC+14: its new day starts at 10:00 UTC the day before."""
    zone = ZoneInfo("Pacific/Kiritimati")
    settings = make_settings(tmp_path, sqlite_url, timezone="Pacific/Kiritimati", open_around_the_clock=True)
    clock = FixedClock(datetime(2026, 11, 23, 23, 59, 30, tzinfo=zone))
    initialise(settings, clock)
    service = open_service(settings, clock)
    before = service.issue("pension-new").ticket
    clock.advance(seconds=60)  # 00:00:30 local on the 24th, still 10:00 UTC on the 23rd
    after = service.issue("pension-new").ticket
    assert clock.now().date().isoformat() == "2026-11-23"
    assert (before.day.isoformat(), before.code) == ("2026-11-23", "P-001")
    assert (after.day.isoformat(), after.code) == ("2026-11-24", "P-001")
    assert [t.code for t in service.day_view()] == ["P-001"]
    assert service.call_next("6").id == after.id  # today's ticket; yesterday's is never called today
    with pytest.raises(QueueEmpty):
        service.call_next("7")


def test_state_machine_full_cycle_and_events(service: QueueService, clock: FixedClock) -> None:
    ticket = service.issue("pension-new").ticket
    clock.advance(minutes=5)
    assert service.call_next("6", staff="olena").state == State.CALLED
    clock.advance(seconds=30)
    service.recall(window="6", staff="olena")
    clock.advance(seconds=30)
    assert service.start(window="6").state == State.SERVING
    clock.advance(minutes=10)
    done = service.finish(ticket.code)
    assert (done.state, done.window) == (State.DONE, "6")
    history = service.history(ticket.code)
    assert [e.kind for e in history] == ["issued", "called", "recalled", "started", "finished"]
    assert [e.state for e in history] == ["waiting", "called", "called", "serving", "done"]
    assert history[1].staff == "olena" and history[1].window == "6"


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ([], "finish"),
        ([], "start"),
        ([], "no_show"),
        (["call", "start"], "no_show"),
        (["call", "start", "finish"], "cancel"),
        (["call", "no_show"], "start"),
    ],
)
def test_invalid_transitions_are_refused(service: QueueService, setup: list[str], action: str) -> None:
    code = service.issue("pension-new").ticket.code
    for step in setup:
        if step == "call":
            service.call_next("6")
        else:
            getattr(service, step)(code)
    with pytest.raises(InvalidTransition, match=code):
        getattr(service, action)(code)


def test_no_show_then_late_arrival_returns_to_queue(service: QueueService) -> None:
    ticket = service.issue("pension-new").ticket
    service.call_next("6")
    service.no_show(window="6")
    back = service.return_to_queue(ticket.code)
    assert (back.state, back.window) == (State.WAITING, None)
    assert service.call_next("7").id == ticket.id


def test_hold_and_call_again(service: QueueService) -> None:
    ticket = service.issue("pension-new").ticket
    service.issue("pension-new")
    service.call_next("6")
    service.start(window="6")
    held = service.hold(window="6")
    assert held.state == State.ON_HOLD
    assert service.call(ticket.code, "6").state == State.CALLED


def test_call_next_finishes_the_one_being_served_but_not_a_called_one(service: QueueService) -> None:
    first = service.issue("pension-new").ticket
    second = service.issue("pension-new").ticket
    service.issue("pension-new")
    service.call_next("6")
    with pytest.raises(WindowBusy):
        service.call_next("6")
    service.start(window="6")
    assert service.call_next("6").id == second.id
    assert service.ticket(first.id).state == State.DONE


def test_a_paused_window_calls_nobody_until_it_resumes(service: QueueService) -> None:
    first = service.issue("pension-new").ticket
    service.pause_window("6", True, reason="lunch")
    service.pause_window("7", False)  # another window's resume changes nothing at 6
    with pytest.raises(WindowBusy, match="on a break"):
        service.call_next("6")
    assert service.call_next("7").id == first.id, "window 7 was never paused"
    second = service.issue("pension-new").ticket
    service.pause_window("6", False)
    assert service.call_next("6").id == second.id


def test_one_window_never_holds_two_tickets(service: QueueService) -> None:
    a = service.issue("pension-new").ticket
    b = service.issue("pension-new").ticket
    service.call(a.code, "6")
    with pytest.raises(WindowBusy):
        service.call(b.code, "6")


def test_transfer_keeps_number_history_and_place(service: QueueService, clock: FixedClock) -> None:
    moved = service.issue("pension-new").ticket
    clock.advance(minutes=2)
    job_seeker = service.issue("job-register").ticket
    service.call_next("6")
    service.start(window="6")
    clock.advance(minutes=3)
    after = service.transfer(
        moved.code, "employment", service="job-benefit", staff="desk", note="needs benefit"
    )
    assert (after.code, after.department, after.service) == ("P-001", "employment", "job-benefit")
    assert (after.state, after.window, after.windows) == (State.WAITING, None, ("9", "10"))
    kinds = [e.kind for e in service.history(moved.id)]
    assert kinds == ["issued", "called", "started", "transferred"]
    transferred = service.history(moved.id)[-1]
    assert transferred.data == {
        "from": "pensions",
        "to": "employment",
        "service": "job-benefit",
        "note": "needs benefit",
    }
    # arrived first, so it keeps its place ahead of the later job seeker
    assert service.call_next("9").id == moved.id
    assert service.call_next("10").id == job_seeker.id
    # the number still belongs to its issuing department: the next P ticket is P-002
    assert service.issue("pension-new").ticket.code == "P-002"
    assert service.issue("job-register").ticket.code == "E-002"


def test_transfer_to_end_of_line_and_wrong_service(service: QueueService, clock: FixedClock) -> None:
    moved = service.issue("pension-new").ticket
    clock.advance(minutes=1)
    other = service.issue("job-register").ticket
    clock.advance(minutes=1)
    with pytest.raises(NotFound, match="belongs to"):
        service.transfer(moved.code, "employment", service="pension-recalc")
    service.transfer(moved.code, "employment", to_end=True)
    assert service.call_next("9").id == other.id


def test_close_day_closes_open_tickets_and_keeps_history(service: QueueService, clock: FixedClock) -> None:
    waiting = service.issue("pension-new").ticket
    called = service.issue("pension-new").ticket
    done = service.issue("job-register").ticket
    service.call_next("6")
    service.call_next("9")
    service.start(done.code)
    service.finish(done.code)
    assert service.close_day(reason="end of day") == 2
    states = {t.code: t.state for t in service.day_view()}
    assert states == {waiting.code: State.CLOSED, called.code: State.CLOSED, done.code: State.DONE}
    assert service.history(called.code)[-1].data == {"reason": "end of day"}


def test_past_days_left_open_are_closed(service: QueueService, clock: FixedClock) -> None:
    service.issue("pension-new")
    clock.set(MONDAY_10 + timedelta(days=1))
    assert service.close_past_days() == 1
    assert service.close_past_days() == 0


def test_ticket_lookup_by_number_is_forgiving(service: QueueService) -> None:
    ticket = service.issue("pension-new").ticket
    for ref in ("P-001", "p1", "P 001", str(ticket.id), ticket.id):
        assert service.ticket(ref).id == ticket.id
    with pytest.raises(NotFound):
        service.ticket("P-002")
    with pytest.raises(NotFound, match="not a ticket number"):
        service.ticket("hello")
