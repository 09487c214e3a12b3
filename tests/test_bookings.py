"""Booked visits in the core, on SQLite and PostgreSQL: slots from the catalogue, booking, moving and
cancelling, check-in (on time, early, late, wrong, used, cancelled), the calling order with its
starvation guard, the end-of-day no-shows, the purge of contacts and the all-or-nothing CSV import."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.bookings import imports
from kiosk.clock import FixedClock
from kiosk.domain.codes import ALPHABET, code_of_number, new_code, number_code, parse_code
from kiosk.domain.events import Booking as BookingPayload
from kiosk.domain.events import CheckedIn, Issued, Kind, read_payload
from kiosk.errors import BookingRefused, DepartmentClosed, ImportRefused, KioskError, SlotUnavailable
from kiosk.presentation.refusals import REFUSALS
from kiosk.presentation.ticket import ticket_content
from kiosk.runtime import initialise, open_service
from kiosk.service import QueueService
from kiosk.storage.models import Booking, Event
from tests.conftest import KYIV, MONDAY_10, make_settings
from web.views import ticket_json

DAY = MONDAY_10.date()


def at(hh_mm: str, day: date = DAY) -> datetime:
    """A local time of `day`, naive, as the CLI passes it."""
    hours, minutes = map(int, hh_mm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes)


def local(hh_mm: str, day: date = DAY) -> datetime:
    return at(hh_mm, day).replace(tzinfo=KYIV)


# Codes -------------------------------------------------------------------------------------------------


def test_the_alphabet_has_no_look_alikes() -> None:
    for twins in ("0OQD", "1IL", "2Z", "5S", "8B", "6G"):
        assert sum(c in ALPHABET for c in twins) <= 1, twins
    assert len(set(ALPHABET)) == len(ALPHABET) == 22


def test_typed_codes_are_read_forgivingly() -> None:
    assert parse_code("kmt 74x") == "KMT74X"
    assert parse_code("KMT-74X") == "KMT74X"
    assert parse_code("кмт74х") == "KMT74X"  # typed on a Ukrainian keyboard
    assert parse_code("KMT74O") is None  # O is not in the alphabet: nobody guesses 0 or O
    assert parse_code("KMT74") is None and parse_code("KMT74XX") is None


def test_every_code_has_a_number_code_of_nine_digits_and_back() -> None:
    """The keypad's form of a code: 9 digits, one-to-one with the codes, read back anywhere a code is."""
    first, last = ALPHABET[0] * 6, ALPHABET[-1] * 6
    assert number_code(first) == "000 000 000" and number_code(last) == "113 379 903"
    for code in ("KMT74X", "AAAAAC", "CAAAAA", "99999A", new_code(), new_code()):
        digits = number_code(code)
        assert len(digits.replace(" ", "")) == 9
        assert (
            code_of_number(digits.replace(" ", ""))
            == code
            == parse_code(digits)
            == parse_code(digits.replace(" ", "-"))
        )
    assert code_of_number("113379904") is None and parse_code("999999999") is None  # past the last code
    assert parse_code("12345678") is None and parse_code("1234567890") is None
    assert parse_code("١٢٣٤٥٦٧٨٩") is None  # digits of another script are not a number code


# Slots and booking -------------------------------------------------------------------------------------


def test_free_slots_follow_the_catalogue(service: QueueService) -> None:
    slots = service.free_slots("pension-new", DAY)
    starts = [s.at.astimezone(KYIV).strftime("%H:%M") for s in slots]
    assert starts[0] == "10:20" and starts[-1] == "19:40"  # 20-minute slots, from now on
    assert "14:00" in starts and len(starts) == 11 + 18
    assert {(s.capacity, s.free) for s in slots} == {(2, 2)}
    assert service.free_slots("pension-new", DAY + timedelta(days=5)) == []  # a Saturday
    # only slots that booking accepts: the last day taken is listed, the day after it is not
    last = DAY + timedelta(days=service.settings.booking_days_ahead)
    while last.weekday() >= 5:  # a working day at the edge
        last -= timedelta(days=1)
    assert service.free_slots("pension-new", last)
    service.book("pension-new", service.free_slots("pension-new", last)[-1].at)
    after = last + timedelta(days=1 if last.weekday() < 4 else 3)
    assert after > DAY + timedelta(days=service.settings.booking_days_ahead)
    assert service.free_slots("pension-new", after) == []
    with pytest.raises(SlotUnavailable) as refused:
        service.free_slots("pension-certificate", DAY)
    assert refused.value.reason == "no_appointments"


