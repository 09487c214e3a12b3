"""SVG snapshots of the staff terminals and the lobby display, in English and Ukrainian; the counter
serving a ticket, the front desk's queue and the lobby display also at the kiosk sizes (80x24, 100x30,
120x40, portrait 60x100) in English, Ukrainian, Romanian and Vietnamese, the PIN keypad at the smallest
and the portrait size; in English once each, a counter's long line ("+N more") with a ticket recalled
twice, and the display's "(called again)"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from screens.admin.bookings import BookingsPane
from screens.admin.stats import StatsPane
from screens.common.signin import SignInScreen
from screens.display.app import create_app as create_display
from tests.conftest import KYIV
from tests.screens.conftest import Centre, tap
from tests.screens.test_admin import admin, booked_and_walk_in_day
from tests.screens.test_admin import sign_in as admin_sign_in
from tests.screens.test_counter import counter, details, sign_in
from tests.screens.test_display import recalls_and_a_transfer
from tests.screens.test_lobby import SIZE, shown, until
from tests.screens.test_staff_fit import busy_day
from tests.screens.test_terminal_fit import pin_keypad

Snap = Callable[..., bool]
LANGS = ["en", "uk"]

# A live screen can be caught mid-change (a worker, a timer) even after `settled`: such a picture is
# taken once more. A real change fails both times; the differing lines are printed either way.
pytestmark = pytest.mark.flaky(reruns=1)


@pytest.mark.parametrize("lang", LANGS)
def test_counter_sign_in(snap_compare: Snap, centre: Centre, lang: str) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await shown(pilot, SignInScreen, ".member")

    assert snap_compare(counter(centre, lang=lang), terminal_size=SIZE, run_before=steps)


KIOSK_LANGS = ["en", "uk", "ro", "vi"]  # Latin, Cyrillic, Romanian ș/ț, Vietnamese stacked marks
SIZES = [(80, 24), (100, 30), (120, 40), (60, 100)]  # the kiosk sizes of issue 12; 60x100 portrait


@pytest.mark.parametrize("lang", KIOSK_LANGS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_counter_serving(snap_compare: Snap, centre: Centre, lang: str, size: tuple[int, int]) -> None:
    centre.service.issue("pension-new")
    centre.service.issue("pension-recalc", priority="aged-80", interpreter=True, language="vi")
    centre.service.issue("pension-certificate")

    async def steps(pilot: Pilot[None]) -> None:
        screen = await sign_in(pilot)
        await pilot.press("f1")
        await until(pilot, lambda: bool(screen.query_one("#current-number").text))  # type: ignore[attr-defined]
        await until(pilot, lambda: "2" in str(screen.query_one("#waiting-count").content))  # type: ignore[attr-defined]
        await pilot.pause(0.2)

    assert snap_compare(counter(centre, lang=lang), terminal_size=size, run_before=steps)


def test_counter_long_line_and_a_recall(snap_compare: Snap, centre: Centre) -> None:
    """More waiting than the list has rows: as many as its rows hold, "+N more" under them for the
    rest; the ticket recalled twice says so, in its details and in the status line."""
    for _ in range(30):
        centre.service.issue("pension-new")

    async def steps(pilot: Pilot[None]) -> None:
        screen = await sign_in(pilot)
        await pilot.press("f1")
        await until(pilot, lambda: screen.counter_ticket is not None)
        await pilot.press("f2")
        await until(pilot, lambda: details(screen).startswith("recalled (1×)"))
        await pilot.press("f2")
        await until(pilot, lambda: details(screen).startswith("recalled (2×)"))
        nexts = screen.query_one("#next", Static)
        await until(pilot, lambda: len(str(nexts.content).splitlines()) == nexts.size.height)
        *listed, more = str(nexts.content).splitlines()
        assert len(listed) > 6 and listed[0] == "P-002", "the list fills its rows"
        assert more == f"+{29 - len(listed)} more", "the rest of the 29 waiting"
        assert "P-001: recalled (2×)" in str(screen.query_one("#status", Static).content)

    assert snap_compare(counter(centre), terminal_size=SIZE, run_before=steps)


@pytest.mark.parametrize("lang", LANGS)
def test_counter_transfer_dialog(snap_compare: Snap, centre: Centre, lang: str) -> None:
    centre.service.issue("pension-new")

    async def steps(pilot: Pilot[None]) -> None:
        screen = await sign_in(pilot)
        await pilot.press("f1")
        await until(pilot, lambda: screen.counter_ticket is not None)
        await pilot.press("f7")
        await until(pilot, lambda: bool(pilot.app.screen.query("#department")))

    assert snap_compare(counter(centre, lang=lang), terminal_size=SIZE, run_before=steps)


@pytest.mark.parametrize("lang", KIOSK_LANGS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_lobby_display(snap_compare: Snap, centre: Centre, lang: str, size: tuple[int, int]) -> None:
    service = centre.service
    for code in ("pension-new", "pension-new", "job-register", "housing-subsidy", "psych-talk"):
        service.issue(code)
    for window in ("6", "9", "3", "7"):
        service.call_next(window)
    app = create_display(centre.settings, service, lang=lang)

    async def steps(pilot: Pilot[None]) -> None:
        await until(pilot, lambda: len(app.calls) == 4)
        app.flash_until = 0.0
        await pilot.pause(0.6)

    assert snap_compare(app, terminal_size=size, run_before=steps)


def test_lobby_display_called_again(snap_compare: Snap, centre: Centre) -> None:
    """Latest calls: each number once, at its latest window, a recall marked "(called again)"."""
    third = recalls_and_a_transfer(centre.service)[2]
    app = create_display(centre.settings, centre.service, lang="en")

    async def steps(pilot: Pilot[None]) -> None:
        await until(pilot, lambda: bool(app.calls) and app.calls[0].code == third.code)
        await until(pilot, lambda: "(called again)" in str(app.query_one("#history", Static).content))
        app.flash_until = 0.0
        await pilot.pause(0.6)

    assert snap_compare(app, terminal_size=SIZE, run_before=steps)


@pytest.mark.parametrize("lang", KIOSK_LANGS)
@pytest.mark.parametrize("size", [SIZES[0], SIZES[-1]], ids=lambda s: f"{s[0]}x{s[1]}")
def test_pin_keypad(snap_compare: Snap, centre: Centre, lang: str, size: tuple[int, int]) -> None:
    """The staff keypad at the smallest and the portrait size (the others lie between)."""
    assert snap_compare(counter(centre, lang=lang), terminal_size=size, run_before=pin_keypad)


@pytest.mark.parametrize("lang", KIOSK_LANGS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_front_desk_queue(snap_compare: Snap, centre: Centre, lang: str, size: tuple[int, int]) -> None:
    busy_day(centre)

    async def steps(pilot: Pilot[None]) -> None:
        queue = await admin_sign_in(pilot)
        await until(pilot, lambda: queue.table.row_count == 5)

    assert snap_compare(admin(centre, lang=lang), terminal_size=size, run_before=steps)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_front_desk_bookings(snap_compare: Snap, centre: Centre, lang: str, size: tuple[int, int]) -> None:
    """The day's appointments: checked in with its ticket, late, upcoming and cancelled."""
    service = centre.service
    rows = [
        "service,at,language,name,phone,code",
        "housing-subsidy,2026-11-23T10:30,uk,Марія Коваль,+380 50 123 45 67,KMT74X",
        "housing-subsidy,2026-11-23T10:30,en,,,HNR39W",
        "pension-new,2026-11-23T11:00,vi,,0661234567,PCY67A",
        "job-register,2026-11-23T14:00,tr,Ayşe Yılmaz,,VEF43J",
    ]  # fixed codes (an outside system's), for a stable picture
    service.import_bookings("\n".join(rows) + "\n", "snapshot.csv")
    service.cancel_booking("VEF43J")
    centre.clock.set(datetime(2026, 11, 23, 10, 25, tzinfo=KYIV))
    service.check_in("KMT74X")
    centre.clock.set(datetime(2026, 11, 23, 10, 41, tzinfo=KYIV))

    async def steps(pilot: Pilot[None]) -> None:
        await admin_sign_in(pilot)
        await tap(pilot, "#--content-tab-tab-bookings")
        await until(pilot, lambda: bool(pilot.app.screen.query(BookingsPane)))  # built when first chosen
        pane = pilot.app.screen.query_one(BookingsPane)
        await until(pilot, lambda: pane.table.row_count == 4)
        await pilot.pause(0.2)

    assert snap_compare(admin(centre, lang=lang), terminal_size=size, run_before=steps)


