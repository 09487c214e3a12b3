"""The ticket screen's Read aloud says the number as the visitor's language reads its letters (the
hall's call does the same: tests/test_announce.py)."""

from __future__ import annotations

import pytest

from tests.screens.conftest import Centre
from tests.screens.test_lobby import SIZE, get_ticket


@pytest.mark.parametrize(("lang", "number"), [("uk", "ер 1"), ("ru", "эр 1"), ("en", "P 1")])
async def test_the_ticket_is_read_with_the_letters_of_its_language(
    centre: Centre, lang: str, number: str
) -> None:
    app = centre.lobby()
    async with app.run_test(size=SIZE) as pilot:
        screen = await get_ticket(pilot, lang, "pension", "pension-new")
        lines = screen.speech()
    assert {voice for _, voice in lines} == {lang}, "in the visitor's voice"
    speech = " ".join(text for text, _ in lines)
    first = speech.split(".")[0]
    assert first.endswith(f" {number}"), speech
