"""Issuing and numbering: the next number of a department's day, saved (with its `issued` event)
before anything is printed, after the checks of opening hours and priority rights."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.domain.events import Issued as IssuedPayload
from kiosk.domain.events import Kind
from kiosk.domain.tickets import Issued, State
from kiosk.errors import DepartmentClosed, NotFound, PriorityRefused, PriorityRepeated, quoted
from kiosk.queue.base import QueueCore
from kiosk.security import signing
from kiosk.storage.models import Event, Ticket

CLOSED_REASONS = {
    "closed_today": "is closed today",
    "before_opening": "has not opened yet",
    "break": "is between shifts",
    "after_cutoff": "gives no more tickets today (last ticket time has passed)",
}


class Issuing(QueueCore):
    def issue(
        self,
        service: str,
        language: str = "en",
        priority: str | None = None,
        interpreter: bool = False,
        holder: str | None = None,
        staff: str | None = None,
        source: str = "kiosk",
        token: str | None = None,
        request_key: str | None = None,
    ) -> Issued:
        """Give the next number of the service's department, saved before anything is printed.
        `token`: the name of the API token that asked for it (`source` "api"); `request_key`: its
        Idempotency-Key, with which a retry gets the ticket of the first request, not a new one."""
        self.roll_over()
        if token and request_key:
            earlier = self.answered(Kind.ISSUED, token, request_key)
            if earlier is not None and earlier.ticket_id is not None:
                return self.reissued(earlier.ticket_id)
        svc, dept = self.catalogue.service(service)
        if language not in self.settings.languages:
            offered = ", ".join(self.settings.languages)
            raise NotFound(f"language {quoted(language)} is not offered here; offered: {offered}")
        category = self.catalogue.priority_category(priority) if priority else None
        state = self.opening(dept.code)
        if not state.open:
            raise DepartmentClosed(
                f"{dept.name('en')} {CLOSED_REASONS[state.reason]}; hours {state.hours}, "
                f"last ticket {state.cutoff:%H:%M}",
                state.reason,
                state.hours,
            )
        now = self.now()
        day = self.local(now).date()
        held = signing.holder_hash(self.secret, holder) if holder and category else None
        with self.db.write() as s:
            if held and category and category.once_per_day:
                used = s.scalar(
                    select(func.count()).where(
                        Ticket.day == day,
                        Ticket.service == svc.code,
                        Ticket.priority == category.code,
                        Ticket.holder == held,
                        Ticket.state != State.CANCELLED,
                    )
                )
                if used:
                    raise PriorityRefused(
                        f"the priority right '{category.name('en')}' was used today for this service "
                        "already; it may be used once a day"
                    )
            if category and source in ("kiosk", "api"):  # nobody there checks a document
                self._check_repeat(s, category.code, category.name("en"), now, source, token)
            new = self._new_ticket(
                s, svc, dept, language, category.code if category else None, interpreter, held, now,
                source=source, staff=staff, token=token, request_key=request_key,
            )  # fmt: skip
            view = self._view(new.ticket)
        return Issued(ticket=view, ahead=new.ahead, wait_minutes=new.quoted, qr=self.qr_payload(view))

    def reissued(self, ticket_id: int) -> Issued:
        """A ticket given before, as `issue` answered it: its place and wait as they are now."""
        with self.db.read() as s:
            ticket = s.get(Ticket, ticket_id)
            assert ticket is not None
            ahead = self._ahead(s, ticket)
            view = self._view(ticket)
        minutes = self.quote(view, ahead, self.catalogue.service(view.service)[0].typical_minutes, self.now())
        return Issued(ticket=view, ahead=ahead, wait_minutes=minutes, qr=self.qr_payload(view))

    def _check_repeat(
        self, s: Session, category: str, name: str, now: datetime, source: str, token: str | None
    ) -> None:
        """At the kiosk and through the API nobody checks a document, so one kiosk terminal, or one
        API token, gives one priority ticket of a category per `priority_repeat_minutes`; a second
        claim is sent to the front desk. Read from the events, so it holds across processes
        (textual-serve runs one per browser; `kiosk web` may run beside the kiosks)."""
        minutes = self.settings.priority_repeat_minutes
        if not minutes:
            return
        recent = s.scalars(
            select(Event.data).where(
                Event.day == self.local(now).date(),
                Event.kind == Kind.ISSUED,
                Event.at > now - timedelta(minutes=minutes),
            )
        )
        terminal = self.settings.terminal
        where = (source, terminal if source == "kiosk" else token)
        for data in recent:
            issued = IssuedPayload.from_data(data)
            given = (issued.source, issued.terminal if issued.source == "kiosk" else issued.token)
            if issued.priority == category and given == where:
                at = f"at kiosk {terminal}" if source == "kiosk" else f"through the API token {quoted(token)}"
                raise PriorityRepeated(
                    f"a '{name}' ticket was given {at} less than {minutes} min ago: "
                    "the front desk gives the next one"
                )
