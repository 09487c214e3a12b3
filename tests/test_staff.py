"""Staff PINs: scrypt with a per-member salt, keyed with a PIN key outside the database, never stored
in clear; an atomic lockout after wrong PINs; one message for a wrong name or PIN; the last
administrator kept."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select, update

from kiosk.clock import FixedClock
from kiosk.errors import KioskError
from kiosk.runtime import open_staff
from kiosk.security import pins
from kiosk.security.members import SignInRefused
from kiosk.security.pins import PinKey, PinKeyMismatch, check_pin, hash_pin, load_pin_key
from kiosk.security.staff import MAX_FAILURES, StaffDirectory
from kiosk.service import QueueService
from kiosk.storage.models import Event, StaffMember

PRODUCTION_N = pins.SCRYPT["n"]  # read before the tests lower it (conftest.cheap_pin_hashes)


@pytest.fixture
def staff(service: QueueService) -> StaffDirectory:
    return open_staff(service)


def _key(tmp_path: Path, name: str = "pin-key") -> PinKey:
    return load_pin_key(tmp_path / name)


def test_hashes_are_salted_keyed_and_checked(tmp_path: Path) -> None:
    key = _key(tmp_path)
    first, second = hash_pin("1234", key), hash_pin("1234", key)
    assert first != second and first.startswith(f"scrypt-k1${key.id}$")
    assert check_pin("1234", first, key) and check_pin("1234", second, key)
    assert not check_pin("1235", first, key)
    assert not check_pin("1234", "garbage", key)
    assert (tmp_path / "pin-key").stat().st_mode & 0o777 == 0o600


def test_new_hashes_cost_what_a_terminal_asks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests hash at a low cost (conftest); a terminal hashes at scrypt n=2**14, r=8, p=1."""
    monkeypatch.setitem(pins.SCRYPT, "n", PRODUCTION_N)
    assert PRODUCTION_N == 2**14
    assert hash_pin("1234", _key(tmp_path)).split("$")[2:5] == ["16384", "8", "1"]


def test_a_copied_database_alone_cannot_check_a_pin(tmp_path: Path) -> None:
    """Without the key, scrypt over every 4-digit PIN finds nothing: the stored digest is keyed."""
    key = _key(tmp_path)
    stored = hash_pin("0042", key)
    _, _, n, r, p, salt, digest = stored.split("$")
    found = [
        pin
        for pin in (f"{i:04d}" for i in range(100))  # the right PIN is among these
        if hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32)
        == base64.b64decode(digest)
    ]
    assert found == []
    assert check_pin("0042", stored, key)


def test_a_pin_made_with_another_key_says_so(tmp_path: Path) -> None:
    stored = hash_pin("1234", _key(tmp_path, "first"))
    with pytest.raises(PinKeyMismatch, match="copy the `pin-key` file"):
        check_pin("1234", stored, _key(tmp_path, "second"))


def test_older_unkeyed_hashes_work_and_are_upgraded(staff: StaffDirectory, service: QueueService) -> None:
    staff.add("Ivan", "staff", "5555")
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(b"5555", salt=salt, n=2**14, r=8, p=1, dklen=32)
    old = f"scrypt$16384$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    with service.db.write() as s:
        s.execute(update(StaffMember).values(pin_hash=old))
    assert staff.sign_in("Ivan", "5555").name == "Ivan"
    with service.db.read() as s:
        upgraded = s.scalar(select(StaffMember.pin_hash))
    assert upgraded is not None and upgraded.startswith("scrypt-k1$")
    assert staff.sign_in("Ivan", "5555").name == "Ivan"


def test_add_and_sign_in(staff: StaffDirectory, service: QueueService) -> None:
    staff.add("Olena", "admin", "482913", by="setup")
    staff.add("Ivan", "staff", "5555")
    assert staff.sign_in("Olena", "482913", role="admin").role == "admin"
    with pytest.raises(SignInRefused, match="administrator"):
        staff.sign_in("Ivan", "5555", role="admin")
    with pytest.raises(SignInRefused, match="wrong name or PIN"):
        staff.sign_in("Ivan", "5556")
    with service.db.read() as s:
        stored = s.scalars(select(StaffMember.pin_hash)).all()
        kinds = s.scalars(select(Event.kind).where(Event.ticket_id.is_(None))).all()
    assert all("482913" not in h and "5555" not in h for h in stored)
    assert {"staff_added", "signed_in"} <= set(kinds)


