"""What every part of the queue service shares: the database, settings, clock and QR secret, the
catalogue in force, the centre's local time, and turning rows into the views callers see."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from kiosk.clock import Clock
from kiosk.config import Settings
from kiosk.domain.catalogue import Catalogue, Department, Service, parse_catalogue
from kiosk.domain.events import Issued as IssuedPayload
from kiosk.domain.events import Kind
from kiosk.domain.pace import LOOK_BACK, SHOWS, Pace, pace_of
from kiosk.domain.tickets import (
    EventView,
    Issued,
    State,
    TicketView,
    minutes_until,
    parse_ticket_code,
    rank_of,
    ticket_code,
)  # fmt: skip
from kiosk.errors import KioskError, NotFound, ScanRefused, StorageUnavailable, quoted
from kiosk.queue import sql
from kiosk.security import signing
from kiosk.storage.db import Database
from kiosk.storage.journal import record
from kiosk.storage.models import CatalogueVersion, Event, Ticket

if TYPE_CHECKING:
    from kiosk.domain.catalogue import Opening
    from kiosk.queue.dayplan import DayPlan

TicketRef = str | int
TICKET_ID = re.compile(r"[0-9]+")  # ASCII digits only: str.isdigit() also takes '²' and '١'
MAX_TICKET_ID = 2**31 - 1  # tickets.id is an INTEGER column: 32 bits on PostgreSQL
PACE_FRESH = timedelta(minutes=2)  # a department's pace is read again after this (service clock)


class NewTicket(NamedTuple):
    """A ticket just inserted, how many wait before it, and the minutes it was quoted."""

    ticket: Ticket
    ahead: int
    quoted: int


class QueueCore:
    """Queue operations for one centre over one database (the parts are its subclasses)."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        secret: bytes,
        catalogue: Catalogue | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.secret = secret
        self._catalogue = catalogue
        self._plan_cache: tuple[datetime, date, DayPlan] | None = None
        self._rolled_over: date | None = None
        self._paces: dict[str, tuple[datetime, Pace]] = {}

    # Time and catalogue -------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def local(self, moment: datetime | None = None) -> datetime:
        return (moment or self.now()).astimezone(self.settings.zone)

    def today(self) -> date:
        return self.local().date()

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            self.reload_catalogue()
        assert self._catalogue is not None
        return self._catalogue

    def reload_catalogue(self) -> Catalogue:
        """Take the newest catalogue `kiosk init` stored (terminals call this on `catalogue_loaded`)."""
        with self.db.read() as s:
            row = s.scalars(select(CatalogueVersion).order_by(CatalogueVersion.id.desc()).limit(1)).first()
        if row is None:
            raise StorageUnavailable("the database has no catalogue yet: run `kiosk init`")
        self._catalogue = parse_catalogue(row.body, f"catalogue version {row.id} in the database")
        return self._catalogue

    def sla_seconds(self, department: str) -> int:
        minutes = self.catalogue.dept(department).sla_minutes or self.settings.sla_minutes
        return minutes * 60

    def quote(
        self,
        ticket: Ticket | TicketView,
        ahead: int,
        typical: int | None,
        now: datetime,
        s: Session | None = None,
    ) -> int:
        """The wait told to the visitor, in minutes: a booked visitor whose slot is still ahead is
        called when it begins; everyone else waits for the line ahead of them, at the department's
        pace today (`pace`; `typical`: the service's own minutes, else the department's)."""
        if ticket.booked_at is not None and ticket.booked_at > now:
            return minutes_until(ticket.booked_at, now)
        typical = typical or self.catalogue.dept(ticket.department).typical_minutes
        return self.pace(ticket.department, s).quote(ahead, typical, now)

    def estimate_minutes(self, department: str, ahead: int, typical: int | None = None) -> int:
        """The wait of someone with `ahead` before them in the department's line, at its pace today
        (a reprint's "about N min")."""
        typical = typical or self.catalogue.dept(department).typical_minutes
        return self.pace(department).quote(ahead, typical, self.now())

    def pace(self, department: str, s: Session | None = None) -> Pace:
        """The department's pace now (`kiosk.domain.pace`): its windows calling and the minutes a
        visitor takes, from the last hour's calls, and the booked visitors to come; read again once
        it is PACE_FRESH old (by the service's clock), in the open transaction `s` when given."""
        now = self.now()
        kept = self._paces.get(department)
        if kept is not None and timedelta(0) <= now - kept[0] < PACE_FRESH:
            return kept[1]
        if s is None:
            with self.db.read() as read:
                pace = self._read_pace(read, department, now)
        else:
            pace = self._read_pace(s, department, now)
        self._paces[department] = (now, pace)
        return pace

    def _read_pace(self, s: Session, department: str, now: datetime) -> Pace:
        day, grace = self.local(now).date(), timedelta(minutes=self.settings.checkin_grace_minutes)
        calls = sql.recent_calls(s, department, day, now - LOOK_BACK)
        slots = tuple(
            (at, 1.0 if checked_in else SHOWS)
            for at, checked_in in sql.upcoming_slots(s, department, day, now, grace)
        )
        occupied = sql.at_windows(s, department, day)
        return pace_of(calls, now, len(self.catalogue.dept(department).windows), slots, occupied)

    def qr_payload(self, ticket: TicketView) -> str:
        """The text of the ticket's QR: its signed token, or with `public_url` set the URL of its page
        on the visitor's phone, which carries the token (`kiosk.security.signing.ticket_url`)."""
        token = self.ticket_token(ticket)
        public = self.settings.public_url
        return signing.ticket_url(public, token) if public else token

    def ticket_token(self, ticket: TicketView) -> str:
        """The signed token naming the ticket (the QR payload of `kiosk.security.signing`)."""
        payload = signing.Payload(
            ticket_id=ticket.id,
            day=ticket.day,
            code=ticket.code,
            department=ticket.origin,
            windows=ticket.windows or ("0",),
        )
        return signing.sign(self.secret, payload)

    # What one part asks of another, declared here so that each part depends on this base alone
    # (`kiosk.service.QueueService` joins the parts that define them).
    if TYPE_CHECKING:

        def roll_over(self) -> None: ...  # Housekeeping

        def opening(self, department: str) -> Opening: ...  # DayPlanning

        def day_plan(self) -> DayPlan: ...  # DayPlanning

        def issue(self, service: str, language: str = "en", *, staff: str | None, source: str) -> Issued: ...

    # Rows -----------------------------------------------------------------------------------

    def answered(self, kind: Kind, token: str, request_key: str) -> Event | None:
        """The event of what a request with this token and Idempotency-Key made in the last day."""
        since = self.now() - timedelta(days=1)
        with self.db.read() as s:
            for event in s.scalars(select(Event).where(Event.kind == kind, Event.at >= since)):
                data = event.data or {}
                if data.get("token") == token and data.get("request_key") == request_key:
                    return event
        return None

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
    ) -> NewTicket:
        """Number, insert and record (its `issued` event, with the wait it is quoted) a waiting
        ticket in the open transaction."""
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
        ahead = sql.ahead_of(s, ticket, now)
        minutes = self.quote(ticket, ahead, svc.typical_minutes, now, s)
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
            quoted=minutes,
        )
        record(s, Kind.ISSUED, payload, now, ticket=ticket, staff=staff)
        return NewTicket(ticket, ahead, minutes)

    def _by_token(self, s: Session, text: str) -> Ticket:
        """The ticket of today a scanned QR or ticket URL names; ScanRefused ("malformed", "forged",
        "other_day", "unknown") otherwise."""
        payload = signing.verify(self.secret, text)
        if payload.day != self.today():
            raise ScanRefused(f"this ticket is from {payload.day:%d.%m.%Y}, not from today", "other_day")
        ticket = s.get(Ticket, payload.ticket_id)
        if ticket is None or ticket.code != payload.code or ticket.day != payload.day:
            raise ScanRefused("no such ticket was issued here today", "unknown")
        return ticket

    def _load(self, s: Session, ref: TicketRef, day: date | None = None, lock: bool = True) -> Ticket:
        query = select(Ticket)
        text = str(ref).strip()
        by_id = isinstance(ref, int) or TICKET_ID.fullmatch(text) is not None
        if by_id:
            if len(text) > len(str(MAX_TICKET_ID)) or not 0 < int(text) <= MAX_TICKET_ID:
                raise NotFound(f"no ticket {quoted(text)}")
            query = query.where(Ticket.id == int(text))
        else:
            code = parse_ticket_code(text)
            if code is None:
                raise NotFound(f"{quoted(text)} is not a ticket number (like P-007) or a ticket id")
            query = query.where(Ticket.day == (day or self.today()), Ticket.code == code)
        if lock:
            query = sql.locked(query, self.db.dialect)
        ticket = s.scalars(query).first()
        if ticket is None:
            raise NotFound(f"no ticket {text}" if by_id else f"no ticket {text} today")
        return ticket

    def _at_window(self, s: Session, window: str, day: date) -> Ticket | None:
        return sql.at_window(s, self.db.dialect, window, day)

    def _ahead(self, s: Session, ticket: Ticket) -> int:
        if ticket.state != State.WAITING:
            return 0
        return sql.ahead_of(s, ticket, self.now())

    def _view(self, t: Ticket | Row[Any]) -> TicketView:
        """A ticket (or its row, read without the ORM) as the terminals see it."""
        try:
            windows = tuple(self.catalogue.dept(t.department).windows)
        except KioskError:
            windows = ()
        return TicketView(
            id=t.id,
            code=t.code,
            number=t.number,
            day=t.day,
            origin=t.origin,
            department=t.department,
            service=t.service,
            language=t.language,
            priority=t.priority,
            interpreter=t.interpreter,
            state=State(t.state),
            window=t.window,
            issued_at=t.issued_at,
            queued_at=t.queued_at,
            called_at=t.called_at,
            windows=windows,
            booked_at=t.booked_at,
        )


def event_view(e: Event) -> EventView:
    return EventView(
        id=e.id,
        at=e.at,
        day=e.day,
        kind=e.kind,
        ticket_id=e.ticket_id,
        department=e.department,
        window=e.window,
        staff=e.staff,
        state=e.state,
        data=dict(e.data or {}),
    )
