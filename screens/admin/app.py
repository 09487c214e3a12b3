"""The front-desk app, built by `create_app`: an administrator signs in with a PIN, then works with
the day's queue (live from every terminal), statistics, staff, the day and the audit. Every action
is an event with the administrator's name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Label, TabbedContent, TabPane

from kiosk import exit_pin
from kiosk.clock import Clock, SystemClock
from kiosk.config import Settings
from kiosk.errors import KioskError
from kiosk.i18n import N_, translations
from kiosk.runtime import open_service, open_staff
from kiosk.service import QueueService
from kiosk.staff import Member
from printer.printing import TicketPrinter
from screens.admin.dialogs import IssueDialog, PriorityDialog, ReasonDialog, SendDialog
from screens.admin.panes import AuditPane, DayPane, StaffPane, StatsPane
from screens.admin.queue import QueueTable
from screens.common.live import ConnectionChanged, EventsArrived, LiveApp, to_ui, while_running
from screens.common.words import DATABASE_AWAY, problem_text
from screens.counter.signin import SignInScreen
from screens.counter.transfer import TransferScreen

ACTIONS = [
    ("issue", "f2", N_("Issue by hand")),
    ("transfer", "f3", N_("Transfer")),
    ("priority", "f4", N_("Priority")),
    ("cancel", "f5", N_("Cancel")),
    ("reprint", "f6", N_("Reprint")),
    ("quick", "f7", N_("Quick answer")),
    ("send", "f8", N_("Send to window")),
]


DAY_EVENTS = ("department_closed", "department_opened", "last_ticket_set", "window_paused", "window_resumed")


class AdminScreen(Screen[None]):
    BINDINGS = [Binding(key, f"act('{name}')", show=False) for name, key, _ in ACTIONS]  # noqa: RUF012

    def compose(self) -> ComposeResult:
        app = self.app
        assert isinstance(app, AdminApp)
        t = translations(app.lang)
        yield Label(f"{app.settings.centre_name} · {t.gettext('Front desk')} · {app.who}", id="admin-title")
        with TabbedContent(id="tabs"):
            with TabPane(t.gettext("Queue"), id="tab-queue"):
                yield QueueTable()
                with Horizontal(id="admin-actions"):
                    for name, key, label in ACTIONS:
                        yield Button(f"{key.upper()} {t.gettext(label)}", id=f"act-{name}")
            with TabPane(t.gettext("Statistics"), id="tab-stats"):
                yield StatsPane()
            with TabPane(t.gettext("Staff"), id="tab-staff"):
                yield StaffPane()
            with TabPane(t.gettext("Day"), id="tab-day"):
                yield DayPane()
            with TabPane(t.gettext("Audit"), id="tab-audit"):
                yield AuditPane()
        yield Label("", id="admin-status", markup=False)

    def on_mount(self) -> None:
        self.query_one(QueueTable).load()
        self.set_interval(15, self.query_one(QueueTable).tick)

    def action_act(self, name: str) -> None:
        app = self.app
        assert isinstance(app, AdminApp)
        app.act(name)


class AdminApp(LiveApp):
    CSS_PATH = "admin.tcss"
    ENABLE_COMMAND_PALETTE = False
    TITLE = "Front desk"
    BINDINGS = [Binding("ctrl+q", "quit", show=False)]  # noqa: RUF012

    def __init__(
        self, settings: Settings, service: QueueService, printer: TicketPrinter, lang: str | None = None
    ) -> None:
        super().__init__()
        self.settings = settings
        self.service = service
        self.printer = printer
        self.lang = lang or settings.main_language
        self.staff = open_staff(service)
        self.member: Member | None = None

    @property
    def who(self) -> str | None:
        return self.member.name if self.member else None

    def gettext(self, message: str) -> str:
        return translations(self.lang).gettext(message)

    def get_default_screen(self) -> SignInScreen:
        return SignInScreen(self.staff, self.lang, self.gettext("Front desk"), self.signed_in, role="admin")

    def on_mount(self) -> None:
        self.start_following()

    def signed_in(self, member: Member) -> None:
        self.member = member
        self.desk = AdminScreen()
        self.push_screen(self.desk)

    desk: AdminScreen | None = None

    def say(self, text: str) -> None:
        if self.desk is not None:
            self.desk.query_one("#admin-status", Label).update(text)

    @property
    def queue(self) -> QueueTable:
        assert self.desk is not None
        return self.desk.query_one(QueueTable)

    @while_running
    def on_events_arrived(self, message: EventsArrived) -> None:
        if self.desk is None or not self.desk.query(QueueTable):
            return  # not signed in, or the desk is still being drawn (it loads the day itself)
        self.queue.changed(message.events)
        self.desk.query_one(AuditPane).load()
        for e in message.events:
            if e.kind == exit_pin.REFUSED and e.data.get("wrong_in_a_row", 0) >= exit_pin.FREE_TRIES:
                text = self.gettext("{count} wrong PINs in a row at the kiosk {terminal}")
                terminal = str(e.data.get("terminal", ""))
                self.notify(
                    text.format(count=e.data["wrong_in_a_row"], terminal=terminal), severity="warning"
                )
        if any(e.kind in DAY_EVENTS for e in message.events):
            self.desk.query_one(DayPane).load()  # another desk or a counter changed the day

    @while_running
    def on_connection_changed(self, message: ConnectionChanged) -> None:
        self.say("" if message.up else self.gettext(DATABASE_AWAY))

    # Actions on tickets ----------------------------------------------------------------------------

    def act(self, name: str) -> None:
        catalogue = self.service.catalogue
        self.chosen = self.queue.selected() if self.desk is not None else None
        ticket = self.chosen
        if name in ("issue", "quick"):
            dialog = IssueDialog(self.lang, catalogue, list(self.settings.languages))
            self.push_screen(dialog, self._issue if name == "issue" else self._quick)
        elif ticket is None:
            self.say(self.gettext("Choose a ticket in the table first"))
        elif name == "transfer":
            self.push_screen(TransferScreen(ticket, self.service, self.lang), self._transfer)
        elif name == "priority":
            self.push_screen(
                PriorityDialog(self.lang, catalogue, ticket.code, ticket.priority), self._priority
            )
        elif name == "cancel":
            title = self.gettext("Cancel {number}").format(number=ticket.code)
            self.push_screen(ReasonDialog(self.lang, title, self.gettext("Cancel the ticket")), self._cancel)
        elif name == "send":
            self.push_screen(SendDialog(self.lang, ticket.code, catalogue.windows), self._send)
        elif name == "reprint":
            self._run(lambda: self.printer.reprint(ticket, staff=self.who).result(timeout=30))

    chosen: Any = None

    def _transfer(self, choice: tuple[str, str, str] | None) -> None:
        ticket = self.chosen
        if choice and ticket:
            department, service, note = choice
            self._run(
                lambda: self.service.transfer(
                    ticket.id, department, service=service, staff=self.who, note=note or None
                )
            )

    def _priority(self, choice: tuple[str | None, str] | None) -> None:
        ticket = self.chosen
        if choice and ticket:
            self._run(lambda: self.service.change_priority(ticket.id, choice[0], choice[1], staff=self.who))

    def _cancel(self, reason: str | None) -> None:
        ticket = self.chosen
        if reason and ticket:
            self._run(lambda: self.service.cancel(ticket.id, staff=self.who, reason=reason))

    def _send(self, choice: tuple[str, str] | None) -> None:
        ticket = self.chosen
        if choice and ticket:
            window, reason = choice
            self._run(lambda: self.service.call(ticket.id, window, staff=self.who, override=reason))

    def _issue(self, values: Any) -> None:
        if values:
            service, language, priority, interpreter = values

            def issue() -> Any:
                issued = self.service.issue(
                    service,
                    language=language,
                    priority=priority,
                    interpreter=interpreter,
                    staff=self.who,
                    source="desk",
                )
                self.printer.submit(issued, staff=self.who)
                return issued.ticket

            self._run(issue)

    def _quick(self, values: Any) -> None:
        if values:
            self._run(lambda: self.service.quick_transaction(values[0], language=values[1], staff=self.who))

    @work(thread=True, group="desk-action")
    def _run(self, action: Callable[[], Any]) -> None:
        try:
            result = action()
        except KioskError as exc:
            to_ui(self, self.say, problem_text(exc, self.gettext))
            return
        code = getattr(result, "code", None) or getattr(result, "status", "")
        to_ui(self, self.say, self.gettext("Done: {what}").format(what=code))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("act-"):
            self.act(event.button.id.removeprefix("act-"))

    def on_unmount(self) -> None:
        self.printer.close()


def create_app(
    settings: Settings,
    service: QueueService | None = None,
    clock: Clock | None = None,
    lang: str | None = None,
    printer_url: str | None = None,
) -> AdminApp:
    service = service or open_service(settings, clock or SystemClock())
    return AdminApp(settings, service, TicketPrinter(service, printer_url), lang)
