"""The front desk's other views: statistics with a per-hour chart, staff, the day (departments,
last-ticket times, windows, end-of-day close), and the audit of every action."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import TYPE_CHECKING, Any, cast

from rich.table import Table
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Label, Static
from textual_plotext import PlotextPlot

from kiosk.errors import KioskError
from kiosk.i18n import N_, translations
from kiosk.stats import DayStats
from screens.admin.dialogs import LastTicketDialog, ReasonDialog, StaffDialog
from screens.common.live import to_ui
from screens.common.words import problem_text

if TYPE_CHECKING:
    from screens.admin.app import AdminApp


class Pane(Vertical):
    @property
    def admin(self) -> AdminApp:
        return cast("AdminApp", self.app)

    def gettext(self, message: str) -> str:
        return translations(self.admin.lang).gettext(message)

    def say(self, text: str) -> None:
        self.admin.say(text)


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
        with VerticalScroll():
            yield Static("", id="stats-table")
            yield PlotextPlot(id="stats-chart")

    def on_mount(self) -> None:
        self.load()

    @on(Button.Pressed, "#stats-refresh")
    def _refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="stats")
    def load(self) -> None:
        service = self.admin.service
        try:
            stats, hourly = service.stats(), service.hourly()
        except KioskError as exc:
            to_ui(self.app, self.say, problem_text(exc, self.gettext))
            return
        to_ui(self.app, self.show, stats, hourly)

    shown: DayStats | None = None

    def show(self, stats: DayStats, hourly: Any) -> None:
        self.shown = stats
        catalogue = self.admin.service.catalogue
        lang = self.admin.lang
        table = Table(expand=True, header_style="bold #ffd700")
        for index, header in enumerate(STATS_HEADERS):
            if index == 0:
                table.add_column(
                    self.gettext(header), no_wrap=True, overflow="ellipsis", min_width=24, ratio=3
                )
            else:
                table.add_column(self.gettext(header), justify="right", ratio=1)
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
        self.query_one("#stats-table", Static).update(table)
        self.chart(hourly)

    def chart(self, hourly: Any) -> None:
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

    @work(thread=True, exclusive=True, group="export")
    def export(self) -> None:
        from kiosk.export import export_day

        try:
            tickets, summary = export_day(self.admin.service, None, self.admin.settings.data_dir / "exports")
        except (KioskError, OSError) as exc:
            to_ui(self.app, self.say, problem_text(exc, self.gettext))
            return
        to_ui(self.app, self.say, self.gettext("Saved {files}").format(files=f"{tickets}, {summary}"))


class StaffPane(Pane):
    def compose(self) -> ComposeResult:
        with Horizontal(classes="pane-buttons"):
            yield Button(self.gettext("Add a staff member"), id="staff-add")
            yield Button(self.gettext("New PIN"), id="staff-pin")
            yield Button(self.gettext("Disable or enable"), id="staff-toggle")
        table: DataTable[str] = DataTable(id="staff-table", cursor_type="row")
        table.add_columns(self.gettext("Name"), self.gettext("Role"), self.gettext("State"))
        yield table

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        table = self.query_one("#staff-table", DataTable)
        table.clear()
        for member in self.admin.staff.members():
            role = self.gettext("Administrator") if member.role == "admin" else self.gettext("Counter staff")
            state = self.gettext("active") if member.active else self.gettext("disabled")
            table.add_row(member.name, role, state, key=member.name)

    def chosen(self) -> str | None:
        table = self.query_one("#staff-table", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    @on(Button.Pressed, "#staff-add")
    def _add(self) -> None:
        self.app.push_screen(StaffDialog(self.admin.lang), callback=self._added)

    def _added(self, values: tuple[str, str, str] | None) -> None:
        if values:
            name, role, pin = values
            self._do(lambda: self.admin.staff.add(name, role, pin, by=self.admin.who))

    @on(Button.Pressed, "#staff-pin")
    def _pin(self) -> None:
        name = self.chosen()
        if name:
            self.app.push_screen(StaffDialog(self.admin.lang, name), callback=self._new_pin)

    def _new_pin(self, values: tuple[str, str, str] | None) -> None:
        if values:
            self._do(lambda: self.admin.staff.set_pin(values[0], values[2], by=self.admin.who))

    @on(Button.Pressed, "#staff-toggle")
    def _toggle(self) -> None:
        name = self.chosen()
        if name:
            member = next(m for m in self.admin.staff.members() if m.name == name)
            self._do(lambda: self.admin.staff.set_active(name, not member.active, by=self.admin.who))

    def _do(self, action: Any) -> None:
        try:
            action()
        except KioskError as exc:
            self.say(problem_text(exc, self.gettext))
            return
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

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        try:
            self._load()
        except KioskError as exc:
            self.say(problem_text(exc, self.gettext))

    def _load(self) -> None:
        service = self.admin.service
        lang = self.admin.lang
        table = self.query_one("#day-table", DataTable)
        row = table.cursor_row
        table.clear()
        closed = service.closed_today()
        for dept in service.catalogue.department:
            opening = service.opening(dept.code)
            if dept.code in closed:
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
        catalogue = service.catalogue
        for window in catalogue.windows:
            names = ", ".join(
                catalogue.dept(code).name(lang) for code in catalogue.departments_of_window(window)
            )
            paused = service.window_paused(window)
            now = self.gettext("paused") if paused else self.gettext("open")
            windows.add_row(window, names, now, key=window)
        windows.move_cursor(row=row)

    def _chosen(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    @on(Button.Pressed, "#day-toggle")
    def _toggle(self) -> None:
        code = self._chosen("#day-table")
        if code:
            service = self.admin.service
            self._change(
                lambda: service.set_department_open(code, code in service.closed_today(), self.admin.who)
            )

    @on(Button.Pressed, "#day-last-ticket")
    def _last_ticket(self) -> None:
        code = self._chosen("#day-table")
        if not code:
            return
        service = self.admin.service
        dept = service.catalogue.dept(code)
        now = f"{service.opening(code).cutoff:%H:%M}"
        dialog = LastTicketDialog(self.admin.lang, dept, now)

        def chosen(value: tuple[time | None] | None) -> None:
            if value is not None:
                self._change(lambda: service.set_last_ticket(code, value[0], staff=self.admin.who))

        self.app.push_screen(dialog, callback=chosen)

    @on(Button.Pressed, "#window-toggle")
    def _pause(self) -> None:
        window = self._chosen("#window-table")
        if window:
            service = self.admin.service
            self._change(
                lambda: service.pause_window(window, not service.window_paused(window), self.admin.who)
            )

    def _change(self, change: Callable[[], object]) -> None:
        try:
            change()
        except KioskError as exc:
            self.say(problem_text(exc, self.gettext))
            return
        self.say("")
        self.load()

    @on(Button.Pressed, "#day-close")
    def _close(self) -> None:
        dialog = ReasonDialog(
            self.admin.lang,
            self.gettext("End of day"),
            self.gettext("Close the day"),
            self.gettext("end of day"),
        )
        self.app.push_screen(dialog, callback=self._day_closed)

    def _day_closed(self, reason: str | None) -> None:
        if reason:
            closed = self.admin.service.close_day(reason=reason, staff=self.admin.who)
            self.say(self.gettext("{count} open tickets closed").format(count=closed))


class AuditPane(Pane):
    def compose(self) -> ComposeResult:
        table: DataTable[str] = DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        for key, label in AUDIT_COLUMNS:
            table.add_column(self.gettext(label) if label != "#" else label, key=key)
        yield table

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="audit")
    def load(self) -> None:
        try:
            events = self.admin.service.audit()
        except KioskError:
            return
        to_ui(self.app, self.add, list(reversed(events)))

    def add(self, events: list[Any]) -> None:
        table = self.query_one("#audit-table", DataTable)
        zone = self.admin.settings.zone
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
