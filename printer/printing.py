"""Print tickets through one queue: a single worker thread sends the jobs, so two quick taps never
print at once and the caller (a Textual screen, the CLI) never waits on the printer. The ticket is
already saved when a job is queued; the outcome is returned and written as a `printed`, `reprinted`
or `print_failed` event.

A job is drawn and encoded either in the queue's thread, or (`render_here=True`) in the caller's
own worker thread, which then gives the printer a head start (`HEAD_START`) before the kiosk draws
its ticket screen: drawing holds Python's lock, and a send that must take it back at every write
would wait on the drawing (a preview print took 36 ms beside the drawing, 2 ms alone).
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from PIL import Image

from kiosk.config import Settings
from kiosk.domain.catalogue import Catalogue
from kiosk.domain.events import Kind, Printed, PrintFailed
from kiosk.domain.tickets import BookingView, Issued, State, TicketView
from kiosk.errors import KioskError
from kiosk.presentation.ticket import TicketContent, slip_content, ticket_content
from printer.layout import draw_fixed, slip_rows, ticket_rows
from printer.raster import encode_rows, picture
from printer.transports import PrintFault, open_transport

log = logging.getLogger(__name__)

HEAD_START = 0.05  # seconds a job drawn in the caller's thread is given to reach the printer


class TicketSource(Protocol):
    """What the printer needs from the queue service (`kiosk.service.QueueService` is one): the
    settings and catalogue a ticket is drawn with, a ticket's place in the line and its QR payload for
    a reprint, and where a print's outcome is written. The printer never imports the service."""

    @property
    def settings(self) -> Settings: ...

    @property
    def catalogue(self) -> Catalogue: ...

    def ahead_of(self, ref: int) -> int: ...

    def estimate_minutes(self, department: str, ahead: int) -> int: ...

    def qr_payload(self, ticket: TicketView) -> str: ...

    def record_notice(
        self, kind: str, ticket_id: int | None, data: dict[str, Any], staff: str | None = None
    ) -> None: ...


@dataclass(frozen=True)
class PrintResult:
    """What became of one job: `status` is "printed" or "failed"; `reason` a code from
    `printer.transports.REASONS`; `job` the written file for preview printers; `sent_at` the
    `time.perf_counter()` when the printer had the whole job (or gave up)."""

    status: str
    printer: str
    ticket_id: int
    reason: str | None = None
    message: str = ""
    job: str | None = None
    seconds: float = 0.0
    sent_at: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "printed"


@dataclass(frozen=True)
class Job:
    """A print job: `data` the bytes for the printer, `rows` its picture as packed rows; `ticket` is
    None for a booking slip."""

    ticket: TicketView | None
    rows: bytes
    width: int
    data: bytes
    stem: str

    @property
    def image(self) -> Image.Image:
        """The picture, made when a transport asks (the preview writes it as a PNG)."""
        return picture(self.rows, self.width)