def test_a_slot_holds_its_seats_and_no_more(service: QueueService) -> None:
    first = service.book("pension-new", at("10:20"), "uk", name="Olha", phone="+380 50 123 45 67")
    second = service.book("pension-new", at("10:20"), "en")
    assert first.code != second.code and all(parse_code(b.code) == b.code for b in (first, second))
    assert (first.service, first.department, first.language, first.state) == (
        "pension-new",
        "pensions",
        "uk",
        "booked",
    )
    assert first.at == local("10:20") and first.name == "Olha"
    with pytest.raises(SlotUnavailable) as full:
        service.book("pension-new", at("10:20"))
    assert full.value.reason == "full"
    assert service.free_slots("pension-new", DAY)[0].free == 0
    service.cancel_booking(second.code)  # a cancelled booking gives its seat back
    assert service.book("pension-new", at("10:20")).state == "booked"


@pytest.mark.parametrize(
    ("service_code", "when", "reason"),
    [
        ("pension-new", at("10:10"), "not_a_slot"),
        ("pension-new", at("09:40"), "past"),
        ("pension-new", at("10:00"), "past"),
        ("pension-new", at("10:20", DAY + timedelta(days=5)), "closed"),
        ("pension-new", at("10:20", DAY + timedelta(days=63)), "too_far"),
        ("pension-recalc", at("10:20"), "no_appointments"),
    ],
)
def test_bookings_refused_say_why(
    service: QueueService, service_code: str, when: datetime, reason: str
) -> None:
    with pytest.raises(SlotUnavailable) as refused:
        service.book(service_code, when)
    assert refused.value.reason == reason
    assert service.bookings() == []


def test_a_closed_day_of_the_centre_offers_no_slots(tmp_path: Path, clock: FixedClock) -> None:
    shipped = (Path(__file__).parents[1] / "data" / "catalogue.toml").read_text(encoding="utf-8")
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text("closed_days = [2026-11-24]\n" + shipped, encoding="utf-8")
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'k.sqlite3'}", catalogue=catalogue)
    initialise(settings, clock)
    service = open_service(settings, clock)
    try:
        assert service.free_slots("pension-new", DAY + timedelta(days=1)) == []
        with pytest.raises(SlotUnavailable) as refused:
            service.book("pension-new", at("10:20", DAY + timedelta(days=1)))
        assert refused.value.reason == "closed" and "closed on 24.11.2026" in str(refused.value)
        assert service.free_slots("pension-new", DAY + timedelta(days=2))  # the day after is open
    finally:
        service.db.dispose()


def test_a_department_closed_today_takes_no_bookings_for_today(service: QueueService) -> None:
    service.set_department_open("pensions", False)
    assert service.free_slots("pension-new", DAY) == []
    with pytest.raises(SlotUnavailable):
        service.book("pension-new", at("10:20"))
    assert service.book("pension-new", at("10:20", DAY + timedelta(days=1))).state == "booked"


def test_a_booking_moves_to_another_slot(service: QueueService) -> None:
    booking = service.book("pension-new", at("10:20"))
    moved = service.move_booking(booking.code, at("11:00"))
    assert (moved.code, moved.at) == (booking.code, local("11:00"))
    assert [s.free for s in service.free_slots("pension-new", DAY)[:3]] == [2, 2, 1]
    service.book("pension-new", at("11:00"))
    with pytest.raises(SlotUnavailable):
        service.move_booking(service.book("pension-new", at("11:20")).code, at("11:00"))


# Check-in ----------------------------------------------------------------------------------------------


