"""SVG snapshots of every lobby kiosk screen, in English and Ukrainian (pytest-textual-snapshot).
After a deliberate change of the look: `pytest tests/screens --snapshot-update`, then review the SVGs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot

from harness.loopback import LoopbackPrinter
from screens.lobby.dialogs import IdleScreen
from screens.lobby.need import NeedScreen, ServiceScreen
from tests.screens.conftest import Centre, tap
from tests.screens.test_lobby import SIZE, get_ticket, shown, until

Snap = Callable[..., bool]


async def ready(pilot: Pilot[None]) -> None:
    """The plugin may call run_before before the first screen is composed."""
    await until(pilot, lambda: bool(pilot.app.screen.query("#lang-en")))


LANGS = ["en", "uk"]

# A live screen can be caught mid-change (a worker, a timer) even after `settled`: such a picture is
# taken once more. A real change fails both times; the differing lines are printed either way.
pytestmark = pytest.mark.flaky(reruns=1)


def test_language_screen(snap_compare: Snap, centre: Centre) -> None:
    assert snap_compare(centre.lobby(), terminal_size=SIZE)


@pytest.mark.parametrize("lang", LANGS)
def test_need_screen(snap_compare: Snap, centre: Centre, lang: str) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await tap(pilot, f"#lang-{lang}")
        await shown(pilot, NeedScreen, ".menu")

    assert snap_compare(centre.lobby(), terminal_size=SIZE, run_before=steps)


@pytest.mark.parametrize("lang", LANGS)
def test_need_screen_large_text(snap_compare: Snap, centre: Centre, lang: str) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await tap(pilot, f"#lang-{lang}")
        await shown(pilot, NeedScreen, "#larger")
        await tap(pilot, "#larger")
        await pilot.pause(0.2)

    assert snap_compare(centre.lobby(), terminal_size=SIZE, run_before=steps)


def _services(lang: str, menu: str = "pension") -> Callable[[Pilot[None]], Awaitable[None]]:
    async def steps(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await tap(pilot, f"#lang-{lang}")
        await shown(pilot, NeedScreen, f"#menu-{menu}")
        await tap(pilot, f"#menu-{menu}")
        await shown(pilot, ServiceScreen, ".service")

    return steps


@pytest.mark.parametrize("lang", LANGS)
def test_service_screen(snap_compare: Snap, centre: Centre, lang: str) -> None:
    assert snap_compare(centre.lobby(), terminal_size=SIZE, run_before=_services(lang))


@pytest.mark.parametrize("lang", LANGS)
def test_service_screen_closed(snap_compare: Snap, centre: Centre, lang: str) -> None:
    centre.clock.set(datetime(2026, 11, 23, 19, 40, tzinfo=ZoneInfo("Europe/Kyiv")))
    assert snap_compare(centre.lobby(), terminal_size=SIZE, run_before=_services(lang))


@pytest.mark.parametrize("lang", LANGS)
def test_priority_dialog(snap_compare: Snap, centre: Centre, lang: str) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await tap(pilot, f"#lang-{lang}")
        await shown(pilot, NeedScreen, "#priority")
        await tap(pilot, "#priority")
        await until(pilot, lambda: bool(pilot.app.screen.query("#priority-none")))

    assert snap_compare(centre.lobby(), terminal_size=SIZE, run_before=steps)


@pytest.mark.parametrize("lang", LANGS)
def test_ticket_screen(snap_compare: Snap, centre: Centre, lang: str) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await get_ticket(pilot, lang, "pension", "pension-new", priority="veteran", interpreter=True)

    assert snap_compare(centre.lobby(), terminal_size=SIZE, run_before=steps)


@pytest.mark.parametrize("lang", LANGS)
def test_ticket_screen_printer_failed(snap_compare: Snap, centre: Centre, lang: str) -> None:
    fake = LoopbackPrinter("cover_open")

    async def steps(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await get_ticket(pilot, lang, "money", "housing-subsidy")

    try:
        assert snap_compare(centre.lobby(printer_url=fake.url), terminal_size=SIZE, run_before=steps)
    finally:
        fake.close()


@pytest.mark.parametrize("lang", LANGS)
def test_inactivity_warning(snap_compare: Snap, centre: Centre, lang: str) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await tap(pilot, f"#lang-{lang}")
        centre.ticks.now += centre.settings.idle_seconds + 1
        await until(pilot, lambda: isinstance(pilot.app.screen, IdleScreen))

    assert snap_compare(centre.lobby(), terminal_size=SIZE, run_before=steps)


def test_staff_pin(snap_compare: Snap, centre: Centre) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await tap(pilot, "#staff")
        await until(pilot, lambda: bool(pilot.app.screen.query("#pin-input")))
        await pilot.press("1", "2")

    assert snap_compare(centre.lobby(), terminal_size=SIZE, run_before=steps)
