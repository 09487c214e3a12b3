"""Transfer a ticket to another department: choose the department and service, add a note."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from kiosk.domain.tickets import TicketView
from screens.common.plain import plain
from screens.common.terminal import TerminalApp, TerminalPart


@dataclass(frozen=True)
class Transfer:
    department: str
    service: str
    note: str  # "" for none


class TransferScreen(TerminalPart[TerminalApp], ModalScreen[Transfer | None]):
    """Dismisses with the `Transfer` chosen, or None (Cancel or Escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    def __init__(self, ticket: TicketView) -> None:
        super().__init__()
        self.ticket = ticket

    def compose(self) -> ComposeResult:
        lang = self.terminal.lang
        departments = [
            (plain(d.name(lang)), d.code)
            for d in self.terminal.service.catalogue.department
            if d.code != self.ticket.department
        ]
        with Vertical(classes="dialog"):
            yield Label(
                self.gettext("Transfer {number}").format(number=self.ticket.code),
                classes="dialog-title",
                markup=False,
            )
            yield Label(self.gettext("It keeps its number and its place by arrival time."))
            yield Select(departments, prompt=self.gettext("Department"), id="department")
            yield Select([], prompt=self.gettext("Service"), id="service")
            yield Input(
                placeholder=self.gettext("Note for the next window (optional)"), id="note", max_length=200
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.gettext("Cancel"), id="cancel", variant="error")
                yield Button(self.gettext("Transfer"), id="confirm", variant="success", disabled=True)

    @on(Select.Changed, "#department")
    def _department(self, event: Select.Changed) -> None:
        services = self.query_one("#service", Select)
        if event.value is Select.NULL:
            services.set_options([])
        else:
            dept = self.terminal.service.catalogue.dept(str(event.value))
            services.set_options([(plain(s.name(self.terminal.lang)), s.code) for s in dept.service])
            services.value = dept.service[0].code
        self._ready()

    @on(Select.Changed, "#service")
    def _ready(self) -> None:
        department = self.query_one("#department", Select).value
        service = self.query_one("#service", Select).value
        self.query_one("#confirm", Button).disabled = department is Select.NULL or service is Select.NULL

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        department = str(self.query_one("#department", Select).value)
        service = str(self.query_one("#service", Select).value)
        self.dismiss(Transfer(department, service, self.query_one("#note", Input).value.strip()))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