class TicketPrinter:
    def __init__(self, service: TicketSource, url: str | None = None, timeout: float = 3.0) -> None:
        self.service = service
        self.url = url or service.settings.printer
        self.timeout = timeout
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="print-queue")

    def submit(
        self, issued: Issued, staff: str | None = None, render_here: bool = False, large: bool = False
    ) -> Future[PrintResult]:
        """Queue a new ticket's job; returns at once unless `render_here` (then it draws first and
        returns once the printer has the job, or after HEAD_START if it is slow or hangs).
        `large`: a large-print ticket (the visitor chose larger text)."""
        content = self.content_of(issued.ticket, issued.ahead, issued.wait_minutes, issued.qr)
        if render_here:
            job = self.prepare(issued.ticket, content, large=large)
            delivery = self._executor.submit(self._deliver, job, staff, False)
            wait([delivery], timeout=HEAD_START)
            return delivery
        return self._executor.submit(self._render_and_deliver, issued.ticket, content, staff, False, large)

    def reprint(self, ticket: TicketView, staff: str | None = None) -> Future[PrintResult]:
        """Queue a copy with today's position in the line and a "Reprint" mark."""
        ahead = self.service.ahead_of(ticket.id)
        minutes = self.service.estimate_minutes(ticket.department, ahead)
        content = self.content_of(ticket, ahead, minutes, self.service.qr_payload(ticket), reprint=True)
        return self._executor.submit(self._render_and_deliver, ticket, content, staff, True)

    def draw_ahead(self) -> Future[int]:
        """Draw, on the print queue, the parts of a ticket that never change: the centre's name,
        each service's department, windows and name, and the footer, in every language offered.
        A visitor's ticket then draws only its number, its line ahead and its QR. Returns how many
        services and languages were drawn."""
        return self._executor.submit(self._draw_fixed)

    def _draw_fixed(self) -> int:
        settings, catalogue = self.service.settings, self.service.catalogue
        now = datetime.now(UTC)
        drawn = 0
        for dept in catalogue.department:
            for svc in dept.service:
                for lang in settings.languages:
                    sample = TicketView(
                        id=0, code="", number=0, day=now.date(), origin=dept.code, department=dept.code,
                        service=svc.code, language=lang, priority=None, interpreter=False,
                        state=State.WAITING, window=None, issued_at=now, queued_at=now, called_at=None,
                        windows=tuple(dept.windows),
                    )  # fmt: skip
                    draw_fixed(self.content_of(sample, 0, 0, ""), settings.paper_width)
                    drawn += 1
        return drawn

    def print_sample(self, ticket: TicketView, content: TicketContent) -> PrintResult:
        """Print a sample ticket that is not in the database (installers' test print); no event."""
        stem = f"{ticket.day.isoformat()}_print-test-{ticket.language}"
        return self._executor.submit(lambda: self._send(self.prepare(ticket, content, stem))).result()

    def print_slip(self, booking: BookingView) -> PrintResult:
        """Print a booking's slip (its code large and as a QR, the service, department, date and
        time) through the same queue; waits for the outcome. No ticket, so no event is written."""
        width = self.service.settings.paper_width
        rows = slip_rows(slip_content(booking, self.service.catalogue, self.service.settings), width)
        stem = f"{booking.day.isoformat()}_booking-{booking.code}"
        job = Job(None, rows, width, encode_rows(rows, width), stem)
        return self._executor.submit(self._send, job).result()

    def content_of(
        self, ticket: TicketView, ahead: int, minutes: int, qr: str, reprint: bool = False
    ) -> TicketContent:
        return ticket_content(
            ticket, self.service.catalogue, self.service.settings, ahead, minutes, qr, reprint=reprint
        )

    def prepare(
        self, ticket: TicketView, content: TicketContent, stem: str | None = None, large: bool = False
    ) -> Job:
        width = self.service.settings.paper_width
        rows = ticket_rows(content, width, large)
        stem = stem or f"{ticket.day.isoformat()}_{ticket.code}"
        return Job(ticket, rows, width, encode_rows(rows, width), stem)

    def close(self) -> None:
        self._executor.shutdown(wait=True)

    def _render_and_deliver(
        self,
        ticket: TicketView,
        content: TicketContent,
        staff: str | None,
        reprint: bool,
        large: bool = False,
    ) -> PrintResult:
        return self._deliver(self.prepare(ticket, content, large=large), staff, reprint)

    def _deliver(self, job: Job, staff: str | None, reprint: bool) -> PrintResult:
        result = self._send(job)
        self._record(result, staff, reprint)
        return result

    def _send(self, job: Job) -> PrintResult:
        started = time.perf_counter()
        ticket_id = job.ticket.id if job.ticket else 0
        try:
            written = open_transport(self.url, self.timeout).send(job.data, job.image, job.stem)
        except PrintFault as fault:
            now = time.perf_counter()
            return PrintResult(
                "failed", self.url, ticket_id, fault.reason, str(fault), None, now - started, now
            )
        except Exception as exc:  # never let a print job take the kiosk down
            log.exception("printing %s failed", job.stem)
            now = time.perf_counter()
            return PrintResult("failed", self.url, ticket_id, "error", str(exc), None, now - started, now)
        now = time.perf_counter()
        return PrintResult("printed", self.url, ticket_id, None, "", written, now - started, now)

    def _record(self, result: PrintResult, staff: str | None, reprint: bool) -> None:
        job = result.job or None
        payload: Printed | PrintFailed
        if result.ok:
            kind, payload = Kind.REPRINTED if reprint else Kind.PRINTED, Printed(result.printer, job)
        else:
            kind = Kind.PRINT_FAILED
            payload = PrintFailed(result.printer, result.reason, result.message, reprint, job)
        try:
            self.service.record_notice(kind, result.ticket_id, payload.to_data(), staff=staff)
        except KioskError:
            log.exception("could not record %s for ticket %s", kind, result.ticket_id)
