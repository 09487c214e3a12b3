"""The centre's periodic chores, in one place: past days closed (their bookings nobody checked in
for closed as no-shows), stale calls back to the queue, old notes and past days' booking contacts
purged. Each first looks without the write lock and, only when there is something to do, does it in
a writing transaction that locks the rows (PostgreSQL) or holds SQLite's one write lock and reads
them again: idempotent and safe when several terminals run it at once, each ticket closed or
released once. With nothing to do it costs two reads (four on a terminal's first run of the day)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import Select, select, text

from kiosk.domain.events import Booking as BookingPayload
from kiosk.domain.events import Closed, DayClosed, Kind, Moved, Transferred
from kiosk.domain.tickets import OPEN_STATES, BookingState, State, TicketView
from kiosk.queue import sql
from kiosk.queue.base import QueueCore
from kiosk.queue.machine import move
from kiosk.storage.journal import record
from kiosk.storage.models import OPEN_BOOKINGS, Booking, Event, Ticket


class Housekeeping(QueueCore):
    def housekeeping(self) -> list[TicketView]:
        """The centre's periodic chores, safe to run from any number of terminals at once (each is
        idempotent): past days closed, stale calls back to the queue, old notes purged. Returns the
        calls released."""
        self.roll_over()
        released = self.release_stale_calls(staff="housekeeping")
        self.purge_notes()
        return released

    def roll_over(self) -> None:
        """Close past days' open tickets before the first change of each service day in this process
        (every state-changing method and every terminal's start run it): one query when none is open."""
        today = self.today()
        if self._rolled_over != today:
            self.close_past_days()
            self.purge_booking_contacts()
            self._rolled_over = today

    def close_past_days(self, staff: str | None = None) -> int:
        """Close what earlier days left open (a terminal that was off at closing time)."""
        with self.db.read() as s:
            days = s.scalars(sql.past_days_open(self.today())).all()
        return sum(self._close(day, "left open at the end of the day", staff, quiet=True) for day in days)

    def close_day(self, day: date | None = None, reason: str = "end of day", staff: str | None = None) -> int:
        """End-of-day close: every open ticket of `day` is closed with `reason`; history stays."""
        return self._close(day or self.today(), reason, staff, quiet=False)

    def _close(self, day: date, reason: str, staff: str | None, quiet: bool) -> int:
        """Close `day`'s open tickets; `quiet`: no `day_closed` event when another terminal's rollover
        closed them first (so several terminals rolling over leave one)."""
        now = self.now()
        today = self.local(now).date()
        query = select(Ticket).where(Ticket.day == day, Ticket.state.in_(OPEN_STATES)).order_by(Ticket.id)
        booked = select(Booking).where(Booking.day == day, text(OPEN_BOOKINGS)).order_by(Booking.id)
        with self.db.write() as s:  # two terminals rolling over at once close each ticket once
            open_tickets = s.scalars(sql.locked(query, self.db.dialect)).all()
            for ticket in open_tickets:
                move(s, ticket, Kind.CLOSED, Closed(reason), now, today, window=ticket.window, staff=staff)
            missed = s.scalars(sql.locked(booked, self.db.dialect)).all()
            for booking in missed:  # nobody checked in for it
                booking.state = BookingState.NO_SHOW
                at = booking.at.astimezone(self.settings.zone).isoformat(timespec="minutes")
                payload = BookingPayload(booking.code, booking.service, at, "close")
                record(s, Kind.BOOKING_NO_SHOW, payload, now, day, department=booking.department, staff=staff)
            if open_tickets or missed or not quiet:
                record(s, Kind.DAY_CLOSED, DayClosed(len(open_tickets)), now, day, staff=staff)
            return len(open_tickets)

    def release_stale_calls(self, staff: str | None = None) -> list[TicketView]:
        """Tickets called to a window longer than `stale_call_minutes` ago and neither started, recalled
        nor decided (the window's terminal died, or the clerk left): back to the queue in their place."""
        now = self.now()
        today = self.local(now).date()
        limit = now - timedelta(minutes=self.settings.stale_call_minutes)
        stale = (Ticket.day == today, Ticket.state == State.CALLED, Ticket.called_at < limit)
        if not self._any(select(Ticket.id).where(*stale)):
            return []
        released = []
        query = sql.locked(select(Ticket).where(*stale).order_by(Ticket.id), self.db.dialect)
        with self.db.write() as s:
            for ticket in s.scalars(query).all():
                window = ticket.window
                payload = Moved(reason="called too long ago with no answer", window=window)
                move(s, ticket, Kind.RETURNED, payload, now, today, window=window, staff=staff)
                released.append(self._view(ticket))
        return released

    def purge_notes(self) -> int:
        """Free-text notes (on transfers) are personal data: removed after `note_days` days."""
        before = self.local().date() - timedelta(days=self.settings.note_days)
        noted = (
            Event.day < before,
            Event.kind == Kind.TRANSFERRED,
            Event.data["note"].as_string().is_not(None),
        )
        if not self._any(select(Event.id).where(*noted)):
            return 0
        purged = 0
        with self.db.write() as s:
            for event in s.scalars(select(Event).where(*noted)).all():
                payload = Transferred.from_data(event.data or {})
                if payload.note is not None:
                    event.data = replace(payload, note=None, note_purged=True).to_data()
                    purged += 1
        return purged

    def purge_booking_contacts(self) -> int:
        """A booking's name and phone are kept for its day only: emptied once the day is over."""
        kept = (Booking.day < self.today(), (Booking.name.is_not(None)) | (Booking.phone.is_not(None)))
        if not self._any(select(Booking.id).where(*kept)):
            return 0
        with self.db.write() as s:
            rows = s.scalars(sql.locked(select(Booking).where(*kept), self.db.dialect)).all()
            for row in rows:
                row.name = row.phone = None
            return len(rows)

    def _any(self, query: Select[int]) -> bool:
        """Whether `query` finds a row, read without taking SQLite's write lock (nothing to do is the
        usual case, and then housekeeping never holds up a terminal's write)."""
        with self.db.read() as s:
            return s.scalar(query.limit(1)) is not None
