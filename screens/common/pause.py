"""Why a window goes on a break: one big button per reason of the catalogue, chosen by a tap, by
its digit, or by the arrows and Enter. Escape or Cancel leaves the window as it was."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from screens.common.plain import plain
from screens.common.terminal import TerminalApp, TerminalPart


class PauseScreen(TerminalPart[TerminalApp], ModalScreen[str | None]):
    """Dismisses with the code of the reason chosen, or None (Cancel or Escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", show=False),
        Binding("down,right", "app.focus_next", show=False),
        Binding("up,left", "app.focus_previous", show=False),
    ]

    def __init__(self, window: str) -> None:
        super().__init__()
        self.window = window
        self.codes: list[str] = []

    def compose(self) -> ComposeResult:
        lang = self.terminal.lang
        reasons = self.terminal.service.catalogue.pause_reason
        self.codes = [r.code for r in reasons]
        with Vertical(classes="dialog", id="pause-dialog"):
            title = self.gettext("Break at window {window}").format(window=self.window)
            yield Label(title, classes="dialog-title", markup=False)
            yield Label(self.gettext("Choose the reason: nobody is called here until you resume."))
            with Grid(id="pause-reasons"):
                for digit, reason in enumerate(reasons, start=1):
                    name = reason.name(lang)
                    label = f"{digit}  {name}" if digit < 10 else name
                    yield Button(plain(label), id=f"reason-{reason.code}", classes="pause-reason")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.gettext("Cancel"), id="cancel", variant="error")

    def on_mount(self) -> None:
        self.query(".pause-reason").first().focus()

    @on(Button.Pressed, ".pause-reason")
    def _chosen(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.dismiss(event.button.id.removeprefix("reason-"))

    def on_key(self, event: events.Key) -> None:
        """A reason's digit chooses it."""
        if event.character and event.character in "123456789":
            index = int(event.character) - 1
            if index < len(self.codes):
                event.stop()
                self.dismiss(self.codes[index])

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
