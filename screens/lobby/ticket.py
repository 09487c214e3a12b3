"""The ticket on screen: the number very large, where to go, the wait and the QR code. It shows how
printing went; when the printer fails it says so calmly and stays up longer. The QR stands beside
the text where the terminal is wide enough for both, else under it: it never covers the number. A
tall screen that has the rows for it puts the QR under the text when the number grows larger so.
The ticket stands in the middle of the screen, top to bottom (lobby.tcss)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label

from kiosk.domain.tickets import Issued
from kiosk.presentation.i18n import N_
from kiosk.presentation.ticket import ticket_content
from screens.common.widgets import LEGIBLE_ROWS, BigText, QrCode, number_width
from screens.lobby.base import Line, VisitorScreen
from screens.lobby.plan import smallest_grid, wrapped

if TYPE_CHECKING:
    from kiosk.presentation.ticket import TicketContent
    from printer.printing import PrintResult

FAILED = N_(
    "The printer is not working right now. Take a photo of this screen or remember your number. "
    "The front desk knows."
)


class TicketScreen(VisitorScreen):
    spoken_on_show = False  # it speaks once the print's outcome is known (`show_print`)
    AUTO_FOCUS = "#done"  # Enter ends the visit's screen; stacked, the scroll would take the focus

    def __init__(self, issued: Issued) -> None:
        super().__init__()
        self.issued = issued
        self.printed: PrintResult | None = None
        self.up = False  # built: before, a print's outcome waits for on_mount

    def compose(self) -> ComposeResult:
        lobby = self.terminal
        issued = self.issued
        content = ticket_content(
            issued.ticket,
            lobby.service.catalogue,
            lobby.settings,
            issued.ahead,
            issued.wait_minutes,
            issued.qr,
        )
        width, height = self.app.size.width, self.app.size.height
        roomy = height >= 30
        self.set_class(roomy, "-roomy")
        qr = QrCode(issued.qr, id="qr")
        qr_lines = str(qr.content).splitlines()
        qr_width = max(len(line) for line in qr_lines)
        sizes = (8, 6, 5, LEGIBLE_ROWS) if lobby.large and roomy else (6, 5, LEGIBLE_ROWS)
        code = issued.ticket.code
        for rows in sizes:  # the largest number that leaves room for the QR beside the text
            beside = width - qr_width - 8 >= max(number_width(code, rows), 30)  # margins and padding
            if beside:
                break
        # under each other: the largest number the width holds, never one cut at the edge
        stacked = next((r for r in (*sizes, 3) if number_width(code, r) <= width - 6), 3)
        if beside and stacked > rows:  # a tall screen: the number larger above the QR, if all fits
            beside = self.stacked_rows(content, stacked, len(qr_lines), roomy) > height
        if not beside:
            rows = stacked
        number = BigText(code, rows=rows, id="number")
        with Horizontal(id="ticket") if beside else VerticalScroll(id="ticket", classes="-stacked"):
            with Vertical(id="ticket-text"):
                yield Label(self.gettext("Your number"), id="your-number")
                yield number
                yield Label(content.department, id="department", markup=False)
                yield Label(content.windows, id="windows", markup=False)
                yield Label(content.service, id="service", markup=False)
                if content.booked:
                    yield Label(content.booked, id="booked", classes="mark", markup=False)
                if content.priority:
                    yield Label(content.priority, classes="mark", markup=False)
                if content.interpreter:
                    yield Label(content.interpreter, classes="mark", markup=False)
                yield Label(content.queue, id="queue", markup=False)
                yield Label(self.gettext("Printing your ticket..."), id="print-status", markup=False)
                yield Label(
                    self.gettext("The QR code is on your printed ticket."), id="qr-note", markup=False
                )
                buttons = [self.gettext("Done"), self.gettext("Read aloud")]
                column = width - qr_width - 10 if beside else width - 6
                plan = smallest_grid(buttons, column, (2, 1))
                row = Grid(id="ticket-buttons")
                if plan is not None:
                    row.set_styles(plan.css() + f"height: {plan.total};")
                with row:
                    yield Button(buttons[0], id="done")
                    yield Button(buttons[1], id="read-aloud")
            yield qr
        self.content = content

    def stacked_rows(self, content: TicketContent, rows: int, qr_rows: int, roomy: bool) -> int:
        """The rows the ticket takes with the QR under the text and the number `rows` tall, as
        `compose` lays it out (with the printer's failure, the longest status, and the buttons)."""
        width = self.app.size.width - 4  # the ticket's padding
        texts = [
            self.gettext("Your number"),
            content.department,
            content.windows,
            content.service,
            content.queue,
            self.gettext(FAILED),
        ]
        marks = [m for m in (content.booked, content.priority, content.interpreter) if m]
        lines = sum(wrapped(t, width) or 1 for t in texts) + sum(wrapped(m, width - 2) or 1 for m in marks)
        buttons = smallest_grid([self.gettext("Done"), self.gettext("Read aloud")], width - 2, (2, 1))
        spaces = 8 if roomy else 0  # the padding, and the margins of the number, status and QR
        return lines + rows + (buttons.total if buttons else 3) + qr_rows + spaces

    def on_mount(self) -> None:
        self.up = True
        self.query_one("#qr-note").display = False
        self.call_after_refresh(self.place_qr)
        if self.printed is not None:  # the printer had the job before the screen was built
            self.show_print(self.printed)

    def place_qr(self) -> None:
        """Under the text, where the screen is too short to show the QR code whole, it is left out
        and a line says where it is: half a QR in a photo of the screen is no use to a phone."""
        qr = self.query_one("#qr", QrCode)
        if qr.region.area and not self.region.contains_region(qr.region):
            qr.display = False
            self.query_one("#qr-note").display = True

    def show_print(self, result: PrintResult) -> None:
        self.printed = result
        if not self.up:
            return
        status = self.query_one("#print-status", Label)
        if result.ok:
            status.update(self.gettext("Please take your ticket"))
            status.set_classes("ok")
        else:
            status.update(self.gettext(FAILED))
            status.set_classes("problem")
            self.query_one("#qr-note").display = False  # there is no printed ticket
        self.terminal.idle.schedule_reset(failed=not result.ok)
        self.terminal.speak(self.speech())

    @on(Button.Pressed, "#done")
    def _done(self) -> None:
        self.terminal.start_over()

    def speech(self) -> list[Line]:
        """The whole ticket: number, department, windows, service, marks, the queue, the print."""
        content = self.content
        number = self.gettext("Your number is {number}.").format(
            number=self.terminal.service.catalogue.spoken_number(self.issued.ticket.code, self.terminal.lang)
        )
        status = str(self.query_one("#print-status", Label).content)
        marks = [m for m in (content.booked, content.priority, content.interpreter) if m]
        return self.line(
            number, content.department, content.windows, content.service, *marks, content.queue, status
        )
