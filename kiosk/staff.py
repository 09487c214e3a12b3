"""Staff members and their PINs: scrypt-hashed with a per-member salt, never stored or shown in
clear, with a lockout after repeated wrong PINs. Sign-in is by name and PIN."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.clock import Clock
from kiosk.errors import KioskError, NotFound, quoted
from kiosk.storage.db import Database
from kiosk.storage.models import Event, StaffMember

ROLES = ("staff", "admin")
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_PIN = re.compile(r"^\d{4,12}$")


class SignInRefused(KioskError):
    """A wrong PIN, a locked or inactive member, or a role that may not do this."""


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    role: str
    active: bool


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **_SCRYPT)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${b64(salt).decode()}${b64(digest).decode()}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            pin.encode(), salt=base64.b64decode(salt), dklen=len(expected), n=int(n), r=int(r), p=int(p)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def valid_pin(pin: str) -> str:
    if not _PIN.match(pin):
        raise KioskError("a PIN is 4 to 12 digits")
    return pin


class StaffDirectory:
    def __init__(self, db: Database, clock: Clock, zone: tzinfo = UTC) -> None:
        self.db = db
        self.clock = clock
        self.zone = zone

    def add(self, name: str, role: str, pin: str, by: str | None = None) -> Member:
        name = name.strip()
        if not name or len(name) > 64:
            raise KioskError("a staff name is 1 to 64 characters")
        if role not in ROLES:
            raise KioskError(f"role must be one of {', '.join(ROLES)}")
        pin_hash = hash_pin(valid_pin(pin))
        now = self.clock.now()
        with self.db.write() as s:
            if s.scalar(select(StaffMember).where(StaffMember.name == name)) is not None:
                raise KioskError(f"a staff member called {quoted(name)} exists already")
            row = StaffMember(
                name=name, role=role, pin_hash=pin_hash, active=True, failures=0, created_at=now
            )
            s.add(row)
            s.flush()
            s.add(self._audit("staff_added", now, by, {"name": name, "role": role}))
            return _member(row)

    def set_pin(self, name: str, pin: str, by: str | None = None) -> None:
        pin_hash = hash_pin(valid_pin(pin))
        now = self.clock.now()
        with self.db.write() as s:
            row = _get(s, name)
            row.pin_hash, row.failures, row.locked_until = pin_hash, 0, None
            s.add(self._audit("staff_pin_changed", now, by, {"name": name}))

    def set_active(self, name: str, active: bool, by: str | None = None) -> None:
        now = self.clock.now()
        with self.db.write() as s:
            _get(s, name).active = active
            s.add(self._audit("staff_enabled" if active else "staff_disabled", now, by, {"name": name}))

    def members(self) -> list[Member]:
        with self.db.read() as s:
            return [_member(m) for m in s.scalars(select(StaffMember).order_by(StaffMember.name))]

    def sign_in(self, name: str, pin: str, role: str | None = None, record: bool = True) -> Member:
        """The member, if the PIN is right; failures are counted and lock the member after
        MAX_FAILURES for LOCKOUT. The count is saved even though the sign-in is refused.
        `record=False` (one CLI command) leaves out the `signed_in` event: the action's own event
        names the member."""
        now = self.clock.now()
        refusal: str | None = None
        with self.db.write() as s:
            row = s.scalar(select(StaffMember).where(StaffMember.name == name))
            if row is None or not row.active:
                refusal = "unknown or inactive staff member"
            elif row.locked_until is not None and row.locked_until > now:
                minutes = int((row.locked_until - now).total_seconds() // 60) + 1
                refusal = f"too many wrong PINs: try again in {minutes} min"
            elif not check_pin(pin, row.pin_hash):
                row.failures += 1
                refusal = "wrong PIN"
                if row.failures >= MAX_FAILURES:
                    row.failures, row.locked_until = 0, now + LOCKOUT
                    refusal = f"too many wrong PINs: locked for {int(LOCKOUT.total_seconds() // 60)} min"
                    s.add(self._audit("staff_locked", now, name, {"name": name}))
            elif role == "admin" and row.role != "admin":
                refusal = "this needs an administrator"
            else:
                row.failures, row.locked_until = 0, None
                if record:
                    s.add(self._audit("signed_in", now, name, {"name": name, "role": row.role}))
                member = _member(row)
        if refusal is not None:
            raise SignInRefused(refusal)
        return member

    def _audit(self, kind: str, now: datetime, by: str | None, data: dict[str, str]) -> Event:
        return Event(at=now, day=now.astimezone(self.zone).date(), kind=kind, staff=by, data=data)


def _get(s: Session, name: str) -> StaffMember:
    row = s.scalar(select(StaffMember).where(StaffMember.name == name))
    if row is None:
        raise NotFound(f"no staff member called {quoted(name)}")
    return row


def _member(row: StaffMember) -> Member:
    return Member(id=row.id, name=row.name, role=row.role, active=row.active)
