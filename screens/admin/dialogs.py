"""The front desk's dialogs: issue a ticket by hand, change a priority, give a reason, send a ticket to a
window, move today's last ticket, add staff."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select

from kiosk.domain.catalogue import Catalogue, Department
from kiosk.domain.languages import NATIVE_NAMES
from kiosk.presentation.i18n import translations
from screens.common.plain import plain
from screens.common.terminal import TerminalApp, TerminalPart

R = TypeVar("R")


@dataclass(frozen=True)
class IssueChoice:
    service: str
    language: str
    priority: str | None
    interpreter: bool


@dataclass(frozen=True)
class PriorityChoice:
    category: str | None  # None: no priority right
    reason: str


@dataclass(frozen=True)
class SendChoice:
    window: str
    reason: str


@dataclass(frozen=True)
class LastTicket:
    at: time | None  # None: the catalogue's usual time


@dataclass(frozen=True)
class StaffEntry:
    name: str
    role: str  # "" when only the PIN changes
    pin: str


class Dialog(TerminalPart[TerminalApp], ModalScreen[R | None], Generic[R]):
    """A titled dialog with Cancel and a confirming button; subclasses add fields and `result()`,
    which gives the typed answer (dismissed with it), or None while a field needs fixing. Escape
    cancels, as the Cancel button does. Its words are in `lang`, given when it is made (its title
    is translated before it is shown); `self.terminal` is the running terminal, typed."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    def __init__(self, lang: str, title: str, confirm: str) -> None:
        super().__init__()
        self.lang = lang
        self.title_text = title
        self.confirm_text = confirm

    def gettext(self, message: str) -> str:
        return translations(self.lang).gettext(message)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield from self.fields()
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.gettext("Cancel"), id="cancel", variant="error")
                yield Button(self.confirm_text, id="confirm", variant="success")

    def fields(self) -> ComposeResult:
        yield from ()

    def result(self) -> R | None:
        raise NotImplementedError

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        value = self.result()
        if value is not None:
            self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in a field goes to the next one, and in the last one confirms."""
        if event.input is list(self.query(Input))[-1]:
            self._confirm()
        else:
            self.focus_next()


class IssueDialog(Dialog[IssueChoice]):
    """A ticket for a visitor who cannot use the kiosk."""

    def __init__(self, lang: str, catalogue: Catalogue, languages: list[str]) -> None:
        t = translations(lang)
        super().__init__(lang, t.gettext("Issue a ticket by hand"), t.gettext("Issue"))
        self.catalogue = catalogue
        self.languages = languages

    def fields(self) -> ComposeResult:
        services = [
            (plain(f"{d.name(self.lang)}: {s.name(self.lang)}"), s.code)
            for d in self.catalogue.department
            for s in d.service
        ]
        yield Select(services, prompt=self.gettext("Service"), id="service")
        yield Select([(NATIVE_NAMES[c], c) for c in self.languages], value=self.languages[0], id="language")
        priorities = [(plain(p.name(self.lang)), p.code) for p in self.catalogue.priority]
        yield Select(priorities, prompt=self.gettext("No priority right"), id="priority")
        yield Checkbox(self.gettext("I need a sign-language interpreter"), id="interpreter")
        yield Label("", id="dialog-error", classes="error", markup=False)

    def result(self) -> IssueChoice | None:
        service = self.query_one("#service", Select).value
        if service is Select.NULL:
            self.query_one("#dialog-error", Label).update(self.gettext("Choose a service"))
            return None
        priority = self.query_one("#priority", Select).value
        return IssueChoice(
            str(service),
            str(self.query_one("#language", Select).value),
            None if priority is Select.NULL else str(priority),
            self.query_one("#interpreter", Checkbox).value,
        )


class PriorityDialog(Dialog[PriorityChoice]):
    """A priority right given or taken away, with the reason."""

    def __init__(self, lang: str, catalogue: Catalogue, number: str, current: str | None) -> None:
        t = translations(lang)
        super().__init__(lang, t.gettext("Priority of {number}").format(number=number), t.gettext("Change"))
        self.catalogue = catalogue
        self.current = current

    def fields(self) -> ComposeResult:
        priorities = [(plain(p.name(self.lang)), p.code) for p in self.catalogue.priority]
        yield Select(
            priorities, prompt=self.gettext("No priority right"), id="priority",
            value=self.current if self.current else Select.NULL,
        )  # fmt: skip
        yield Input(placeholder=self.gettext("Reason (e.g. document shown)"), id="reason", max_length=200)
        yield Label("", id="dialog-error", classes="error", markup=False)

    def result(self) -> PriorityChoice | None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one("#dialog-error", Label).update(self.gettext("Say why"))
            return None
        priority = self.query_one("#priority", Select).value
        return PriorityChoice(None if priority is Select.NULL else str(priority), reason)


class ReasonDialog(Dialog[str]):
    """A confirmation that needs a reason (cancel a ticket, close the day)."""

    def __init__(self, lang: str, title: str, confirm: str, default: str = "") -> None:
        super().__init__(lang, title, confirm)
        self.default = default

    def fields(self) -> ComposeResult:
        yield Input(self.default, placeholder=self.gettext("Reason"), id="reason", max_length=200)
        yield Label("", id="dialog-error", classes="error", markup=False)

    def result(self) -> str | None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one("#dialog-error", Label).update(self.gettext("Say why"))
            return None
        return reason


class SendDialog(Dialog[SendChoice]):
    """Call a ticket to any window, even one outside its department; the reason is
    kept with the call."""

    def __init__(self, lang: str, number: str, windows: list[str]) -> None:
        t = translations(lang)
        super().__init__(
            lang, t.gettext("Send {number} to a window").format(number=number), t.gettext("Send")
        )
        self.windows = windows

    def fields(self) -> ComposeResult:
        choices = [(self.gettext("Window {window}").format(window=w), w) for w in self.windows]
        yield Select(choices, prompt=self.gettext("Window"), id="window")
        yield Input(placeholder=self.gettext("Reason"), id="reason", max_length=200)
        yield Label("", id="dialog-error", classes="error", markup=False)

    def result(self) -> SendChoice | None:
        window = self.query_one("#window", Select).value
        reason = self.query_one("#reason", Input).value.strip()
        error = self.query_one("#dialog-error", Label)
        if window is Select.NULL:
            error.update(self.gettext("Choose a window"))
            return None
        if not reason:
            error.update(self.gettext("Say why"))
            return None
        return SendChoice(str(window), reason)


class LastTicketDialog(Dialog[LastTicket]):
    """Today's last-ticket time of a department (an empty field: the catalogue's usual time)."""

    def __init__(self, lang: str, dept: Department, now: str) -> None:
        t = translations(lang)
        title = t.gettext("Last ticket today: {department}").format(department=dept.name(lang))
        super().__init__(lang, title, t.gettext("Save"))
        self.dept = dept
        self.now = now

    def fields(self) -> ComposeResult:
        usual = f"{self.dept.cutoff:%H:%M}"
        yield Label(self.gettext("Hours: {hours}").format(hours=self.dept.hours_text()))
        yield Label(self.gettext("Usual time: {time}. Leave empty to go back to it.").format(time=usual))
        yield Input(self.now, placeholder="HH:MM", restrict=r"[0-9:]*", max_length=5, id="last-ticket")
        yield Label("", id="dialog-error", classes="error", markup=False)

    def result(self) -> LastTicket | None:
        value = self.query_one("#last-ticket", Input).value.strip()
        if not value:
            return LastTicket(None)
        error = self.query_one("#dialog-error", Label)
        if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", value):
            error.update(self.gettext("Write the time as HH:MM, e.g. 17:30"))
            return None
        at = time.fromisoformat(value.zfill(5))
        if not any(p.start < at <= p.end for p in self.dept.hours):
            error.update(self.gettext("The last ticket must fall within the hours"))
            return None
        return LastTicket(at)


class StaffDialog(Dialog[StaffEntry]):
    """A new member, or a new PIN when `name` is given."""

    def __init__(self, lang: str, name: str | None = None) -> None:
        t = translations(lang)
        title = t.gettext("New PIN for {name}").format(name=name) if name else t.gettext("Add a staff member")
        super().__init__(lang, title, t.gettext("Save"))
        self.member_name = name

    def fields(self) -> ComposeResult:
        if self.member_name is None:
            yield Input(placeholder=self.gettext("Name"), id="name", max_length=64)
            yield Select(
                [(self.gettext("Counter staff"), "staff"), (self.gettext("Administrator"), "admin")],
                value="staff", id="role",
            )  # fmt: skip
        yield Input(
            placeholder=self.gettext("PIN (4 to 12 digits)"), password=True, restrict=r"\d*", id="pin"
        )
        yield Label("", id="dialog-error", classes="error", markup=False)

    def result(self) -> StaffEntry | None:
        pin = self.query_one("#pin", Input).value
        if not 4 <= len(pin) <= 12:
            self.query_one("#dialog-error", Label).update(self.gettext("A PIN is 4 to 12 digits"))
            return None
        if self.member_name is not None:
            return StaffEntry(self.member_name, "", pin)
        name = self.query_one("#name", Input).value.strip()
        if not name:
            self.query_one("#dialog-error", Label).update(self.gettext("Name"))
            return None
        return StaffEntry(name, str(self.query_one("#role", Select).value), pin)
