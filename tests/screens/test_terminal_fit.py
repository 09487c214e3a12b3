"""The lobby display and the staff PIN keypad fit every kiosk size (80×24, 100×30, 120×40 and a
portrait 60×100) in every language: nothing outside the terminal or behind another widget, no
label cut, and no name shortened with an ellipsis (`tests/screens/fit.py`); the display shows no
English words in another language (`tests/screens/english.py`)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot

from screens.common.signin import SignInScreen
from screens.display.app import HallText
from screens.display.app import create_app as create_display
from tests.screens.conftest import Centre, tap
from tests.screens.english import english_on_screen
from tests.screens.fit import assert_fits
from tests.screens.test_counter import counter
from tests.screens.test_lobby import shown, until

SIZES = [(80, 24), (100, 30), (120, 40), (60, 100)]
LANGS = ["en", "uk", "ru", "tr", "ro", "ms", "vi"]


def no_ellipsis(app: App[object], context: str) -> None:
    """No text on screen is shortened with "…" (a table cell, which the fit checker does not read)."""
    drawn = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
    assert "…" not in drawn, f"{context}: shortened text\n{drawn}"


def no_english(app: App[Any], lang: str, centre: Centre, context: str) -> None:
    """The hall reads the display in its language: no English words but the centre's name."""
    if lang != "en":
        found = english_on_screen(app, lang, (centre.settings.centre_name,))
        assert not found, f"English on the display in {lang} ({context}): {found}"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_display_fits(centre: Centre, size: tuple[int, int]) -> None:
    """Idle (the welcome, long in Romanian and Vietnamese), then calls and the waiting list."""
    service = centre.service
    for lang in LANGS:
        app = create_display(centre.settings, service, lang=lang)
        async with app.run_test(size=size) as pilot:
            await until(pilot, lambda: bool(app.query_one("#now-number", HallText).text))  # noqa: B023
            await pilot.pause()
            assert_fits(pilot, context=f"{lang} idle")
            no_english(app, lang, centre, "idle")
    for code in ("pension-new", "pension-new", "job-register", "housing-subsidy", "psych-talk"):
        service.issue(code)
    for window in ("6", "9", "3", "7"):
        service.call_next(window)
    for lang in LANGS:
        app = create_display(centre.settings, service, lang=lang)
        async with app.run_test(size=size) as pilot:
            await until(pilot, lambda: len(app.calls) == 4)  # noqa: B023
            await pilot.pause()
            assert_fits(pilot, context=f"{lang} calls")
            no_ellipsis(app, f"{lang} calls")
            no_english(app, lang, centre, "calls")


async def pin_keypad(pilot: Pilot[None]) -> None:
    await shown(pilot, SignInScreen, ".member")
    await tap(pilot, "#member-0")
    await until(pilot, lambda: bool(pilot.app.screen.query("#pin-cancel")))
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_pin_keypad_fits(centre: Centre, size: tuple[int, int]) -> None:
    """The keypad at a counter ("Скасувати" was cut); the kiosk's exit PIN is the same screen."""
    for lang in LANGS:
        async with counter(centre, lang=lang).run_test(size=size) as pilot:
            await pin_keypad(pilot)
            assert_fits(pilot, context=lang)