def test_check_in_on_time_issues_the_booked_ticket(service: QueueService, clock: FixedClock) -> None:
    booking = service.book("pension-new", at("10:20"), "uk", source="cli")
    clock.set(local("10:07"))  # 13 minutes early: within the 15 allowed
    issued = service.check_in(booking.code.lower())
    ticket = issued.ticket
    assert (ticket.service, ticket.language, ticket.booked_at, ticket.state) == (
        "pension-new", "uk", local("10:20"), "waiting",
    )  # fmt: skip
    assert service.booking(booking.code).state == "checked_in"
    assert service.booking(booking.code).ticket == ticket.code
    events = service.history(ticket.id)
    payload = read_payload(events[0].kind, events[0].data)
    assert isinstance(payload, Issued) and payload.booking == booking.code
    with service.db.read() as s:
        kinds = s.scalars(select(Event.kind).where(Event.ticket_id.is_(None)).order_by(Event.id)).all()
        checked = s.scalars(select(Event.data).where(Event.kind == Kind.CHECKED_IN)).one()
    assert [k for k in kinds if k in (Kind.BOOKED, Kind.CHECKED_IN)] == ["booked", "checked_in"]
    assert CheckedIn.from_data(checked).number == ticket.code
    with pytest.raises(BookingRefused) as used:
        service.check_in(booking.code)
    assert (used.value.reason, used.value.number, REFUSALS[used.value.reason].walk_in) == (
        "used",
        ticket.code,
        False,
    )


def test_check_in_too_early_says_when_to_come_back(service: QueueService, clock: FixedClock) -> None:
    booking = service.book("pension-new", at("11:00"))
    clock.set(local("10:44"))
    with pytest.raises(BookingRefused) as early:
        service.check_in(booking.code)
    assert (early.value.reason, early.value.come_back_at, REFUSALS[early.value.reason].walk_in) == (
        "too_early", local("10:45"), True,
    )  # fmt: skip
    assert "check in from 10:45" in str(early.value)
    clock.set(local("10:45"))
    assert service.check_in(booking.code).ticket.booked_at == local("11:00")


def test_check_in_on_another_day_is_too_early(service: QueueService) -> None:
    booking = service.book("pension-new", at("10:20", DAY + timedelta(days=1)))
    with pytest.raises(BookingRefused) as early:
        service.check_in(booking.code)
    assert early.value.reason == "too_early" and "24.11.2026" in str(early.value)


def test_check_in_past_the_grace_time_is_too_late(service: QueueService, clock: FixedClock) -> None:
    booking, other = (service.book("pension-new", at("10:20")) for _ in range(2))
    clock.set(local("10:30"))
    service.check_in(other.code)  # 10 minutes late: still in
    clock.set(local("10:31"))
    with pytest.raises(BookingRefused) as late:
        service.check_in(booking.code)
    assert (late.value.reason, REFUSALS[late.value.reason].walk_in) == ("too_late", True)
    assert service.booking(booking.code).state == "booked"  # nothing changed


def test_wrong_and_cancelled_codes_are_refused(service: QueueService) -> None:
    for text in ("", "HELLO", "KMT74O", "KMT74X"):
        with pytest.raises(BookingRefused) as wrong:
            service.check_in(text)
        assert (wrong.value.reason, REFUSALS[wrong.value.reason].walk_in) == ("unknown", False)
    booking = service.book("pension-new", at("10:20"))
    service.cancel_booking(booking.code)
    with pytest.raises(BookingRefused) as cancelled:
        service.check_in(booking.code)
    assert cancelled.value.reason == "cancelled"
    with pytest.raises(BookingRefused):
        service.cancel_booking(booking.code)
    assert service.day_view() == []


def test_check_in_at_a_department_closed_today_is_refused(service: QueueService, clock: FixedClock) -> None:
    booking = service.book("pension-new", at("10:20"))
    service.set_department_open("pensions", False)
    clock.set(local("10:15"))
    with pytest.raises(DepartmentClosed):
        service.check_in(booking.code)
    assert service.booking(booking.code).state == "booked" and service.day_view() == []


# The calling order -------------------------------------------------------------------------------------


