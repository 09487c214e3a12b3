"""Booked visits read: a service's free slots on a day and the day's bookings (one booking by its code
is `BookingCore.booking`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from kiosk.bookings.base import BookingCore
from kiosk.domain.tickets import (
    SEATED,
    BookingView,
    SlotView,
)
from kiosk.storage.models import Booking, Ticket


class BookingReads(BookingCore):
    def free_slots(self, service: str, day: date) -> list[SlotView]:
        """The slots of `service` on `day` that have not begun, with their free seats (a full slot
        is listed with `free` 0); none on a day the department or the centre is closed, or past the
        days ahead bookings are taken for: only slots that booking accepts."""
        svc, dept = self._bookable(service)
        if self._closed_reason(dept, day) is not None or self._too_far(day):
            return []
        assert svc.appointments is not None
        capacity = svc.appointments.per_slot
        now = self.now()
        starts = [self._moment(day, t) for t in dept.slot_times(svc)]
        query = (
            select(Booking.at, func.count())
            .where(Booking.service == svc.code, Booking.day == day, Booking.state.in_(SEATED))
            .group_by(Booking.at)
        )
        with self.db.read() as s:
            taken = {at: int(n) for at, n in s.execute(query)}
        return [
            SlotView(at=at, capacity=capacity, free=max(0, capacity - taken.get(at, 0)))
            for at in starts
            if at > now
        ]

    def bookings(self, day: date | None = None, department: str | None = None) -> list[BookingView]:
        """The day's bookings (default today) in slot order, every state."""
        query = select(Booking).where(Booking.day == (day or self.today()))
        if department:
            self.catalogue.dept(department)
            query = query.where(Booking.department == department)
        with self.db.read() as s:
            rows = s.scalars(query.order_by(Booking.at, Booking.id)).all()
            used = [r.ticket_id for r in rows if r.ticket_id is not None]
            query_numbers = select(Ticket.id, Ticket.code).where(Ticket.id.in_(used))
            numbers = {int(i): str(n) for i, n in s.execute(query_numbers)} if used else {}
            return [self._booking_view(s, r, numbers.get(r.ticket_id or 0)) for r in rows]
