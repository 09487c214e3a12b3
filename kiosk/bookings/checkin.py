"""The check-in of a booked visitor: the ticket is issued in the same transaction, at the booked
slot's place in the line; too early or too late may take a walk-in ticket instead."""

from __future__ import annotations

from datetime import timedelta

from kiosk.bookings.base import BookingCore
from kiosk.domain.events import CheckedIn, Kind
from kiosk.domain.tickets import (
    BookingState,
    Issued,
    booking_late,
)
from kiosk.errors import (
    BookingRefused,
    DepartmentClosed,
    NotFound,
    Refusal,
    quoted,
)
from kiosk.queue.issuing import CLOSED_REASONS
from kiosk.storage.journal import record


class CheckIn(BookingCore):
    def check_in(
        self, code: str, source: str = "kiosk", staff: str | None = None, language: str | None = None
    ) -> Issued:
        """The booked visitor arrives: the ticket for the booked service is issued, marked with the
        slot's time, in the same transaction that marks the booking used (two kiosks checking in one
        code at once give one ticket: the booking's row is locked, and its ticket is unique).

        Refused with BookingRefused: an unknown code, one used or cancelled, a past day's; too early
        (more than `checkin_early_minutes` before the slot: `come_back_at` says when) or too late
        (more than `checkin_grace_minutes` after its start); the last two may take a walk-in ticket.
        `language`: the ticket's (the kiosk's visitor chose it), else the booking's."""
        self.roll_over()
        now = self.now()
        today = self.local(now).date()
        early = timedelta(minutes=self.settings.checkin_early_minutes)
        grace = timedelta(minutes=self.settings.checkin_grace_minutes)
        with self.db.write() as s:
            row = self._find(s, code)
            self._still_open(row, s)
            at = self.local(row.at)
            if now < row.at - early:
                back = self.local(row.at - early)
                when = f"{back:%H:%M}" if back.date() == today else f"{back:%d.%m.%Y %H:%M}"
                raise BookingRefused(
                    f"booking {row.code} is for {at:%d.%m.%Y %H:%M}: check in from {when}",
                    Refusal.TOO_EARLY, row.code, row.at, come_back_at=row.at - early,
                )  # fmt: skip
            if booking_late(row.at, now, self.settings.checkin_grace_minutes) or row.day != today:
                raise BookingRefused(
                    f"booking {row.code} was for {at:%H:%M}; check-in closed {grace.seconds // 60} min "
                    "after: take a walk-in ticket",
                    Refusal.TOO_LATE, row.code, row.at,
                )  # fmt: skip
            svc, dept = self.catalogue.service(row.service)
            if dept.code in self.day_plan().closed:
                opening = self.opening(dept.code)
                raise DepartmentClosed(
                    f"{dept.name('en')} {CLOSED_REASONS['closed_today']}", "closed_today", opening.hours
                )
            new = self._new_ticket(
                s, svc, dept, self._checkin_language(language, row.language), None, False, None, now,
                source=source, staff=staff,
                booking=row.code, booked_at=row.at,
            )  # fmt: skip
            ticket = new.ticket
            row.state, row.ticket_id = BookingState.CHECKED_IN, ticket.id
            s.flush()
            payload = CheckedIn(row.code, row.service, self._iso(row.at), ticket.id, ticket.code, source)
            record(s, Kind.CHECKED_IN, payload, now, today, department=dept.code, staff=staff)
            view = self._view(ticket)
        return Issued(ticket=view, ahead=new.ahead, wait_minutes=new.quoted, qr=self.qr_payload(view))

    def _checkin_language(self, chosen: str | None, booked: str) -> str:
        if chosen is None:
            return booked
        if chosen not in self.settings.languages:
            raise NotFound(f"language {quoted(chosen)} is not offered here")
        return chosen
