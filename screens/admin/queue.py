"""The day's queue, live: one table row per ticket, keyed by ticket id and updated in place when
events arrive (never cleared and reloaded on a timer). Filters, search, sorting, and colour marks
for waits past the SLA target and printer faults."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Select

from kiosk.domain import EventView, State, TicketView, parse_ticket_code
from kiosk.i18n import N_
from screens.common.terminal import TerminalPart
from screens.common.words import STATE_WORDS

if TYPE_CHECKING:
    from screens.admin.app import AdminApp  # noqa: F401 (the typed base below)

COLUMNS = [
    ("number", N_("Number")),
    ("department", N_("Department")),
    ("service", N_("Service")),
    ("language", N_("Lang.")),
    ("priority", N_("Priority")),
    ("state", N_("State")),
    ("window", N_("Window")),
    ("issued", N_("Issued")),
    ("waited", N_("Waited")),
    ("note", N_("Note")),
]
ALL = "*"


class QueueTable(TerminalPart["AdminApp"], Vertical):
    """Filters above, the table below; `apply()` takes changed tickets and updates rows in place."""

    def __init__(self) -> None:
        super().__init__(id="queue")
        self.tickets: dict[int, TicketView] = {}
        self.faults: set[int] = set()
        self.sort_key = "number"

    def compose(self) -> ComposeResult:
        catalogue = self.terminal.service.catalogue
        lang = self.terminal.lang
        departments = [(d.name(lang), d.code) for d in catalogue.department]
        states = [(self.gettext(word), state.value) for state, word in STATE_WORDS.items()]
        with Horizontal(id="filters"):
            yield Select(departments, prompt=self.gettext("All departments"), id="filter-department")
            yield Select(states, prompt=self.gettext("All states"), id="filter-state")
            yield Input(placeholder=self.gettext("Find a number, e.g. P-7"), id="search")
        table: DataTable[str | Text] = DataTable(id="tickets", cursor_type="row", zebra_stripes=True)
        for key, label in COLUMNS:
            table.add_column(self.gettext(label), key=key)
        yield table

    @property
    def table(self) -> DataTable[str | Text]:
        return cast("DataTable[str | Text]", self.query_one("#tickets", DataTable))

    def selected(self) -> TicketView | None:
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.tickets.get(int(key)) if key else None

    # Loading and changes ------------------------------------------------------------------------

    def load(self) -> None:
        service = self.terminal.service
        self.terminal.run_db(
            lambda: (service.day_view(), service.print_faults()),
            lambda read: self._loaded(*read),
            group="queue-load",
            exclusive=True,
        )

    def _loaded(self, tickets: list[TicketView], faults: set[int]) -> None:
        self.faults = faults
        self.tickets = {t.id: t for t in tickets}
        self.table.clear()  # once, when opened or when a filter changes; changes then go row by row
        for ticket in tickets:
            if self.matches(ticket):
                self.table.add_row(*self.cells(ticket), key=str(ticket.id))
        self.sort()

    def sort(self) -> None:
        self.table.sort(
            self.sort_key, key=lambda value: value.plain if isinstance(value, Text) else str(value)
        )

    def changed(self, events: list[EventView]) -> None:
        """Events from any terminal: fetch just the tickets they touched and update their rows."""
        ids = {e.ticket_id for e in events if e.ticket_id is not None}
        if ids:
            self._fetch(ids, any(e.kind in ("print_failed", "printed", "reprinted") for e in events))

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
        for ticket in tickets:
            self.tickets[ticket.id] = ticket
            key = str(ticket.id)
            present = key in table.rows
            if not self.matches(ticket):
                if present:
                    table.remove_row(key)
                continue
            cells = self.cells(ticket)
            if present:
                for (column, _), value in zip(COLUMNS, cells, strict=True):
                    table.update_cell(key, column, value)
            else:
                table.add_row(*cells, key=key)

    def tick(self) -> None:
        """Every few seconds: only the "waited" cells of waiting tickets move on."""
        table = self.table
        for ticket in self.tickets.values():
            if ticket.state == State.WAITING and str(ticket.id) in table.rows:
                table.update_cell(str(ticket.id), "waited", self.waited(ticket))

    # Cells ---------------------------------------------------------------------------------------

    def matches(self, ticket: TicketView) -> bool:
        department = self.query_one("#filter-department", Select).value
        state = self.query_one("#filter-state", Select).value
        search = self.query_one("#search", Input).value.strip()
        if department is not Select.NULL and ticket.department != department:
            return False
        if state is not Select.NULL and ticket.state.value != state:
            return False
        if search:
            return (parse_ticket_code(search) or search.upper()) in ticket.code
        return True

    def cells(self, ticket: TicketView) -> list[str | Text]:
        catalogue = self.terminal.service.catalogue
        lang = self.terminal.lang
        zone = self.terminal.settings.zone
        priority = catalogue.priority_category(ticket.priority).name(lang) if ticket.priority else ""
        note = self.gettext("printer fault") if ticket.id in self.faults else ""
        return [
            Text(ticket.code, style="bold"),
            catalogue.dept(ticket.department).name(lang),
            catalogue.service(ticket.service)[0].name(lang),
            ticket.language,
            priority,
            self.gettext(STATE_WORDS[ticket.state]),
            ticket.window or "",
            ticket.issued_at.astimezone(zone).strftime("%H:%M"),
            self.waited(ticket),
            Text(note, style="bold #000000 on #ffd700") if note else "",
        ]

    def waited(self, ticket: TicketView) -> str | Text:
        if ticket.state != State.WAITING:
            return ""
        now: datetime = self.terminal.service.now()
        minutes = int((now - ticket.queued_at).total_seconds() // 60)
        text = f"{minutes} min"
        if minutes * 60 > self.terminal.service.sla_seconds(ticket.department):
            return Text(text, style="bold #ffffff on #b00020")
        return text

    @on(Select.Changed)
    @on(Input.Changed, "#search")
    def _filter(self) -> None:
        self._loaded(list(self.tickets.values()), self.faults)

    @on(DataTable.HeaderSelected)
    def _sort(self, event: DataTable.HeaderSelected) -> None:
        self.sort_key = str(event.column_key.value)
        self.sort()
