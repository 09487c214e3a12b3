"""The lobby's dialogs: each one, the staff PIN included, gives way to the inactivity warning and
then to the first screen; each visitor screen and dialog has Read aloud; the priority dialog shows
every choice without scrolling at 120x40, closes with its ✕ Close button and marks the chosen one."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Button

from screens.lobby.app import LobbyApp
from screens.lobby.dialogs import IdleScreen
from screens.lobby.language import LanguageScreen
from screens.lobby.need import NeedScreen, ServiceScreen
from screens.lobby.priority import PriorityScreen
from screens.lobby.ticket import TicketScreen
from tests.screens.conftest import Centre, tap
from tests.screens.fit import assert_fits
from tests.screens.test_lobby import SIZE, get_ticket, shown, until
from tests.screens.test_lobby_fit import closed_notice, idle, offer, priority, staff_pin


async def _notice(pilot: Pilot[None], centre: Centre) -> None:
    await closed_notice(pilot, centre, "uk")


async def _priority(pilot: Pilot[None], centre: Centre) -> None:
    await priority(pilot, centre, "uk")


async def _offer(pilot: Pilot[None], centre: Centre) -> None:
    await offer(pilot, centre, "uk")


async def _pin(pilot: Pilot[None], centre: Centre) -> None:
    await staff_pin(pilot, centre, "uk")


DIALOGS = {"notice": _notice, "priority": _priority, "offer": _offer, "staff-pin": _pin}


@pytest.mark.parametrize("dialog", list(DIALOGS))
async def test_every_dialog_resets_with_the_inactivity_timer(centre: Centre, dialog: str) -> None:
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-uk")
        await DIALOGS[dialog](pilot, centre)
        opened = app.screen
        assert not isinstance(opened, LanguageScreen | NeedScreen)
        centre.ticks.now += centre.settings.idle_seconds + 1
        await until(pilot, lambda: isinstance(app.screen, IdleScreen))
        centre.ticks.now += centre.settings.idle_warning_seconds + 1
        await until(pilot, lambda: isinstance(app.screen, LanguageScreen))
        assert len(app.screen_stack) == 1 and opened not in app.screen_stack


async def _language(pilot: Pilot[None], centre: Centre) -> None:
    await shown(pilot, LanguageScreen, "#read-aloud")


async def _need(pilot: Pilot[None], centre: Centre) -> None:
    await tap(pilot, "#lang-uk")
    await shown(pilot, NeedScreen, "#read-aloud")


async def _ticket(pilot: Pilot[None], centre: Centre) -> None:
    await get_ticket(pilot, "uk", "money", "housing-subsidy")


async def _idle(pilot: Pilot[None], centre: Centre) -> None:
    await idle(pilot, centre, "uk")


SCREENS = {"language": _language, "need": _need, "ticket": _ticket, "idle": _idle, **DIALOGS}
SCREENS.pop("staff-pin")  # the staff's dialog, in the staff's language: no visitor's voice


@pytest.mark.parametrize("screen", list(SCREENS))
async def test_read_aloud_is_on_every_visitor_screen_and_dialog(centre: Centre, screen: str) -> None:
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-uk")
        await SCREENS[screen](pilot, centre)
        await until(pilot, lambda: bool(app.screen.query("#read-aloud")))  # else: none on this screen
        spoken = centre.tmp / "speech"
        before = set(spoken.glob("*")) if spoken.exists() else set()
        await tap(pilot, "#read-aloud")
        await until(pilot, lambda: spoken.exists() and set(spoken.glob("*.wav")) - before != set())


async def test_the_priority_dialog_shows_every_choice_closes_and_marks_the_chosen(centre: Centre) -> None:
    app = centre.lobby()
    async with app.run_test(size=(120, 40)) as pilot:
        for lang in ("en", "uk", "ro", "vi"):
            await shown(pilot, LanguageScreen, f"#lang-{lang}")
            await priority(pilot, centre, lang)
            assert isinstance(app.screen, PriorityScreen)
            assert_fits(pilot, context=f"priority dialog in {lang}")  # no scrolling: every choice shows
            await tap(pilot, "#priority-pregnant")
            await shown(pilot, NeedScreen, "#priority.-on")
            assert str(app.screen.query_one("#priority", Button).label).startswith("✓ ")
            await tap(pilot, "#priority")
            await until(pilot, lambda: isinstance(app.screen, PriorityScreen))
            chosen = app.screen.query_one("#priority-pregnant", Button)
            assert chosen.has_class("-on") and str(chosen.label).startswith("✓ ")
            assert not app.screen.query_one("#priority-veteran", Button).has_class("-on")
            await tap(pilot, "#close")  # closed: nothing changes
            await shown(pilot, NeedScreen, "#priority.-on")
            assert app.priority == "pregnant"
            app.start_over()


async def test_the_switches_show_their_state(centre: Centre) -> None:
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-en")
        await tap(pilot, "#lang-en")
        await shown(pilot, NeedScreen, "#larger")
        for switch in ("interpreter", "larger"):
            assert not app.screen.query_one(f"#{switch}", Button).has_class("-on")
            await tap(pilot, f"#{switch}")
            await shown(pilot, NeedScreen, f"#{switch}.-on")
            assert str(app.screen.query_one(f"#{switch}", Button).label).startswith("✓ ")
        assert isinstance(app, LobbyApp) and app.large and app.has_class("-large")
        app.start_over()
        await pilot.pause()
        assert not app.large and not app.has_class("-large")


BLOCKS = {chr(c) for c in range(0x2580, 0x25A0)}


async def test_large_text_never_draws_words_in_block_letters(centre: Centre) -> None:
    """The rule: big letters only for the ticket number, at LEGIBLE_ROWS rows or more, where its
    characters (digits, the departments' capitals, the hyphen) stay distinct; words stay text."""
    from screens.common.widgets import LEGIBLE_ROWS, BigText, big_text

    ticket_chars = "0123456789-" + "".join(d.prefix for d in centre.service.catalogue.department)
    drawn = {c: big_text(c, LEGIBLE_ROWS) for c in ticket_chars}
    assert len(set(drawn.values())) == len(ticket_chars), "two characters of a number look the same"
    app = centre.lobby()
    async with app.run_test(size=(120, 40)) as pilot:
        await shown(pilot, LanguageScreen, "#lang-uk")
        await tap(pilot, "#lang-uk")
        await shown(pilot, NeedScreen, "#larger")
        await tap(pilot, "#larger")
        await shown(pilot, NeedScreen, "#larger.-on")
        assert "Робота" in " ".join(str(b.label) for b in app.screen.query(Button))
        for button in app.screen.query(Button):
            assert not BLOCKS & set(str(button.label)), f"{button.id} drawn in block letters"
        await tap(pilot, "#menu-work")
        await shown(pilot, ServiceScreen, ".service")
        await tap(pilot, ".service")
        await shown(pilot, TicketScreen, "#number")
        assert isinstance(app.screen, TicketScreen)
        number = app.screen.query_one("#number", BigText)
        assert number.rows >= LEGIBLE_ROWS and number.text == app.screen.issued.ticket.code


async def test_a_visitor_who_chose_larger_text_gets_a_large_print_ticket(centre: Centre) -> None:
    from pathlib import Path

    from harness.decode import decode_job
    from printer.layout import render
    from tests.test_printer import read_qr

    app = centre.lobby(printer_url=f"preview://{centre.tmp / 'jobs'}")
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, LanguageScreen, "#lang-vi")
        await tap(pilot, "#lang-vi")
        await shown(pilot, NeedScreen, "#larger")
        await tap(pilot, "#larger")
        await shown(pilot, NeedScreen, "#larger.-on")
        await tap(pilot, "#menu-money")
        await shown(pilot, ServiceScreen, "#service-housing-subsidy")
        await tap(pilot, "#service-housing-subsidy")
        await shown(pilot, TicketScreen, "#print-status")
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        await until(pilot, lambda: screen.printed is not None)
        assert screen.printed is not None and screen.printed.job
        image, _ = decode_job(Path(screen.printed.job).read_bytes())
        assert read_qr(image) == screen.issued.qr
        width = centre.settings.paper_width
        assert image.convert("1").tobytes() == render(screen.content, width, large=True).tobytes()
        assert image.height > render(screen.content, width).height
