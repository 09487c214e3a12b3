"""Spoken guidance (EN 301 549 5.1.3): the lobby kiosk for a visitor who cannot see the screen.

How it starts: the star key ("*") or the plus key ("+") of the keypad, or a touch held on the first
screen for `guide_hold_seconds` (a touchscreen that turns a long press into a right click counts too).
While nobody touches the first screen, how to start it is said in every language, each in its own
voice, every `guide_hint_seconds`.

Then: every screen and dialog is spoken when it comes on top (its choices numbered, with their hints
and states, and which keys to press; the needs by their names only, each need's hint is heard when
it is picked: nine needs with their hints took about a minute); a digit 1-9 picks a numbered choice
and speaks it, Enter takes the choice picked, "0" (and Tab, the arrows) moves to the next button and
speaks it, "-" or Backspace goes back, "*" or "+" says the screen again; the dot key picks "I have
an appointment" (the tenth need, with nine departments, has no digit). Before a ticket is issued
the visitor hears what was chosen and confirms with Enter. The ticket is read in full, the
inactivity warning and the reset are spoken. A new answer stops the words still being spoken.
Guidance ends when the kiosk starts over.

Digits, Enter and the back key work without guidance too (a plain numeric keypad drives the kiosk).
The keypad sends plain characters with Num Lock on (what a terminal sends for "1" and for keypad 1 is
the same; its Enter comes as a carriage return, or from some terminals, tmux for one, as a newline);
terminals speaking the kitty keyboard protocol send the keypad's own names, taken too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button

from kiosk.domain.languages import NATIVE_NAMES
from kiosk.presentation.i18n import N_, translations
from screens.common.widgets import Choice
from screens.lobby.base import Line, Spoken, sentences

if TYPE_CHECKING:
    from screens.lobby.app import LobbyApp

START_KEYS = frozenset({"asterisk", "multiply", "plus", "add"})
BACK_KEYS = frozenset({"minus", "subtract", "backspace"})
NEXT_KEYS = frozenset({"0"})
# The keypad's dot (a comma on some layouts): "I have an appointment", whatever its place in the list
# (a tenth choice has no digit of its own).
APPOINTMENT_KEYS = frozenset({"full_stop", "decimal", "comma", "separator"})
# The keypad's Enter arrives as a newline (ctrl+j) from some terminals (tmux, for one); a button
# takes a plain Enter itself.
ENTER_KEYS = frozenset({"enter", "ctrl+j"})
DIGITS = "123456789"

HINT = N_("For speech, press star or hold the screen.")
# The first screen's list names each language's key only (seven in about 17 s); the Enter is said
# once a digit picked the language, in its voice (`PICKED`).
PRESS = N_("For {language}, press {number}.")
PICKED = N_("{language}: press Enter.")
KEYS = N_(
    "Press a number, then Enter. Zero moves to the next button. The minus key goes back. "
    "The star key says this again."
)
APPOINTMENT_KEY = N_("Press the dot key, then Enter.")


def numbered(number: int, name: str) -> str:
    """A choice's name with its key (only 1-9 have a key of their own)."""
    return f"{number}. {name}" if 1 <= number <= len(DIGITS) else name


def likely_first(main: str, languages: Sequence[str]) -> list[str]:
    """The languages in the order the first screen speaks them: the centre's main language, whose
    visitors come most, then the others as the screen lists them (all seven take about 20 s)."""
    return [main, *(lang for lang in languages if lang != main)] if main in languages else list(languages)


def language_line(lang: str, number: int) -> Line:
    """How to choose `lang`, in its own words and voice."""
    return translations(lang).gettext(PRESS).format(language=NATIVE_NAMES[lang], number=number), lang


def language_picked(lang: str) -> Line:
    """`lang` picked by its digit (or reached with the next key): Enter takes it, in its own voice."""
    return translations(lang).gettext(PICKED).format(language=NATIVE_NAMES[lang]), lang