def _booked(service: QueueService, clock: FixedClock, slot: str) -> str:
    booking = service.book("pension-new", at(slot))
    now = clock.now()
    clock.set(local(slot) - timedelta(minutes=10))
    number = service.check_in(booking.code).ticket.code
    clock.set(now)
    return number


def _serve(service: QueueService, window: str = "6") -> str:
    ticket = service.call_next(window)
    service.start(window=window)
    service.finish(window=window)
    return ticket.code


def test_a_booked_visitor_whose_time_has_come_goes_before_earlier_walk_ins(
    service: QueueService, clock: FixedClock
) -> None:
    walk_in = service.issue("pension-recalc").ticket.code  # 10:00
    booked = _booked(service, clock, "10:20")  # checked in at 10:10
    clock.set(local("10:15"))  # not yet its time: the line as it is
    assert service.waiting("pensions")[1][0].code == walk_in
    clock.set(local("10:20"))
    assert [t.code for t in service.waiting("pensions")[1]] == [booked, walk_in]
    assert service.ticket(booked).booked_at == local("10:20")
    assert _serve(service) == booked
    assert _serve(service) == walk_in


def test_priority_rights_go_before_booked_visitors(service: QueueService, clock: FixedClock) -> None:
    booked = _booked(service, clock, "10:20")
    clock.set(local("10:21"))
    veteran = service.issue("pension-recalc", priority="veteran").ticket.code
    assert [_serve(service), _serve(service)] == [veteran, booked]


def test_booked_visitors_are_called_by_slot_time(service: QueueService, clock: FixedClock) -> None:
    later = _booked(service, clock, "10:40")
    earlier = _booked(service, clock, "10:20")
    clock.set(local("10:40"))
    assert [_serve(service), _serve(service)] == [earlier, later]


def test_walk_ins_past_the_sla_get_every_second_call(service: QueueService, clock: FixedClock) -> None:
    walk_ins = [service.issue("pension-recalc").ticket.code for _ in range(3)]  # 10:00
    booked = [_booked(service, clock, "10:20") for _ in range(2)] + [_booked(service, clock, "10:40")]
    clock.set(local("10:40"))  # the walk-ins have waited 40 minutes: past the 15-minute SLA
    order = [_serve(service) for _ in range(6)]
    assert order == [booked[0], walk_ins[0], booked[1], walk_ins[1], booked[2], walk_ins[2]]


def test_within_the_sla_booked_visitors_go_first(service: QueueService, clock: FixedClock) -> None:
    booked = [_booked(service, clock, "10:20") for _ in range(2)]
    clock.set(local("10:20"))
    walk_in = service.issue("pension-recalc").ticket.code  # has waited nothing yet
    assert [_serve(service) for _ in range(3)] == [*booked, walk_in]


def test_the_guard_counts_each_windows_own_calls(service: QueueService, clock: FixedClock) -> None:
    walk_in = service.issue("pension-recalc").ticket.code
    booked = [_booked(service, clock, "10:20") for _ in range(2)]
    clock.set(local("10:40"))
    assert _serve(service, "6") == booked[0]
    assert _serve(service, "7") == booked[1]  # window 7's first call: a booked visitor may have it
    assert _serve(service, "6") == walk_in


# End of day --------------------------------------------------------------------------------------------


def test_end_of_day_closes_bookings_nobody_used_as_no_shows(service: QueueService, clock: FixedClock) -> None:
    missed = service.book("pension-new", at("10:20"), name="Petro", phone="0501234567")
    came = service.book("pension-new", at("11:00"), name="Iryna")
    tomorrow = service.book("pension-new", at("10:20", DAY + timedelta(days=1)), phone="0671112233")
    clock.set(local("10:50"))
    service.check_in(came.code)
    clock.set(local("20:05"))
    service.close_day()
    assert service.booking(missed.code).state == "no_show"
    assert service.booking(came.code).state == "checked_in"
    assert service.booking(tomorrow.code).state == "booked"
    with service.db.read() as s:
        rows = s.scalars(select(Event.data).where(Event.kind == Kind.BOOKING_NO_SHOW)).all()
    assert [BookingPayload.from_data(r).code for r in rows] == [missed.code]
    with pytest.raises(BookingRefused) as over:
        service.check_in(missed.code)
    assert over.value.reason == "no_show"
    clock.set(local("08:00", DAY + timedelta(days=1)))
    assert service.purge_booking_contacts() == 2  # yesterday's names and phones are gone
    assert service.booking(missed.code).name is None and service.booking(came.code).name is None
    assert service.booking(tomorrow.code).phone == "0671112233"


