"""Booked visits made, moved and cancelled. The shared rules are `kiosk.bookings.base`, the reads
`.reads`, the check-in that issues the booked visitor's ticket `.checkin`, the CSV import `.imports`.

A slot holds `per_slot` visitors: each booking takes a seat (1..per_slot) and a unique index on
(service, at, seat) over the bookings that hold one means that two bookings at the same moment never
overfill a slot, whatever the database; the loser of such a race tries the next free seat.

Booking codes (`kiosk.domain.codes`) are unique among the bookings still to check in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.bookings.base import ATTEMPTS, BookingCore, _Request
from kiosk.domain.events import Booking as BookingPayload
from kiosk.domain.events import BookingMoved, Kind
from kiosk.domain.tickets import (
    SEATED,
    BookingState,
    BookingView,
)
from kiosk.errors import (
    KioskError,
    SlotUnavailable,
)
from kiosk.storage.journal import record
from kiosk.storage.models import Booking


class Bookings(BookingCore):
    def book(
        self,
        service: str,
        at: datetime,
        language: str = "en",
        name: str | None = None,
        phone: str | None = None,
        source: str = "desk",
        staff: str | None = None,
        token: str | None = None,
        request_key: str | None = None,
    ) -> BookingView:
        """Book a seat of the slot of `service` starting at `at` (naive: the centre's local time).
        Raises SlotUnavailable (with its reason) when the slot cannot be booked. `token`: the name of
        the API token that asked for it (`source` "api"); `request_key`: its Idempotency-Key, with
        which a retry gets the booking of the first request, not a second one."""
        if token and request_key:
            earlier = self.answered(Kind.BOOKED, token, request_key)
            if earlier is not None:
                return self.booking(str(earlier.data["code"]))
        request = self._request(service, at, language, name, phone)
        self.roll_over()
        for _ in range(ATTEMPTS):
            try:
                with self.db.write() as s:
                    row = self._add(s, request, source, staff, token, request_key)
                    return self._booking_view(s, row)
            except IntegrityError:  # another booking took the seat or the code at this moment
                continue
        raise SlotUnavailable("the slot is being booked by others right now; try again", "full")

    def _add(
        self,
        s: Session,
        request: _Request,
        source: str,
        staff: str | None,
        token: str | None = None,
        request_key: str | None = None,
    ) -> Booking:
        """Take the slot's first free seat (SlotUnavailable when none) and add the booking, flushed."""
        seat = self._free_seat(s, request)
        code = request.code or self._free_code(s)
        if request.code and self._open(s, request.code) is not None:
            raise KioskError(f"booking code {request.code} is in use already")
        now = self.now()
        row = Booking(
            code=code,
            day=request.at.date(),
            at=request.at,
            service=request.service.code,
            department=request.department.code,
            seat=seat,
            language=request.language,
            name=request.name,
            phone=request.phone,
            state=BookingState.BOOKED,
            source=source[:16],
            created_at=now,
        )
        s.add(row)
        s.flush()
        payload = BookingPayload(code, row.service, self._iso(row.at), source, token, request_key)
        record(s, Kind.BOOKED, payload, now, self.local(now).date(), department=row.department, staff=staff)
        return row

    def move_booking(
        self, code: str, at: datetime, source: str = "desk", staff: str | None = None
    ) -> BookingView:
        """Move a booking still to check in to another slot of its service (`at` naive: local)."""
        for _ in range(ATTEMPTS):
            try:
                with self.db.write() as s:
                    row = self._find(s, code)
                    self._still_open(row, s)
                    request = self._request(row.service, at, row.language, row.name, row.phone)
                    if request.at == row.at:
                        return self._booking_view(s, row)
                    old = row.at
                    seat = self._free_seat(s, request)
                    row.at, row.day, row.seat = request.at, request.at.date(), seat
                    s.flush()
                    now = self.now()
                    payload = BookingMoved(row.code, row.service, self._iso(old), self._iso(row.at), source)
                    record(
                        s, Kind.BOOKING_MOVED, payload, now, self.local(now).date(),
                        department=row.department, staff=staff,
                    )  # fmt: skip
                    return self._booking_view(s, row)
            except IntegrityError:
                continue
        raise SlotUnavailable("the slot is being booked by others right now; try again", "full")

    def _free_seat(self, s: Session, request: _Request) -> int:
        """The first seat of the slot no booking holds; SlotUnavailable when the slot is full."""
        assert request.service.appointments is not None
        seats = set(
            s.scalars(
                select(Booking.seat).where(
                    Booking.service == request.service.code,
                    Booking.at == request.at,
                    Booking.state.in_(SEATED),
                )
            )
        )
        free = [n for n in range(1, request.service.appointments.per_slot + 1) if n not in seats]
        if not free:
            raise SlotUnavailable(
                f"the slot {request.at:%d.%m.%Y %H:%M} of {request.service.code} is full", "full"
            )
        return free[0]

    def cancel_booking(
        self, code: str, source: str = "desk", staff: str | None = None, token: str | None = None
    ) -> BookingView:
        """Cancel a booking still to check in; its seat is free again (`token`: as for `book`)."""
        now = self.now()
        with self.db.write() as s:
            row = self._find(s, code)
            self._still_open(row, s)
            row.state = BookingState.CANCELLED
            payload = BookingPayload(row.code, row.service, self._iso(row.at), source, token)
            record(
                s, Kind.BOOKING_CANCELLED, payload, now, self.local(now).date(),
                department=row.department, staff=staff,
            )  # fmt: skip
            return self._booking_view(s, row)
