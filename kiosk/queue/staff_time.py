"""Staff time (`kiosk.domain.staff_time`): a day's figures per staff member, read from the day's
ticket moves, breaks and close."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from kiosk.domain.events import TICKET_MOVES, WINDOW_PAUSES, Kind
from kiosk.domain.tickets import EventView
from kiosk.queue.base import QueueCore, event_view
from kiosk.storage.models import Event

if TYPE_CHECKING:  # imported when asked for: a ticket issued never needs them
    from kiosk.domain.staff_time import StaffTime

READ = sorted(TICKET_MOVES | WINDOW_PAUSES | {Kind.DAY_CLOSED})


class StaffTimes(QueueCore):
    def staff_time(self, day: date | None = None, member: str | None = None) -> list[StaffTime]:
        """Each staff member's figures on `day` (default today), by name; with `member`, that
        member's row alone (all zero when they did nothing at a window that day)."""
        from kiosk.domain.staff_time import StaffTime, staff_times

        day = day or self.today()
        query = select(Event).where(Event.day == day, Event.kind.in_(READ)).order_by(Event.id)
        with self.db.read() as s:
            events = [event_view(e) for e in s.scalars(query)]
        catalogue = self.catalogue
        windows = {w: catalogue.departments_of_window(w) for w in catalogue.windows}
        rows = staff_times(events, windows, self.day_end(day, events))
        if member is None:
            return rows
        return [r for r in rows if r.staff == member] or [StaffTime(member)]

    def day_end(self, day: date, events: list[EventView]) -> datetime:
        """Where what is still open ends: now for today (and later days); for a past day, its last
        close before midnight (`kiosk close-day`), else midnight (a close by the next morning's
        housekeeping comes after it)."""
        if day >= self.today():
            return self.now()
        midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.settings.zone)
        closes = [e.at for e in events if e.kind == Kind.DAY_CLOSED and e.at <= midnight]
        return max(closes, default=midnight)
