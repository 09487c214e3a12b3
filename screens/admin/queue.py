"""The day's queue, live: one table row per ticket, keyed by ticket id and updated in place when
events arrive (never cleared and reloaded on a timer, but for a new day). Filters, search,
sorting, and colour marks for waits past the SLA target and printer faults."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Select

from kiosk import collector
from kiosk.domain.events import PRINT_OUTCOMES, Kind
from kiosk.domain.tickets import EventView, State, TicketView, parse_ticket_code
from kiosk.errors import KioskError
from kiosk.presentation.i18n import N_
from screens.admin.table import TicketTable
from screens.common.plain import plain
from screens.common.terminal import TerminalPart
from screens.common.theme import colour
from screens.common.words import STATE_WORDS, booked_text

if TYPE_CHECKING:
    from screens.admin.app import AdminApp  # noqa: F401 (the typed base below)

COLUMNS = [  # what an administrator needs most first: at 120x40 these six show whole
    ("number", N_("Number")),
    ("department", N_("Department")),
    ("state", N_("State")),
    ("waited", N_("Waited")),
    ("window", N_("Window")),
    ("note", N_("Note")),
    ("service", N_("Service")),
    ("priority", N_("Priority")),
    ("language", N_("Lang.")),
    ("issued", N_("Issued")),
]
WAITED = [key for key, _ in COLUMNS].index("waited")
BOLD = Style(bold=True)
LATE = Style.parse(f"bold {colour('white')} on {colour('red')}")
FAULT = Style.parse(f"bold {colour('black')} on {colour('gold')}")


class Cell:
    """A table cell drawn as it is: no markup to parse and nothing for the table to measure per
    cell, so a day of 5,000 tickets goes in at once (`QueueTable.fit` keeps each column as wide
    as its longest text, as the table's own measuring would)."""

    __slots__ = ("order", "plain", "style")

    def __init__(self, plain: str, style: Style | None = None, order: tuple[int, str] | None = None) -> None:
        self.plain = plain
        self.style = style
        self.order = order or (1, plain)  # how the column sorts it: by its text unless told

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Segment(self.plain, self.style)


EMPTY = Cell("")


class QueueTable(TerminalPart["AdminApp"], Vertical):
    """Filters above, the table below; `apply()` takes changed tickets and updates rows in place."""

    def __init__(self) -> None:
        super().__init__(id="queue")
        self.tickets: dict[int, TicketView] = {}
        self.faults: set[int] = set()
        self.notes: dict[int, str] = {}  # the latest transfer note of a ticket, for the next window
        self.sort_key = "waited"  # who has waited longest first; a header tap sorts by its column
        self.day: date | None = None  # the day on screen: another day's tickets never join it

    def compose(self) -> ComposeResult:
        catalogue = self.terminal.service.catalogue
        lang = self.terminal.lang
        departments = [(plain(d.name(lang)), d.code) for d in catalogue.department]
        states = [(self.gettext(word), state.value) for state, word in STATE_WORDS.items()]
        with Horizontal(id="filters"):
            yield Select(departments, prompt=self.gettext("All departments"), id="filter-department")
            yield Select(states, prompt=self.gettext("All states"), id="filter-state")
            yield Input(placeholder=self.gettext("Find a number, e.g. P-7"), id="search")
        table = TicketTable(id="tickets", cursor_type="row", zebra_stripes=True)
        for key, label in COLUMNS:
            table.add_column(self.gettext(label), key=key)
        yield table

    @property
    def table(self) -> TicketTable:
        return self.query_one("#tickets", TicketTable)

    def selected(self) -> TicketView | None:
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.tickets.get(int(key)) if key else None

    # Loading and changes ------------------------------------------------------------------------

    def load(self) -> None:
        """The day's tickets read off the UI thread and put in the table. The collector is held
        meanwhile: the rows live until the next load, and collecting among them as they are made
        cost the desk's opening over 5,000 tickets a quarter of its time."""
        service, terminal = self.terminal.service, self.terminal
        day = self.day = service.today()
        collector.hold()

        def failed(exc: KioskError) -> None:
            collector.release(freeze=False)
            terminal.failed(exc)

        terminal.run_db(
            lambda: (service.day_view(day), service.print_faults(), service.transfer_notes()),
            lambda read: self._loaded(*read),
            on_failed=failed,
            group="queue-load",
            exclusive=True,
        )

    def _loaded(
        self, tickets: list[TicketView], faults: set[int], notes: dict[int, str] | None = None
    ) -> None:
        self.faults = faults
        if notes is not None:
            self.notes = notes
        self.tickets = {t.id: t for t in tickets}
        table = self.table
        table.clear()  # once, when opened or when a filter changes; changes then go row by row
        matches = self.matcher()
        shown = [t for t in tickets if matches(t)]
        now = self.terminal.service.now()
        rows = [self.cells(t, now) for t in shown]
        self.fit(rows)
        table.load_rows((str(ticket.id), row) for ticket, row in zip(shown, rows, strict=True))
        self.sort()
        self.call_after_refresh(collector.release, freeze=False)  # once the rows are on screen

    def fit(self, rows: list[list[Cell]], first: int = 0) -> None:
        """Widen the columns (from the `first`) to the longest text of `rows`; columns never
        narrow, as with the table's own measuring."""
        for column, cells in zip(self.table.ordered_columns[first:], zip(*rows, strict=True), strict=False):
            column.content_width = max(column.content_width, *(cell_len(cell.plain) for cell in cells))

    def sort(self) -> None:
        self.table.sort(self.sort_key, key=lambda cell: cell.order)

    def new_day(self) -> bool:
        """Past midnight the table starts again with the new day (loaded afresh, as when opened)."""
        if self.terminal.service.today() == self.day:
            return False
        self.load()
        return True

    def changed(self, events: list[EventView]) -> None:
        """Events from any terminal: fetch just the tickets they touched and update their rows."""
        if self.new_day():
            return
        ids = {e.ticket_id for e in events if e.ticket_id is not None}
        for e in events:
            if e.kind == Kind.TRANSFERRED and e.ticket_id is not None and e.data.get("note"):
                self.notes[e.ticket_id] = str(e.data["note"])
        if ids:
            self._fetch(ids, any(e.kind in PRINT_OUTCOMES for e in events))

    def _fetch(self, ids: set[int], prints: bool) -> None:
        service = self.terminal.service
        self.terminal.run_db(
            lambda: (service.tickets(ids), service.print_faults() if prints else None),
            lambda read: self.apply(*read),
            group="queue-fetch",
        )

    def apply(self, tickets: list[TicketView], faults: set[int] | None = None) -> None:
        if faults is not None:
            self.faults = faults
        table = self.table
        matches = self.matcher()
        for ticket in tickets:
            if ticket.day != self.day:  # e.g. a past day's ticket the day's rollover closed
                continue
            self.tickets[ticket.id] = ticket
            key = str(ticket.id)
            present = key in table.rows
            if not matches(ticket):
                if present:
                    table.remove_row(key)
                continue
            cells = self.cells(ticket, self.terminal.service.now())
            self.fit([cells])
            if present:
                for (column, _), value in zip(COLUMNS, cells, strict=True):
                    table.update_cell(key, column, value)
            else:
                table.add_row(*cells, key=key)

    def tick(self) -> None:
        """Every few seconds: only the "waited" cells of waiting tickets move on."""
        if self.new_day():
            return
        table = self.table
        now = self.terminal.service.now()
        for ticket in self.tickets.values():
            if ticket.state == State.WAITING and str(ticket.id) in table.rows:
                waited = self.waited(ticket, now)
                self.fit([[waited]], first=WAITED)
                table.update_cell(str(ticket.id), "waited", waited)

    # Cells ---------------------------------------------------------------------------------------

    def matcher(self) -> Callable[[TicketView], bool]:
        """Whether a ticket passes the filters and the search as they are now."""
        department = self.query_one("#filter-department", Select).value
        state = self.query_one("#filter-state", Select).value
        search = self.query_one("#search", Input).value.strip()
        wanted = (parse_ticket_code(search) or search.upper()) if search else ""

        def matches(ticket: TicketView) -> bool:
            if department is not Select.NULL and ticket.department != department:
                return False
            if state is not Select.NULL and ticket.state.value != state:
                return False
            return wanted in ticket.code

        return matches

    def cells(self, ticket: TicketView, now: datetime) -> list[Cell]:
        """A ticket's row (5,000 of them when the desk opens: the terminal is looked up once)."""
        words = self.words
        zone = self.zone
        return [
            Cell(ticket.code, BOLD, (ticket.number, ticket.code)),
            words.get(("department", ticket.department)) or Cell(ticket.department),
            words.get(("state", ticket.state)) or Cell(ticket.state),
            self.waited(ticket, now),
            (words.get(("", ticket.window)) or Cell(ticket.window)) if ticket.window else EMPTY,
            self.note(ticket, zone),
            words.get(("service", ticket.service)) or Cell(ticket.service),
            (words.get(("priority", ticket.priority)) or Cell(ticket.priority)) if ticket.priority else EMPTY,
            words.get(("", ticket.language)) or Cell(ticket.language),
            Cell(ticket.issued_at.astimezone(zone).strftime("%H:%M")),
        ]

    @cached_property
    def zone(self) -> tzinfo:
        return self.terminal.settings.zone

    def note(self, ticket: TicketView, zone: tzinfo) -> Cell:
        """A printer fault (marked), for a booked visitor the slot's time, and the note a window gave
        the ticket when it sent it on."""
        booked = booked_text(ticket, zone, self.gettext) if ticket.booked_at is not None else ""
        note = self.notes.get(ticket.id, "")
        text = f"{booked} · {note}" if booked and note else booked or note
        if ticket.id in self.faults:
            fault = self.gettext("printer fault")
            return Cell(f"{fault} · {text}" if text else fault, FAULT)
        return Cell(text) if text else EMPTY

    @cached_property
    def words(self) -> dict[tuple[str, str], Cell]:
        """The cells a day repeats, made once: department, service, priority and state names in
        the desk's language, languages and windows as they are."""
        catalogue = self.terminal.service.catalogue
        lang = self.terminal.lang
        words = {("state", str(state)): Cell(self.gettext(word)) for state, word in STATE_WORDS.items()}
        for dept in catalogue.department:
            words["department", dept.code] = Cell(dept.name(lang))
            words.update({("service", s.code): Cell(s.name(lang)) for s in dept.service})
        words.update({("priority", p.code): Cell(p.name(lang)) for p in catalogue.priority})
        codes = [*self.terminal.settings.languages, *catalogue.windows]
        words.update({("", code): Cell(code) for code in codes})
        return words

    def waited(self, ticket: TicketView, now: datetime) -> Cell:
        if ticket.state != State.WAITING:
            return EMPTY
        # never below 0: a kiosk whose clock runs a little ahead of the desk's issues "in the future"
        minutes = max(0, int((now - ticket.queued_at).total_seconds() // 60))
        late = minutes * 60 > self.sla_seconds(ticket.department)
        order = (0, ticket.queued_at.isoformat())  # waiting ones first, the longest wait on top
        return Cell(self.minutes.format(minutes=minutes), LATE if late else None, order)

    @cached_property
    def sla_seconds(self) -> Callable[[str], float]:
        return self.terminal.service.sla_seconds

    @cached_property
    def minutes(self) -> str:
        return self.gettext("{minutes} min")

    @on(Select.Changed)
    @on(Input.Changed, "#search")
    def _filter(self) -> None:
        self._loaded(list(self.tickets.values()), self.faults)

    @on(DataTable.HeaderSelected)
    def _sort(self, event: DataTable.HeaderSelected) -> None:
        self.sort_key = str(event.column_key.value)
        self.sort()