def test_a_past_day_left_open_closes_its_bookings(service: QueueService, clock: FixedClock) -> None:
    booking = service.book("pension-new", at("10:20"))
    clock.set(local("09:00", DAY + timedelta(days=1)))
    service.housekeeping()
    assert service.booking(booking.code).state == "no_show"


# Import ------------------------------------------------------------------------------------------------


def test_an_import_books_every_row(service: QueueService) -> None:
    text = (
        "service,at,language,name,phone,code\n"
        "pension-new,2026-11-23T10:20,uk,Olha,+380501234567,\n"
        "pension-new,2026-11-23T10:20,,,,KMT74X\n"
        "\n"
        "housing-subsidy,2026-11-24T09:00,en,,,\n"
    )
    added = service.import_bookings(text, "day.csv")
    assert [b.service for b in added] == ["pension-new", "pension-new", "housing-subsidy"]
    assert added[1].code == "KMT74X" and added[1].language == "uk"  # the centre's main language
    assert {b.source for b in added} == {"import"}
    assert len(service.bookings()) == 2


def test_an_import_with_a_bad_row_changes_nothing(service: QueueService) -> None:
    text = (
        "service,at,name\n"
        "pension-new,2026-11-23T10:20,Olha\n"
        "pension-new,2026-11-23T10:20,Petro\n"
        "pension-new,2026-11-23T10:20,Third\n"
        "nope,2026-11-23T10:20,\n"
        "pension-new,23.11.2026 10:20,\n"
        "pension-new,2026-11-23T10:25,\n"
    )
    with pytest.raises(ImportRefused) as refused:
        service.import_bookings(text, "day.csv")
    assert [p.split(":")[0] for p in refused.value.problems] == ["line 4", "line 5", "line 6", "line 7"]
    assert "is full" in refused.value.problems[0] and "unknown service" in refused.value.problems[1]
    assert "nothing imported" in str(refused.value)
    with service.db.read() as s:
        assert s.scalars(select(Booking)).all() == []
        assert s.scalars(select(Event).where(Event.kind == Kind.BOOKED)).all() == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "service,when\npension-new,2026-11-23T10:20\n",
        "service,at,at\n",
        "service,at\npension-new,2026-11-23T10:20,x\n",
    ],
)
def test_an_import_with_a_bad_header_or_shape_is_refused(service: QueueService, text: str) -> None:
    with pytest.raises(ImportRefused):
        service.import_bookings(text, "x.csv")
    assert service.bookings() == []


def test_a_long_list_of_bad_rows_shows_the_first_50_and_how_many_more(service: QueueService) -> None:
    text = "service,at\n" + "nope,2026-11-23T10:20\n" * 170
    with pytest.raises(ImportRefused) as refused:
        service.import_bookings(text, "bad.csv")
    message = str(refused.value).splitlines()
    assert message[0] == "bad.csv: 170 bad row(s), nothing imported"
    assert len(message) == 1 + 50 + 1 and message[-1] == "  ... and 120 more"
    assert len(refused.value.problems) == 170, "a caller still gets every problem"