@pytest.mark.parametrize("lang", LANGS)
def test_front_desk_statistics(snap_compare: Snap, centre: Centre, lang: str) -> None:
    booked_and_walk_in_day(centre)
    busy_day(centre)

    async def steps(pilot: Pilot[None]) -> None:
        await admin_sign_in(pilot)
        await tap(pilot, "#--content-tab-tab-stats")
        await until(pilot, lambda: bool(pilot.app.screen.query(StatsPane)))
        pane = pilot.app.screen.query_one(StatsPane)
        await until(pilot, lambda: pane.shown is not None)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.2)

    assert snap_compare(admin(centre, lang=lang), terminal_size=SIZE, run_before=steps)


@pytest.mark.parametrize("lang", LANGS)
def test_front_desk_day(snap_compare: Snap, centre: Centre, lang: str) -> None:
    centre.service.set_last_ticket("pensions", time(17, 0), staff="Olena")
    centre.service.set_department_open("homeless", False, staff="Olena")
    centre.service.pause_window("7", True, staff="Olena", reason="lunch")

    async def steps(pilot: Pilot[None]) -> None:
        await admin_sign_in(pilot)
        await tap(pilot, "#--content-tab-tab-day")
        await until(pilot, lambda: pilot.app.screen.query_one("#window-toggle").region.area > 0)

    assert snap_compare(admin(centre, lang=lang), terminal_size=SIZE, run_before=steps)
