"""The front desk's Bookings tab driven as an administrator would: book a free slot (its code shown
large), see it listed, move it, cancel it; the states that follow from other terminals and the clock
(checked in with its ticket, late, did not come); a refused action in the desk's words; and the
counter and the desk's queue showing "booked 10:30" for a checked-in visitor."""

from __future__ import annotations

from datetime import date, datetime

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, Select, Static, TabbedContent

from screens.admin.app import AdminApp, AdminScreen
from screens.admin.booking_dialogs import CodeScreen, ConfirmDialog, SlotDialog
from screens.admin.bookings import BookingsPane
from screens.counter.window import CounterScreen
from tests.conftest import KYIV
from tests.screens.conftest import Centre, tap, workers_done
from tests.screens.test_admin import admin, cell, sign_in, status
from tests.screens.test_counter import counter
from tests.screens.test_counter import sign_in as counter_sign_in
from tests.screens.test_lobby import SIZE, until

MONDAY = date(2026, 11, 23)


def at(hour: int, minute: int, day: date = MONDAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=KYIV)


async def bookings_tab(pilot: Pilot[None]) -> BookingsPane:
    await sign_in(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AdminScreen)
    screen.query_one(TabbedContent).active = "tab-bookings"
    await until(pilot, lambda: bool(screen.query(BookingsPane)))  # a tab is built when first chosen
    pane = screen.query_one(BookingsPane)
    await until(pilot, lambda: pane.opened and pane.table.region.area > 0)
    await workers_done(pilot)
    return pane


def row(pane: BookingsPane, code: str) -> dict[str, str]:
    """The row of booking `code`, by column key."""
    booking = next(b for b in pane.shown.values() if b.code == code)
    table: DataTable[str] = pane.table
    return {
        str(column.key.value): str(table.get_cell(str(booking.id), column.key))
        for column in table.ordered_columns
    }


def slot_dialog(pilot: Pilot[None]) -> SlotDialog:
    screen = pilot.app.screen
    assert isinstance(screen, SlotDialog)
    return screen


async def choose_slot(pilot: Pilot[None], dialog: SlotDialog, when: datetime) -> None:
    wanted = when.isoformat()
    await until(pilot, lambda: any(s.at == when for s in dialog.slots))
    select = dialog.query_one("#book-slot", Select)
    select.value = next(s.at.isoformat() for s in dialog.slots if s.at == when)
    assert datetime.fromisoformat(str(select.value)) == datetime.fromisoformat(wanted)


async def test_book_move_and_cancel_at_the_desk(centre: Centre) -> None:
    service = centre.service
    app = admin(centre)
    async with app.run_test(size=SIZE) as pilot:
        pane = await bookings_tab(pilot)
        assert pane.table.row_count == 0

        # book: a service with appointments, a free slot with its free places, a name and a phone
        await tap(pilot, "#booking-add")
        await until(pilot, lambda: isinstance(app.screen, SlotDialog))
        dialog = slot_dialog(pilot)
        await until(pilot, lambda: dialog.query_one("#book-service").region.area > 0)
        dialog.query_one("#book-service", Select).value = "housing-subsidy"
        await choose_slot(pilot, dialog, at(10, 30))
        assert dialog.slots[0].at == at(10, 30), "slots that have begun are not offered"
        shown = [str(label) for label, _ in dialog.query_one("#book-slot", Select)._options[1:]]
        assert shown[0] == "10:30 · 2 free"
        dialog.query_one("#book-language", Select).value = "uk"
        dialog.query_one("#book-name", Input).value = "Марія Коваль"
        dialog.query_one("#book-phone", Input).value = "+380 50 123 45 67"
        await tap(pilot, "#confirm")

        # the code, large, to read out on the phone
        await until(pilot, lambda: isinstance(app.screen, CodeScreen), seconds=5)
        code_screen = app.screen
        assert isinstance(code_screen, CodeScreen)
        code = code_screen.booking.code
        assert str(code_screen.query_one("#booked-code-text", Label).content) == f"{code[:3]} {code[3:]}"
        assert code_screen.query_one("#booked-code").text == code  # type: ignore[attr-defined]
        booking = service.booking(code)
        assert (booking.service, booking.at, booking.language) == ("housing-subsidy", at(10, 30), "uk")
        assert (booking.name, booking.phone) == ("Марія Коваль", "+380 50 123 45 67")
        await tap(pilot, "#cancel")
        await until(pilot, lambda: isinstance(app.screen, AdminScreen))

        # listed
        await until(pilot, lambda: pane.table.row_count == 1)
        assert row(pane, code) == {
            "at": "10:30", "code": code, "service": "Housing subsidy", "language": "uk",
            "state": "upcoming", "who": "Марія Коваль · +380 50 123 45 67",
        }  # fmt: skip

        # move to 11:30 the same day
        pane.table.move_cursor(row=0)
        await tap(pilot, "#booking-move")
        await until(pilot, lambda: isinstance(app.screen, SlotDialog))
        dialog = slot_dialog(pilot)
        assert not dialog.query("#book-service"), "a booking moves within its service"
        await choose_slot(pilot, dialog, at(11, 30))
        dialog.find_slots()  # the day's slots read again (the day's Select reports its first value late)
        await workers_done(pilot)
        await pilot.pause()
        assert dialog.query_one("#book-slot", Select).value == at(11, 30).isoformat(), "the time stays"
        await tap(pilot, "#confirm")
        await until(pilot, lambda: service.booking(code).at == at(11, 30), seconds=5)
        await until(pilot, lambda: row(pane, code)["at"] == "11:30")
        assert "Moved" in status(pilot)

        # cancel, confirmed first
        await tap(pilot, "#booking-cancel")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await tap(pilot, "#cancel")  # thought better of it
        await until(pilot, lambda: isinstance(app.screen, AdminScreen))
        assert service.booking(code).state == "booked"
        await tap(pilot, "#booking-cancel")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await tap(pilot, "#confirm")
        await until(pilot, lambda: service.booking(code).state == "cancelled", seconds=5)
        await until(pilot, lambda: row(pane, code)["state"] == "cancelled")

        # a cancelled booking cannot be cancelled again: said in the desk's words
        await tap(pilot, "#booking-cancel")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await tap(pilot, "#confirm")
        await until(pilot, lambda: "That booking was cancelled" in status(pilot), seconds=5)
    events = [e for e in service.events_since(0) if e.kind.startswith("book")]
    assert {e.staff for e in events} == {"Olena"}, "every change carries the administrator's name"


