"""Check-in for a booked visit: the visitor types the booking code on a large keypad of the code's
17 letters (`kiosk.domain.codes.ALPHABET`) and all ten digits, sees it in its six places, and checks
in with OK.

The booking's number code (9 digits, `kiosk.domain.codes`, printed under the code) types on the
same keys or on a numeric keypad: digits typed with no letter before them may grow to nine, shown in
nine places grouped in threes as on the slip; a digit no code has types nothing after a letter.
Spoken guidance says so when the screen opens: a blind visitor checks in with the 9 digits and
Enter. With guidance on, the minus key deletes the last character, and each typed letter is said as
the visitor's readers name it (uk "ер" for P, as the hall's calls say it).

The kiosk's barcode scanner is a keyboard: a scanned booking slip types its code (the slip's QR holds
the bare code, `printer.slip`) and then Enter, which checks in at once. A physical keyboard types the
same way, case-blind, Cyrillic look-alikes read as their Latin letter. On this screen digits type
(the spoken guidance's digit keys pick choices elsewhere); Backspace deletes the last character and,
with nothing typed, goes back like the minus key. Enter checks in after typed characters or a whole
code, and otherwise presses the focused key after a move of the focus (a visitor walking the keypad
with Tab)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.events import Click, DescendantFocus
from textual.events import Key as KeyEvent
from textual.widgets import Button, Label, Static

from kiosk.domain.codes import ALPHABET, CODE_LENGTH, NUMBER_LENGTH, code_character, parse_code
from kiosk.domain.tickets import spoken_prefix
from kiosk.presentation.i18n import N_
from screens.lobby.bar import ActionBar
from screens.lobby.base import Line, VisitorScreen
from screens.lobby.plan import Grid as Plan
from screens.lobby.plan import smallest_grid, wrapped

KEY_COLUMNS = (5, 6, 10)  # the keypad's columns, the fewest (the largest keys) that fit first
PLACES_ROWS = 3
PLACES_GAP = 1  # the blank row above the places (`#places.-apart`): they do not touch the words
PLACE_WIDTH = 7  # a place's cells, fewer where nine do not fit
GROUP = 3  # a number code's digits in threes, as printed ("032 688 803")
GROUP_GAP = 3  # the cells between two groups (1 between two places)
EMPTY = "·"


LETTERS = "".join(c for c in ALPHABET if c.isalpha())
DIGITS = "0123456789"  # every digit: a number code has them all
KEYPAD = N_(
    "On the keypad, type the 9 digits of the number code from your booking, then press Enter. "
    "The minus key deletes the last digit. The star key says this again."
)


def key_rows(columns: int) -> int:
    """The keypad's rows in `columns` columns: the letters, then the digits from a row of their own."""
    return -(-len(LETTERS) // columns) + -(-len(DIGITS) // columns)


def keypad(width: int, room: int) -> tuple[int, int]:
    """The keypad's columns and each key's rows for `width` × `room` cells: keys at least 3 rows
    high (5 where there is room), as few columns as fit."""
    for columns in KEY_COLUMNS:
        if key_rows(columns) * 3 <= room:
            return columns, min(5, room // key_rows(columns))
    return KEY_COLUMNS[-1], 3


def place_cells(width: int) -> int:
    """A place's width on a screen `width` cells wide: as wide as nine places in three groups fit."""
    groups = NUMBER_LENGTH // GROUP
    gaps = (groups - 1) * GROUP_GAP + (NUMBER_LENGTH - groups) * 1 + 2  # and a cell at either end
    return max(3, min(PLACE_WIDTH, (width - gaps) // NUMBER_LENGTH))


class Key(Button):
    """A key of the keypad: every tap types, also a quick second tap on the same key (a button
    takes no tap during its pressed effect, which would lose the second J of "JJT")."""

    async def _on_click(self, event: Click) -> None:
        event.stop()
        self.press()


class CheckInScreen(VisitorScreen):
    """The code typed so far is `code`; OK (or Enter after typing, or a scan) checks in."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,ctrl+j", "enter", show=False, priority=True),
    ]

    def __init__(self, code: str = "", submit: bool = False) -> None:
        super().__init__()
        self.code = code
        self.submit_at_once = submit  # a slip scanned on another screen brought the visitor here
        self.keyboard = False  # the last input was typed (a keyboard or the scanner), not a focus move
        self.sent = False  # the whole code was sent and answered: the next character starts a new one

    def instruction(self) -> str:
        return self.gettext(
            "Type the 6 characters of your booking code, or the 9 digits of the number code under "
            "it, then press “Check in”. Or hold your slip's QR code under the scanner."
        )

    def action_labels(self) -> list[tuple[str, str, str]]:
        return [
            ("key-delete", self.gettext("Delete"), "default"),
            ("key-clear", self.gettext("Clear"), "default"),
            ("key-ok", self.gettext("Check in"), "success"),
        ]

    def compose(self) -> ComposeResult:
        width, height = self.app.size.width, self.app.size.height
        roomy = height >= 30
        self.set_class(roomy, "-roomy")
        bar = ActionBar()
        bar_plan = smallest_grid([t for t, _ in bar.labels().values()], width - 2, (3, 2, 1))
        if bar_plan is not None:
            bar.set_styles(bar_plan.css() + f"height: {bar_plan.total};")
        heading = self.gettext("I have an appointment")
        top = sum(wrapped(t, width - 2) or 1 for t in (heading, self.instruction())) + (1 if roomy else 0)
        actions = self.action_labels()
        action_plan = smallest_grid([t for _, t, _ in actions], width - 4, (3, 1)) or Plan(3, (3,), 0)
        fixed = top + PLACES_ROWS + action_plan.total + (bar_plan.total if bar_plan else 3)
        room = height - fixed - (2 if roomy else 0)
        # A blank row between the words and the code's places, where the keys keep their least height
        gap = PLACES_GAP if room - PLACES_GAP >= key_rows(KEY_COLUMNS[-1]) * 3 else 0
        columns, key_height = keypad(width - 4, room - gap)
        rows = key_rows(columns)
        with Vertical(id="checkin"):
            yield Label(heading, id="heading", markup=False)
            yield Label(self.instruction(), id="subheading", markup=False)
            with Horizontal(id="places", classes="-apart" if gap else ""):
                place_width = place_cells(width)
                for index in range(NUMBER_LENGTH):  # the last three for a number code only
                    place = Static(EMPTY, classes="place", id=f"place-{index}")
                    if place_width < PLACE_WIDTH:
                        place.set_styles(f"width: {place_width};")
                    self.show_place(place, index)  # drawn with the code kept (larger text switched)
                    yield place
            keys = Grid(id="keys")
            keys.set_styles(f"grid-size: {columns}; grid-rows: {' '.join([str(key_height)] * rows)};")
            with keys:
                for character in LETTERS:
                    yield Key(character, id=f"key-{character}", classes="key")
                for _ in range(-len(LETTERS) % columns):  # the digits begin a row
                    yield Static(classes="key-gap")
                for character in DIGITS:
                    yield Key(character, id=f"key-{character}", classes="key")
            row = Grid(id="key-actions")
            row.set_styles(action_plan.css() + f"height: {action_plan.total};")
            with row:
                for ident, text, variant in actions:
                    yield Button(text, id=ident, variant=variant)  # type: ignore[arg-type]
        yield bar

    def on_mount(self) -> None:
        self.show_code()
        if self.submit_at_once:
            self.call_after_refresh(self.submit)

    def numeric(self) -> bool:
        """Whether the typed characters are a number code: digits only, and a digit no code has or
        more digits than a code."""
        code = self.code
        return code.isdigit() and (len(code) > CODE_LENGTH or any(c not in ALPHABET for c in code))

    def room(self, code: str) -> int:
        """How many characters `code` may grow to: a code's six, or nine while it is all digits."""
        return NUMBER_LENGTH if code.isdigit() else CODE_LENGTH

    def complete(self) -> bool:
        return len(self.code) == (NUMBER_LENGTH if self.numeric() else CODE_LENGTH) and (
            parse_code(self.code) is not None
        )

    def show_code(self) -> None:
        for index, place in enumerate(self.query(".place").results(Static)):
            self.show_place(place, index)

    def show_place(self, place: Static, index: int) -> None:
        """The code's character at `index` (or the empty mark), the next place marked; a number
        code's nine places in threes ("032 688 803")."""
        numeric = self.numeric()
        place.display = index < (NUMBER_LENGTH if numeric else CODE_LENGTH)
        place.update(self.code[index] if index < len(self.code) else EMPTY)
        place.set_class(index == len(self.code), "-next")
        place.set_class(numeric and index > 0 and index % GROUP == 0, "-group")

    # Typing ----------------------------------------------------------------------------------------

    def takes(self, character: str) -> bool:
        """Whether `character` (a key's, or a typed one in its stored form) types: any digit while
        the code may be a number code (nothing typed, only digits, or a code sent: a new one
        begins), a letter or digit of a code otherwise; a number code has no letters."""
        if self.sent:
            return character in ALPHABET or character in DIGITS
        if character in DIGITS:
            return character in ALPHABET or not self.code or self.code.isdigit()
        return character in ALPHABET and not self.numeric()

    def type_character(self, character: str) -> None:
        if not self.takes(character):  # a digit no code has after a letter, a letter in a number code
            return
        if len(self.code) >= self.room(self.code + character) or (self.sent and self.complete()):
            if not self.sent:
                return
            self.code = ""  # another slip scanned, or a new code typed, after a refusal
        self.sent = False
        self.code += character
        self.show_code()
        guide = self.terminal.guide
        if guide.on:
            if self.complete() and (self.numeric() or not self.code.isdigit()):
                self.terminal.guide.say(self.line(self.typed(), self.gettext("Press Enter to check in.")))
            else:
                guide.say([(self.said(character), self.terminal.lang)])

    def said(self, character: str) -> str:
        """A typed character as the visitor's readers name it (a digit as itself)."""
        return spoken_prefix(character, self.terminal.lang)

    def delete(self) -> None:
        self.code, self.sent = self.code[:-1], False
        self.show_code()

    def clear(self) -> None:
        self.code, self.sent = "", False
        self.show_code()

    def typed(self) -> str:
        said = " ".join(self.said(c) for c in self.code)
        return self.gettext("Your code: {code}").format(code=said) if self.code else ""

    def on_key(self, event: KeyEvent) -> None:
        """Characters of the code type (every digit, while it may be a number code); Backspace
        deletes (and minus, with guidance on); everything else is the app's (the guide's star key,
        its zero after letters, and Backspace or minus to go back when nothing is typed)."""
        if event.key == "backspace" and self.code:
            self.keyboard = True
            self.delete()
            event.stop()
            return
        if event.key in ("minus", "subtract") and self.code:
            if self.terminal.guide.on:  # the keypad's delete key
                self.keyboard = True
                self.delete()
                self.terminal.guide.say(self.line(self.typed() or self.gettext("Deleted.")))
            event.stop()  # otherwise a dash within a typed code: ignored
            return
        typed = (event.character or "") if event.is_printable else ""
        if len(typed) == 1 and typed in DIGITS and self.takes(typed):
            character: str | None = typed  # a number code may begin, or go on
        else:
            character = code_character(typed)
        if character is not None:
            self.keyboard = True
            self.type_character(character)
            event.stop()
        elif len(typed) == 1 and typed in DIGITS:  # a digit no code has, after letters
            event.stop()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        self.keyboard = False

    def action_enter(self) -> None:
        focused = self.focused
        if (
            self.complete()
            and not self.sent
            and (self.keyboard or focused is None or focused.has_class("key"))
        ):
            self.submit()  # a whole code: Enter checks in, even with a character key focused
        elif not self.keyboard and isinstance(focused, Button):
            focused.press()
        else:
            self.submit()

    @on(Button.Pressed, ".key")
    def _key(self, event: Button.Pressed) -> None:
        self.keyboard = False
        self.type_character(str(event.button.label))

    @on(Button.Pressed, "#key-delete")
    def _delete(self) -> None:
        self.keyboard = False
        self.delete()

    @on(Button.Pressed, "#key-clear")
    def _clear(self) -> None:
        self.keyboard = False
        self.clear()

    @on(Button.Pressed, "#key-ok")
    def _ok(self) -> None:
        self.submit()

    def submit(self) -> None:
        self.keyboard = False
        code = parse_code(self.code) if self.complete() else None
        if code is None:
            if self.numeric():
                self.terminal.say(self.gettext("Please type all 9 digits of your number code."))
            else:
                self.terminal.say(self.gettext("Please type all 6 characters of your code."))
            return
        self.sent = True
        self.terminal.checkins.start(code)

    def speech(self) -> list[Line]:
        """The heading, what to do, and the code typed so far."""
        return self.line(self.gettext("I have an appointment"), self.instruction(), self.typed())

    def intro(self) -> list[Line]:
        """Guided: the heading, how to type the number code on the keypad, and what is typed."""
        return self.line(self.gettext("I have an appointment"), self.gettext(KEYPAD), self.typed())
