"""The first screen: each language by its own name; its own words (the heading, Read aloud and the
staff's key) are in one language at a time and turn through the seven together every 3 s, from the
centre's main language, in which the screen opens: never an English heading over Ukrainian buttons.
Read aloud says each language's key in its own voice, the main language first; the staff's key is
the way out."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.events import MouseDown
from textual.widgets import Button, Label

from kiosk.domain.languages import NATIVE_NAMES
from kiosk.presentation.i18n import N_, translations
from screens.common.widgets import Choice
from screens.lobby.base import Line, VisitorScreen
from screens.lobby.guide import language_line, likely_first, numbered
from screens.lobby.plan import best_grid, wrapped

HEADING = N_("Choose your language")
TURN_SECONDS = 3.0


class LanguageScreen(VisitorScreen):
    turn = 0  # the language of the screen's own words: the centre's main language first (`turning`)

    def compose(self) -> ComposeResult:
        settings = self.terminal.settings
        languages = settings.languages
        width, height = self.composed_for = self.app.size.width, self.app.size.height
        roomy = height >= 30
        self.set_class(roomy, "-roomy")
        headings = [settings.centre_name, *(translations(lang).gettext(HEADING) for lang in self.turning())]
        top = (wrapped(settings.centre_name, width - 2) or 1) + max(
            wrapped(text, width - 2) or 1 for text in headings[1:]
        )  # the heading keeps its rows whichever language it shows
        room = height - top - (2 if roomy else 0) - 3 - (2 if roomy else 0)
        names = [numbered(number, NATIVE_NAMES[lang]) for number, lang in enumerate(languages, 1)]
        plan = best_grid(names, width - 8, room, (2, 3, 1, 4), gutter=1 if roomy else 0)
        t = translations(self.turning()[self.turn])  # the centre's main language until it turns
        with Vertical(id="language"):
            yield Label(settings.centre_name, id="centre", markup=False)
            heading = Label(t.gettext(HEADING), id="heading")
            heading.styles.height = (
                top - (wrapped(settings.centre_name, width - 2) or 1) + (2 if roomy else 0)
            )
            yield heading
            grid = Grid(id="languages")
            if plan is not None:
                grid.set_styles(plan.css())
            with grid:
                for name, lang in zip(names, languages, strict=True):
                    yield Choice(name, id=f"lang-{lang}", classes="language")
            with Horizontal(id="staff-bar"):
                yield Button(t.gettext("Read aloud"), id="read-aloud")
                yield Button(t.gettext("Staff"), id="staff")

    def on_resize(self) -> None:
        if getattr(self, "composed_for", None) != (self.app.size.width, self.app.size.height):
            self.redraw_later()

    def on_mount(self) -> None:
        self.set_interval(TURN_SECONDS, self._next_heading)

    def turning(self) -> list[str]:
        """The languages the screen's own words turn through: the centre's main language, then the
        others in the screen's order."""
        settings = self.terminal.settings
        return likely_first(settings.main_language, [str(lang) for lang in settings.languages])

    def _next_heading(self) -> None:
        """The heading, Read aloud and the staff's key in the next language, all three together."""
        languages = self.turning()
        self.turn = (self.turn + 1) % len(languages)
        t = translations(languages[self.turn])
        for heading in self.query("#heading").results(Label):  # none while the screen is redrawn
            heading.update(t.gettext(HEADING))
        for ident, text in (("read-aloud", "Read aloud"), ("staff", "Staff")):
            for button in self.query(f"#{ident}").results(Button):
                button.label = t.gettext(text)

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
        self.terminal.exit_pin.ask()

    def speech(self) -> list[Line]:
        """Each language's key, in its own voice ("Українська: натисніть 2."): the
        centre's main language first, then the others (`likely_first`)."""
        settings = self.terminal.settings
        languages = [str(lang) for lang in settings.languages]
        return [
            language_line(lang, languages.index(lang) + 1)
            for lang in likely_first(settings.main_language, languages)
        ]
