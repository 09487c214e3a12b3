"""The front desk's appointments: the day's bookings (any day picked) with their state, live as the
booking events arrive from any terminal; booking a free slot (the new code shown large, to dictate
on the phone), moving a booking to another free slot and cancelling one (confirmed first).

A booking's state as the desk reads it: checked in (with its ticket number), late (its slot began
more than the check-in grace time ago and nobody checked in), not come (closed as a no-show at the
end of its day), cancelled, or upcoming."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from kiosk.catalogue import Catalogue
from kiosk.domain import BookingView, SlotView
from kiosk.errors import BookingRefused, KioskError, SlotUnavailable
from kiosk.events import BOOKINGS, payload_of
from kiosk.i18n import N_, translations
from kiosk.languages import NATIVE_NAMES
from screens.admin.dialogs import Dialog
from screens.admin.panes import Pane
from screens.common.plain import PlainTable, plain
from screens.common.widgets import BigText
from screens.common.words import problem_text

if TYPE_CHECKING:
    from kiosk.domain import EventView
    from screens.admin.app import AdminApp

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

# A refused booking action in the staff's words, by the error's reason.
SLOT_REASONS = {
    "no_appointments": N_("This service takes no appointments"),
    "not_a_slot": N_("No slot starts at that time"),
    "closed": N_("The department does not work that day"),
    "past": N_("That slot has begun already"),
    "too_far": N_("Bookings are not taken that far ahead"),
    "full": N_("That slot is full: choose another"),
}
BOOKING_REASONS = {
    "unknown": N_("No booking with that code"),
    "used": N_("That booking was checked in already"),
    "cancelled": N_("That booking was cancelled"),
    "no_show": N_("That booking's day is over"),
    "too_early": N_("Too early to check in"),
    "too_late": N_("Too late to check in"),
}


def booking_problem(exc: KioskError, gettext: Callable[[str], str]) -> str:
    """A refused booking, move or cancellation in the staff's language."""
    if isinstance(exc, SlotUnavailable) and exc.reason in SLOT_REASONS:
        return gettext(SLOT_REASONS[exc.reason])
    if isinstance(exc, BookingRefused) and exc.reason in BOOKING_REASONS:
        return gettext(BOOKING_REASONS[exc.reason])
    return problem_text(exc, gettext)


def state_word(booking: BookingView, now: datetime, grace_minutes: int) -> str:
    """The untranslated word for a booking's state at `now` (`CHECKED_IN` takes the number)."""
    if booking.state == "checked_in":
        return CHECKED_IN
    if booking.state == "cancelled":
        return CANCELLED
    if booking.state == "no_show":
        return NOT_COME
    if now > booking.at + timedelta(minutes=grace_minutes):
        return LATE
    return UPCOMING


def spaced(code: str) -> str:
    """A code as it is read out: 'KMT74X' -> 'KMT 74X'."""
    return f"{code[:3]} {code[3:]}"


@dataclass(frozen=True)
class BookChoice:
    service: str
    at: datetime
    language: str
    name: str | None
    phone: str | None


