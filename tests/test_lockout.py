"""Sign-in lockouts under attack: parallel wrong PINs from real processes are counted atomically and
lock after exactly the limit; the kiosk's exit PIN never touches anyone's lockout and slows down only
the terminal it was typed at."""

from __future__ import annotations

from collections import Counter as Tally
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from harness.loadgen import StartSignal, run_together
from kiosk.clock import FixedClock
from kiosk.config import Settings
from kiosk.runtime import initialise, open_service, open_staff
from kiosk.security import exit_pin
from kiosk.security.exit_pin import ExitGuard, wait_after
from kiosk.security.members import SignInRefused
from kiosk.security.staff import MAX_FAILURES, StaffDirectory
from kiosk.service import QueueService
from kiosk.storage.models import Event, StaffMember
from tests.conftest import make_settings

TRIES = 20


def _try_wrong_pin(settings_kwargs: dict[str, Any], start: StartSignal) -> str:
    """One wrong PIN for Ivan once every process is ready; returns how it was refused."""
    service = open_service(Settings(**settings_kwargs))
    staff = open_staff(service)
    try:
        start.wait(60)
        try:
            staff.sign_in("Ivan", "0000")
        except SignInRefused as refused:
            return refused.reason
        return "signed in"
    finally:
        service.db.dispose()


@pytest.mark.slow
@pytest.mark.xdist_group("processes")
def test_parallel_wrong_pins_lock_after_exactly_the_limit(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, db_url)
    initialise(settings)
    service = open_service(settings)
    open_staff(service).add("Ivan", "staff", "5555")
    try:
        results, _ = run_together(_try_wrong_pin, [(settings.model_dump(),) for _ in range(TRIES)])
        assert Tally(results) == {"wrong": MAX_FAILURES - 1, "locked": TRIES - MAX_FAILURES + 1}
        with service.db.read() as s:
            member = s.scalars(select(StaffMember)).one()
            locks = s.scalar(select(func.count()).where(Event.kind == "staff_locked"))
        assert member.locked_until is not None and locks == 1
        with pytest.raises(SignInRefused, match="try again in 5 min"):
            open_staff(service).sign_in("Ivan", "5555")
    finally:
        service.db.dispose()


@pytest.fixture
def admins(service: QueueService) -> StaffDirectory:
    staff = open_staff(service)
    staff.add("Olena", "admin", "482913")
    staff.add("Petro", "admin", "777777")
    staff.add("Ivan", "staff", "5555")
    return staff


def _failures(service: QueueService) -> dict[str, tuple[int, object]]:
    with service.db.read() as s:
        return {m.name: (m.failures, m.locked_until) for m in s.scalars(select(StaffMember))}


def test_wrong_exit_pins_lock_nobody_out(
    service: QueueService, admins: StaffDirectory, clock: FixedClock
) -> None:
    guard = ExitGuard(admins, "lobby-1")
    for _ in range(12):
        answer = guard.try_pin("111111")
        assert answer.member is None
        clock.advance(seconds=answer.wait_seconds)
    assert _failures(service) == {"Olena": (0, None), "Petro": (0, None), "Ivan": (0, None)}
    assert admins.sign_in("Olena", "482913", role="admin").name == "Olena"
    staff_only = guard.try_pin("5555")
    assert staff_only.member is None and staff_only.checked, "counter staff cannot close the kiosk"
    clock.advance(seconds=staff_only.wait_seconds)
    assert guard.try_pin("777777").member is not None  # after its wait, Petro's PIN closes it
    assert _failures(service)["Olena"] == (0, None), "one administrator's PIN moves nobody's counter"


def test_exit_pin_waits_grow_at_this_terminal_only(
    service: QueueService, admins: StaffDirectory, clock: FixedClock
) -> None:
    lobby, hall = ExitGuard(admins, "lobby-1"), ExitGuard(admins, "hall-2")
    waits = [lobby.try_pin("000000").wait_seconds for _ in range(exit_pin.FREE_TRIES)]
    assert waits == [0] * (exit_pin.FREE_TRIES - 1) + [wait_after(exit_pin.FREE_TRIES)] == [0, 0, 5]
    early = lobby.try_pin("482913")  # the right PIN, but too soon: not even looked at
    assert early.member is None and not early.checked and early.wait_seconds == 5
    assert hall.try_pin("482913").member is not None, "another terminal does not wait"
    clock.advance(seconds=5)
    assert lobby.try_pin("000000").wait_seconds == 10
    clock.advance(seconds=10)
    assert lobby.try_pin("000000").wait_seconds == 20
    clock.advance(seconds=20)
    assert lobby.try_pin("482913").member is not None
    assert lobby.try_pin("000000").wait_seconds == 0, "a closed kiosk starts counting again"
    assert [wait_after(n) for n in range(3, 12)] == [5, 10, 20, 40, 80, 160, 300, 300, 300]
    with service.db.read() as s:
        rows = s.execute(select(Event.kind, Event.staff, Event.data).order_by(Event.id)).all()
    tries = [
        (kind, staff, data["terminal"]) for kind, staff, data in rows if kind.startswith(("exit", "kiosk"))
    ]
    assert tries[:5] == [
        ("exit_pin_refused", None, "lobby-1"),
        ("exit_pin_refused", None, "lobby-1"),
        ("exit_pin_refused", None, "lobby-1"),
        ("exit_pin_too_soon", None, "lobby-1"),
        ("kiosk_closed", "Olena", "hall-2"),
    ]
    assert ("kiosk_closed", "Olena", "lobby-1") in tries
