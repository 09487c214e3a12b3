"""PIN entry for staff, with a keypad for touchscreens; the PIN itself is checked by the caller."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label


class PinScreen(ModalScreen[str | None]):
    """Asks for a PIN; dismisses with the digits typed, or None when cancelled (Cancel or Escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    DEFAULT_CSS = """
    PinScreen { align: center middle; }
    PinScreen > Vertical {
        width: 50; max-width: 100%; height: auto; padding: 1 2;
        border: thick $kiosk-white; background: $kiosk-black;
    }
    PinScreen Label { width: 100%; content-align: center middle; }
    PinScreen #pin-error { color: $kiosk-gold; }
    PinScreen Grid { grid-size: 3; grid-gutter: 0 1; height: auto; }
    PinScreen Grid Button { width: 100%; min-width: 6; height: 3; }
    """

    def __init__(self, title: str, cancel: str = "Cancel", ok: str = "OK", error: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.cancel_text = cancel
        self.ok_text = ok
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, id="pin-title", markup=False)
            yield Input(password=True, restrict=r"\d*", max_length=12, id="pin-input")
            yield Label(self.error, id="pin-error", markup=False)
            with Grid():
                for key in "123456789":
                    yield Button(key, id=f"key-{key}", classes="key")
                yield Button(self.cancel_text, id="pin-cancel", variant="error")
                yield Button("0", id="key-0", classes="key")
                yield Button(self.ok_text, id="pin-ok", variant="success")

    @on(Button.Pressed, ".key")
    def _digit(self, event: Button.Pressed) -> None:
        field = self.query_one(Input)
        field.value = (field.value + str(event.button.label))[:12]

    @on(Button.Pressed, "#pin-ok")
    @on(Input.Submitted)
    def _ok(self) -> None:
        self.dismiss(self.query_one(Input).value)

    @on(Button.Pressed, "#pin-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
