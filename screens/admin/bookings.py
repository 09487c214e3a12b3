"""The front desk's appointments: the day's bookings (any day picked) with their state, live as the
booking events arrive from any terminal; booking a free slot (the new code shown large, to dictate
on the phone), moving a booking to another free slot and cancelling one (confirmed first).

A booking's state as the desk reads it: checked in (with its ticket number), late (its slot began
more than the check-in grace time ago and nobody checked in), not come (closed as a no-show at the
end of its day), cancelled, or upcoming."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Label

from kiosk.domain.events import BOOKINGS, payload_of
from kiosk.domain.tickets import BookingState, BookingView, booking_late
from kiosk.presentation.i18n import N_, translations
from kiosk.queue.actions import BOOK, CANCEL_BOOKING, MOVE_BOOKING
from screens.admin.booking_dialogs import (
    BookChoice,
    CodeScreen,
    ConfirmDialog,
    SlotDialog,
    booking_problem,
    spaced,
)
from screens.admin.panes import Pane
from screens.common.plain import PlainTable

if TYPE_CHECKING:
    from kiosk.domain.tickets import EventView

COLUMNS = [
    ("at", N_("Time")),
    ("code", N_("Code")),
    ("service", N_("Service")),
    ("language", N_("Lang.")),
    ("state", N_("State")),
    ("who", N_("Name, phone")),
]

UPCOMING = N_("upcoming")
LATE = N_("late")
NOT_COME = N_("did not come")
CANCELLED = "cancelled"  # translated with the context "booking"
CHECKED_IN = N_("checked in: {number}")

# The pane's buttons: the booking actions of `kiosk.queue.actions`, by button id.
BUTTONS = {"booking-add": BOOK, "booking-move": MOVE_BOOKING, "booking-cancel": CANCEL_BOOKING}


def state_word(booking: BookingView, now: datetime, grace_minutes: int) -> str:
    """The untranslated word for a booking's state at `now` (`CHECKED_IN` takes the number)."""
    if booking.state is BookingState.CHECKED_IN:
        return CHECKED_IN
    if booking.state is BookingState.CANCELLED:
        return CANCELLED
    if booking.state is BookingState.NO_SHOW:
        return NOT_COME
    if booking_late(booking.at, now, grace_minutes):
        return LATE
    return UPCOMING


