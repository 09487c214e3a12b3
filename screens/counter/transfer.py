"""Transfer a ticket to another department: choose the department and service, add a note."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from kiosk.domain import TicketView
from kiosk.i18n import translations

if TYPE_CHECKING:
    from kiosk.service import QueueService


class TransferScreen(ModalScreen[tuple[str, str, str] | None]):
    """Dismisses with (department, service, note), or None."""

    def __init__(
        self, ticket: TicketView, service: QueueService | None = None, lang: str | None = None
    ) -> None:
        super().__init__()
        self.ticket = ticket
        self._service = service
        self._lang = lang

    @property
    def queue(self) -> QueueService:
        return self._service or cast("QueueService", self.app.service)  # type: ignore[attr-defined]

    @property
    def lang(self) -> str:
        return self._lang or str(self.app.lang)  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        t = translations(self.lang)
        catalogue = self.queue.catalogue
        departments = [
            (d.name(self.lang), d.code) for d in catalogue.department if d.code != self.ticket.department
        ]
        with Vertical(classes="dialog"):
            yield Label(
                t.gettext("Transfer {number}").format(number=self.ticket.code), classes="dialog-title"
            )
            yield Label(t.gettext("It keeps its number and its place by arrival time."))
            yield Select(departments, prompt=t.gettext("Department"), id="department")
            yield Select([], prompt=t.gettext("Service"), id="service")
            yield Input(
                placeholder=t.gettext("Note for the next window (optional)"), id="note", max_length=200
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(t.gettext("Cancel"), id="cancel", variant="error")
                yield Button(t.gettext("Transfer"), id="confirm", variant="success", disabled=True)

    @on(Select.Changed, "#department")
    def _department(self, event: Select.Changed) -> None:
        services = self.query_one("#service", Select)
        if event.value is Select.NULL:
            services.set_options([])
        else:
            dept = self.queue.catalogue.dept(str(event.value))
            services.set_options([(s.name(self.lang), s.code) for s in dept.service])
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
        self.dismiss((department, service, self.query_one("#note", Input).value.strip()))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