async def test_escape_closes_the_book_dialog_and_books_nothing(centre: Centre) -> None:
    app = admin(centre)
    async with app.run_test(size=SIZE) as pilot:
        await bookings_tab(pilot)
        await tap(pilot, "#booking-add")
        await until(pilot, lambda: isinstance(app.screen, SlotDialog))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, SlotDialog))
    assert centre.service.bookings() == []


async def test_states_follow_check_in_the_clock_and_the_day_close(centre: Centre) -> None:
    service = centre.service
    early = service.book("housing-subsidy", at(10, 30).replace(tzinfo=None), language="ro")
    late = service.book("housing-subsidy", at(10, 30).replace(tzinfo=None))
    tomorrow = service.book("pension-new", datetime(2026, 11, 24, 9, 0))
    app = admin(centre)
    assert isinstance(app, AdminApp)
    async with app.run_test(size=SIZE) as pilot:
        pane = await bookings_tab(pilot)
        await until(pilot, lambda: pane.table.row_count == 2)
        assert {row(pane, c)["state"] for c in (early.code, late.code)} == {"upcoming"}

        # a check-in at the kiosk (another terminal): checked in, with its ticket
        centre.clock.set(at(10, 20))
        issued = service.check_in(early.code)
        await until(pilot, lambda: row(pane, early.code)["state"] == f"checked in: {issued.ticket.code}")

        # the desk's queue marks the ticket as booked
        queue = app.queue
        await until(pilot, lambda: issued.ticket.id in queue.tickets)
        await until(pilot, lambda: cell(queue, issued.ticket.id, "note") == "booked 10:30")

        # past the grace time, nobody checked in: late
        centre.clock.set(at(10, 41))
        pane.tick()
        assert row(pane, late.code)["state"] == "late"

        # the day closed: did not come
        service.close_day()
        await until(pilot, lambda: row(pane, late.code)["state"] == "did not come")
        assert row(pane, early.code)["state"] == f"checked in: {issued.ticket.code}"

        # the next day's bookings
        await tap(pilot, "#day-on")
        await until(pilot, lambda: [b.code for b in pane.shown.values()] == [tomorrow.code])
        assert row(pane, tomorrow.code)["at"] == "09:00"
        assert str(pane.query_one("#day-shown").content) == "24.11.2026"  # type: ignore[attr-defined]
        await tap(pilot, "#day-today")
        await until(pilot, lambda: pane.table.row_count == 2)


async def test_the_counter_shows_booked_and_the_time(centre: Centre) -> None:
    service = centre.service
    booking = service.book("pension-new", datetime(2026, 11, 23, 10, 20))
    service.issue("pension-new")  # a walk-in ahead of it in the line
    centre.clock.set(at(10, 21))
    issued = service.check_in(booking.code)
    service.issue("pension-new")
    app = counter(centre)
    async with app.run_test(size=SIZE) as pilot:
        screen = await counter_sign_in(pilot)
        assert isinstance(screen, CounterScreen)
        await until(pilot, lambda: issued.ticket.code in str(screen.query_one("#next", Static).content))
        line = next(
            text
            for text in str(screen.query_one("#next", Static).content).splitlines()
            if issued.ticket.code in text
        )
        assert "booked 10:20" in line
        await pilot.press("f1")  # the booked visitor whose time has come is called first
        await until(pilot, lambda: screen.counter_ticket is not None)
        assert screen.counter_ticket is not None
        assert screen.counter_ticket.code == issued.ticket.code
        assert "booked 10:20" in str(screen.query_one("#current-details", Static).content)


async def test_a_slot_taken_meanwhile_is_refused_in_the_desks_language(centre: Centre) -> None:
    """The dialog listed the slot free; another terminal took its one seat before the desk booked it."""
    service = centre.service
    app = admin(centre, lang="uk")
    async with app.run_test(size=SIZE) as pilot:
        pane = await bookings_tab(pilot)
        await tap(pilot, "#booking-add")
        await until(pilot, lambda: isinstance(app.screen, SlotDialog))
        dialog = slot_dialog(pilot)
        await until(pilot, lambda: dialog.query_one("#book-service").region.area > 0)
        dialog.query_one("#book-service", Select).value = "job-register"  # one visitor a slot
        await choose_slot(pilot, dialog, at(10, 20))
        taken = service.book("job-register", datetime(2026, 11, 23, 10, 20), "en", source="cli")
        await tap(pilot, "#confirm")
        await until(pilot, lambda: "Цей час зайнятий: оберіть інший" in status(pilot), seconds=5)
        await until(pilot, lambda: [b.code for b in pane.shown.values()] == [taken.code])
        assert isinstance(app.screen, AdminScreen), "no code shown for a booking not made"
    assert [b.code for b in service.bookings()] == [taken.code]
