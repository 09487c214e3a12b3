"""The optional priority step: the legal categories; the document is shown at the window. Every
choice shows without scrolling where the terminal has the rows (120x40 and up), the one chosen is
marked, and the dialog closes with its ✕ Close button or Escape (nothing changes then)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.widgets import Button, Label

from screens.common.widgets import Choice
from screens.lobby.bar import ON
from screens.lobby.base import Line, sentences
from screens.lobby.dialogs import Dialog, read_aloud
from screens.lobby.guide import numbered
from screens.lobby.need import ChoiceScroll
from screens.lobby.plan import DIALOG_FRAME, best_grid, dialog_width, grid, wrapped

if TYPE_CHECKING:
    from screens.lobby.app import LobbyApp  # noqa: F401 (the typed base below)

CLOSE = "✕ "


class PriorityScreen(Dialog[str | None]):
    """Dismisses with the chosen category's code, "" for none, or None when closed (✕ Close or
    Escape: a modal screen hides the app's own Escape, its `go_back`)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", show=False)]

    def choices(self) -> list[tuple[str, str, bool]]:
        """Each choice: id, numbered text and whether it is the one chosen now."""
        lobby = self.terminal
        found = [
            (f"priority-{c.code}", c.name(lobby.lang), lobby.priority == c.code)
            for c in lobby.service.catalogue.priority
        ]
        found.append(("priority-none", self.gettext("No priority right"), False))
        return [
            (ident, (ON if on else "") + numbered(number, text), on)
            for number, (ident, text, on) in enumerate(found, 1)
        ]

    def compose(self) -> ComposeResult:
        lobby = self.terminal
        size = (self.app.size.width, self.app.size.height)
        compact = size[1] < 30  # a short terminal: no padding or blank rows in the box
        self.set_class(compact, "-compact")
        inner = dialog_width(size, lobby.large) - (4 if compact else DIALOG_FRAME)
        title = self.gettext("Priority rights")
        text = self.gettext("The law gives priority to these visitors. Show your document at the window.")
        buttons = [(*read_aloud(lobby.lang), "default"), ("close", CLOSE + self.gettext("Close"), "default")]
        gap = 0 if compact else 1  # the blank row under each text and under the choices
        frame = 2 + 2 * gap  # the border, and the padding when there is room
        texts = (wrapped(title, inner) or 1) + (wrapped(text, inner) or 1)
        used = frame + texts + 3 * gap + 3  # the buttons' row
        room = size[1] * 95 // 100 - used  # the box is at most 95% of the terminal's height
        labels = [label for _, label, _ in self.choices()]
        plan = best_grid(labels, inner, room, (1, 2, 3)) or grid(labels, inner - 2, 1)
        with self.box():
            yield Label(title, classes="dialog-title", markup=False)
            yield Label(text, markup=False)
            choices = Grid(id="priority-choices")
            if plan is not None:
                choices.set_styles(plan.css())
            scroll = ChoiceScroll()
            scroll.styles.max_height = max(3, room)
            with scroll, choices:
                for ident, label, on in self.choices():
                    kind = "category" if ident != "priority-none" else "none"
                    yield Choice(label, id=ident, classes=f"{kind} -on" if on else kind)
            yield from self.buttons(buttons)

    @on(Button.Pressed, ".category")
    def _chosen(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.dismiss(event.button.id.removeprefix("priority-"))

    @on(Button.Pressed, "#priority-none")
    def _none(self) -> None:
        self.dismiss("")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)

    def speech(self) -> list[Line]:
        """The title, why, and each numbered choice with the one chosen now said so."""
        guide = self.terminal.guide
        choices = [guide.describe(c)[0] for c in self.query(Choice).results(Choice)]
        title = self.gettext("Priority rights")
        why = self.gettext("The law gives priority to these visitors. Show your document at the window.")
        return [(sentences(title, why, *choices), self.terminal.lang)]
