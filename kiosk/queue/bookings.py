"""Booked visits: the slots the catalogue offers, booking, moving and cancelling, and the check-in that
issues the booked visitor's ticket in the same transaction; and the starvation guard call-next asks
before it calls a booked visitor. The CSV import is `kiosk.queue.imports`.

A slot holds `per_slot` visitors: each booking takes a seat (1..per_slot) and a unique index on
(service, at, seat) over the bookings that hold one means that two bookings at the same moment never
overfill a slot, whatever the database; the loser of such a race tries the next free seat.

Booking codes are 6 characters from `ALPHABET`, drawn with `secrets`, unique among the bookings
still to check in. The alphabet leaves out every character that looks like another in print or in
handwriting, in both members of each pair, so nobody has to guess which one was meant: 0/O/Q/D,
1/I/L, 2/Z, 5/S, 8/B, 6/G. What is left is 17 letters and 5 digits, 22**6 (113 million) codes.
Typed codes are read case-blind, without spaces or dashes, and Cyrillic letters that look like a
Latin one (А, С, Е, Н, К, М, Р, Т, Х, У on a Ukrainian or Russian keyboard) are read as that letter.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.catalogue import DAYS, Department, Service
from kiosk.domain import BookingView, Issued, SlotView, State, minutes_until
from kiosk.errors import (
    BookingRefused,
    DepartmentClosed,
    KioskError,
    NotFound,
    SlotUnavailable,
    quoted,
)
from kiosk.events import Booking as BookingPayload
from kiosk.events import BookingMoved, CheckedIn, Kind
from kiosk.queue import sql
from kiosk.queue.issuing import CLOSED_REASONS, Issuing
from kiosk.storage.journal import record
from kiosk.storage.models import Booking, Event, Ticket
from kiosk.text import free_text

ALPHABET = "ACEFHJKMNPRTUVWXY34679"
CODE_LENGTH = 6
# Cyrillic capitals that look like a Latin letter of the alphabet (typed on a uk/ru keyboard).
_CYRILLIC = str.maketrans("АСЕНКМРТХУ", "ACEHKMPTXY")
SEATED = ("booked", "checked_in", "no_show")  # the states that hold a seat of the slot
ATTEMPTS = 8  # tries when another booking took the same seat or code at the same moment
IMPORT_COLUMNS = ("service", "at", "language", "name", "phone", "code")
MAX_NAME = 80
MAX_PHONE = 32
PHONE_CHARACTERS = set("0123456789+-() ")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def parse_code(text: str) -> str | None:
    """A typed or scanned booking code in its stored form ('kmt 74x' -> 'KMT74X'), or None."""
    cleaned = "".join(text.split()).replace("-", "").upper().translate(_CYRILLIC)
    if len(cleaned) != CODE_LENGTH or any(c not in ALPHABET for c in cleaned):
        return None
    return cleaned


def code_character(text: str) -> str | None:
    """One typed or scanned character of a booking code in its stored form ('k', 'К' -> 'K'), or
    None when no code has it (a look-alike left out of `ALPHABET`, a space, a dash)."""
    found = text.upper().translate(_CYRILLIC)
    return found if len(found) == 1 and found in ALPHABET else None


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


class Bookings(Issuing):
    # Slots -------------------------------------------------------------------------------------

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

    # Booking, moving, cancelling -----------------------------------------------------------------

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
            state="booked",
            source=source[:16],
            created_at=now,
        )
        s.add(row)
        s.flush()
        payload = BookingPayload(code, row.service, self._iso(row.at), source, token, request_key)
        record(s, Kind.BOOKED, payload, now, self.local(now).date(), department=row.department, staff=staff)
        return row

    def _free_code(self, s: Session) -> str:
        for _ in range(ATTEMPTS):
            code = new_code()
            if self._open(s, code) is None:
                return code
        raise KioskError("could not find a free booking code; try again")  # 113 million codes: never

    @staticmethod
    def _open(s: Session, code: str) -> Booking | None:
        return s.scalars(select(Booking).where(Booking.code == code, Booking.state == "booked")).first()

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
            row.state = "cancelled"
            payload = BookingPayload(row.code, row.service, self._iso(row.at), source, token)
            record(
                s, Kind.BOOKING_CANCELLED, payload, now, self.local(now).date(),
                department=row.department, staff=staff,
            )  # fmt: skip
            return self._booking_view(s, row)

    def _find(self, s: Session, text: str, lock: bool = True) -> Booking:
        """The booking a code names: the one still to check in, else the latest with that code."""
        code = parse_code(text)
        if code is None:
            raise BookingRefused(
                f"{quoted(text)} is not a booking code (6 letters and digits, like KMT74X)", "unknown"
            )
        query = (
            select(Booking)
            .where(Booking.code == code)
            .order_by(case((Booking.state == "booked", 0), else_=1), Booking.id.desc())
            .limit(1)
        )
        row = s.scalars(sql.locked(query, self.db.dialect) if lock else query).first()
        if row is None:
            raise BookingRefused(f"no booking {code}", "unknown", code)
        return row

    def _still_open(self, row: Booking, s: Session | None = None) -> None:
        at = self.local(row.at)
        if row.state == "checked_in":
            number = s.scalar(select(Ticket.code).where(Ticket.id == row.ticket_id)) if s else None
            given = f" (ticket {number})" if number else ""
            raise BookingRefused(
                f"booking {row.code} was checked in already{given}", "used", row.code, row.at, number=number
            )
        if row.state == "cancelled":
            raise BookingRefused(f"booking {row.code} was cancelled", "cancelled", row.code, row.at)
        if row.state == "no_show":
            raise BookingRefused(
                f"booking {row.code} was for {at:%d.%m.%Y %H:%M}; that day is over",
                "no_show",
                row.code,
                row.at,
            )

    # Reads -----------------------------------------------------------------------------------------

    def booking(self, code: str) -> BookingView:
        with self.db.read() as s:
            return self._booking_view(s, self._find(s, code, lock=False))

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
            state=row.state,
            source=row.source,
            created_at=row.created_at,
            name=row.name,
            phone=row.phone,
            ticket_id=row.ticket_id,
            ticket=number,
        )

    def _iso(self, moment: datetime) -> str:
        return self.local(moment).isoformat(timespec="minutes")

    # Check-in ---------------------------------------------------------------------------------------

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
                    "too_early", row.code, row.at, come_back_at=row.at - early,
                )  # fmt: skip
            if now > row.at + grace or row.day != today:
                raise BookingRefused(
                    f"booking {row.code} was for {at:%H:%M}; check-in closed {grace.seconds // 60} min "
                    "after: take a walk-in ticket",
                    "too_late", row.code, row.at,
                )  # fmt: skip
            svc, dept = self.catalogue.service(row.service)
            if dept.code in self.day_plan().closed:
                opening = self.opening(dept.code)
                raise DepartmentClosed(
                    f"{dept.name('en')} {CLOSED_REASONS['closed_today']}", "closed_today", opening.hours
                )
            ticket = self._new_ticket(
                s, svc, dept, self._checkin_language(language, row.language), None, False, None, now,
                source=source, staff=staff,
                booking=row.code, booked_at=row.at,
            )  # fmt: skip
            row.state, row.ticket_id = "checked_in", ticket.id
            s.flush()
            payload = CheckedIn(row.code, row.service, self._iso(row.at), ticket.id, ticket.code, source)
            record(s, Kind.CHECKED_IN, payload, now, today, department=dept.code, staff=staff)
            ahead = self._ahead(s, ticket)
            view = self._view(ticket)
        minutes = self.estimate_minutes(dept.code, ahead, svc.typical_minutes)
        if view.booked_at is not None and view.booked_at > now:  # called when the slot begins
            minutes = minutes_until(view.booked_at, now)
        return Issued(ticket=view, ahead=ahead, wait_minutes=minutes, qr=self.qr_payload(view))

    def _checkin_language(self, chosen: str | None, booked: str) -> str:
        if chosen is None:
            return booked
        if chosen not in self.settings.languages:
            raise NotFound(f"language {quoted(chosen)} is not offered here")
        return chosen

    # The starvation guard ---------------------------------------------------------------------------------

    def _walk_ins_first(
        self, s: Session, window: str, departments: list[str], day: date, now: datetime
    ) -> bool:
        """Whether this call at `window` goes to walk-ins before booked visitors: when the window's
        last call today was a booked visitor and a walk-in of one of its departments has waited past
        that department's SLA. So while walk-ins wait too long, at most every second call of a window
        goes to a booked visitor."""
        last = s.execute(
            select(Ticket.booked_at)
            .join(Event, Event.ticket_id == Ticket.id)
            .where(Event.day == day, Event.window == window, Event.kind == Kind.CALLED)
            .order_by(Event.id.desc())
            .limit(1)
        ).first()
        if last is None or last[0] is None:
            return False
        for department in departments:
            limit = now - timedelta(seconds=self.sla_seconds(department))
            late = s.scalar(
                select(Ticket.id)
                .where(
                    Ticket.day == day,
                    Ticket.department == department,
                    Ticket.state == State.WAITING,
                    Ticket.booked_at.is_(None),
                    Ticket.queued_at < limit,
                )
                .limit(1)
            )
            if late is not None:
                return True
        return False


def _name(value: str | None) -> str | None:
    return free_text(value, "name", MAX_NAME)


def _phone(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) > MAX_PHONE or not set(value) <= PHONE_CHARACTERS or not any(c.isdigit() for c in value):
        raise KioskError(f"phone {quoted(value, 40)}: expected digits, spaces, + - ( ), at most {MAX_PHONE}")
    return value
