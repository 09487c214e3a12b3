"""Staff PINs: scrypt with a per-member salt, never stored in clear, lockout after wrong PINs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.clock import FixedClock
from kiosk.errors import KioskError
from kiosk.service import QueueService
from kiosk.staff import MAX_FAILURES, SignInRefused, StaffDirectory, check_pin, hash_pin
from kiosk.storage.models import Event, StaffMember


@pytest.fixture
def staff(service: QueueService, clock: FixedClock) -> StaffDirectory:
    return StaffDirectory(service.db, clock, service.settings.zone)


def test_hashes_are_salted_and_checked() -> None:
    first, second = hash_pin("1234"), hash_pin("1234")
    assert first != second and first.startswith("scrypt$")
    assert check_pin("1234", first) and check_pin("1234", second)
    assert not check_pin("1235", first)
    assert not check_pin("1234", "garbage")


def test_add_and_sign_in(staff: StaffDirectory, service: QueueService) -> None:
    staff.add("Olena", "admin", "482913", by="setup")
    staff.add("Ivan", "staff", "5555")
    assert staff.sign_in("Olena", "482913", role="admin").role == "admin"
    with pytest.raises(SignInRefused, match="administrator"):
        staff.sign_in("Ivan", "5555", role="admin")
    with pytest.raises(SignInRefused, match="wrong PIN"):
        staff.sign_in("Ivan", "5556")
    with service.db.read() as s:
        stored = s.scalars(select(StaffMember.pin_hash)).all()
        kinds = s.scalars(select(Event.kind).where(Event.ticket_id.is_(None))).all()
    assert all("482913" not in h and "5555" not in h for h in stored)
    assert {"staff_added", "signed_in"} <= set(kinds)


def test_bad_names_roles_and_pins(staff: StaffDirectory) -> None:
    for args in (("", "staff", "1234"), ("A", "boss", "1234"), ("A", "staff", "12"), ("A", "staff", "12ab")):
        with pytest.raises(KioskError):
            staff.add(*args)
    staff.add("A", "staff", "1234")
    with pytest.raises(KioskError, match="exists"):
        staff.add("A", "staff", "9999")


def test_lockout_after_repeated_failures(staff: StaffDirectory, clock: FixedClock) -> None:
    staff.add("Ivan", "staff", "5555")
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(SignInRefused, match="wrong PIN"):
            staff.sign_in("Ivan", "0000")
    with pytest.raises(SignInRefused, match="locked"):
        staff.sign_in("Ivan", "0000")
    with pytest.raises(SignInRefused, match="try again"):
        staff.sign_in("Ivan", "5555")  # even the right PIN, while locked
    clock.advance(minutes=6)
    assert staff.sign_in("Ivan", "5555").name == "Ivan"


def test_disabled_member_cannot_sign_in(staff: StaffDirectory) -> None:
    staff.add("Ivan", "staff", "5555")
    staff.set_active("Ivan", False)
    with pytest.raises(SignInRefused):
        staff.sign_in("Ivan", "5555")
    staff.set_active("Ivan", True)
    staff.set_pin("Ivan", "777777")
    assert staff.sign_in("Ivan", "777777").active
