"""The front desk's statistics tab: the day per department, booked visits apart from walk-ins, a
per-hour chart, and the day's export to CSV. The figures come from `kiosk.stats`, as `kiosk stats`."""

from __future__ import annotations

from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, ScrollableContainer
from textual.widgets import Button, Label, Static
from textual_plotext import PlotextPlot

from kiosk.errors import KioskError
from kiosk.i18n import N_
from kiosk.stats import DayStats, DepartmentStats, HourStats
from screens.admin.panes import Pane

STATS_HEADERS = [
    N_("Department"), N_("Waiting now"), N_("Longest wait"), N_("Served"), N_("Mean wait"), N_("p90 wait"),
    N_("Mean service"), N_("p90 service"), N_("No-shows"), N_("Over SLA"),
]  # fmt: skip
BOOKED_HEADERS = [
    N_("Department"), N_("Bookings"), N_("Checked in"), N_("No-shows"), N_("No-show rate"),
    N_("Walk-in mean wait"), N_("Booked mean wait"), N_("Booked p90 wait"), N_("Seen within 5 min"),
]  # fmt: skip


def _minutes(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 60:.0f}"


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def _day_row(row: DepartmentStats) -> list[str]:
    return [
        str(row.waiting_now),
        _minutes(row.longest_wait_now),
        str(row.served),
        _minutes(row.wait.mean),
        _minutes(row.wait.p90),
        _minutes(row.service.mean),
        _minutes(row.service.p90),
        _share(row.no_show_rate),
        _share(row.over_sla_share),
    ]


def _booked_row(row: DepartmentStats) -> list[str]:
    return [
        str(row.bookings.booked),
        str(row.bookings.checked_in),
        str(row.bookings.no_shows),
        _share(row.bookings.no_show_rate),
        _minutes(row.walk_in_wait.mean),
        _minutes(row.booked_wait.mean),
        _minutes(row.booked_wait.p90),
        _share(row.booked_in_time_share),
    ]


class StatsPane(Pane):
    def compose(self) -> ComposeResult:
        with Horizontal(classes="pane-buttons"):
            yield Button(self.gettext("Refresh"), id="stats-refresh")
            yield Button(self.gettext("Export the day (CSV)"), id="stats-export")
        with ScrollableContainer(id="stats-scroll"):  # a narrow terminal scrolls the tables sideways
            yield Static("", id="stats-table")
            yield Label(self.gettext("Booked visits"), id="stats-booked-title", classes="title")
            yield Static("", id="stats-booked")
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
        every = [*stats.departments, stats.total]
        self.fill("#stats-table", STATS_HEADERS, [(row, _day_row(row)) for row in every])
        # departments that take appointments, or had booked visitors today (the catalogue may have
        # changed since they booked)
        bookable = {d.code for d in self.terminal.service.catalogue.department if d.takes_appointments}
        booked = [
            row
            for row in stats.departments
            if row.department in bookable or row.bookings.booked or row.booked_wait.count
        ]
        shown = bool(booked)
        self.query_one("#stats-booked-title").display = shown
        self.query_one("#stats-booked").display = shown
        if shown:
            self.fill(
                "#stats-booked", BOOKED_HEADERS, [(row, _booked_row(row)) for row in [*booked, stats.total]]
            )
        self.chart(hourly)

    def fill(self, selector: str, headers: list[str], rows: list[tuple[DepartmentStats, list[str]]]) -> None:
        """A table of whole names and figures (nothing shortened), one row per department and "All"."""
        catalogue = self.terminal.service.catalogue
        table = Table(expand=True, header_style="bold #ffd700")
        table.add_column(self.gettext(headers[0]), no_wrap=True)
        for header in headers[1:]:
            table.add_column(self.gettext(header), justify="right", no_wrap=True)
        for row, cells in rows:
            whole = row.department == "all"
            name = self.gettext("All") if whole else catalogue.dept(row.department).name(self.terminal.lang)
            table.add_row(Text(name), *cells, style="bold" if whole else None)  # a name is text
        shown = self.query_one(selector, Static)
        shown.update(table)
        console = self.app.console
        # as wide as the table's longest cells need at least, and the width of the view where it is wider
        shown.styles.min_width = Measurement.get(console, console.options.update_width(1000), table).maximum

    def chart(self, hourly: list[HourStats]) -> None:
        """Arrivals as bars and the mean wait as a line; with booked visitors, walk-in and booked
        waits as two lines, each only over the hours that have such waits."""
        plot = self.query_one("#stats-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        hours = [row.hour for row in hourly]
        if hours:
            plt.bar(hours, [row.arrivals for row in hourly], label=self.gettext("Arrivals"))
            if any(row.booked_waits for row in hourly):
                lines = [
                    (self.gettext("Walk-in mean wait, min"), [(r.hour, r.walk_in_wait_mean) for r in hourly]),
                    (self.gettext("Booked mean wait, min"), [(r.hour, r.booked_wait_mean) for r in hourly]),
                ]
            else:
                lines = [(self.gettext("Mean wait, min"), [(r.hour, r.wait_mean) for r in hourly])]
            for label, points in lines:
                known = [(hour, mean / 60) for hour, mean in points if mean is not None]
                if known:
                    plt.plot([h for h, _ in known], [m for _, m in known], label=label)
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
