"""The optional priority step: the legal categories; the document is shown at the window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from screens.common.terminal import TerminalPart
from screens.common.widgets import Choice
from screens.lobby.need import ChoiceScroll

if TYPE_CHECKING:
    from screens.lobby.app import LobbyApp  # noqa: F401 (the typed base below)


class PriorityScreen(TerminalPart["LobbyApp"], ModalScreen[str | None]):
    """Dismisses with the chosen category's code, or "" for none."""

    def compose(self) -> ComposeResult:
        lobby = self.terminal
        with Vertical(id="priority-dialog", classes="dialog"):
            yield Label(self.gettext("Priority rights"), classes="dialog-title")
            yield Label(
                self.gettext("The law gives priority to these visitors. Show your document at the window.")
            )
            with ChoiceScroll():
                for category in lobby.service.catalogue.priority:
                    yield Choice(
                        category.name(lobby.lang), id=f"priority-{category.code}", classes="category"
                    )
                yield Choice(self.gettext("No priority right"), id="priority-none")

    @on(Button.Pressed, ".category")
    def _chosen(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.dismiss(event.button.id.removeprefix("priority-"))

    @on(Button.Pressed, "#priority-none")
    def _none(self) -> None:
        self.dismiss("")
