"""Every lobby screen fits every kiosk: 80x24, 100x30, 120x40 and a portrait 60x100, in all seven
languages (the fit checker, tests/screens/fit.py)."""

from __future__ import annotations

import pytest

from screens.lobby.need import NeedScreen
from tests.screens.conftest import Centre, tap
from tests.screens.fit import assert_fits
from tests.screens.test_lobby import shown

SIZES = [(80, 24), (100, 30), (120, 40), (60, 100)]
LANGS = ["en", "uk", "ru", "tr", "ro", "ms", "vi"]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
async def test_need_screen_fits(centre: Centre, lang: str, size: tuple[int, int]) -> None:
    async with centre.lobby().run_test(size=size) as pilot:
        await tap(pilot, f"#lang-{lang}")
        await shown(pilot, NeedScreen, ".menu")
        assert_fits(pilot)
