"""Staff members and their PINs (see `kiosk.security.pins`): sign-in by name and PIN with a lockout after
repeated wrong PINs, counted atomically so that parallel tries cannot slip past it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import Row, case, func, literal, or_, select, update
from sqlalchemy.orm import Session

from kiosk.clock import Clock
from kiosk.domain.events import Kind, StaffNamed, StaffWithRole
from kiosk.domain.payload import Payload
from kiosk.domain.tickets import minutes_until
from kiosk.errors import KioskError, NotFound, quoted
from kiosk.security.members import ROLES, Member, SignInRefused, valid_name
from kiosk.security.pins import (
    PinKey,
    PinKeyMismatch,
    check_pin,
    hash_pin,
    is_keyed,
    valid_pin,
    waste_a_check,
)
from kiosk.storage.db import Database
from kiosk.storage.journal import record
from kiosk.storage.models import StaffMember

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)


class StaffDirectory:
    def __init__(self, db: Database, clock: Clock, key: PinKey, zone: tzinfo = UTC) -> None:
        self.db = db
        self.clock = clock
        self.key = key
        self.zone = zone

    def add(self, name: str, role: str, pin: str, by: str | None = None) -> Member:
        name = valid_name(name)
        if role not in ROLES:
            raise KioskError(f"role must be one of {', '.join(ROLES)}")
        pin_hash = hash_pin(valid_pin(pin), self.key)
        now = self.clock.now()
        with self.db.write() as s:
            if s.scalar(select(StaffMember).where(StaffMember.name == name)) is not None:
                raise KioskError(f"a staff member called {quoted(name)} exists already")
            row = StaffMember(
                name=name, role=role, pin_hash=pin_hash, active=True, failures=0, created_at=now
            )
            s.add(row)
            s.flush()
            self._audit(s, Kind.STAFF_ADDED, now, by, StaffWithRole(name, role))
            return _member(row)

    def set_pin(self, name: str, pin: str, by: str | None = None) -> None:
        pin_hash = hash_pin(valid_pin(pin), self.key)
        now = self.clock.now()
        with self.db.write() as s:
            row = _get(s, name)
            row.pin_hash, row.failures, row.locked_until = pin_hash, 0, None
            self._audit(s, Kind.STAFF_PIN_CHANGED, now, by, StaffNamed(name))

    def set_active(self, name: str, active: bool, by: str | None = None) -> None:
        now = self.clock.now()
        with self.db.write() as s:
            row = _get(s, name)
            if not active:
                _keep_an_administrator(s, row, "disable")
            row.active = active
            kind = Kind.STAFF_ENABLED if active else Kind.STAFF_DISABLED
            self._audit(s, kind, now, by, StaffNamed(name))

    def set_role(self, name: str, role: str, by: str | None = None) -> None:
        if role not in ROLES:
            raise KioskError(f"role must be one of {', '.join(ROLES)}")
        now = self.clock.now()
        with self.db.write() as s:
            row = _get(s, name)
            if role != "admin":
                _keep_an_administrator(s, row, "take the administrator role from")
            row.role = role
            self._audit(s, Kind.STAFF_ROLE_CHANGED, now, by, StaffWithRole(name, role))

    def members(self) -> list[Member]:
        with self.db.read() as s:
            return [_member(m) for m in s.scalars(select(StaffMember).order_by(StaffMember.name))]

    def has_administrator(self) -> bool:
        """Whether an administrator was ever added (then staff changes need one signed in)."""
        with self.db.read() as s:
            return s.scalar(select(func.count()).where(StaffMember.role == "admin")) != 0

    def administrator_with(self, pin: str) -> Member | None:
        """The active administrator whose PIN this is, if any, without counting anything towards
        anyone's lockout (the kiosk's way out, which throttles its own tries: `kiosk.security.exit_pin`)."""
        with self.db.read() as s:
            admins = s.scalars(
                select(StaffMember).where(StaffMember.role == "admin", StaffMember.active.is_(True))
            ).all()
        mismatch: PinKeyMismatch | None = None
        for row in admins:
            try:
                if check_pin(pin, row.pin_hash, self.key):
                    return _member(row)
            except PinKeyMismatch as exc:  # another administrator's PIN may still match
                mismatch = exc
        if mismatch is not None:
            raise mismatch
        return None

    def sign_in(self, name: str, pin: str, role: str | None = None, record: bool = True) -> Member:
        """The member, if the PIN is right. Wrong PINs are counted in one atomic update that also
        locks the member after MAX_FAILURES for LOCKOUT, so parallel tries cannot count past the limit.
        An unknown or disabled name is refused with the same words, and after the same work, as a
        wrong PIN. `record=False` (one CLI command) leaves out the `signed_in` event: the action's own
        event names the member."""
        now = self.clock.now()
        with self.db.read() as s:
            row = s.scalar(select(StaffMember).where(StaffMember.name == name))
        if row is None or not row.active:
            waste_a_check(pin)
            raise SignInRefused("wrong")
        if row.locked_until is not None and row.locked_until > now:
            raise SignInRefused("locked", minutes_until(row.locked_until, now))
        right = check_pin(pin, row.pin_hash, self.key)
        if right and role == "admin" and row.role != "admin":
            raise SignInRefused("role")
        unlocked = or_(StaffMember.locked_until.is_(None), StaffMember.locked_until <= now)
        with self.db.write() as s:  # nothing raised inside: the count must be committed
            if right:
                values: dict[str, object] = {"failures": 0, "locked_until": None}
                if not is_keyed(row.pin_hash, self.key):
                    values["pin_hash"] = hash_pin(pin, self.key)  # the older form, upgraded
                stmt = update(StaffMember).where(
                    StaffMember.id == row.id, StaffMember.active.is_(True), unlocked
                )
                done: Row[Any] | None = s.execute(
                    stmt.values(**values).returning(StaffMember.locked_until),
                    execution_options={"synchronize_session": False},
                ).first()
                if done is not None and record:
                    self._audit(s, Kind.SIGNED_IN, now, name, StaffWithRole(name, row.role))
            else:
                counted = StaffMember.failures + 1
                lock_at = literal(now + LOCKOUT, StaffMember.locked_until.type)
                stmt = update(StaffMember).where(StaffMember.id == row.id, unlocked)
                done = s.execute(
                    stmt.values(
                        failures=case((counted >= MAX_FAILURES, 0), else_=counted),
                        locked_until=case((counted >= MAX_FAILURES, lock_at), else_=None),
                    ).returning(StaffMember.locked_until),
                    execution_options={"synchronize_session": False},
                ).first()
                if done is not None and done[0] is not None:
                    self._audit(s, Kind.STAFF_LOCKED, now, name, StaffNamed(name))
        if done is not None and right:
            return _member(row)
        if done is not None and done[0] is None:
            raise SignInRefused("wrong")
        return self._refuse_locked(row.id, now)

    def resume(self, name: str, role: str | None = None) -> Member:
        """The member of a session a restarted terminal kept (kiosk.security.sessions), while they
        may still sign in: active, not locked, an administrator where one is needed. Recorded as a
        sign-in, marked resumed."""
        now = self.clock.now()
        with self.db.write() as s:
            row = s.scalar(select(StaffMember).where(StaffMember.name == name))
            locked = row is not None and row.locked_until is not None and row.locked_until > now
            if row is None or not row.active or locked or (role == "admin" and row.role != "admin"):
                raise SignInRefused("wrong")
            self._audit(s, Kind.SIGNED_IN, now, name, StaffWithRole(name, row.role, resumed=True))
            return _member(row)

    def _refuse_locked(self, member_id: int, now: datetime) -> Member:
        """Another try locked the member between our read and our write (or we just did)."""
        with self.db.read() as s:
            until = s.scalar(select(StaffMember.locked_until).where(StaffMember.id == member_id))
        if until is None or until <= now:
            raise SignInRefused("wrong")  # disabled meanwhile
        raise SignInRefused("locked", minutes_until(until, now))

    def _audit(self, s: Session, kind: Kind, now: datetime, by: str | None, payload: Payload) -> None:
        record(s, kind, payload, now, now.astimezone(self.zone).date(), staff=by)


def _keep_an_administrator(s: Session, row: StaffMember, verb: str) -> None:
    """Refuse to leave the centre without an active administrator (then anyone could add one)."""
    if row.role != "admin" or not row.active:
        return
    admins = select(StaffMember.id).where(StaffMember.role == "admin", StaffMember.active.is_(True))
    others = [i for i in s.scalars(admins.with_for_update()) if i != row.id]
    if not others:
        raise KioskError(f"cannot {verb} {row.name}: the last active administrator (add another first)")


def _get(s: Session, name: str) -> StaffMember:
    row = s.scalar(select(StaffMember).where(StaffMember.name == name))
    if row is None:
        raise NotFound(f"no staff member called {quoted(name)}")
    return row


def _member(row: StaffMember) -> Member:
    return Member(id=row.id, name=row.name, role=row.role, active=row.active)
