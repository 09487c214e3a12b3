"""The optional priority step: the legal categories; the document is shown at the window."""

from __future__ import annotations

from typing import cast

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from kiosk.i18n import translations
from screens.common.widgets import Choice
from screens.lobby.need import ChoiceScroll


class PriorityScreen(ModalScreen[str | None]):
    """Dismisses with the chosen category's code, or "" for none."""

    def compose(self) -> ComposeResult:
        from screens.lobby.app import LobbyApp

        kiosk = cast(LobbyApp, self.app)
        t = translations(kiosk.lang)
        with Vertical(id="priority-dialog", classes="dialog"):
            yield Label(t.gettext("Priority rights"), classes="dialog-title")
            yield Label(
                t.gettext("The law gives priority to these visitors. Show your document at the window.")
            )
            with ChoiceScroll():
                for category in kiosk.service.catalogue.priority:
                    yield Choice(
                        category.name(kiosk.lang), id=f"priority-{category.code}", classes="category"
                    )
                yield Choice(t.gettext("No priority right"), id="priority-none")

    @on(Button.Pressed, ".category")
    def _chosen(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.dismiss(event.button.id.removeprefix("priority-"))

    @on(Button.Pressed, "#priority-none")
    def _none(self) -> None:
        self.dismiss("")