class BookingsPane(Pane):
    """The picked day's bookings in slot order, one row each, keyed by booking id."""

    def __init__(self) -> None:
        super().__init__(id="bookings")
        self.day: date | None = None
        self.shown: dict[int, BookingView] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="booking-day"):
            yield Button("◀", id="day-back", classes="day-step")
            yield Label("", id="day-shown", markup=False)
            yield Button("▶", id="day-on", classes="day-step")
            yield Button(self.gettext("Today"), id="day-today")
        table = PlainTable(id="booking-table", cursor_type="row", zebra_stripes=True)
        for key, label in COLUMNS:
            table.add_column(self.gettext(label), key=key)
        yield table
        with Horizontal(classes="pane-buttons"):
            for ident, action in BUTTONS.items():
                yield Button(self.gettext(action.label), id=ident)

    @property
    def table(self) -> PlainTable:
        return self.query_one("#booking-table", PlainTable)

    # Reading and following ---------------------------------------------------------------------

    def load(self) -> None:
        service = self.terminal.service
        if self.day is None:
            self.day = service.today()
        day = self.day
        self.query_one("#day-shown", Label).update(f"{day:%d.%m.%Y}")
        self.terminal.run_db(
            lambda: service.bookings(day), lambda rows: self.show(day, rows), group="bookings", exclusive=True
        )

    def show(self, day: date, bookings: list[BookingView]) -> None:
        if day != self.day:
            return  # another day was picked meanwhile
        self.shown = {}
        self.table.clear()
        for booking in bookings:
            self.apply(booking)

    def changed(self, events: list[EventView]) -> None:
        """Booking events from any terminal: read just the bookings they name, update their rows."""
        codes = set()
        for e in events:
            if e.kind in BOOKINGS:
                code = getattr(payload_of(e), "code", None)
                if code:
                    codes.add(code)
        if codes:
            service = self.terminal.service
            self.terminal.run_db(
                lambda: [service.booking(code) for code in sorted(codes)],
                self.updated,
                on_failed=self.terminal.logged,
                group="bookings-fetch",
            )

    def updated(self, bookings: list[BookingView]) -> None:
        for booking in bookings:
            if booking.day == self.day:
                self.apply(booking)
            elif booking.id in self.shown:  # moved to another day
                del self.shown[booking.id]
                self.table.remove_row(str(booking.id))

    def apply(self, booking: BookingView) -> None:
        """Add or update the booking's row, keeping the table in slot order."""
        key = str(booking.id)
        table = self.table
        cells = self.cells(booking)
        if booking.id in self.shown:
            for (column, _), value in zip(COLUMNS, cells, strict=True):
                table.update_cell(key, column, value, update_width=True)
        else:
            table.add_row(*cells, key=key)
        self.shown[booking.id] = booking
        table.sort("at", "code")

    def tick(self) -> None:
        """Upcoming bookings become late as the clock goes on."""
        for booking in self.shown.values():
            if booking.state is BookingState.BOOKED:
                self.table.update_cell(str(booking.id), "state", self.state_text(booking))

    def cells(self, booking: BookingView) -> list[str]:
        terminal = self.terminal
        lang = terminal.lang
        service = terminal.service.catalogue.service(booking.service)[0].name(lang)
        who = " · ".join(part for part in (booking.name, booking.phone) if part)
        return [
            f"{booking.at.astimezone(terminal.settings.zone):%H:%M}",
            booking.code,
            service,
            booking.language,
            self.state_text(booking),
            who,
        ]

    def state_text(self, booking: BookingView) -> str:
        terminal = self.terminal
        word = state_word(booking, terminal.service.now(), terminal.settings.checkin_grace_minutes)
        if word == CANCELLED:  # a booking's gender differs from a ticket's in some languages
            return translations(terminal.lang).pgettext("booking", "cancelled")
        return self.gettext(word).format(number=booking.ticket or "")

    def chosen(self) -> BookingView | None:
        key = self.table_choice("#booking-table")
        return self.shown.get(int(key)) if key else None

    # The day -------------------------------------------------------------------------------------

    @on(Button.Pressed, "#day-back")
    def _back(self) -> None:
        self.pick(-1)

    @on(Button.Pressed, "#day-on")
    def _on(self) -> None:
        self.pick(1)

    @on(Button.Pressed, "#day-today")
    def _today(self) -> None:
        self.day = None
        self.load()

    def pick(self, days: int) -> None:
        self.day = (self.day or self.terminal.service.today()) + timedelta(days=days)
        self.load()

    # Actions -----------------------------------------------------------------------------------

    def bookable_days(self) -> list[date]:
        today = self.terminal.service.today()
        return [today + timedelta(days=n) for n in range(self.terminal.settings.booking_days_ahead + 1)]

    @on(Button.Pressed, "#booking-add")
    def _book(self) -> None:
        terminal = self.terminal
        dialog = SlotDialog(
            terminal.lang, self.gettext("Book a visit"), self.gettext(BOOK.label), terminal.service.catalogue,
            self.bookable_days(), self.day or terminal.service.today(), list(terminal.settings.languages),
            language=terminal.settings.main_language,
        )  # fmt: skip
        self.app.push_screen(dialog, callback=self._booked)

    def _booked(self, choice: BookChoice | None) -> None:
        if choice is None:
            return
        terminal = self.terminal
        self.run(
            lambda: BOOK.run(
                terminal.service, choice.service, choice.at, language=choice.language, name=choice.name,
                phone=choice.phone, source="desk", staff=terminal.who,
            ),
            self.show_code,
        )  # fmt: skip

    def show_code(self, booking: BookingView) -> None:
        self.app.push_screen(CodeScreen(self.terminal.lang, booking, self.described(booking)))
        self.say(self.gettext("Booked: {code}").format(code=spaced(booking.code)))

    def described(self, booking: BookingView) -> list[str]:
        terminal = self.terminal
        service = terminal.service.catalogue.service(booking.service)[0].name(terminal.lang)
        return [f"{booking.at.astimezone(terminal.settings.zone):%d.%m.%Y %H:%M} · {service}"]

    @on(Button.Pressed, "#booking-move")
    def _move(self) -> None:
        booking = self.chosen()
        if booking is None:
            self.say(self.gettext("Choose a booking in the table first"))
            return
        terminal = self.terminal
        title = self.gettext("Move {code}").format(code=booking.code)
        dialog = SlotDialog(
            terminal.lang, title, self.gettext(MOVE_BOOKING.label), terminal.service.catalogue,
            self.bookable_days(), booking.day, None, booking.service,
        )  # fmt: skip
        self.app.push_screen(dialog, callback=lambda choice: self._moved(booking, choice))

    def _moved(self, booking: BookingView, choice: BookChoice | None) -> None:
        if choice is None:
            return
        terminal = self.terminal
        self.run(
            lambda: MOVE_BOOKING.run(
                terminal.service, booking.code, choice.at, source="desk", staff=terminal.who
            ),
            lambda moved: self.say(
                self.gettext("Moved: {what}").format(what=f"{moved.code} · {self.described(moved)[0]}")
            ),
        )

    @on(Button.Pressed, "#booking-cancel")
    def _cancel(self) -> None:
        booking = self.chosen()
        if booking is None:
            self.say(self.gettext("Choose a booking in the table first"))
            return
        title = self.gettext("Cancel the booking {code}?").format(code=booking.code)
        confirm = self.gettext(CANCEL_BOOKING.label)
        dialog = ConfirmDialog(self.terminal.lang, title, confirm, self.described(booking))
        self.app.push_screen(dialog, callback=lambda yes: self._cancelled(booking, yes))

    def _cancelled(self, booking: BookingView, yes: bool | None) -> None:
        if not yes:
            return
        terminal = self.terminal
        self.run(
            lambda: CANCEL_BOOKING.run(terminal.service, booking.code, source="desk", staff=terminal.who),
            lambda gone: self.say(self.gettext("Cancelled: {code}").format(code=gone.code)),
        )

    def run(self, call: Callable[[], BookingView], done: Callable[[BookingView], object]) -> None:
        """A change in a worker; its row is updated by the event it records (and here at once)."""

        def finished(booking: BookingView) -> None:
            self.updated([booking])
            done(booking)

        self.terminal.run_db(
            call,
            finished,
            on_failed=lambda exc: self.terminal.say(booking_problem(exc, self.gettext), True),
            group="booking-action",
        )