class Guide:
    """The lobby app's spoken guidance: its state, and what the keys, the clock and the screens
    coming on top make it say."""

    def __init__(self, app: LobbyApp) -> None:
        self.app = app
        self.on = False
        self.last_hint = app.monotonic()
        self.pressed_at: float | None = None  # a touch on the first screen, not yet released
        self.held = False  # guidance was started by a touch still held
        self.released_at: float | None = None  # ... and let go then: the tap it ends is no choice
        self.picked: Widget | None = None  # the choice of the last digit (a closed one takes no focus)

    # Speaking ---------------------------------------------------------------------------------

    def say(self, lines: Sequence[Line], interrupt: bool = True) -> None:
        """Each line in its language's voice; first, the words still being spoken are stopped."""
        speaker = self.app.speaker
        if interrupt:
            speaker.hush()
        for text, lang in lines:
            speaker.say(text, lang)

    def gettext(self, message: str) -> str:
        return translations(self.app.lang).gettext(message)

    def screen_lines(self, screen: Screen[object], intro: bool = False) -> list[Line]:
        """What `screen` says; `intro`, in guided mode: with the keys to press."""
        if isinstance(screen, Spoken):
            lines = screen.intro() if intro and self.on else screen.speech()
        else:  # the staff PIN dialog (shared by the terminals): its title, in the centre's language
            from screens.common.pin import PinScreen

            if not isinstance(screen, PinScreen):
                return []
            lines = [(screen.title_text, self.app.settings.main_language)]
        if intro and self.on:
            from screens.lobby.checkin import CheckInScreen
            from screens.lobby.language import LanguageScreen

            if isinstance(screen, LanguageScreen | CheckInScreen):
                pass  # each language's line says its key; the check-in says how to type the code
            elif numbered_choices(screen):
                lines.append((self.gettext(KEYS), self.app.lang))
            elif screen.focused is not None:
                lines.append(self.describe(screen.focused))
        return lines

    def describe(self, widget: Widget) -> Line:
        """A button as heard: its number, name, hint and state."""
        app = self.app
        lang = app.lang
        widget_id = widget.id or ""
        if widget_id.startswith("lang-"):
            return language_picked(widget_id.removeprefix("lang-"))
        chosen, not_chosen = self.gettext("Chosen"), self.gettext("Not chosen")
        if widget_id == "interpreter":
            name = self.gettext("I need a sign-language interpreter")
            return sentences(name, chosen if app.interpreter else not_chosen), lang
        if widget_id == "priority":
            if app.priority:
                category = app.service.catalogue.priority_category(app.priority).name(lang)
                return sentences(self.gettext("Priority: {category}").format(category=category)), lang
            return sentences(self.gettext("I have a priority right"), not_chosen), lang
        if widget_id == "larger":
            return sentences(app.larger_text(), chosen if app.large else not_chosen), lang
        if isinstance(widget, Choice):
            state = ""
            if widget_id.startswith("priority-"):
                code = widget_id.removeprefix("priority-")
                state = chosen if (code == "none" and not app.priority) or code == app.priority else ""
            return sentences(widget.plain, state), lang
        if isinstance(widget, Button):
            return sentences(str(widget.label)), lang
        return "", lang

    # What makes it speak ----------------------------------------------------------------------

    def hint(self, now: float) -> None:
        """On the first screen, untouched for a while: how to start guidance, in every language."""
        every = self.app.settings.guide_hint_seconds
        if self.on or not every or now - max(self.app.last_input, self.last_hint) < every:
            return
        self.last_hint = now
        settings = self.app.settings
        languages = likely_first(settings.main_language, settings.languages)
        self.say([(translations(lang).gettext(HINT), lang) for lang in languages], False)

    def touch_down(self, button: int) -> None:
        """A touch on the first screen: held `guide_hold_seconds` (`holding`), or reported as a right
        click (touchscreens that turn a long press into one), it starts the guidance."""
        self.pressed_at = None if self.on else self.app.monotonic()
        if button == 3 and not self.on:
            self.start()
            self.held = True

    def touch_up(self) -> None:
        self.pressed_at = None
        if self.held:
            self.held = False
            self.released_at = self.app.monotonic()

    def holding(self, now: float) -> None:
        """Each tick: a touch held long enough on the first screen starts the guidance."""
        from screens.lobby.language import LanguageScreen

        if self.pressed_at is not None and now - self.pressed_at >= self.app.settings.guide_hold_seconds:
            self.pressed_at = None
            if isinstance(self.app.screen, LanguageScreen) and not self.on:
                self.start()
                self.held = True

    def tap_ends_a_hold(self) -> bool:
        """True for the tap that ends the touch which started the guidance (it chooses nothing)."""
        released, self.released_at = self.released_at, None
        return released is not None and self.app.monotonic() - released < 1.0

    def start(self) -> None:
        self.on = True
        self.picked = None
        screen = self.app.screen
        if isinstance(screen, Spoken):
            screen.spoken_once = True  # heard in full below, not again when its first refresh is done
        from screens.lobby.language import LanguageScreen

        lines = (
            []
            if isinstance(screen, LanguageScreen)
            else [(self.gettext("Spoken guidance is on."), self.app.lang)]
        )
        self.say(lines + self.screen_lines(screen, intro=True))

    def stop(self) -> None:
        """Guidance off (the kiosk starts over); the hint waits its whole interval again."""
        self.on = False
        self.picked = None
        self.last_hint = self.app.monotonic()

    def shown(self, screen: Screen[object]) -> None:
        """`screen` came on top (or back on top, after a dialog)."""
        app = self.app
        if not isinstance(screen, Spoken) or screen is not app.screen or app.issuing:
            return
        first, back = not screen.spoken_once, screen.covered
        screen.spoken_once, screen.covered = True, False
        if self.on:
            if not screen.spoken_on_show:
                return
            if first:
                self.say(self.screen_lines(screen, intro=True))
            elif back and screen.focused is not None:  # after a dialog: where the visitor was, its state
                self.say([self.describe(screen.focused)])
        elif first and screen.automatic and app.settings.speech:
            self.say(self.screen_lines(screen))

    def focus_moved(self) -> None:
        if self.on and self.app.screen.focused is not None:
            self.picked = None
            self.say([self.describe(self.app.screen.focused)])

    def key(self, key: str) -> bool:
        """A key no button took; True when it was the guidance's (or the keypad's)."""
        app = self.app
        screen = app.screen
        if not isinstance(screen, Spoken):  # the staff PIN dialog keeps its digits
            return False
        if key in START_KEYS:
            if self.on:
                self.say(self.screen_lines(screen, intro=True))
            else:
                self.start()
            return True
        if key in BACK_KEYS:
            app.go_back()
            return True
        if key in NEXT_KEYS:
            app.action_next()
            return True
        if len(key) == 1 and key in DIGITS:
            self.pick(screen, int(key))
            return True
        if key in APPOINTMENT_KEYS:
            from screens.lobby.need import NeedScreen

            if isinstance(screen, NeedScreen):
                return screen.turn_to("appointment", lambda choice: self.take(screen, choice))
        if key in ENTER_KEYS:
            if self.picked is not None:  # a closed choice: why, again
                self.say([self.describe(self.picked)])
                return True
            focused = screen.focused
            if isinstance(focused, Button):
                focused.press()
                return True
        return False

    def pick(self, screen: Screen[object], number: int) -> None:
        from screens.lobby.need import MenuScreen

        choices = numbered_choices(screen)
        shown = screen
        if isinstance(screen, MenuScreen):  # its choices may come in pages: the key finds its page
            ident = screen.key_choice(number)
            if ident is not None and screen.turn_to(ident, lambda choice: self.take(shown, choice)):
                return
            choices = []
        if number > len(choices):
            if self.on:
                self.say(
                    [(self.gettext("There is no choice {number}.").format(number=number), self.app.lang)]
                )
            return
        self.take(screen, choices[number - 1])

    def take(self, screen: Screen[object], choice: Choice) -> None:
        """`choice` picked by its key: focused (Enter then presses it) and heard; a closed one is
        heard only."""
        if choice.focusable:
            self.picked = None
            screen.set_focus(choice)  # at once (`focus()` waits a turn): an Enter right after takes it
        else:  # closed: heard, not focused; Enter then takes nothing
            screen.set_focus(None)
            self.picked = choice
        if self.on:
            self.say([self.describe(choice)])


def numbered_choices(screen: Screen[object]) -> list[Choice]:
    """The screen's choices in their keys' order (a page's "more" is reached by the next key)."""
    return [c for c in screen.query(Choice).results(Choice) if c.id != "more"]


def screen_shown(screen: Spoken) -> None:
    """A `Spoken` screen came on top: the guide speaks it once its focus is in place."""
    assert isinstance(screen, Screen)
    app = screen.app
    guide = getattr(app, "guide", None)
    if isinstance(guide, Guide):
        screen.call_after_refresh(guide.shown, screen)
