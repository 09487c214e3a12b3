"""The front desk's statistics tab: the day per department, booked visits apart from walk-ins, the
visitors' ratings (`screens.admin.ratings`), the staff statistics (`screens.admin.staff_stats`), a
per-hour chart, and the day's export to CSV. The figures come from `kiosk.domain.stats`, as `kiosk
stats`."""

from __future__ import annotations

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, ScrollableContainer
from textual.widgets import Button, Label, Static
from textual_plotext import PlotextPlot

from kiosk.domain.hourly import HourStats
from kiosk.domain.ratings import RatingStats
from kiosk.domain.staff_time import StaffTime
from kiosk.domain.stats import DayStats, DepartmentStats
from kiosk.errors import KioskError
from kiosk.presentation.figures import DESK_BOOKED, DESK_DAY, Figure
from screens.admin.panes import Pane
from screens.admin.ratings import Row, rating_rows, rating_table
from screens.admin.staff_stats import STAFF_NOTE, STAFF_TITLE, staff_rows
from screens.common.theme import colour


def longest_word(text: str) -> int:
    """The cells the widest word of `text` takes: a column never narrower (no word cut)."""
    return max((cell_len(word) for word in text.split()), default=1)


RULES = 3  # a column's padding each side and its rule

# The chart's colours, fixed rather than taken from plotext's running sequence (which depends on
# whether the plot was drawn before its data came): bars in blue, the waits in gold and cyan, each
# readable on the black screen.
BARS = (0, 130, 200)
LINES = [(255, 215, 0), (70, 240, 240)]


def column_widths(columns: list[list[str]], room: int) -> list[int]:
    """Each column's width (its texts, header first) in `room` cells: at least its longest word,
    then as much of its longest text as the room leaves, the first column (the names) first."""
    widths = [max(map(longest_word, column)) for column in columns]
    spare = room - sum(widths)
    for n, column in enumerate(columns):
        grow = min(spare, max(map(cell_len, column)) - widths[n])
        if grow > 0:
            widths[n] += grow
            spare -= grow
    return widths


