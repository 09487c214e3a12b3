"""Visitors' ratings of their visit (`kiosk.domain.ratings`): recording one, by the phone or from
paper at the front desk, and the day's figures.

One rating a ticket, even when two arrive at once: the ticket's row is locked (PostgreSQL's FOR
UPDATE; on SQLite the write transaction's BEGIN IMMEDIATE serialises writers) before the check for
an earlier `rated` event, in the transaction that records the new one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.events import Kind, Rated
from kiosk.domain.ratings import Rating, RatingRefused, RatingStats, checked, rating_stats
from kiosk.domain.tickets import State, TicketView
from kiosk.queue.base import QueueCore, TicketRef, event_view
from kiosk.storage.journal import record
from kiosk.storage.models import Event, Ticket

SERVED_BY = (Kind.STARTED, Kind.FINISHED, Kind.RATED)  # who served a ticket, and whether it was rated


class Ratings(QueueCore):
    def rate(
        self,
        ref: TicketRef,
        score: int,
        reasons: Sequence[str] = (),
        *,
        source: str,
        staff: str | None = None,
    ) -> tuple[TicketView, Rating]:
        """Record the visitor's rating of a ticket served today: once, and only after its finish.
        `source`: "phone", "kiosk" (a ticket scanned at the lobby kiosk or by the exit), or "cli" for a
        paper rating (`staff`: who recorded it). RatingRefused
        ("not_served", "rated", "other_day") or KioskError (a bad score or reason) otherwise."""
        score, given = checked(score, reasons)
        now = self.now()
        with self.db.write() as s:
            ticket = self._load(s, ref)  # locked: a second rating at the same moment waits here
            served = self._rateable(s, ticket, now)
            payload = Rated(score, given, source, window=served.window, served_by=served.staff)
            record(s, Kind.RATED, payload, now, ticket=ticket, window=served.window, staff=staff)
            view = self._view(ticket)
        window, member = served.window, served.staff
        rating = Rating(view.id, now, view.department, window, member, score, tuple(given), source)
        return view, rating

    def rating_open(self, scanned: str) -> TicketView:
        """The ticket a scanned QR (or ticket URL) names, if it may be rated now: served today and
        not rated yet (the lobby kiosk asks before it shows the faces). ScanRefused when the code is
        no ticket of today here; RatingRefused ("not_served", "rated") as `rate` would refuse it."""
        with self.db.read() as s:
            ticket = self._by_token(s, scanned)
            self._rateable(s, ticket, self.now())
            return self._view(ticket)

    def _rateable(self, s: Session, ticket: Ticket, now: datetime) -> Served:
        """Who served `ticket`, if it may be rated at `now`; RatingRefused why not otherwise."""
        if ticket.day != self.local(now).date():
            raise RatingRefused(
                f"{ticket.code} is from {ticket.day:%d.%m.%Y}: a ticket is rated on its own day only",
                "other_day",
            )
        served = self._served(s, ticket)
        if served.rated:
            raise RatingRefused(f"{ticket.code} was rated already: one rating a ticket", "rated")
        if ticket.state != State.DONE or not served.finished:
            state = ticket.state.replace("_", " ")
            raise RatingRefused(f"{ticket.code} is {state}: it is rated once served", "not_served")
        return served

    def _served(self, s: Session, ticket: Ticket) -> Served:
        """Who served the ticket (its finish's window and member, else its last start's) and whether
        it was finished and rated, read in the rating's own transaction."""
        rows = s.execute(
            select(Event.kind, Event.window, Event.staff)
            .where(Event.ticket_id == ticket.id, Event.kind.in_(SERVED_BY))
            .order_by(Event.id)
        ).all()
        latest = {str(kind): (window, staff) for kind, window, staff in rows}
        finished = latest.get(Kind.FINISHED, (None, None))
        started = latest.get(Kind.STARTED, (None, None))
        return Served(
            window=finished[0] or started[0] or ticket.window,
            staff=finished[1] or started[1],
            finished=Kind.FINISHED in latest,
            rated=Kind.RATED in latest,
        )

    def ratings(self, day: date | None = None) -> RatingStats:
        """The day's ratings per department (every department of the catalogue), window and staff."""
        query = select(Event).where(Event.day == (day or self.today()), Event.kind == Kind.RATED)
        with self.db.read() as s:
            events = [event_view(e) for e in s.scalars(query.order_by(Event.id))]
        return rating_stats(events, [d.code for d in self.catalogue.department])


@dataclass(frozen=True)
class Served:
    """What a ticket's events say of its service: where and by whom, finished, rated already."""

    window: str | None
    staff: str | None
    finished: bool
    rated: bool
