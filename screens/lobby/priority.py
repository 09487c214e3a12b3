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
from screens.lobby.base import Line, Spoken, sentences
from screens.lobby.guide import numbered
from screens.lobby.need import ChoiceScroll

if TYPE_CHECKING:
    from screens.lobby.app import LobbyApp  # noqa: F401 (the typed base below)


class PriorityScreen(TerminalPart["LobbyApp"], Spoken, ModalScreen[str | None]):
    """Dismisses with the chosen category's code, or "" for none."""

    def compose(self) -> ComposeResult:
        lobby = self.terminal
        with Vertical(id="priority-dialog", classes="dialog"):
            yield Label(self.gettext("Priority rights"), classes="dialog-title")
            yield Label(
                self.gettext("The law gives priority to these visitors. Show your document at the window.")
            )
            with ChoiceScroll():
                categories = lobby.service.catalogue.priority
                for number, category in enumerate(categories, 1):
                    yield Choice(
                        numbered(number, category.name(lobby.lang)),
                        id=f"priority-{category.code}",
                        classes="category",
                    )
                none = numbered(len(categories) + 1, self.gettext("No priority right"))
                yield Choice(none, id="priority-none")

    @on(Button.Pressed, ".category")
    def _chosen(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.dismiss(event.button.id.removeprefix("priority-"))

    @on(Button.Pressed, "#priority-none")
    def _none(self) -> None:
        self.dismiss("")

    def speech(self) -> list[Line]:
        """The title, why, and each numbered choice with the one chosen now said so."""
        guide = self.terminal.guide
        choices = [guide.describe(c)[0] for c in self.query(Choice).results(Choice)]
        title = self.gettext("Priority rights")
        why = self.gettext("The law gives priority to these visitors. Show your document at the window.")
        return [(sentences(title, why, *choices), self.terminal.lang)]
