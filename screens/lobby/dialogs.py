"""The kiosk's dialogs: "are you still there?" before a reset, calm notices, and a notice with an
offer. Each has a Read aloud button (the app's `read-aloud` handler speaks its `speech()`); their
buttons are laid out in as many rows as their texts need at the terminal's size."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from kiosk.presentation.i18n import translations
from screens.common.terminal import TerminalPart
from screens.lobby.base import Line, Spoken, sentences
from screens.lobby.plan import DIALOG_FRAME, dialog_width, smallest_grid

if TYPE_CHECKING:
    from screens.lobby.app import LobbyApp  # noqa: F401 (the typed base below)


def read_aloud(lang: str) -> tuple[str, str]:
    return "read-aloud", translations(lang).gettext("Read aloud")


R = TypeVar("R")


class Dialog(TerminalPart["LobbyApp"], Spoken, ModalScreen[R]):
    """A lobby dialog: its box as wide as the terminal allows, its buttons in planned rows; said
    when it comes on top with speech or guidance on, in the visitor's language."""

    automatic = True

    @property
    def large(self) -> bool:
        """Whether the visitor chose larger text: a wider box."""
        return self.terminal.large

    def box(self) -> Vertical:
        box = Vertical(classes="dialog")
        box.styles.width = dialog_width((self.app.size.width, self.app.size.height), self.large)
        return box

    def buttons(self, buttons: Sequence[tuple[str, str, str]]) -> ComposeResult:
        """A row (or rows) of buttons: id, text and variant each."""
        width = dialog_width((self.app.size.width, self.app.size.height), self.large) - DIALOG_FRAME
        plan = smallest_grid([text for _, text, _ in buttons], width, range(len(buttons), 0, -1))
        row = Grid(classes="dialog-buttons")
        if plan is not None:
            row.set_styles(plan.css() + f"height: {plan.total};")
        with row:
            for ident, text, variant in buttons:
                yield Button(text, id=ident, variant=variant)  # type: ignore[arg-type]

    def words(self) -> list[str]:
        return []

    def speech(self) -> list[Line]:
        return [(sentences(*self.words()), self.terminal.lang)]


class IdleScreen(Dialog[bool]):
    """Counts down; dismisses True when the visitor continues (Escape too: someone is there). The app
    resets when time is up."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "continue", show=False)]

    def __init__(
        self, title: str, template: str, button: str, seconds: int, deadline: float, lang: str = "en"
    ) -> None:
        super().__init__()
        self.lang = lang
        self.deadline = deadline
        self.title_text = title
        self.template = template
        self.button = button
        self.seconds = seconds

    def compose(self) -> ComposeResult:
        with self.box():
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield Label(self.template.format(seconds=self.seconds), id="countdown")
            yield from self.buttons(
                [("continue", self.button, "success"), (*read_aloud(self.lang), "default")]
            )

    def count(self, seconds: int) -> None:
        self.seconds = seconds
        for label in self.query("#countdown").results(Label):  # none yet: composed with the count
            label.update(self.template.format(seconds=seconds))

    def words(self) -> list[str]:
        return [self.title_text, self.template.format(seconds=self.seconds)]

    @on(Button.Pressed, "#continue")
    def action_continue(self) -> None:
        self.dismiss(True)


class NoticeScreen(Dialog[None]):
    """A short message and one button (Escape closes it as the button does)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "ok", show=False)]

    def __init__(self, message: str, button: str, lang: str = "en") -> None:
        super().__init__()
        self.lang = lang
        self.message = message
        self.button = button

    def compose(self) -> ComposeResult:
        with self.box():
            yield Label(self.message, id="notice", markup=False)
            yield from self.buttons([("ok", self.button, "primary"), (*read_aloud(self.lang), "default")])

    def words(self) -> list[str]:
        return [self.message]

    @on(Button.Pressed, "#ok")
    def action_ok(self) -> None:
        self.dismiss(None)


class OfferScreen(Dialog[bool]):
    """A short message with an offer: dismisses True when the visitor takes it, False to go back
    (Escape too)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "decline", show=False)]

    def __init__(self, message: str, offer: str, back: str, lang: str = "en") -> None:
        super().__init__()
        self.lang = lang
        self.message = message
        self.offer = offer
        self.back = back

    def compose(self) -> ComposeResult:
        with self.box():
            yield Label(self.message, id="notice", markup=False)
            yield from self.buttons(
                [("offer", self.offer, "success"), ("decline", self.back, "primary"),
                 (*read_aloud(self.lang), "default")]
            )  # fmt: skip

    def words(self) -> list[str]:
        return [self.message, self.offer, self.back]

    @on(Button.Pressed, "#offer")
    def _take(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#decline")
    def action_decline(self) -> None:
        self.dismiss(False)
