"""What staff see of attacks on PINs: the front desk is told of repeated wrong exit PINs at a kiosk,
and a locked-out clerk reads the lockout, with the minutes left, in the counter's language."""

from __future__ import annotations

import contextlib

from textual.widgets import Label

from kiosk.bookings.checkin_guard import CheckInGuard
from kiosk.runtime import open_staff
from kiosk.security.exit_pin import ExitGuard
from kiosk.security.members import SignInRefused
from kiosk.security.staff import MAX_FAILURES
from screens.common.signin import SignInScreen
from tests.screens.conftest import Centre, tap
from tests.screens.test_admin import admin, sign_in
from tests.screens.test_counter import counter
from tests.screens.test_lobby import SIZE, shown, until


async def test_the_front_desk_is_told_of_repeated_wrong_exit_pins(centre: Centre) -> None:
    app = admin(centre)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        guard = ExitGuard(open_staff(centre.service), "lobby-2")
        for _ in range(3):
            guard.try_pin("000000")
            centre.clock.advance(seconds=300)
        expected = "3 wrong PINs in a row at the kiosk lobby-2"
        await until(pilot, lambda: any(n.message == expected for n in app._notifications))
        assert [n.message for n in app._notifications] == [expected], "the first two are not alarms"


async def test_the_front_desk_is_told_of_repeated_wrong_check_in_codes(centre: Centre) -> None:
    app = admin(centre)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        guard = CheckInGuard(centre.service, "hall-[b]1")
        for _ in range(3):
            guard.wrong_code()
        expected = "3 wrong check-in codes in a short time at the kiosk hall-[b]1"
        await until(pilot, lambda: any(n.message == expected for n in app._notifications))
        assert [n.message for n in app._notifications] == [expected], "the first two are not alarms"


async def test_a_locked_clerk_reads_the_lockout_in_the_counters_language(centre: Centre) -> None:
    staff = open_staff(centre.service)
    for _ in range(MAX_FAILURES):
        with contextlib.suppress(SignInRefused):
            staff.sign_in("Ivan", "0000")
    centre.clock.advance(seconds=61)
    app = counter(centre, lang="uk")
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, SignInScreen, ".member")
        await tap(pilot, "#member-0")  # Ivan
        await until(pilot, lambda: bool(app.screen.query("#pin-input")))
        await pilot.press(*"5555", "enter")  # the right PIN, while locked
        expected = "Забагато неправильних PIN: спробуйте знову через 4 хв"
        await until(pilot, lambda: str(app.screen.query_one("#pin-error", Label).content) == expected)
