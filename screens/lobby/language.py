"""The first screen: each language by its own name; the heading cycles through the seven."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.events import MouseDown
from textual.widgets import Button, Label

from kiosk.i18n import N_, translations
from kiosk.languages import NATIVE_NAMES
from screens.common.widgets import Choice
from screens.lobby.base import Line, VisitorScreen, sentences
from screens.lobby.guide import language_line, numbered

HEADING = N_("Choose your language")


class LanguageScreen(VisitorScreen):
    def compose(self) -> ComposeResult:
        languages = self.terminal.settings.languages
        with Vertical(id="language"):
            yield Label(self.terminal.settings.centre_name, id="centre")
            yield Label(translations(languages[0]).gettext(HEADING), id="heading")
            with Grid(id="languages"):
                for number, lang in enumerate(languages, 1):
                    yield Choice(numbered(number, NATIVE_NAMES[lang]), id=f"lang-{lang}", classes="language")
            with Horizontal(id="staff-bar"):
                yield Button(translations(self.terminal.settings.main_language).gettext("Staff"), id="staff")

    def on_mount(self) -> None:
        self._turn = 0
        self.set_interval(3.0, self._next_heading)

    def _next_heading(self) -> None:
        languages = self.terminal.settings.languages
        self._turn = (self._turn + 1) % len(languages)
        self.query_one("#heading", Label).update(translations(languages[self._turn]).gettext(HEADING))

    def on_mouse_down(self, event: MouseDown) -> None:
        self.terminal.guide.touch_down(event.button)

    def on_mouse_up(self) -> None:
        self.terminal.guide.touch_up()

    @on(Button.Pressed, ".language")
    def _chosen(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        if self.terminal.guide.tap_ends_a_hold():
            return
        self.terminal.choose_language(event.button.id.removeprefix("lang-"))

    @on(Button.Pressed, "#staff")
    def _staff(self) -> None:
        self.terminal.ask_staff_pin()

    def speech(self) -> list[Line]:
        """Each language's heading and key, in its own voice."""
        lines: list[Line] = []
        for number, lang in enumerate(self.terminal.settings.languages, 1):
            text, _ = language_line(lang, number)
            lines.append((sentences(translations(lang).gettext(HEADING), text), lang))
        return lines
