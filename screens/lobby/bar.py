"""The bar under the visitor's choices: back, read aloud, larger text, priority and interpreter."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button

from kiosk.i18n import translations


class ActionBar(Horizontal):
    def __init__(self, lang: str, back: bool = True, options: bool = False) -> None:
        super().__init__(id="bar")
        self.lang = lang
        self.back = back
        self.options = options

    def compose(self) -> ComposeResult:
        t = translations(self.lang)
        if self.back:
            yield Button(t.gettext("Back"), id="back")
        if self.options:
            yield Button("", id="priority")
            yield Button("", id="interpreter")
        yield Button(t.gettext("Read aloud"), id="read-aloud")
        yield Button(t.gettext("Larger text"), id="larger")
