"""What every visitor screen has: the chosen language's texts, and the words "Read aloud" speaks."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

from kiosk.i18n import translations

if TYPE_CHECKING:
    from screens.lobby.app import LobbyApp


class VisitorScreen(Screen[None]):
    """A screen of the visitor's flow; `speech()` is what "Read aloud" says."""

    @property
    def kiosk(self) -> LobbyApp:
        return cast("LobbyApp", self.app)

    def gettext(self, message: str) -> str:
        return translations(self.kiosk.lang).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations(self.kiosk.lang).ngettext(singular, plural, n)

    def speech(self) -> str:
        return ""
