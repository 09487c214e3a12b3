"""Every dialog closes with Escape, as its Cancel, Close or Back does: the lobby's, the counter's and
the front desk's, the staff PIN keypad of each included. One run of each terminal opens its dialogs
one after another (a modal screen hides the app's own bindings: each dialog needs its own)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from textual.pilot import Pilot
from textual.screen import ModalScreen

from screens.admin.app import AdminScreen
from screens.admin.booking_dialogs import CodeScreen, ConfirmDialog
from screens.admin.bookings import BookingsPane
from screens.admin.dialogs import (
    IssueDialog,
    LastTicketDialog,
    PriorityDialog,
    ReasonDialog,
    SendDialog,
    StaffDialog,
)
from screens.admin.panes import DayPane, StaffPane
from screens.common.pause import PauseScreen
from screens.common.pin import PinScreen
from screens.common.signin import SignInScreen
from screens.common.transfer import TransferScreen
from screens.counter.window import CounterScreen
from screens.lobby.dialogs import IdleScreen, NoticeScreen, OfferScreen
from screens.lobby.language import LanguageScreen
from screens.lobby.need import NeedScreen
from screens.lobby.priority import PriorityScreen
from screens.lobby.rating import RatingDialog
from tests.screens.conftest import Centre, tap
from tests.screens.test_admin import admin
from tests.screens.test_admin import sign_in as desk_sign_in
from tests.screens.test_counter import counter, sign_in
from tests.screens.test_lobby import SIZE, shown, until

Opening = Callable[[], Awaitable[object]]


async def closes(
    pilot: Pilot[None], kind: type[ModalScreen[Any]], opening: Opening, seconds: float = 10.0
) -> None:
    """`opening` brings a `kind` dialog on top; Escape closes it, back to the screen under it."""
    app = pilot.app
    under = app.screen
    await opening()
    await until(pilot, lambda: isinstance(app.screen, kind))
    dialog = app.screen
    await until(pilot, lambda: any(button.region.area > 0 for button in dialog.query("Button")))  # laid out
    await pilot.press("escape")
    await until(pilot, lambda: dialog not in app.screen_stack, seconds)
    assert app.screen is under, f"Escape on {kind.__name__} left {app.screen!r} on top"


async def test_escape_closes_the_lobbys_pin_priority_and_rating_dialogs(centre: Centre) -> None:
    service = centre.service
    issued = service.issue("pension-new", language="en")  # served, then its QR scanned: the rating
    service.call_next("6")
    service.start(window="6")
    service.finish(window="6")
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-en")
        await closes(pilot, PinScreen, lambda: tap(pilot, "#staff"))  # the kiosk's exit PIN
        await tap(pilot, "#lang-en")
        await shown(pilot, NeedScreen, "#priority")
        await closes(pilot, PriorityScreen, lambda: tap(pilot, "#priority"))
        assert app.priority is None, "closed: nothing chosen"

        async def rating() -> None:
            app.ratings.scanned(issued.qr)  # as the scanner's Enter does

        await closes(pilot, RatingDialog, rating)
        assert isinstance(app.screen, NeedScreen) and app.is_running


async def test_escape_closes_the_lobbys_notices(centre: Centre) -> None:
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-en")
        await tap(pilot, "#lang-en")
        await shown(pilot, NeedScreen, "#priority")

        async def say() -> None:
            app.say("The printer is out of paper.")

        async def offer() -> None:
            app.offer_normal_ticket("pension-new")

        async def idle() -> None:
            centre.ticks.now += centre.settings.idle_seconds + 1

        await closes(pilot, NoticeScreen, say)
        await closes(pilot, OfferScreen, offer)
        await closes(pilot, IdleScreen, idle)


async def test_escape_closes_the_counters_dialogs(centre: Centre) -> None:
    centre.service.issue("pension-new")
    app = counter(centre)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, SignInScreen, ".member")
        await closes(pilot, PinScreen, lambda: tap(pilot, "#member-0"))
        assert app.member is None
        screen = await sign_in(pilot)
        await pilot.press("f1")
        await until(pilot, lambda: screen.counter_ticket is not None)
        await closes(pilot, TransferScreen, lambda: pilot.press("f7"))
        await closes(pilot, PauseScreen, lambda: pilot.press("f9"))
        assert isinstance(app.screen, CounterScreen) and not centre.service.window_paused("6")


async def test_escape_closes_the_front_desks_dialogs(centre: Centre) -> None:
    service = centre.service
    ticket = service.issue("pension-new").ticket
    booking = service.book("housing-subsidy", datetime(2026, 11, 23, 11, 30))  # later today
    app = admin(centre)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, SignInScreen, ".member")
        await closes(pilot, PinScreen, lambda: tap(pilot, "#member-0"))
        queue = await desk_sign_in(pilot)
        await until(pilot, lambda: queue.selected() is not None)
        # Each kind of dialog once: F7's is F2's, the day's close is F5's; the break's is the counter's
        # (above), and Book's has its own test (test_admin_bookings.py).
        keys: dict[str, type[ModalScreen[Any]]] = {
            "f2": IssueDialog, "f3": TransferScreen, "f4": PriorityDialog, "f5": ReasonDialog,
            "f8": SendDialog,
        }  # fmt: skip
        for key, kind in keys.items():
            await closes(pilot, kind, lambda k=key: pilot.press(k))  # type: ignore[misc]
        screen = app.screen
        assert isinstance(screen, AdminScreen)

        async def tab(name: str, pane: type, ready: str) -> None:
            await tap(pilot, f"#--content-tab-tab-{name}")
            await until(pilot, lambda: bool(screen.query(pane)))  # a tab is built when first chosen
            await until(pilot, lambda: screen.query_one(ready).region.area > 0)

        await tab("staff", StaffPane, "#staff-add")
        await closes(pilot, StaffDialog, lambda: tap(pilot, "#staff-add"))
        await tab("day", DayPane, "#window-toggle")
        day = screen.query_one(DayPane)
        await until(pilot, lambda: day.board is not None)
        await closes(pilot, LastTicketDialog, lambda: tap(pilot, "#day-last-ticket"))
        await tab("bookings", BookingsPane, "#booking-add")
        bookings = screen.query_one(BookingsPane)
        await until(pilot, lambda: bookings.table.row_count == 1)
        await closes(pilot, ConfirmDialog, lambda: tap(pilot, "#booking-cancel"))

        async def code() -> None:
            bookings.show_code(booking)

        await closes(pilot, CodeScreen, code)
    after = service.ticket(ticket.id)
    assert (after.state, after.priority) == ("waiting", None), "nothing changed"
    (kept,) = service.bookings()
    assert (kept.code, kept.at, kept.state) == (booking.code, booking.at, booking.state)
