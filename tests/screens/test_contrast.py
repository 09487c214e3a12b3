"""Contrast of every visitor-facing text, computed from what the apps draw (their stylesheets over
Textual's theme): the lobby kiosk's screens and dialogs (the staff PIN keypad included, it opens on
the kiosk) and the lobby display. Every text on its background at least 4.5:1 (WCAG 2 AA); the
ticket number and the called number at least 7:1 (AAA). Buttons count in every state they can show.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot
from textual.widgets import Label

from harness.loopback import LoopbackPrinter
from screens.common.live import ConnectionChanged
from screens.display.app import DisplayApp
from screens.display.app import create_app as create_display
from screens.lobby.app import LobbyApp
from screens.lobby.dialogs import IdleScreen, NoticeScreen, OfferScreen
from screens.lobby.language import LanguageScreen
from screens.lobby.need import NeedScreen, ServiceScreen
from tests.screens.conftest import Centre, tap
from tests.screens.contrast import Pair, ratio, screen_pairs, text_pairs
from tests.screens.test_lobby import SIZE, get_ticket, shown, until

TEXT, LARGE = 4.5, 7.0


def test_the_ratio_is_wcag_2() -> None:
    assert ratio((0, 0, 0), (255, 255, 255)) == 21.0
    assert ratio((255, 255, 255), (255, 255, 255)) == 1.0
    assert round(ratio((0x77, 0x77, 0x77), (255, 255, 255)), 2) == 4.48  # the classic AA miss
    assert round(ratio((0xFF, 0xD7, 0x00), (0, 0, 0)), 2) == 14.97


def failing(pairs: list[Pair], least: float) -> str:
    """The pairs under `least`, one a line (empty when all pass)."""
    return "\n".join(sorted({str(p) for p in pairs if p.ratio < least}))


def lowest(pairs: list[Pair]) -> Pair:
    return min(pairs, key=lambda p: p.ratio)


async def _dialog(pilot: Pilot[None], screen: type, selector: str) -> list[Pair]:
    await until(
        pilot, lambda: isinstance(pilot.app.screen, screen) and bool(pilot.app.screen.query(selector))
    )
    pairs = await screen_pairs(pilot)
    pilot.app.pop_screen()
    return pairs


async def _walk_lobby(pilot: Pilot[None], centre: Centre) -> list[Pair]:
    """Every lobby screen and dialog a visitor (or the staff at the kiosk) can bring up."""
    app = pilot.app
    assert isinstance(app, LobbyApp)
    await shown(pilot, LanguageScreen, "#lang-en")
    pairs = await screen_pairs(pilot)
    app.exit_pin.ask("Wrong PIN")
    pairs += await _dialog(pilot, type(app.screen), "#pin-input")  # the PIN keypad, with its error line
    await tap(pilot, "#lang-en")
    await shown(pilot, NeedScreen, ".menu")
    pairs += await screen_pairs(pilot)
    await tap(pilot, "#priority")
    await until(pilot, lambda: bool(app.screen.query("#priority-none")))
    pairs += await screen_pairs(pilot)
    await tap(pilot, "#priority-veteran")
    await shown(pilot, NeedScreen, ".menu")
    await tap(pilot, "#interpreter")
    await tap(pilot, "#larger")  # large text: the chosen states and the big names
    await shown(pilot, NeedScreen, ".menu")
    pairs += await screen_pairs(pilot)
    app.idle.warn_idle(centre.ticks.now)
    pairs += await _dialog(pilot, IdleScreen, "#continue")
    app.say("This service has just closed for today. Please ask at the front desk.")
    pairs += await _dialog(pilot, NoticeScreen, "#ok")
    app.offer_normal_ticket("pension-new")
    pairs += await _dialog(pilot, OfferScreen, "#offer")
    await tap(pilot, "#menu-pension")
    await shown(pilot, ServiceScreen, ".service")
    pairs += await screen_pairs(pilot)
    await tap(pilot, "#service-pension-new")
    await until(pilot, lambda: bool(app.screen.query("#number")) and app.screen.printed is not None)  # type: ignore[attr-defined]
    pairs += await screen_pairs(pilot)
    app.start_over()
    centre.clock.set(datetime(2026, 11, 23, 19, 40, tzinfo=ZoneInfo("Europe/Kyiv")))  # closed services
    await tap(pilot, "#lang-uk")
    await shown(pilot, NeedScreen, ".menu")
    await tap(pilot, "#menu-pension")
    await shown(pilot, ServiceScreen, ".service")
    await until(pilot, lambda: all(b.has_class("-closed") for b in app.screen.query(".service")))
    pairs += await screen_pairs(pilot)
    return pairs


@pytest.mark.slow
async def test_lobby_text_reads_at_4_5_and_the_ticket_number_at_7(centre: Centre) -> None:
    async with centre.lobby().run_test(size=SIZE) as pilot:
        pairs = await _walk_lobby(pilot, centre)
    number = [p for p in pairs if "#number" in p.where]
    assert number, "the ticket number was not seen"
    assert not failing(pairs, TEXT), "under 4.5:1:\n" + failing(pairs, TEXT)
    assert not failing(number, LARGE), "under 7:1:\n" + failing(number, LARGE)
    print(f"\nlobby: lowest {lowest(pairs)}\nticket number: lowest {lowest(number)}")


async def test_lobby_printer_failure_reads_at_4_5(centre: Centre) -> None:
    fake = LoopbackPrinter("cover_open")
    try:
        async with centre.lobby(printer_url=fake.url).run_test(size=SIZE) as pilot:
            screen = await get_ticket(pilot, "vi", "money", "housing-subsidy")
            assert screen.printed is not None and not screen.printed.ok
            pairs = await screen_pairs(pilot)
    finally:
        fake.close()
    status = [p for p in pairs if "#print-status" in p.where]
    assert status, "the printer's message was not seen"
    assert not failing(pairs, TEXT), "under 4.5:1:\n" + failing(pairs, TEXT)


async def test_display_text_reads_at_4_5_and_the_called_number_at_7(centre: Centre) -> None:
    ticks = centre.ticks
    app = create_display(centre.settings, centre.service, monotonic=ticks)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, DisplayApp)
        await until(pilot, lambda: bool(app.query_one("#now-number").text))  # type: ignore[attr-defined]
        pairs = text_pairs(app)  # idle: the welcome
        service = centre.service
        for code in ("pension-new", "pension-new", "job-register", "housing-subsidy"):
            service.issue(code)
        for window in ("6", "9", "3"):
            service.call_next(window)
        await until(pilot, lambda: len(app.calls) == 3 and app.query_one("#now").has_class("-flash"))
        await pilot.pause()
        pairs += text_pairs(app, state="flash")
        ticks.now = app.flash_until + 1
        await until(pilot, lambda: not app.query_one("#now").has_class("-flash"))
        await pilot.pause()
        pairs += text_pairs(app)
        app.post_message(ConnectionChanged(False, "the database is away"))
        await until(pilot, lambda: bool(app.query_one("#connection", Label).content))
        pairs += text_pairs(app, state="reconnecting")
    number = [p for p in pairs if "#now-number" in p.where]
    assert {p.where for p in number} >= {"Screen HallText#now-number", "Screen HallText#now-number [flash]"}
    assert any("#connection" in p.where for p in pairs), "the reconnecting mark was not seen"
    assert not failing(pairs, TEXT), "under 4.5:1:\n" + failing(pairs, TEXT)
    assert not failing(number, LARGE), "under 7:1:\n" + failing(number, LARGE)
    print(f"\ndisplay: lowest {lowest(pairs)}\ncalled number: lowest {lowest(number)}")
