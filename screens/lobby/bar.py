"""The bar under the visitor's choices: back, priority and interpreter, read aloud, larger text
(clearer text in a terminal).
A switch that is on shows it: a check mark and the selected style (class `-on`), not only words.
Its buttons are laid out in as many rows as their texts need (`screens.lobby.plan`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Button

from screens.common.plain import plain
from screens.common.terminal import TerminalPart

if TYPE_CHECKING:
    from screens.lobby.app import LobbyApp  # noqa: F401 (the typed base below)

ON = "✓ "


class ActionBar(TerminalPart["LobbyApp"], Grid):
    def __init__(self, back: bool = True, options: bool = False) -> None:
        super().__init__(id="bar")
        self.back = back
        self.options = options

    def labels(self) -> dict[str, tuple[str, bool]]:
        """Each button's id, text and whether it is on, in the bar's order."""
        lobby = self.terminal
        gettext = lobby.gettext
        found: dict[str, tuple[str, bool]] = {}
        if self.back:
            found["back"] = (gettext("Back"), False)
        if self.options:
            if lobby.priority:
                name = lobby.service.catalogue.priority_category(lobby.priority).name(lobby.lang)
                found["priority"] = (ON + gettext("Priority: {category}").format(category=name), True)
            else:
                found["priority"] = (gettext("I have a priority right"), False)
            if lobby.interpreter:
                found["interpreter"] = (ON + gettext("Sign-language interpreter: yes"), True)
            else:
                found["interpreter"] = (gettext("I need a sign-language interpreter"), False)
        found["read-aloud"] = (gettext("Read aloud"), False)
        found["larger"] = ((ON if lobby.large else "") + lobby.larger_text(), lobby.large)
        return found

    def compose(self) -> ComposeResult:
        for ident, (text, on) in self.labels().items():
            yield Button(plain(text), id=ident, classes="-on" if on else "")

    def show_state(self) -> None:
        """The buttons' texts and states again, after a choice."""
        for ident, (text, on) in self.labels().items():
            button = self.query_one(f"#{ident}", Button)
            button.label = plain(text)
            button.set_class(on, "-on")