class SlotDialog(Dialog[BookChoice]):
    """A free slot found: the service (fixed when moving), the day, the slot with its free places;
    when booking also the language and an optional name and phone."""

    def __init__(
        self,
        lang: str,
        title: str,
        confirm: str,
        catalogue: Catalogue,
        days: list[date],
        day: date,
        languages: list[str] | None = None,
        service: str | None = None,
        language: str = "",
    ) -> None:
        super().__init__(lang, title, confirm)
        self.catalogue = catalogue
        self.days = days
        self.day = day if day in days else days[0]
        self.languages = languages
        self.language = language if languages and language in languages else (languages or [""])[0]
        self.fixed_service = service
        self.slots: list[SlotView] = []

    def fields(self) -> ComposeResult:
        if self.fixed_service is None:
            services = [
                (plain(f"{d.name(self.lang)}: {s.name(self.lang)}"), s.code)
                for d in self.catalogue.department
                for s in d.service
                if s.appointments is not None
            ]
            yield Select(services, prompt=self.gettext("Service"), id="book-service")
        days = [(f"{d:%d.%m.%Y}", d.isoformat()) for d in self.days]
        with Horizontal(classes="dialog-row"):
            yield Select(days, value=self.day.isoformat(), allow_blank=False, id="book-day")
            yield Select([], prompt=self.gettext("Time"), id="book-slot")
        if self.languages is not None:
            with Horizontal(classes="dialog-row"):
                yield Input(placeholder=self.gettext("Name (optional)"), id="book-name", max_length=80)
                yield Input(
                    placeholder=self.gettext("Phone (optional)"), id="book-phone", max_length=32,
                    restrict=r"[0-9+() -]*",
                )  # fmt: skip
            yield Select(
                [(NATIVE_NAMES[c], c) for c in self.languages], value=self.language,
                allow_blank=False, id="book-language",
            )  # fmt: skip
        yield Label("", id="dialog-error", classes="error", markup=False)

    def on_mount(self) -> None:
        self.find_slots()

    @property
    def service(self) -> str | None:
        if self.fixed_service is not None:
            return self.fixed_service
        value = self.query_one("#book-service", Select).value
        return None if value is Select.NULL else str(value)

    @on(Select.Changed, "#book-service")
    @on(Select.Changed, "#book-day")
    def find_slots(self) -> None:
        """The free slots of the chosen service and day, read off the UI thread."""
        service = self.service
        day = date.fromisoformat(str(self.query_one("#book-day", Select).value))
        if service is None:
            self.show_slots([])
            return
        app: AdminApp = self.app  # type: ignore[assignment]
        app.run_db(
            lambda: app.service.free_slots(service, day),
            self.show_slots,
            on_failed=lambda exc: self.error(booking_problem(exc, self.gettext)),
            group="book-slots",
            exclusive=True,
        )

    def show_slots(self, slots: list[SlotView]) -> None:
        self.slots = [s for s in slots if s.free > 0]
        zone = self.app.settings.zone  # type: ignore[attr-defined]
        free = self.gettext("{count} free")
        options = [
            (f"{s.at.astimezone(zone):%H:%M} · {free.format(count=s.free)}", s.at.isoformat())
            for s in self.slots
        ]
        select = self.query_one("#book-slot", Select)
        select.set_options(options)
        if self.service is not None and not options:
            self.error(self.gettext("No free slots that day"))
        else:
            self.error("")

    def error(self, text: str) -> None:
        self.query_one("#dialog-error", Label).update(text)

    def result(self) -> BookChoice | None:
        service = self.service
        if service is None:
            self.error(self.gettext("Choose a service"))
            return None
        slot = self.query_one("#book-slot", Select).value
        if slot is Select.NULL:
            self.error(self.gettext("Choose a time"))
            return None
        at = datetime.fromisoformat(str(slot))
        if self.languages is None:
            return BookChoice(service, at, "", None, None)
        return BookChoice(
            service,
            at,
            str(self.query_one("#book-language", Select).value),
            self.query_one("#book-name", Input).value.strip() or None,
            self.query_one("#book-phone", Input).value.strip() or None,
        )


class ConfirmDialog(Dialog[bool]):
    """A yes-or-no question: the title says what will be done, the lines below to what."""

    def __init__(self, lang: str, title: str, confirm: str, lines: list[str]) -> None:
        super().__init__(lang, title, confirm)
        self.lines = lines

    def fields(self) -> ComposeResult:
        for line in self.lines:
            yield Label(line, markup=False)

    def result(self) -> bool:
        return True


class CodeScreen(ModalScreen[None]):
    """The new booking's code, large and spaced, to read out on the phone; with its slot. Escape
    closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", show=False)]

    def __init__(self, lang: str, booking: BookingView, lines: list[str]) -> None:
        super().__init__()
        self.lang = lang
        self.booking = booking
        self.lines = lines

    def compose(self) -> ComposeResult:
        gettext = translations(self.lang).gettext
        with Vertical(classes="dialog"):
            yield Label(gettext("Booked: the code is"), classes="dialog-title")
            yield BigText(self.booking.code, rows=4, id="booked-code")
            yield Label(spaced(self.booking.code), id="booked-code-text", markup=False)
            for line in self.lines:
                yield Label(line, markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(gettext("Close"), id="cancel", variant="primary")

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        self.dismiss(None)


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
            yield Button(self.gettext("Book"), id="booking-add")
            yield Button(self.gettext("Move"), id="booking-move")
            yield Button(self.gettext("Cancel the booking"), id="booking-cancel")

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
            if booking.state == "booked":
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
            terminal.lang, self.gettext("Book a visit"), self.gettext("Book"), terminal.service.catalogue,
            self.bookable_days(), self.day or terminal.service.today(), list(terminal.settings.languages),
            language=terminal.settings.main_language,
        )  # fmt: skip
        self.app.push_screen(dialog, callback=self._booked)

    def _booked(self, choice: BookChoice | None) -> None:
        if choice is None:
            return
        terminal = self.terminal
        self.run(
            lambda: terminal.service.book(
                choice.service, choice.at, language=choice.language, name=choice.name,
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
            terminal.lang, title, self.gettext("Move"), terminal.service.catalogue,
            self.bookable_days(), booking.day, None, booking.service,
        )  # fmt: skip
        self.app.push_screen(dialog, callback=lambda choice: self._moved(booking, choice))

    def _moved(self, booking: BookingView, choice: BookChoice | None) -> None:
        if choice is None:
            return
        terminal = self.terminal
        self.run(
            lambda: terminal.service.move_booking(booking.code, choice.at, source="desk", staff=terminal.who),
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
        confirm = self.gettext("Cancel the booking")
        dialog = ConfirmDialog(self.terminal.lang, title, confirm, self.described(booking))
        self.app.push_screen(dialog, callback=lambda yes: self._cancelled(booking, yes))

    def _cancelled(self, booking: BookingView, yes: bool | None) -> None:
        if not yes:
            return
        terminal = self.terminal
        self.run(
            lambda: terminal.service.cancel_booking(booking.code, source="desk", staff=terminal.who),
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
