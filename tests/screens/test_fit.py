"""The fit checker (tests/screens/fit.py) on small apps with known faults: each fault is found, and a
screen that fits passes."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from tests.screens.fit import assert_fits, misfits


class Fits(App[None]):
    CSS = "Button { width: 100%; height: 5; text-wrap: wrap; } Label { width: 100%; }"

    def compose(self) -> ComposeResult:
        yield Label("Alege limba ta, te rog frumos, aici jos", id="heading")
        yield Button("Am nevoie de un interpret de limbaj mimico-gestual", id="wide")


class Faults(App[None]):
    CSS = """
    #cut { width: 20; height: 3; }
    #short { width: 10; height: 1; }
    #cover { position: absolute; offset: 0 1; height: 1; width: 100%; }
    #under { height: 3; }
    #low { margin-top: 30; }
    VerticalScroll { height: 6; }
    VerticalScroll Button { height: 3; }
    """

    def compose(self) -> ComposeResult:
        yield Button("Hidden under the top", id="under")
        yield Label("on top", id="cover")  # drawn later, over the button
        yield Button("mimico-gestual interpreter", id="cut")
        yield Label("words that need more than one line", id="short")
        with VerticalScroll():
            for n in range(5):
                yield Button(f"Option {n}", id=f"option-{n}")
        yield Label("below the screen", id="low")


class Dialog(ModalScreen[None]):
    DEFAULT_CSS = "Dialog Vertical { width: 16; height: auto; }"  # the app gives buttons 5 rows

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("A dialog", id="title")
            yield Button("A button that is far too long for it, in any language", id="long")


async def test_a_screen_that_fits_passes() -> None:
    async with Fits().run_test(size=(40, 12)) as pilot:
        assert_fits(pilot)


async def test_each_fault_is_found() -> None:
    async with Faults().run_test(size=(40, 24)) as pilot:
        found = "\n".join(misfits(pilot))
        assert '#under "Hidden under the top": hidden behind Label#cover' in found
        assert '#cut "mimico-gestual interpreter": cut text' in found
        assert '#short "words that need more than one line": cut text' in found
        assert "#option-4" in found and "cut by its container" in found
        assert '#low "below the screen": outside the terminal' in found
        assert "#option-0" not in found


async def test_scrolling_lets_options_lie_out_of_view() -> None:
    async with Faults().run_test(size=(40, 24)) as pilot:
        found = "\n".join(misfits(pilot, scrolling=True))
        assert "#option-4" not in found
        assert "#low" in found  # no scrolling container brings it into view


async def test_a_dialog_is_checked_instead_of_the_screen_under_it() -> None:
    async with Fits().run_test(size=(40, 12)) as pilot:
        await pilot.app.push_screen(Dialog())
        await pilot.pause()
        found = misfits(pilot)
        assert len(found) == 1 and found[0].startswith('Button#long "A button that is far too long')
        assert "cut text" in found[0]
