"""Check-in for a booked visit: the visitor types the booking code on a large keypad of the code's
22 characters (`kiosk.queue.bookings.ALPHABET`), sees it in its six places, and checks in with OK.

The kiosk's barcode scanner is a keyboard: a scanned booking slip types its code (the slip's QR holds
the bare code, `printer.slip`) and then Enter, which checks in at once. A physical keyboard types the
same way, case-blind, Cyrillic look-alikes read as their Latin letter. On this screen digits type
(the spoken guidance's digit keys pick choices elsewhere); Backspace deletes the last character and,
with nothing typed, goes back like the minus key. Enter checks in after typed characters, and presses
the focused key after a move of the focus (a guided visitor walking the keypad with Tab or zero)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.events import Click, DescendantFocus
from textual.events import Key as KeyEvent
from textual.widgets import Button, Label, Static

from kiosk.queue.bookings import ALPHABET, CODE_LENGTH, code_character
from screens.lobby.bar import ActionBar
from screens.lobby.base import Line, VisitorScreen
from screens.lobby.plan import Grid as Plan
from screens.lobby.plan import smallest_grid, wrapped

KEY_COLUMNS = (6, 8, 11)  # the keypad's columns, the fewest (the largest keys) that fit first
PLACES_ROWS = 3
EMPTY = "·"


LETTERS = "".join(c for c in ALPHABET if c.isalpha())
DIGITS = "".join(c for c in ALPHABET if c.isdigit())


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
            "Type the 6 characters of the code from your booking, then press “Check in”. Or hold "
            "the QR code of your booking slip under the scanner."
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
        top = sum(wrapped(t, width - 2) or 1 for t in (heading, self.instruction())) + (2 if roomy else 0)
        actions = self.action_labels()
        action_plan = smallest_grid([t for _, t, _ in actions], width - 4, (3, 1)) or Plan(3, (3,), 0)
        fixed = top + PLACES_ROWS + action_plan.total + (bar_plan.total if bar_plan else 3)
        columns, key_height = keypad(width - 4, height - fixed - (2 if roomy else 0))
        rows = key_rows(columns)
        with Vertical(id="checkin"):
            yield Label(heading, id="heading", markup=False)
            yield Label(self.instruction(), id="subheading")
            with Horizontal(id="places"):
                for index in range(CODE_LENGTH):
                    yield Static(EMPTY, classes="place", id=f"place-{index}")
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

    def show_code(self) -> None:
        for index, place in enumerate(self.query(".place").results(Static)):
            place.update(self.code[index] if index < len(self.code) else EMPTY)
            place.set_class(index == len(self.code), "-next")

    # Typing ----------------------------------------------------------------------------------------

    def type_character(self, character: str) -> None:
        if len(self.code) >= CODE_LENGTH:
            if not self.sent:
                return
            self.code = ""  # another slip scanned, or a new code typed, after a refusal
        self.sent = False
        self.code += character
        self.show_code()
        guide = self.terminal.guide
        if guide.on:
            if len(self.code) == CODE_LENGTH:
                self.terminal.guide.say(self.line(self.typed(), self.gettext("Press Enter to check in.")))
            else:
                guide.say([(character, self.terminal.lang)])

    def delete(self) -> None:
        self.code, self.sent = self.code[:-1], False
        self.show_code()

    def clear(self) -> None:
        self.code, self.sent = "", False
        self.show_code()

    def typed(self) -> str:
        return self.gettext("Your code: {code}").format(code=" ".join(self.code)) if self.code else ""

    def on_key(self, event: KeyEvent) -> None:
        """Characters of the code type; Backspace deletes; everything else is the app's (the guide's
        star and zero keys, and Backspace or minus to go back when nothing is typed)."""
        if event.key == "backspace" and self.code:
            self.keyboard = True
            self.delete()
            event.stop()
            return
        if event.key in ("minus", "subtract") and self.code:  # a dash within a code: ignored
            event.stop()
            return
        character = code_character(event.character or "") if event.is_printable else None
        if character is not None:
            self.keyboard = True
            self.type_character(character)
            event.stop()
        elif event.character and event.character in "12358":  # digits no code has: typed nothing
            event.stop()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        self.keyboard = False

    def action_enter(self) -> None:
        focused = self.focused
        if not self.keyboard and isinstance(focused, Button):
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
        if len(self.code) < CODE_LENGTH:
            self.terminal.say(self.gettext("Please type all 6 characters of your code."))
            return
        self.sent = True
        self.terminal.check_in(self.code)

    def speech(self) -> list[Line]:
        """The heading, what to do, and the code typed so far."""
        return self.line(self.gettext("I have an appointment"), self.instruction(), self.typed())
