"""The kiosk's dialogs: "are you still there?" before a reset, calm notices, and a notice with an
offer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from screens.common.terminal import TerminalPart
from screens.lobby.base import Line, Spoken, sentences

if TYPE_CHECKING:
    from screens.lobby.app import LobbyApp  # noqa: F401 (the typed base below)


class Dialog(TerminalPart["LobbyApp"], Spoken):
    """A lobby dialog: said when it comes on top with speech or guidance on, in the visitor's
    language."""

    automatic = True

    def words(self) -> list[str]:
        return []

    def speech(self) -> list[Line]:
        return [(sentences(*self.words()), self.terminal.lang)]


class IdleScreen(Dialog, ModalScreen[bool]):
    """Counts down; dismisses True when the visitor continues. The app resets when time is up."""

    def __init__(self, title: str, template: str, button: str, seconds: int, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline
        self.title_text = title
        self.template = template
        self.button = button
        self.seconds = seconds

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label(self.template.format(seconds=self.seconds), id="countdown")
            yield Button(self.button, id="continue", variant="success")

    def count(self, seconds: int) -> None:
        self.seconds = seconds
        self.query_one("#countdown", Label).update(self.template.format(seconds=seconds))

    def words(self) -> list[str]:
        return [self.title_text, self.template.format(seconds=self.seconds)]

    @on(Button.Pressed, "#continue")
    def _continue(self) -> None:
        self.dismiss(True)


class NoticeScreen(Dialog, ModalScreen[None]):
    """A short message and one button."""

    def __init__(self, message: str, button: str) -> None:
        super().__init__()
        self.message = message
        self.button = button

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.message, id="notice", markup=False)
            yield Button(self.button, id="ok", variant="primary")

    def words(self) -> list[str]:
        return [self.message]

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.dismiss(None)


class OfferScreen(Dialog, ModalScreen[bool]):
    """A short message with an offer: dismisses True when the visitor takes it, False to go back."""

    def __init__(self, message: str, offer: str, back: str) -> None:
        super().__init__()
        self.message = message
        self.offer = offer
        self.back = back

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.message, id="notice", markup=False)
            yield Button(self.offer, id="offer", variant="success")
            yield Button(self.back, id="decline", variant="primary")

    def words(self) -> list[str]:
        return [self.message, self.offer, self.back]

    @on(Button.Pressed, "#offer")
    def _take(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#decline")
    def _decline(self) -> None:
        self.dismiss(False)