def test_a_booking_that_takes_a_seat_during_the_import_undoes_it(
    service: QueueService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows are written two at a time here; between the chunks another terminal books the last
    seat of a slot the file's third row needs: the two written are cancelled again, with events."""
    monkeypatch.setattr(imports, "CHUNK", 2)
    other = open_service(service.settings, service.clock)
    monkeypatch.setattr(imports.time, "sleep", lambda _: other.book("pension-new", at("11:00")))
    text = "service,at\n" + "pension-new,2026-11-23T10:20\n" * 2 + "pension-new,2026-11-23T11:00\n" * 2
    with pytest.raises(
        KioskError, match=r"line 5: the slot 23\.11\.2026 11:00 of pension-new is full: taken by"
    ):
        service.import_bookings(text, "day.csv")
    states = sorted((b.source, b.state) for b in service.bookings())
    assert states == [("desk", "booked"), ("import", "cancelled"), ("import", "cancelled")]
    kinds = [e.kind for e in service.events_since(0) if e.kind.startswith("book")]
    assert kinds == ["booked", "booked", "booked", "booking_cancelled", "booking_cancelled"]
    other.db.dispose()


def test_a_visitor_checked_in_early_is_told_the_slot_not_the_walk_ins_wait(
    service: QueueService, clock: FixedClock
) -> None:
    """Checked in at 10:30 for 10:40 behind 7 walk-ins: called when the slot begins, so the ticket,
    the phone and the API say "about 10:40" / 10 min, and mark the ticket booked."""
    booking = service.book("pension-new", at("10:40"))
    for _ in range(7):
        service.issue("pension-new")
    clock.set(datetime(2026, 11, 23, 10, 30, tzinfo=KYIV))
    issued = service.check_in(booking.code, language="en")
    assert issued.ahead == 7 and issued.wait_minutes == 10
    content = ticket_content(issued.ticket, service.catalogue, service.settings, issued.ahead,
                             issued.wait_minutes, issued.qr)  # fmt: skip
    assert content.queue == "You will be called about 10:40" and content.booked == "Booked 10:40"
    status = service.ticket_statuses([issued.ticket.id])[issued.ticket.id]
    shown = ticket_json(status, service.catalogue, service.settings.zone, "en")
    assert shown["booked_at"] == shown["called_about"] == "2026-11-23T10:40:00+02:00"
    assert shown["wait_minutes"] == 10
    clock.set(datetime(2026, 11, 23, 10, 41, tzinfo=KYIV))  # the slot began: first in line now
    status = service.ticket_statuses([issued.ticket.id])[issued.ticket.id]
    assert (status.ahead, status.wait_minutes, status.called_about) == (0, 0, None)
    walk_in = service.ticket_statuses([1])[1]
    assert ticket_json(walk_in, service.catalogue, service.settings.zone, "en")["booked_at"] is None


# Statistics ---------------------------------------------------------------------------------------------


def test_statistics_count_booked_and_walk_in_visitors_apart(service: QueueService, clock: FixedClock) -> None:
    a, b = (service.book("pension-new", at("10:20")) for _ in range(2))
    missed = service.book("pension-new", at("11:00"))
    walk_in = service.issue("pension-recalc").ticket.code  # 10:00
    clock.set(local("10:10"))
    service.check_in(a.code)
    clock.set(local("10:25"))  # 5 minutes late, within the grace time
    service.check_in(b.code)
    calls = []
    for moment in ("10:22", "10:30", "10:35"):
        clock.set(local(moment))
        calls.append(_serve(service))
    assert calls[1] == walk_in  # the walk-in waited past the SLA: the second call is its
    clock.set(local("20:05"))
    service.close_day()
    stats = service.stats()
    pensions = next(d for d in stats.departments if d.department == "pensions")
    # a: from its slot 10:20 to 10:22; b: from its check-in 10:25 to 10:35
    assert pensions.booked_wait.count == 2 and pensions.booked_wait.mean == 360.0
    assert (pensions.booked_in_time, pensions.booked_base, pensions.booked_in_time_share) == (1, 2, 0.5)
    assert pensions.walk_in_wait.count == 1 and pensions.walk_in_wait.mean == 30 * 60
    assert (pensions.bookings.booked, pensions.bookings.checked_in, pensions.bookings.no_shows) == (3, 2, 1)
    assert pensions.bookings.no_show_rate == pytest.approx(1 / 3)
    assert stats.total.bookings == pensions.bookings and stats.total.booked_in_time_share == 0.5
    ten = next(h for h in service.hourly() if h.hour == 10)
    assert (ten.booked_waits, ten.booked_wait_mean, ten.walk_in_wait_mean) == (2, 360.0, 1800.0)
    assert missed.code in {x.code for x in service.bookings() if x.state == "no_show"}