def test_unknown_disabled_and_wrong_say_the_same(staff: StaffDirectory) -> None:
    staff.add("Olena", "admin", "482913")
    staff.add("Ivan", "staff", "5555")
    staff.set_active("Ivan", False)
    messages = set()
    for name, pin in (("Nobody", "5555"), ("Ivan", "5555"), ("Olena", "000000")):
        with pytest.raises(SignInRefused) as refused:
            staff.sign_in(name, pin)
        messages.add((refused.value.reason, str(refused.value)))
    assert messages == {("wrong", "wrong name or PIN")}


@pytest.mark.parametrize(
    "name", ["", "   ", "A" * 65, "Eve\x1b[31m", "Eve\u202e", "a\nb", "Tab\there", "zero\u200bwidth"]
)
def test_bad_names_are_refused(staff: StaffDirectory, name: str) -> None:
    with pytest.raises(KioskError, match="staff name"):
        staff.add(name, "staff", "1234")
    assert staff.members() == []


def test_bad_roles_and_pins(staff: StaffDirectory) -> None:
    for args in (("A", "boss", "1234"), ("A", "staff", "12"), ("A", "staff", "12ab"), ("A", "staff", "١٢٣٤")):
        with pytest.raises(KioskError):
            staff.add(*args)
    staff.add("  A  ", "staff", "1234")
    with pytest.raises(KioskError, match="exists"):
        staff.add("A", "staff", "9999")


def test_lockout_after_repeated_failures(staff: StaffDirectory, clock: FixedClock) -> None:
    staff.add("Ivan", "staff", "5555")
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(SignInRefused, match="wrong name or PIN"):
            staff.sign_in("Ivan", "0000")
    with pytest.raises(SignInRefused, match="try again in 5 min"):
        staff.sign_in("Ivan", "0000")
    clock.advance(seconds=61)
    with pytest.raises(SignInRefused, match="try again in 4 min") as refused:
        staff.sign_in("Ivan", "5555")  # even the right PIN, while locked
    assert refused.value.reason == "locked" and refused.value.minutes == 4
    clock.advance(seconds=4 * 60)
    assert staff.sign_in("Ivan", "5555").name == "Ivan"


def test_the_last_active_administrator_stays(staff: StaffDirectory) -> None:
    staff.add("Olena", "admin", "482913")
    staff.add("Ivan", "staff", "5555")
    with pytest.raises(KioskError, match="last active administrator"):
        staff.set_active("Olena", False)
    with pytest.raises(KioskError, match="last active administrator"):
        staff.set_role("Olena", "staff")
    staff.add("Petro", "admin", "777777")
    staff.set_active("Petro", False)
    with pytest.raises(KioskError, match="last active administrator"):
        staff.set_active("Olena", False)  # a disabled administrator does not count
    staff.set_active("Petro", True)
    staff.set_role("Olena", "staff")
    assert {m.name: m.role for m in staff.members()} == {"Olena": "staff", "Ivan": "staff", "Petro": "admin"}
    staff.set_active("Ivan", False)  # counter staff may always be disabled
    assert staff.has_administrator()


def test_disabled_member_cannot_sign_in(staff: StaffDirectory) -> None:
    staff.add("Ivan", "staff", "5555")
    staff.set_active("Ivan", False)
    with pytest.raises(SignInRefused):
        staff.sign_in("Ivan", "5555")
    staff.set_active("Ivan", True)
    staff.set_pin("Ivan", "777777")
    assert staff.sign_in("Ivan", "777777").active


def test_a_new_pin_key_takes_over_as_members_sign_in(service: QueueService) -> None:
    """After a theft the installer moves `pin-key` to `pin-key.previous` and `kiosk init` makes a new
    one: PINs still work, and each member's hash moves to the new key at their next sign-in."""
    old = open_staff(service)
    old.add("Olena", "admin", "482913")
    old.add("Ivan", "staff", "5555")
    path = service.settings.pin_key_path
    path.rename(path.with_name("pin-key.previous"))
    new = open_staff(service)
    assert new.key.previous is not None and new.key.id != old.key.id
    assert new.administrator_with("482913") is not None  # the kiosk's exit, before any sign-in
    assert new.sign_in("Olena", "482913").name == "Olena"
    with service.db.read() as s:
        rows = s.execute(select(StaffMember.name, StaffMember.pin_hash))
        hashes = {name: pin_hash for name, pin_hash in rows}
    assert hashes["Olena"].startswith(f"scrypt-k1${new.key.id}$")
    assert hashes["Ivan"].startswith(f"scrypt-k1${old.key.id}$"), "moves only at Ivan's own sign-in"
    path.with_name("pin-key.previous").unlink()
    assert open_staff(service).sign_in("Olena", "482913").name == "Olena"
    with pytest.raises(PinKeyMismatch):
        open_staff(service).sign_in("Ivan", "5555")
