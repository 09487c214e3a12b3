"""Issuing and numbering: the next number of a department's day, saved (with its `issued` event)
before anything is printed, after the checks of opening hours and priority rights."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk import signing
from kiosk.catalogue import Department, Service
from kiosk.domain import Issued, State, rank_of, ticket_code
from kiosk.errors import DepartmentClosed, NotFound, PriorityRefused, PriorityRepeated, quoted
from kiosk.events import Issued as IssuedPayload
from kiosk.events import Kind
from kiosk.queue import sql
from kiosk.queue.dayplan import DayPlanning
from kiosk.queue.housekeeping import Housekeeping
from kiosk.storage.journal import record
from kiosk.storage.models import Event, Ticket

CLOSED_REASONS = {
    "closed_today": "is closed today",
    "before_opening": "has not opened yet",
    "break": "is between shifts",
    "after_cutoff": "gives no more tickets today (last ticket time has passed)",
}


class Issuing(DayPlanning, Housekeeping):
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
            ticket = self._new_ticket(
                s, svc, dept, language, category.code if category else None, interpreter, held, now,
                source=source, staff=staff, token=token, request_key=request_key,
            )  # fmt: skip
            ahead = self._ahead(s, ticket)
            view = self._view(ticket)
        minutes = self.estimate_minutes(dept.code, ahead, svc.typical_minutes)
        return Issued(ticket=view, ahead=ahead, wait_minutes=minutes, qr=self.qr_payload(view))

    def answered(self, kind: Kind, token: str, request_key: str) -> Event | None:
        """The event of what a request with this token and Idempotency-Key made in the last day."""
        since = self.now() - timedelta(days=1)
        with self.db.read() as s:
            for event in s.scalars(select(Event).where(Event.kind == kind, Event.at >= since)):
                data = event.data or {}
                if data.get("token") == token and data.get("request_key") == request_key:
                    return event
        return None

    def reissued(self, ticket_id: int) -> Issued:
        """A ticket given before, as `issue` answered it: its place and wait as they are now."""
        with self.db.read() as s:
            ticket = s.get(Ticket, ticket_id)
            assert ticket is not None
            ahead = self._ahead(s, ticket)
            view = self._view(ticket)
        minutes = self.estimate_minutes(
            view.department, ahead, self.catalogue.service(view.service)[0].typical_minutes
        )
        return Issued(ticket=view, ahead=ahead, wait_minutes=minutes, qr=self.qr_payload(view))

    def _new_ticket(
        self,
        s: Session,
        svc: Service,
        dept: Department,
        language: str,
        priority: str | None,
        interpreter: bool,
        held: str | None,
        now: datetime,
        source: str,
        staff: str | None,
        booking: str | None = None,
        booked_at: datetime | None = None,
        token: str | None = None,
        request_key: str | None = None,
    ) -> Ticket:
        """Number, insert and record (its `issued` event) a waiting ticket in the open transaction."""
        day = self.local(now).date()
        number = sql.next_number(s, self.db.dialect, dept.code, day)
        ticket = Ticket(
            day=day,
            origin=dept.code,
            number=number,
            code=ticket_code(dept.prefix, number),
            department=dept.code,
            service=svc.code,
            language=language,
            priority=priority,
            rank=rank_of(priority),
            interpreter=interpreter,
            holder=held,
            state=State.WAITING,
            issued_at=now,
            queued_at=now,
            booked_at=booked_at,
        )
        s.add(ticket)
        s.flush()
        payload = IssuedPayload(
            service=svc.code,
            language=language,
            source=source,
            terminal=self.settings.terminal,
            priority=priority,
            interpreter=interpreter,
            booking=booking,
            booked_at=booked_at.isoformat() if booked_at else None,
            token=token,
            request_key=request_key,
        )
        record(s, Kind.ISSUED, payload, now, ticket=ticket, staff=staff)
        return ticket

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
