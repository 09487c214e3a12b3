"""The front desk's other views: statistics with a per-hour chart, staff, the day (departments,
last-ticket times, windows, end-of-day close), and the audit of every action."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.measure import Measurement
from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, ScrollableContainer, Vertical
from textual.widgets import Button, DataTable, Label, Static
from textual_plotext import PlotextPlot

from kiosk.domain import EventView
from kiosk.errors import KioskError
from kiosk.i18n import N_
from kiosk.staff import Member
from kiosk.stats import DayStats, HourStats
from screens.admin.dialogs import LastTicket, LastTicketDialog, ReasonDialog, StaffDialog, StaffEntry
from screens.common.terminal import TerminalPart

if TYPE_CHECKING:
    from kiosk.catalogue import Opening
    from screens.admin.app import AdminApp  # noqa: F401 (the typed base below)


class Pane(TerminalPart["AdminApp"], Vertical):
    """A tab of the desk besides the queue: it reads the database the first time it is shown (the
    desk opens on the queue, which then has the machine to itself), and again on `load()`."""

    opened = False

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
        table = self.query_one(table_id, DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


STATS_HEADERS = [
    N_("Department"), N_("Waiting now"), N_("Longest wait"), N_("Served"), N_("Mean wait"), N_("p90 wait"),
    N_("Mean service"), N_("p90 service"), N_("No-shows"), N_("Over SLA"),
]  # fmt: skip
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


def _minutes(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 60:.0f}"


class StatsPane(Pane):
    def compose(self) -> ComposeResult:
        with Horizontal(classes="pane-buttons"):
            yield Button(self.gettext("Refresh"), id="stats-refresh")
            yield Button(self.gettext("Export the day (CSV)"), id="stats-export")
        with ScrollableContainer(id="stats-scroll"):  # a narrow terminal scrolls the table sideways
            yield Static("", id="stats-table")
            yield PlotextPlot(id="stats-chart")

    @on(Button.Pressed, "#stats-refresh")
    def _refresh(self) -> None:
        self.load()

    def load(self) -> None:
        service = self.terminal.service
        self.terminal.run_db(
            lambda: (service.stats(), service.hourly()),
            lambda read: self.show(*read),
            group="stats",
            exclusive=True,
        )

    shown: DayStats | None = None

    def show(self, stats: DayStats, hourly: list[HourStats]) -> None:
        self.shown = stats
        catalogue = self.terminal.service.catalogue
        lang = self.terminal.lang
        table = Table(expand=True, header_style="bold #ffd700")
        for index, header in enumerate(STATS_HEADERS):  # nothing shortened: names and figures whole
            if index == 0:
                table.add_column(self.gettext(header), no_wrap=True)
            else:
                table.add_column(self.gettext(header), justify="right", no_wrap=True)
        for row in [*stats.departments, stats.total]:
            name = (
                catalogue.dept(row.department).name(lang) if row.department != "all" else self.gettext("All")
            )
            table.add_row(
                name,
                str(row.waiting_now),
                _minutes(row.longest_wait_now),
                str(row.served),
                _minutes(row.wait.mean),
                _minutes(row.wait.p90),
                _minutes(row.service.mean),
                _minutes(row.service.p90),
                "" if row.no_show_rate is None else f"{row.no_show_rate:.0%}",
                "" if row.over_sla_share is None else f"{row.over_sla_share:.0%}",
                style="bold" if row.department == "all" else None,
            )
        shown = self.query_one("#stats-table", Static)
        shown.update(table)
        console = self.app.console
        # as wide as the table's longest cells need at least, and the width of the view where it is wider
        shown.styles.min_width = Measurement.get(console, console.options.update_width(1000), table).maximum
        self.chart(hourly)

    def chart(self, hourly: list[HourStats]) -> None:
        plot = self.query_one("#stats-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        hours = [row.hour for row in hourly]
        if hours:
            plt.bar(hours, [row.arrivals for row in hourly], label=self.gettext("Arrivals"))
            plt.plot(
                hours, [(row.wait_mean or 0) / 60 for row in hourly], label=self.gettext("Mean wait, min")
            )
        plt.title(self.gettext("Per hour: arrivals and mean wait"))
        plot.refresh()

    @on(Button.Pressed, "#stats-export")
    def _export(self) -> None:
        self.export()

    def export(self) -> None:
        self.terminal.run_db(self.write_export, self.say, group="export", exclusive=True)

    def write_export(self) -> str:
        from kiosk.export import export_day

        try:
            tickets, summary = export_day(
                self.terminal.service, None, self.terminal.settings.data_dir / "exports"
            )
        except OSError as exc:
            raise KioskError(str(exc)) from exc
        return self.gettext("Saved {files}").format(files=f"{tickets}, {summary}")


class StaffPane(Pane):
    def compose(self) -> ComposeResult:
        with Horizontal(classes="pane-buttons"):
            yield Button(self.gettext("Add a staff member"), id="staff-add")
            yield Button(self.gettext("New PIN"), id="staff-pin")
            yield Button(self.gettext("Disable or enable"), id="staff-toggle")
        table: DataTable[str] = DataTable(id="staff-table", cursor_type="row")
        table.add_columns(self.gettext("Name"), self.gettext("Role"), self.gettext("State"))
        yield table

    def load(self) -> None:
        self.terminal.run_db(self.terminal.staff.members, self.show, group="staff", exclusive=True)

    def show(self, members: list[Member]) -> None:
        self.members = {m.name: m for m in members}
        table = self.query_one("#staff-table", DataTable)
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
        departments: DataTable[str] = DataTable(id="day-table", cursor_type="row")
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
        windows: DataTable[str] = DataTable(id="window-table", cursor_type="row")
        windows.add_columns(self.gettext("Window"), self.gettext("Department"), self.gettext("Now"))
        yield windows
        with Horizontal(classes="pane-buttons"):
            yield Button(self.gettext("Pause or resume the window"), id="window-toggle")

    def load(self) -> None:
        self.terminal.run_db(self.terminal.service.day_board, self.show, group="day", exclusive=True)

    def show(self, board: tuple[dict[str, Opening], dict[str, bool]]) -> None:
        openings, paused = board
        lang = self.terminal.lang
        catalogue = self.terminal.service.catalogue
        table = self.query_one("#day-table", DataTable)
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
        windows = self.query_one("#window-table", DataTable)
        row = windows.cursor_row
        windows.clear()
        for window in catalogue.windows:
            names = ", ".join(
                catalogue.dept(code).name(lang) for code in catalogue.departments_of_window(window)
            )
            now = self.gettext("paused") if paused[window] else self.gettext("open")
            windows.add_row(window, names, now, key=window)
        windows.move_cursor(row=row)
        self.board = board

    board: tuple[dict[str, Opening], dict[str, bool]] | None = None

    @on(Button.Pressed, "#day-toggle")
    def _toggle(self) -> None:
        code = self.table_choice("#day-table")
        if code and self.board:
            reopen = self.board[0][code].reason == "closed_today"
            self._change(lambda: self.terminal.service.set_department_open(code, reopen, self.terminal.who))

    @on(Button.Pressed, "#day-last-ticket")
    def _last_ticket(self) -> None:
        code = self.table_choice("#day-table")
        if not code or not self.board:
            return
        service = self.terminal.service
        dept = service.catalogue.dept(code)
        dialog = LastTicketDialog(self.terminal.lang, dept, f"{self.board[0][code].cutoff:%H:%M}")

        def chosen(value: LastTicket | None) -> None:
            if value is not None:
                self._change(lambda: service.set_last_ticket(code, value.at, staff=self.terminal.who))

        self.app.push_screen(dialog, callback=chosen)

    @on(Button.Pressed, "#window-toggle")
    def _pause(self) -> None:
        window = self.table_choice("#window-table")
        if window and self.board:
            pause = not self.board[1][window]
            self._change(lambda: self.terminal.service.pause_window(window, pause, self.terminal.who))

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
        table: DataTable[str] = DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
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
        table = self.query_one("#audit-table", DataTable)
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
