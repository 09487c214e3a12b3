"""The front desk's other views: the base of its tabs, staff, the day (departments, last-ticket times,
windows, end-of-day close), and the audit of every action. Statistics are in `stats.py`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, TabbedContent, TabPane

from kiosk.domain.tickets import EventView
from kiosk.presentation.i18n import N_
from kiosk.security.members import Member
from screens.admin.dialogs import LastTicket, LastTicketDialog, ReasonDialog, StaffDialog, StaffEntry
from screens.admin.staff_stats import NOT_GIVEN
from screens.common.pause import PauseScreen
from screens.common.plain import PlainTable
from screens.common.terminal import TerminalPart

if TYPE_CHECKING:
    from kiosk.queue.dayplan import DayBoard
    from screens.admin.app import AdminApp  # noqa: F401 (the typed base below)


class Pane(TerminalPart["AdminApp"], Vertical):
    """A tab of the desk besides the queue: it reads the database the first time it is shown (the
    desk opens on the queue, which then has the machine to itself), and again on `load()`."""

    opened = False

    def on_mount(self) -> None:
        """Mounted after its tab was chosen (the tabs are mounted lazily): it opens at once."""
        tab = next((a for a in self.ancestors if isinstance(a, TabPane)), None)
        tabs = next((a for a in self.ancestors if isinstance(a, TabbedContent)), None)
        if tab is not None and tabs is not None and tabs.active == tab.id:
            self.open()

    def open(self) -> None:
        if not self.opened:
            self.opened = True
            self.load()

    def load(self) -> None:
        raise NotImplementedError

    def say(self, text: str) -> None:
        self.terminal.say(text)

    def table_choice(self, table_id: str) -> str | None:
        """The key of the chosen row of a table, if it has rows."""
        table = self.query_one(table_id, PlainTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


AUDIT_COLUMNS = [
    ("id", "#"),
    ("at", N_("Time")),
    ("kind", N_("What")),
    ("ticket", N_("Ticket")),
    ("department", N_("Department")),
    ("window", N_("Window")),
    ("staff", N_("Who")),
    ("data", N_("Details")),
]


class StaffPane(Pane):
    def compose(self) -> ComposeResult:
        with Horizontal(classes="pane-buttons"):
            yield Button(self.gettext("Add a staff member"), id="staff-add")
            yield Button(self.gettext("New PIN"), id="staff-pin")
            yield Button(self.gettext("Disable or enable"), id="staff-toggle")
        table = PlainTable(id="staff-table", cursor_type="row")
        table.add_columns(self.gettext("Name"), self.gettext("Role"), self.gettext("State"))
        yield table

    def load(self) -> None:
        self.terminal.run_db(self.terminal.staff.members, self.show, group="staff", exclusive=True)

    def show(self, members: list[Member]) -> None:
        self.members = {m.name: m for m in members}
        table = self.query_one("#staff-table", PlainTable)
        table.clear()
        for member in members:
            role = self.gettext("Administrator") if member.role == "admin" else self.gettext("Counter staff")
            state = self.gettext("active") if member.active else self.gettext("disabled")
            table.add_row(member.name, role, state, key=member.name)

    members: dict[str, Member] | None = None

    @on(Button.Pressed, "#staff-add")
    def _add(self) -> None:
        self.app.push_screen(StaffDialog(self.terminal.lang), callback=self._added)

    def _added(self, entry: StaffEntry | None) -> None:
        if entry:
            self._do(lambda: self.terminal.staff.add(entry.name, entry.role, entry.pin, by=self.terminal.who))

    @on(Button.Pressed, "#staff-pin")
    def _pin(self) -> None:
        name = self.table_choice("#staff-table")
        if name:
            self.app.push_screen(StaffDialog(self.terminal.lang, name), callback=self._new_pin)

    def _new_pin(self, entry: StaffEntry | None) -> None:
        if entry:
            self._do(lambda: self.terminal.staff.set_pin(entry.name, entry.pin, by=self.terminal.who))

    @on(Button.Pressed, "#staff-toggle")
    def _toggle(self) -> None:
        name = self.table_choice("#staff-table")
        member = (self.members or {}).get(name or "")
        if member is not None:
            self._do(
                lambda: self.terminal.staff.set_active(member.name, not member.active, by=self.terminal.who)
            )

    def _do(self, action: Callable[[], object]) -> None:
        self.terminal.run_db(action, self._saved, group="staff-change")

    def _saved(self, _: object) -> None:
        self.say(self.gettext("Saved"))
        self.load()


class DayPane(Pane):
    """Today only: departments closed or reopened, last-ticket times moved, windows paused, and the
    end-of-day close. Every change is an event, so the kiosks and counters follow it."""

    def compose(self) -> ComposeResult:
        yield Label(self.gettext("Departments today"), classes="title")
        departments = PlainTable(id="day-table", cursor_type="row")
        departments.add_columns(
            self.gettext("Department"),
            self.gettext("Hours"),
            self.gettext("Last ticket"),
            self.gettext("Now"),
        )
        yield departments
        with Horizontal(classes="pane-buttons"):
            yield Button(self.gettext("Close or reopen for today"), id="day-toggle")
            yield Button(self.gettext("Last ticket time"), id="day-last-ticket")
            yield Button(
                self.gettext("End of day: close all open tickets"), id="day-close", variant="warning"
            )
        yield Label(self.gettext("Windows today"), classes="title")
        windows = PlainTable(id="window-table", cursor_type="row")
        windows.add_columns(
            self.gettext("Window"), self.gettext("Department"), self.gettext("Now"), self.gettext("Reason")
        )
        yield windows
        with Horizontal(classes="pane-buttons"):
            yield Button(self.gettext("Pause or resume the window"), id="window-toggle")

    def load(self) -> None:
        self.terminal.run_db(self.terminal.service.day_board, self.show, group="day", exclusive=True)

    def show(self, board: DayBoard) -> None:
        openings, paused = board.openings, board.paused
        lang = self.terminal.lang
        catalogue = self.terminal.service.catalogue
        table = self.query_one("#day-table", PlainTable)
        row = table.cursor_row
        table.clear()
        for dept in catalogue.department:
            opening = openings[dept.code]
            if opening.reason == "closed_today":
                now = self.gettext("closed for today")
            else:
                now = self.gettext("open") if opening.open else self.gettext("closed now")
            last = f"{opening.cutoff:%H:%M}"
            if opening.cutoff != dept.cutoff:
                last += " " + self.gettext("(usually {time})").format(time=f"{dept.cutoff:%H:%M}")
            table.add_row(dept.name(lang), dept.hours_text(), last, now, key=dept.code)
        table.move_cursor(row=row)
        windows = self.query_one("#window-table", PlainTable)
        row = windows.cursor_row
        windows.clear()
        for window in catalogue.windows:
            names = ", ".join(
                catalogue.dept(code).name(lang) for code in catalogue.departments_of_window(window)
            )
            now = self.gettext("paused") if paused[window] else self.gettext("open")
            reason = board.reasons.get(window)
            why = catalogue.pause_reason_name(reason, lang) if reason else ""
            if paused[window] and not reason:  # a break recorded before reasons were asked for
                why = self.gettext(NOT_GIVEN)
            windows.add_row(window, names, now, why, key=window)
        windows.move_cursor(row=row)
        self.board = board

    board: DayBoard | None = None

    @on(Button.Pressed, "#day-toggle")
    def _toggle(self) -> None:
        code = self.table_choice("#day-table")
        if code and self.board:
            reopen = self.board.openings[code].reason == "closed_today"
            self._change(lambda: self.terminal.service.set_department_open(code, reopen, self.terminal.who))

    @on(Button.Pressed, "#day-last-ticket")
    def _last_ticket(self) -> None:
        code = self.table_choice("#day-table")
        if not code or not self.board:
            return
        service = self.terminal.service
        dept = service.catalogue.dept(code)
        dialog = LastTicketDialog(self.terminal.lang, dept, f"{self.board.openings[code].cutoff:%H:%M}")

        def chosen(value: LastTicket | None) -> None:
            if value is not None:
                self._change(lambda: service.set_last_ticket(code, value.at, staff=self.terminal.who))

        self.app.push_screen(dialog, callback=chosen)

    @on(Button.Pressed, "#window-toggle")
    def _pause(self) -> None:
        """Back from a break at once; a break asks its reason first (`PauseScreen`)."""
        window = self.table_choice("#window-table")
        if not window or not self.board:
            return
        service, who = self.terminal.service, self.terminal.who
        if self.board.paused[window]:
            self._change(lambda: service.pause_window(window, False, who))
            return

        def chosen(reason: str | None) -> None:
            if reason is not None:
                self._change(lambda: service.pause_window(window, True, who, reason=reason))

        self.app.push_screen(PauseScreen(window), callback=chosen)

    def _change(self, change: Callable[[], object]) -> None:
        self.terminal.run_db(change, self._changed, group="day-change")

    def _changed(self, _: object) -> None:
        self.say("")
        self.load()

    @on(Button.Pressed, "#day-close")
    def _close(self) -> None:
        dialog = ReasonDialog(
            self.terminal.lang,
            self.gettext("End of day"),
            self.gettext("Close the day"),
            self.gettext("end of day"),
        )
        self.app.push_screen(dialog, callback=self._day_closed)

    def _day_closed(self, reason: str | None) -> None:
        if reason:
            who = self.terminal.who
            self.terminal.run_db(
                lambda: self.terminal.service.close_day(reason=reason, staff=who),
                lambda closed: self.say(self.gettext("{count} open tickets closed").format(count=closed)),
                group="day-change",
            )


class AuditPane(Pane):
    def compose(self) -> ComposeResult:
        table = PlainTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        for key, label in AUDIT_COLUMNS:
            table.add_column(self.gettext(label) if label != "#" else label, key=key)
        yield table

    def load(self) -> None:
        self.terminal.run_db(
            self.terminal.service.audit, lambda events: self.add(events[::-1]), group="audit"
        )

    def add(self, events: list[EventView]) -> None:
        """Rows for events not shown yet: the day's audit when opened, then the events the desk is
        handed as they arrive."""
        table = self.query_one("#audit-table", PlainTable)
        zone = self.terminal.settings.zone
        for e in events:
            if str(e.id) in table.rows:
                continue
            details = ", ".join(f"{k}={v}" for k, v in e.data.items() if k != "code")
            table.add_row(
                str(e.id),
                e.at.astimezone(zone).strftime("%H:%M:%S"),
                e.kind,
                str(e.data.get("code", e.ticket_id or "")),
                e.department or "",
                e.window or "",
                e.staff or "",
                details,
                key=str(e.id),
            )
        table.sort("id", key=lambda value: -int(value))
