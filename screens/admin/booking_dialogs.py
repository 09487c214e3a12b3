"""The front desk's booking dialogs: book or move a booking to a free slot, confirm a cancellation, and
show a new booking's code large to read out on the phone; and a refused booking in the staff's words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from kiosk.domain.catalogue import Catalogue
from kiosk.domain.codes import number_code
from kiosk.domain.languages import NATIVE_NAMES
from kiosk.domain.tickets import BookingView, SlotView
from kiosk.errors import BookingRefused, KioskError, SlotUnavailable
from kiosk.presentation.i18n import N_, translations
from kiosk.presentation.refusals import REFUSALS
from screens.admin.dialogs import Dialog
from screens.common.plain import plain
from screens.common.terminal import TerminalApp, TerminalPart
from screens.common.widgets import BigText, number_width
from screens.common.words import problem_text

if TYPE_CHECKING:
    pass


# A refused booking action in the staff's words, by the error's reason.
SLOT_REASONS = {
    "no_appointments": N_("This service takes no appointments"),
    "not_a_slot": N_("No slot starts at that time"),
    "closed": N_("The department does not work that day"),
    "past": N_("That slot has begun already"),
    "too_far": N_("Bookings are not taken that far ahead"),
    "full": N_("That slot is full: choose another"),
}


def booking_problem(exc: KioskError, gettext: Callable[[str], str]) -> str:
    """A refused booking, move or cancellation in the staff's language."""
    if isinstance(exc, SlotUnavailable) and exc.reason in SLOT_REASONS:
        return gettext(SLOT_REASONS[exc.reason])
    if isinstance(exc, BookingRefused):
        return gettext(REFUSALS[exc.reason].staff)
    return problem_text(exc, gettext)


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
        terminal = self.terminal
        terminal.run_db(
            lambda: terminal.service.free_slots(service, day),
            self.show_slots,
            on_failed=lambda exc: self.error(booking_problem(exc, self.gettext)),
            group="book-slots",
            exclusive=True,
        )

    def show_slots(self, slots: list[SlotView]) -> None:
        self.slots = [s for s in slots if s.free > 0]
        zone = self.terminal.settings.zone
        free = self.gettext("{count} free")
        options = [
            (f"{s.at.astimezone(zone):%H:%M} · {free.format(count=s.free)}", s.at.isoformat())
            for s in self.slots
        ]
        select = self.query_one("#book-slot", Select)
        chosen = select.value
        select.set_options(options)
        if any(value == chosen for _, value in options):
            select.value = chosen  # a second read of the same day keeps the time already picked
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


DIALOG_WIDTH = 80  # `.dialog` in admin.tcss
DIALOG_CHROME = 6  # its thick border and padding of 2, each side


class CodeScreen(TerminalPart[TerminalApp], ModalScreen[None]):
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
            yield BigText(self.booking.code, rows=self.code_rows(), id="booked-code")
            yield Label(spaced(self.booking.code), id="booked-code-text", markup=False)
            number = gettext("Number code (for a keypad): {digits}").format(
                digits=number_code(self.booking.code)
            )
            yield Label(number, id="booked-number-code", markup=False)
            for line in self.lines:
                yield Label(line, markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(gettext("Close"), id="cancel", variant="primary")

    def code_rows(self) -> int:
        """The tallest code the dialog holds across (codes differ in width: "WMWMWM" takes half
        again the cells of "AC3479"); two lines tall at the least, with the spaced code below."""
        room = min(DIALOG_WIDTH, self.app.size.width) - DIALOG_CHROME
        return next((rows for rows in (4, 3) if number_width(self.booking.code, rows) <= room), 2)

    def on_resize(self) -> None:
        self.query_one("#booked-code", BigText).show(self.booking.code, self.code_rows())

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        self.dismiss(None)
