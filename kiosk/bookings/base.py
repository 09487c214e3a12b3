"""What the booking parts of the queue service share (`BookingCore`): a request checked against the
catalogue, the slot rules (bookable, how far ahead, the department's days), finding a booking by its
code and refusing one that is over, and a booking as callers see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from kiosk.domain.catalogue import Department, Service
from kiosk.domain.catalogue_fields import DAYS
from kiosk.domain.codes import new_code, parse_code
from kiosk.domain.text import free_text
from kiosk.domain.tickets import (
    BookingState,
    BookingView,
)
from kiosk.errors import (
    BookingRefused,
    KioskError,
    NotFound,
    Refusal,
    SlotUnavailable,
    quoted,
)
from kiosk.queue import sql
from kiosk.queue.base import QueueCore
from kiosk.storage.models import Booking, Ticket

ATTEMPTS = 8  # tries when another booking took the same seat or code at the same moment
IMPORT_COLUMNS = ("service", "at", "language", "name", "phone", "code")
MAX_NAME = 80
MAX_PHONE = 32
PHONE_CHARACTERS = set("0123456789+-() ")


@dataclass(frozen=True)
class _Request:
    """One booking asked for, checked against the catalogue (not yet against the slot's seats)."""

    service: Service
    department: Department
    at: datetime  # aware, the centre's zone
    language: str
    name: str | None
    phone: str | None
    code: str | None = None


class BookingCore(QueueCore):
    def booking(self, code: str) -> BookingView:
        with self.db.read() as s:
            return self._booking_view(s, self._find(s, code, lock=False))

    def _bookable(self, service: str) -> tuple[Service, Department]:
        svc, dept = self.catalogue.service(service)
        if svc.appointments is None:
            raise SlotUnavailable(f"{svc.code} takes no appointments (walk-in only)", "no_appointments")
        return svc, dept

    def _too_far(self, day: date) -> bool:
        """Past the days ahead that bookings are taken for."""
        return day > self.local().date() + timedelta(days=self.settings.booking_days_ahead)

    def _closed_reason(self, dept: Department, day: date) -> str | None:
        if day in self.catalogue.closed_days:
            return f"the centre is closed on {day:%d.%m.%Y}"
        if DAYS[day.weekday()] not in dept.days:
            return f"{dept.name('en')} does not work on {day:%A}s ({', '.join(dept.days)})"
        if day == self.today() and dept.code in self.day_plan().closed:
            return f"{dept.name('en')} is closed today"
        return None

    def _moment(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.settings.zone)

    def _request(
        self,
        service: str,
        at: datetime,
        language: str,
        name: str | None,
        phone: str | None,
        code: str | None = None,
    ) -> _Request:
        """Check a booking against the catalogue, the day and the clock; `at` naive is local time."""
        svc, dept = self._bookable(service)
        if language not in self.settings.languages:
            offered = ", ".join(self.settings.languages)
            raise NotFound(f"language {quoted(language)} is not offered here; offered: {offered}")
        zone = self.settings.zone
        try:
            local = at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)
        except OverflowError:  # a moment the calendar cannot hold here: 9999-12-31 or 0001-01-01 at an edge
            reason = "past" if at.year <= self.local().year else "too_far"
            raise SlotUnavailable(f"no slots on {at:%d.%m.%Y}: out of the calendar's range", reason) from None
        day = local.date()
        closed = self._closed_reason(dept, day)
        if closed is not None:
            raise SlotUnavailable(f"no slots of {svc.code} on {day:%d.%m.%Y}: {closed}", "closed")
        starts = dept.slot_times(svc)
        if local.time().replace(tzinfo=None) not in starts:
            shown = ", ".join(f"{t:%H:%M}" for t in starts[:6]) + (", ..." if len(starts) > 6 else "")
            raise SlotUnavailable(
                f"no slot of {svc.code} starts at {local:%H:%M}; slots start at {shown}", "not_a_slot"
            )
        now = self.local()
        if local <= now:
            raise SlotUnavailable(f"the slot {local:%d.%m.%Y %H:%M} has begun already", "past")
        if self._too_far(day):
            raise SlotUnavailable(
                f"bookings are taken up to {self.settings.booking_days_ahead} days ahead, not for "
                f"{day:%d.%m.%Y}",
                "too_far",
            )
        moment = self._moment(day, local.time().replace(tzinfo=None))
        return _Request(svc, dept, moment, language, _name(name), _phone(phone), code)

    @staticmethod
    def _open(s: Session, code: str) -> Booking | None:
        return s.scalars(
            select(Booking).where(Booking.code == code, Booking.state == BookingState.BOOKED)
        ).first()

    def _free_code(self, s: Session) -> str:
        for _ in range(ATTEMPTS):
            code = new_code()
            if self._open(s, code) is None:
                return code
        raise KioskError("could not find a free booking code; try again")  # 113 million codes: never

    def _find(self, s: Session, text: str, lock: bool = True) -> Booking:
        """The booking a code names: the one still to check in, else the latest with that code."""
        code = parse_code(text)
        if code is None:
            raise BookingRefused(
                f"{quoted(text)} is not a booking code (6 letters and digits, like KMT74X)", Refusal.UNKNOWN
            )
        query = (
            select(Booking)
            .where(Booking.code == code)
            .order_by(case((Booking.state == BookingState.BOOKED, 0), else_=1), Booking.id.desc())
            .limit(1)
        )
        row = s.scalars(sql.locked(query, self.db.dialect) if lock else query).first()
        if row is None:
            raise BookingRefused(f"no booking {code}", Refusal.UNKNOWN, code)
        return row

    def _still_open(self, row: Booking, s: Session | None = None) -> None:
        at = self.local(row.at)
        if row.state == BookingState.CHECKED_IN:
            number = s.scalar(select(Ticket.code).where(Ticket.id == row.ticket_id)) if s else None
            given = f" (ticket {number})" if number else ""
            raise BookingRefused(
                f"booking {row.code} was checked in already{given}",
                Refusal.USED,
                row.code,
                row.at,
                number=number,
            )
        if row.state == BookingState.CANCELLED:
            raise BookingRefused(f"booking {row.code} was cancelled", Refusal.CANCELLED, row.code, row.at)
        if row.state == BookingState.NO_SHOW:
            raise BookingRefused(
                f"booking {row.code} was for {at:%d.%m.%Y %H:%M}; that day is over",
                Refusal.NO_SHOW,
                row.code,
                row.at,
            )

    def _booking_view(self, s: Session, row: Booking, number: str | None = None) -> BookingView:
        if number is None and row.ticket_id is not None:
            number = s.scalar(select(Ticket.code).where(Ticket.id == row.ticket_id))
        return BookingView(
            id=row.id,
            code=row.code,
            day=row.day,
            at=row.at,
            service=row.service,
            department=row.department,
            language=row.language,
            state=BookingState(row.state),
            source=row.source,
            created_at=row.created_at,
            name=row.name,
            phone=row.phone,
            ticket_id=row.ticket_id,
            ticket=number,
        )

    def _iso(self, moment: datetime) -> str:
        return self.local(moment).isoformat(timespec="minutes")


def _name(value: str | None) -> str | None:
    return free_text(value, "name", MAX_NAME)


def _phone(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) > MAX_PHONE or not set(value) <= PHONE_CHARACTERS or not any(c.isdigit() for c in value):
        raise KioskError(f"phone {quoted(value, 40)}: expected digits, spaces, + - ( ), at most {MAX_PHONE}")
    return value
