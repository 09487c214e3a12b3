"""The front-desk app, built by `create_app`: an administrator signs in with a PIN, then works with
the day's queue (live from every terminal), statistics, staff, the day and the audit. Every action
is an event with the administrator's name."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Label, TabbedContent, TabPane

from kiosk.clock import Clock
from kiosk.config import Settings
from kiosk.domain.alerts import Alert
from kiosk.domain.events import DAY_CHANGES, Kind, WrongTry, payload_of
from kiosk.domain.tickets import TicketView
from kiosk.presentation.alert_words import alert_reason
from kiosk.presentation.i18n import N_
from kiosk.queue.actions import DESK
from kiosk.security import exit_pin
from kiosk.security.members import Member
from kiosk.service import QueueService
from printer.printing import TicketPrinter
from screens.admin.alerts import ALERTS_TITLE, AlertsPane, alerts_label
from screens.admin.bookings import BookingsPane
from screens.admin.dialogs import (
    IssueChoice,
    IssueDialog,
    PriorityChoice,
    PriorityDialog,
    ReasonDialog,
    SendChoice,
    SendDialog,
)
from screens.admin.panes import AuditPane, DayPane, Pane, StaffPane
from screens.admin.queue import QueueTable
from screens.admin.stats import StatsPane
from screens.common.live import ConnectionChanged, EventsArrived, LiveApp, while_running
from screens.common.signin import SignInScreen
from screens.common.terminal import STAFF_CSS, TerminalPart, open_terminal_service
from screens.common.transfer import Transfer, TransferScreen
from screens.common.words import DATABASE_AWAY

# Wrong tries at a kiosk that the desk is told of once they repeat.
ALARMS = {
    Kind.EXIT_PIN_REFUSED: N_("{count} wrong PINs in a row at the kiosk {terminal}"),
    Kind.CHECKIN_CODE_REFUSED: N_("{count} wrong check-in codes in a short time at the kiosk {terminal}"),
}


ALERT_SECONDS = 10.0  # the alerts are checked this often, and on events at most every ALERT_SOON
ALERT_SOON = 2.0
ALERT_FIRST = 1.0  # seconds after sign-in
NARROW = 80  # columns: below, the Alerts tab shows no count (the screen class -narrow)

PANES: dict[str, tuple[str, Callable[[], Pane]]] = {  # the tabs besides the queue: title, contents
    "tab-alerts": (ALERTS_TITLE, AlertsPane),
    "tab-bookings": (N_("Bookings"), BookingsPane),
    "tab-stats": (N_("Statistics"), StatsPane),
    "tab-staff": (N_("Staff members"), StaffPane),
    "tab-day": (N_("Day"), DayPane),
    "tab-audit": (N_("Audit"), AuditPane),
}


class AdminScreen(TerminalPart["AdminApp"], Screen[None]):
    BINDINGS = [Binding(a.desk_key or "", f"act('{a.name}')", show=False) for a in DESK]  # noqa: RUF012

    def __init__(self, tab: str | None = None) -> None:
        """`tab`: the one to open on (a resumed session's), else the queue."""
        super().__init__()
        self.tab = tab if tab in PANES else "tab-queue"

    def compose(self) -> ComposeResult:
        desk = self.terminal
        yield Label(
            f"{desk.settings.centre_name} · {self.gettext('Front desk')} · {desk.who}",
            id="admin-title",
            markup=False,  # the centre's and the member's names are text
        )
        with TabbedContent(id="tabs", initial=self.tab):
            with TabPane(self.gettext("Queue"), id="tab-queue"):
                yield QueueTable()
                with Horizontal(id="admin-actions"):
                    for a in DESK:
                        yield Button(
                            f"{(a.desk_key or '').upper()} {self.gettext(a.label)}", id=f"act-{a.name}"
                        )
            # The other tabs get their widgets when first chosen (`PANES`): the desk opens on the
            # queue, and nothing else (a chart among them) is built before the day is on screen.
            for ident, (title, _) in PANES.items():
                yield TabPane(self.gettext(title), id=ident)
        yield Label("", id="admin-status", markup=False)

    def on_mount(self) -> None:
        self.show_alerts()
        self.query_one(QueueTable).load()
        self.set_interval(15, self.query_one(QueueTable).tick)
        self.set_interval(15, self.tick_bookings)

    alerts_counted = 0

    def show_alerts(self) -> None:
        """The desk's alerts (`AdminApp.alerts`): counted in their tab's title, listed in the tab."""
        alerts = self.terminal.alerts
        # a narrow desk's tabs have no room for the count: the tab turns red instead
        count = len(alerts) if self.size.width >= NARROW else 0
        if count != self.alerts_counted:  # a tab's new title lays the tabs out again
            self.alerts_counted = count
            tab = self.query_one(TabbedContent).get_tab("tab-alerts")
            tab.label = alerts_label(self.gettext, count)
        self.query_one(TabbedContent).get_tab("tab-alerts").set_class(bool(alerts), "-alerting")
        for pane in self.query(AlertsPane):
            pane.show(alerts)

    def tick_bookings(self) -> None:
        for bookings in self.query(BookingsPane):
            if bookings.opened:
                bookings.tick()

    def action_act(self, name: str) -> None:
        self.terminal.act(name)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        session = self.terminal.session
        if session is not None and event.pane.id:
            session.place(tab=event.pane.id)  # a restarted desk opens here again
        panes = event.pane.query(Pane)
        if panes:
            for pane in panes:
                pane.open()
        elif event.pane.id in PANES:  # chosen the first time: built now, and it opens when mounted
            event.pane.mount(PANES[event.pane.id][1]())


class AdminApp(LiveApp):
    CSS_PATH = [*STAFF_CSS, "admin.tcss"]  # noqa: RUF012
    ENABLE_COMMAND_PALETTE = False
    TITLE = "Front desk"
    BINDINGS = [Binding("ctrl+q", "quit", show=False)]  # noqa: RUF012
    # Screen classes for the stylesheet: how many action buttons a row, and dialogs without blank
    # lines on a short terminal.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide"), (120, "-widest")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012
    printer: TicketPrinter

    def __init__(
        self, settings: Settings, service: QueueService, printer: TicketPrinter, lang: str | None = None
    ) -> None:
        super().__init__(settings, service, lang, printer=printer)
        self.chosen: TicketView | None = None

    def get_default_screen(self) -> SignInScreen:
        return SignInScreen(self.gettext("Front desk"), role="admin")

    session_name = "desk"

    def on_mount(self) -> None:
        self.start_following()
        self.resume(role="admin")

    def signed_in(self, member: Member) -> None:
        super().signed_in(member)
        self.desk = AdminScreen(self.kept.place.get("tab") if self.kept else None)
        self.push_screen(self.desk)
        self.alerts_checked = time.monotonic()  # nor on the first events: the day comes first
        self.set_timer(ALERT_FIRST, self.check_alerts)
        self.set_interval(ALERT_SECONDS, self.check_alerts)

    # The 15-minute rule, live ------------------------------------------------------------------

    alerts: list[Alert] = []  # noqa: RUF012 (replaced whole, never changed in place)
    alert_keys: frozenset[str] = frozenset()
    alerts_checked = 0.0
    alerts_seen = False

    def check_alerts(self) -> None:
        self.alerts_checked = time.monotonic()
        found, failed = self.alerts_found, self.logged
        self.run_db(self.service.alerts, found, on_failed=failed, group="alerts", exclusive=True)

    def alerts_found(self, alerts: list[Alert]) -> None:
        """A new alert chimes and shows for a moment whichever tab is open; the Alerts tab lists all
        of them, and its title counts them; a resolved one is dropped."""
        new = [a for a in alerts if a.key not in self.alert_keys]
        first, self.alerts_seen = not self.alerts_seen, True
        self.alerts, self.alert_keys = alerts, frozenset(a.key for a in alerts)
        if self.desk is not None and self.desk.is_mounted:  # else it shows them once it is drawn
            self.desk.show_alerts()
        if new:
            self.bell()
            for alert in [] if first else new[:3]:  # at sign-in the tab's count says it
                name = self.service.catalogue.dept(alert.department).name(self.lang)
                self.notify(alert_reason(alert, self.gettext, name), severity="warning", markup=False)

    desk: AdminScreen | None = None

    def say(self, text: str, problem: bool = False) -> None:
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
        if time.monotonic() - self.alerts_checked > ALERT_SOON:  # a call or a break may resolve one
            self.check_alerts()
        self.queue.changed(message.events)
        for bookings in self.desk.query(BookingsPane):  # (none yet in the desk's first moment)
            if bookings.opened:
                bookings.changed(message.events)
        for audit in self.desk.query(AuditPane):
            if audit.opened:
                audit.add(message.events)
        for e in message.events:
            alarm = payload_of(e) if e.kind in ALARMS else None
            if isinstance(alarm, WrongTry) and alarm.wrong_in_a_row >= exit_pin.FREE_TRIES:
                text = self.gettext(ALARMS[Kind(e.kind)])
                terminal = alarm.terminal  # a name another terminal gave: text, never markup
                self.notify(
                    text.format(count=alarm.wrong_in_a_row, terminal=terminal),
                    severity="warning",
                    markup=False,
                )
        for day in self.desk.query(DayPane):
            if day.opened and any(e.kind in DAY_CHANGES for e in message.events):
                day.load()  # another desk or a counter changed the day

    @while_running
    def on_connection_changed(self, message: ConnectionChanged) -> None:
        self.say("" if message.up else self.gettext(DATABASE_AWAY))

    # Actions on tickets ----------------------------------------------------------------------------

    def act(self, name: str) -> None:
        """A desk action of `kiosk.queue.actions.DESK`: its dialog, then the change in a worker."""
        catalogue = self.service.catalogue
        self.chosen = self.queue.selected() if self.desk is not None else None
        ticket = self.chosen
        if name in ("issue", "quick"):
            dialog = IssueDialog(self.lang, catalogue, list(self.settings.languages))
            self.push_screen(dialog, self._issue if name == "issue" else self._quick)
            return
        if ticket is None:
            self.say(self.gettext("Choose a ticket in the table first"))
            return
        self.on_ticket[name](ticket)

    @property
    def on_ticket(self) -> dict[str, Callable[[TicketView], object]]:
        """What each desk action of `kiosk.queue.actions.DESK` on a chosen ticket does first: its
        dialog (the change follows in a worker when it is answered), or the reprint at once."""
        catalogue = self.service.catalogue

        def cancel(ticket: TicketView) -> None:
            title = self.gettext("Cancel {number}").format(number=ticket.code)
            self.push_screen(ReasonDialog(self.lang, title, self.gettext("Cancel the ticket")), self._cancel)

        def reprint(ticket: TicketView) -> None:
            self.change(lambda: self.printer.reprint(ticket, staff=self.who).result(timeout=30).status)

        return {
            "transfer": lambda t: self.push_screen(TransferScreen(t), self._transfer),
            "priority": lambda t: self.push_screen(
                PriorityDialog(self.lang, catalogue, t.code, t.priority), self._priority
            ),
            "cancel": cancel,
            "send": lambda t: self.push_screen(SendDialog(self.lang, t.code, catalogue.windows), self._send),
            "reprint": reprint,
        }

    def _transfer(self, choice: Transfer | None) -> None:
        ticket = self.chosen
        if choice and ticket:
            self.change(
                lambda: (
                    self.service.transfer(
                        ticket.id,
                        choice.department,
                        service=choice.service,
                        staff=self.who,
                        note=choice.note or None,
                    ).code
                )
            )

    def _priority(self, choice: PriorityChoice | None) -> None:
        ticket = self.chosen
        if choice and ticket:
            self.change(
                lambda: (
                    self.service.change_priority(
                        ticket.id, choice.category, choice.reason, staff=self.who
                    ).code
                )
            )

    def _cancel(self, reason: str | None) -> None:
        ticket = self.chosen
        if reason and ticket:
            self.change(lambda: self.service.cancel(ticket.id, staff=self.who, reason=reason).code)

    def _send(self, choice: SendChoice | None) -> None:
        ticket = self.chosen
        if choice and ticket:
            self.change(
                lambda: (
                    self.service.call(ticket.id, choice.window, staff=self.who, override=choice.reason).code
                )
            )

    def _issue(self, choice: IssueChoice | None) -> None:
        if choice:

            def issue() -> str:
                issued = self.service.issue(
                    choice.service,
                    language=choice.language,
                    priority=choice.priority,
                    interpreter=choice.interpreter,
                    staff=self.who,
                    source="desk",
                )
                self.printer.submit(issued, staff=self.who)
                return issued.ticket.code

            self.change(issue)

    def _quick(self, choice: IssueChoice | None) -> None:
        if choice:
            self.change(
                lambda: (
                    self.service.quick_transaction(
                        choice.service, language=choice.language, staff=self.who
                    ).code
                )
            )

    def change(self, action: Callable[[], str]) -> None:
        """A change in a worker; "Done: <what it returned>" when done, a refusal in one calm line."""
        self.run_db(action, self._done, group="desk-action")

    def _done(self, what: str) -> None:
        self.say(self.gettext("Done: {what}").format(what=what))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("act-"):
            self.act(event.button.id.removeprefix("act-"))


def create_app(
    settings: Settings,
    service: QueueService | None = None,
    clock: Clock | None = None,
    lang: str | None = None,
    printer_url: str | None = None,
) -> AdminApp:
    service = open_terminal_service(settings, service, clock)
    return AdminApp(settings, service, TicketPrinter(service, printer_url), lang)
