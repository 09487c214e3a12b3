"""What every visitor screen has: the chosen language's texts, and the words "Read aloud" speaks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from screens.common.terminal import TerminalPart

if TYPE_CHECKING:
    from screens.lobby.app import LobbyApp  # noqa: F401 (the typed base below)


class VisitorScreen(TerminalPart["LobbyApp"], Screen[None]):
    """A screen of the visitor's flow; `speech()` is what "Read aloud" says."""

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.terminal.ngettext(singular, plural, n)

    def speech(self) -> str:
        return ""