class StatsPane(Pane):
    def compose(self) -> ComposeResult:
        with Horizontal(classes="pane-buttons"):
            yield Button(self.gettext("Refresh"), id="stats-refresh")
            yield Button(self.gettext("Export the day (CSV)"), id="stats-export")
        with ScrollableContainer(id="stats-scroll"):  # a narrow terminal scrolls the tables sideways
            yield Static("", id="stats-table")
            yield Label(self.gettext("Booked visits"), id="stats-booked-title", classes="title")
            yield Static("", id="stats-booked")
            ratings = Static("", id="stats-ratings")  # shown once a visitor rated a visit today
            ratings.display = False
            ratings.styles.margin = (1, 0, 0, 0)
            yield ratings
            yield from self.staff_parts()  # shown once a member acted at a window today
            yield PlotextPlot(id="stats-chart")

    def staff_parts(self) -> list[Label | Static]:
        title = Label(self.gettext(STAFF_TITLE), id="stats-staff-title", classes="title")
        title.styles.margin = (1, 0, 0, 0)
        note = Label(self.gettext(STAFF_NOTE), id="stats-staff-note")
        note.styles.width = "100%"  # wraps at its spaces in the view's width
        parts = [title, Static("", id="stats-staff"), note]
        for part in parts:
            part.display = False
        return parts

    @on(Button.Pressed, "#stats-refresh")
    def _refresh(self) -> None:
        self.load()

    def load(self) -> None:
        service = self.terminal.service
        self.terminal.run_db(
            lambda: (service.stats(), service.hourly(), service.ratings(), service.staff_time()),
            lambda read: self.show(*read),
            group="stats",
            exclusive=True,
        )

    shown: DayStats | None = None
    ratings: RatingStats | None = None
    staff: list[StaffTime] | None = None

    def show(
        self,
        stats: DayStats,
        hourly: list[HourStats],
        ratings: RatingStats | None = None,
        staff: list[StaffTime] | None = None,
    ) -> None:
        self.shown = stats
        self.ratings = ratings
        self.staff = staff
        self.show_tables()
        self.chart(hourly)

    def on_resize(self) -> None:
        if self.shown is not None:  # the columns planned again for the new width, once laid out
            self.call_after_refresh(self.show_tables)

    def show_tables(self) -> None:
        stats = self.shown
        assert stats is not None
        if not self.size.width:  # not laid out yet: when it is
            self.call_after_refresh(self.show_tables)
            return
        every = [*stats.departments, stats.total]
        self.fill("#stats-table", DESK_DAY, every)
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
            self.fill("#stats-booked", DESK_BOOKED, [*booked, stats.total])
        self.fill_ratings()
        self.fill_staff()

    def fill_ratings(self) -> None:
        """The visitors' ratings per department, window and staff member (screens.admin.ratings),
        its columns planned like the figures' (no word cut); hidden while nobody rated."""
        target = self.query_one("#stats-ratings", Static)
        target.display = self.ratings is not None and self.ratings.total.count > 0
        if self.ratings is None or not target.display:
            return
        terminal = self.terminal
        headers, rows = rating_rows(self.ratings, terminal.service.catalogue, terminal.lang, self.gettext)
        self.fill_rows(target, headers, rows)

    def fill_staff(self) -> None:
        """The staff statistics (screens.admin.staff_stats), planned like the ratings; hidden while
        no member acted at a window."""
        shown = bool(self.staff)
        for part in self.query("#stats-staff-title, #stats-staff, #stats-staff-note"):
            part.display = shown
        if self.staff:
            terminal = self.terminal
            headers, rows = staff_rows(self.staff, terminal.service.catalogue, terminal.lang, self.gettext)
            self.fill_rows(self.query_one("#stats-staff", Static), headers, rows)

    def fill_rows(self, target: Static, headers: list[str], rows: list[Row]) -> None:
        """A table of plain-text rows (`screens.admin.ratings.rating_table`), its columns planned for
        the view's width like the figures' (no word cut; wider than the view, it scrolls)."""
        columns = [
            [text, *(row.name if n == 0 else row.cells[n - 1] for row in rows)]
            for n, text in enumerate(headers)
        ]
        view = self.query_one("#stats-scroll")
        width = self.size.width - view.styles.scrollbar_size_vertical
        widths = column_widths(columns, width - RULES * len(columns) - 1)
        target.update(rating_table(headers, rows, widths))
        total = sum(widths) + RULES * len(widths) + 1  # wider than the view: it scrolls sideways
        target.styles.min_width = total if total <= width else max(total, self.size.width + 1)

    def fill(self, selector: str, shown: list[Figure], rows: list[DepartmentStats]) -> None:
        """A table of whole names and figures (no word cut), one row per department and "All", its
        columns planned for the view's width (`column_widths`): headers and names wrap at their
        spaces, so at 120x40 every column shows in every language; a narrower view scrolls sideways
        and keeps the department and the first figures (waiting now, the longest wait) in view."""
        catalogue = self.terminal.service.catalogue
        lang = self.terminal.lang
        names = [
            self.gettext("All") if row.department == "all" else catalogue.dept(row.department).name(lang)
            for row in rows
        ]
        texts = [self.gettext("Department"), *(self.gettext(str(f.label)) for f in shown)]
        cells = [[f.cell(row) for f in shown] for row in rows]
        columns = [[texts[0], *names]] + [[text, *(c[n] for c in cells)] for n, text in enumerate(texts[1:])]
        view = self.query_one("#stats-scroll")  # as wide as the pane, its scrollbar's gutter kept
        width = self.size.width - view.styles.scrollbar_size_vertical
        room = width - RULES * len(columns) - 1
        widths = column_widths(columns, room)
        table = Table(header_style=f"bold {colour('gold')}")
        table.add_column(texts[0], width=widths[0])
        for text, column_width in zip(texts[1:], widths[1:], strict=True):
            table.add_column(text, justify="right", width=column_width)
        for name, row, row_cells in zip(names, rows, cells, strict=True):
            table.add_row(Text(name), *row_cells, style="bold" if row.department == "all" else None)  # text
        target = self.query_one(selector, Static)
        target.update(table)
        total = sum(widths) + RULES * len(widths) + 1
        # Wider than the view: it scrolls sideways. Textual shows the horizontal scrollbar only for
        # content wider than the whole view, its vertical scrollbar included, so never narrower.
        target.styles.min_width = total if total <= width else max(total, self.size.width + 1)

    def chart(self, hourly: list[HourStats]) -> None:
        """Arrivals as bars and the mean wait as a line; with booked visitors, walk-in and booked
        waits as two lines, each only over the hours that have such waits."""
        plot = self.query_one("#stats-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        hours = [row.hour for row in hourly]
        if hours:
            plt.bar(hours, [row.arrivals for row in hourly], label=self.gettext("Arrivals"), color=BARS)
            if any(row.booked_waits for row in hourly):
                lines = [
                    (self.gettext("Walk-in mean wait, min"), [(r.hour, r.walk_in_wait_mean) for r in hourly]),
                    (self.gettext("Booked mean wait, min"), [(r.hour, r.booked_wait_mean) for r in hourly]),
                ]
            else:
                lines = [(self.gettext("Mean wait, min"), [(r.hour, r.wait_mean) for r in hourly])]
            for (label, points), color in zip(lines, LINES, strict=False):
                known = [(hour, mean / 60) for hour, mean in points if mean is not None]
                if known:
                    plt.plot([h for h, _ in known], [m for _, m in known], label=label, color=color)
        plt.title(self.gettext("Per hour: arrivals and mean wait"))
        plot.refresh()

    @on(Button.Pressed, "#stats-export")
    def _export(self) -> None:
        self.export()

    def export(self) -> None:
        self.terminal.run_db(self.write_export, self.say, group="export", exclusive=True)

    def write_export(self) -> str:
        from kiosk.presentation.export import export_day

        try:
            tickets, summary = export_day(
                self.terminal.service, None, self.terminal.settings.data_dir / "exports"
            )
        except OSError as exc:
            raise KioskError(str(exc)) from exc
        return self.gettext("Saved {files}").format(files=f"{tickets}, {summary}")
