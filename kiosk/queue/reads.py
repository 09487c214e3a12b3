"""Read models: tickets and the queue as views, the event log for followers and the audit, and the
day's statistics computed from the events (`kiosk.domain.stats`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from kiosk.domain.events import CALLS, Kind
from kiosk.domain.tickets import BookingState, EventView, State, TicketStatus, TicketView
from kiosk.errors import KioskError, ScanRefused
from kiosk.queue import sql
from kiosk.queue.base import QueueCore, TicketRef, event_view
from kiosk.queue.machine import FINAL_STATES
from kiosk.storage.models import Booking, Event, Ticket

if TYPE_CHECKING:  # the statistics are imported when asked for: a ticket issued never needs them
    from kiosk.domain.hourly import HourStats
    from kiosk.domain.stats import BookingCounts, DayStats
    from kiosk.domain.ticket_times import TicketTimes

# The events a ticket's status on the phone is read from (`Reads.ticket_statuses`).
FOLLOWED_KINDS = (Kind.CALLED, Kind.RECALLED, Kind.ON_MY_WAY, Kind.TRANSFERRED, Kind.RATED)


class Reads(QueueCore):
    # Tickets and the queue ----------------------------------------------------------------

    def ticket(self, ref: TicketRef, day: date | None = None) -> TicketView:
        with self.db.read() as s:
            return self._view(self._load(s, ref, day, lock=False))

    def tickets(self, ids: Iterable[int]) -> list[TicketView]:
        """Several tickets by id, for updating a table in place."""
        wanted = sorted(set(ids))
        if not wanted:
            return []
        with self.db.read() as s:
            return [self._view(t) for t in s.scalars(select(Ticket).where(Ticket.id.in_(wanted)))]

    def at_window(self, window: str) -> TicketView | None:
        with self.db.read() as s:
            ticket = self._at_window(s, window, self.today())
            return self._view(ticket) if ticket else None

    def day_view(self, day: date | None = None, department: str | None = None) -> list[TicketView]:
        """The day's tickets, read as plain rows (no ORM objects: the desk opens on 5,000 of them)."""
        table = Ticket.__table__
        query = select(table).where(table.c.day == (day or self.today()))
        if department:
            self.catalogue.dept(department)  # unknown names are refused, not shown as an empty day
            query = query.where(table.c.department == department)
        with self.db.read() as s:
            return [self._view(t) for t in s.execute(query.order_by(table.c.id))]

    def waiting(self, department: str, limit: int = 10) -> tuple[int, list[TicketView]]:
        """How many wait for a department, and the next few in calling order."""
        base = select(Ticket).where(
            Ticket.day == self.today(),
            Ticket.department == department,
            Ticket.state == State.WAITING,
        )
        with self.db.read() as s:
            count = s.scalar(select(func.count()).select_from(base.subquery())) or 0
            rows = s.scalars(base.order_by(*sql.queue_order(self.now())).limit(limit)).all()
            return count, [self._view(t) for t in rows]

    def waiting_counts(self) -> dict[str, int]:
        """How many wait now, per department of the catalogue (zero included)."""
        query = (
            select(Ticket.department, func.count())
            .where(Ticket.day == self.today(), Ticket.state == State.WAITING)
            .group_by(Ticket.department)
        )
        with self.db.read() as s:
            found = {str(row[0]): int(row[1]) for row in s.execute(query)}
        return {d.code: found.get(d.code, 0) for d in self.catalogue.department}

    def ahead_of(self, ref: TicketRef) -> int:
        with self.db.read() as s:
            return self._ahead(s, self._load(s, ref, lock=False))

    def open_scanned(self, text: str) -> TicketView:
        """The ticket a scanned QR names, or ScanRefused with the reason (forged, stale, unknown, or
        over: served, cancelled or closed). A no-show is still valid: it may return to the queue."""
        with self.db.read() as s:
            ticket = self._by_token(s, text)
            if ticket.state in FINAL_STATES:
                state = "served" if ticket.state == State.DONE else ticket.state
                raise ScanRefused(f"{ticket.code} is {state} already", ticket.state, ticket.code)
            return self._view(ticket)

    def ticket_statuses(self, ids: Iterable[int]) -> dict[int, TicketStatus]:
        """What the visitors' phones show, for many tickets at once: one query for the tickets, one
        per department and day with waiting tickets among them (the line's order, for everyone's
        place in it), one for their calls, recalls, "on my way" and transfers. Unknown ids are left out."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        with self.db.read() as s:
            tickets = list(s.scalars(select(Ticket).where(Ticket.id.in_(wanted))))
            lines: dict[tuple[date, str], dict[int, int]] = {}
            order_now = sql.queue_order(self.now())
            for key in sorted({(t.day, t.department) for t in tickets if t.state == State.WAITING}):
                order = s.scalars(
                    select(Ticket.id)
                    .where(Ticket.day == key[0], Ticket.department == key[1], Ticket.state == State.WAITING)
                    .order_by(*order_now)
                )
                lines[key] = {ticket_id: place for place, ticket_id in enumerate(order)}
            events = s.execute(
                select(Event.ticket_id, Event.kind, Event.at, Event.data)
                .where(Event.ticket_id.in_(wanted), Event.kind.in_(FOLLOWED_KINDS))
                .order_by(Event.id)
            ).all()
        history: dict[int, list[tuple[str, datetime, dict[str, object]]]] = {}
        for ticket_id, kind, at, data in events:
            history.setdefault(int(ticket_id), []).append((str(kind), at, dict(data or {})))
        result = {}
        now = self.now()
        for t in tickets:
            view = self._view(t)
            ahead = lines.get((t.day, t.department), {}).get(t.id, 0)
            try:
                typical = self.catalogue.service(t.service)[0].typical_minutes
                wait = self.quote(view, ahead, typical, now) if t.state == State.WAITING else 0
            except KioskError:  # a department or service the catalogue no longer has
                wait = 0
            recalls, last_recall, on_way, moved_from = 0, None, False, None
            rated: object = None
            for kind, at, data in history.get(t.id, []):
                if kind == Kind.CALLED:
                    recalls, last_recall, on_way = 0, None, False
                elif kind == Kind.RECALLED:
                    recalls, last_recall = recalls + 1, at
                elif kind == Kind.ON_MY_WAY:
                    on_way = True
                elif kind == Kind.TRANSFERRED:
                    moved_from = str(data.get("from") or "") or None
                elif kind == Kind.RATED:  # the visitor's rating, once served
                    rated = data.get("score")
            on_way = on_way and t.state == State.CALLED
            early = t.state == State.WAITING and view.booked_at is not None and view.booked_at > now
            about = view.booked_at if early else None  # called when the slot begins, not by the line
            rating = rated if isinstance(rated, int) else None
            result[t.id] = TicketStatus(
                view, ahead, wait, recalls, last_recall, on_way, moved_from, about, rating=rating
            )
        return result

    def ticket_of_token(self, token: str) -> TicketView:
        """The ticket of today a signed token (or ticket URL) names, whatever its state; ScanRefused
        ("malformed", "forged", "other_day", "unknown") otherwise. The phone's page and the API use it."""
        with self.db.read() as s:
            return self._view(self._by_token(s, token))

    # The event log --------------------------------------------------------------------------

    def history(self, ref: TicketRef) -> list[EventView]:
        with self.db.read() as s:
            ticket = self._load(s, ref, lock=False)
            rows = s.scalars(select(Event).where(Event.ticket_id == ticket.id).order_by(Event.id)).all()
            return [event_view(e) for e in rows]

    def events_since(self, after: int, limit: int = 1000, ids: Iterable[int] = ()) -> list[EventView]:
        query = select(Event).where(Event.id > after)
        extra = list(ids)
        if extra:
            query = select(Event).where((Event.id > after) | Event.id.in_(extra))
        with self.db.read() as s:
            return [event_view(e) for e in s.scalars(query.order_by(Event.id).limit(limit))]

    def transfer_notes(self, ids: Iterable[int] | None = None) -> dict[int, str]:
        """Today's notes for the next window, by ticket (of `ids`, or all): each ticket's latest
        transfer note, which goes with it to the counter that calls it and to the desk's row."""
        query = select(Event.ticket_id, Event.data).where(
            Event.day == self.today(), Event.kind == Kind.TRANSFERRED, Event.ticket_id.is_not(None)
        )
        if ids is not None:
            query = query.where(Event.ticket_id.in_(sorted(set(ids))))
        notes: dict[int, str] = {}
        with self.db.read() as s:
            for ticket_id, data in s.execute(query.order_by(Event.id)):
                note = (data or {}).get("note")
                if note:
                    notes[int(ticket_id)] = str(note)
        return notes

    def print_health(self) -> dict[str, int | str | None]:
        """Today's printing in figures, for a health probe: tickets printed, prints failed, and how
        the latest print went ("ok", "failed", or None before the first). No printer address."""
        kinds = (Kind.PRINTED, Kind.PRINT_FAILED)
        today = self.today()
        counts = select(Event.kind, func.count()).where(Event.day == today, Event.kind.in_(kinds))
        latest = (
            select(Event.kind)
            .where(Event.day == today, Event.kind.in_(kinds))
            .order_by(Event.id.desc())
            .limit(1)
        )
        with self.db.read() as s:
            count = {str(kind): int(n) for kind, n in s.execute(counts.group_by(Event.kind))}
            last = s.scalar(latest)
        return {
            "printed_today": count.get(Kind.PRINTED, 0),
            "failed_today": count.get(Kind.PRINT_FAILED, 0),
            "latest": None if last is None else ("ok" if last == Kind.PRINTED else "failed"),
        }

    def last_event_id(self) -> int:
        with self.db.read() as s:
            return int(s.scalar(select(func.max(Event.id))) or 0)

    def ticket_events(self, day: date | None = None) -> list[EventView]:
        """The day's ticket events, oldest first (what the statistics are computed from)."""
        query = select(Event).where(Event.day == (day or self.today()), Event.ticket_id.is_not(None))
        with self.db.read() as s:
            return [event_view(e) for e in s.scalars(query.order_by(Event.id))]

    def recent_calls(self, limit: int = 10) -> list[EventView]:
        """Today's latest calls and recalls, newest first (the lobby display's list)."""
        query = (
            select(Event)
            .where(Event.day == self.today(), Event.kind.in_(CALLS))
            .order_by(Event.id.desc())
            .limit(limit)
        )
        with self.db.read() as s:
            return [event_view(e) for e in s.scalars(query)]

    def audit(self, day: date | None = None, limit: int = 500) -> list[EventView]:
        """The day's events, newest first, with who did them."""
        query = select(Event).where(Event.day == (day or self.today())).order_by(Event.id.desc()).limit(limit)
        with self.db.read() as s:
            return [event_view(e) for e in s.scalars(query)]

    # Statistics -----------------------------------------------------------------------------

    def _until(self, day: date) -> datetime | None:
        """Open periods run until now today; a past day's are left out (its close ended them)."""
        return self.now() if day == self.today() else None

    def stats(self, day: date | None = None, events: list[EventView] | None = None) -> DayStats:
        """The day's figures per department, each judged by its own SLA target (see `sla_seconds`);
        `events`: the day's ticket events, when the caller has read them already."""
        day = day or self.today()
        events = self.ticket_events(day) if events is None else events
        departments = [d.code for d in self.catalogue.department]
        targets = {code: self.sla_seconds(code) for code in departments}
        default = self.settings.sla_minutes * 60
        from kiosk.domain.stats import day_stats

        return day_stats(
            events,
            departments,
            targets,
            self._until(day),
            default_sla_seconds=default,
            bookings=self.booking_counts(day),
        )

    def booking_counts(self, day: date | None = None) -> dict[str, BookingCounts]:
        """The day's bookings per department: made (not cancelled), checked in, no-shows."""
        query = (
            select(Booking.department, Booking.state, func.count())
            .where(Booking.day == (day or self.today()), Booking.state != BookingState.CANCELLED)
            .group_by(Booking.department, Booking.state)
        )
        found: dict[str, dict[str, int]] = {}
        with self.db.read() as s:
            for department, state, n in s.execute(query):
                found.setdefault(str(department), {})[str(state)] = int(n)
        from kiosk.domain.stats import BookingCounts

        return {
            code: BookingCounts(
                sum(states.values()),
                states.get(BookingState.CHECKED_IN, 0),
                states.get(BookingState.NO_SHOW, 0),
            )
            for code, states in found.items()
        }

    def hourly(self, day: date | None = None) -> list[HourStats]:
        """Per local hour of the day: arrivals, and waits keyed by the hour of the call that ended them."""
        from kiosk.domain.hourly import hourly

        return hourly(self.ticket_events(day), self.settings.zone)

    def ticket_times(
        self, day: date | None = None, events: list[EventView] | None = None
    ) -> dict[int, TicketTimes]:
        """Each ticket's waits, services and moments on `day`, by ticket id, as the statistics count them
        (`events`: the day's ticket events, when the caller has read them already)."""
        from kiosk.domain.ticket_times import ticket_times

        day = day or self.today()
        return ticket_times(self.ticket_events(day) if events is None else events, self._until(day))
