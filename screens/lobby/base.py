"""What every visitor screen has: the chosen language's texts, and the words "Read aloud" speaks.

`speech()` gives lines as (text, language): each is spoken in its own language's voice (the first
screen speaks each language in its own). Screens and dialogs that can be spoken are `Spoken`; the
spoken guidance (`screens.lobby.guide`) speaks them when they come on top."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.screen import Screen
from textual.worker import WorkType

from screens.common.terminal import TerminalPart

if TYPE_CHECKING:
    from screens.lobby.app import LobbyApp  # noqa: F401 (the typed base below)

Line = tuple[str, str]  # words, and the language whose voice says them


def sentences(*parts: str) -> str:
    """Parts joined as sentences (a part's own full stop is kept, never doubled); empty parts left out."""
    kept = [p.strip().replace("\n", ". ") for p in parts if p and p.strip()]
    return " ".join(p if p[-1] in ".!?:" else p + "." for p in kept)


class Spoken:
    """A screen or dialog with words to speak. `automatic`: spoken when it comes on top if the
    centre's `speech` setting is on (notices, the inactivity warning); every one is spoken then in
    guided mode. `spoken_on_show` False: the screen speaks by itself when it is ready (the ticket)."""

    automatic: ClassVar[bool] = False
    spoken_on_show: ClassVar[bool] = True
    spoken_once = False
    covered = False  # another screen came on top of it since it was last spoken

    def speech(self) -> list[Line]:
        return []

    def intro(self) -> list[Line]:
        """What the spoken guidance says when it comes on top (and on the star key): its `speech()`
        unless that is too long to wait through before choosing."""
        return self.speech()

    def on_screen_suspend(self) -> None:
        self.covered = True

    def on_screen_resume(self) -> None:
        from screens.lobby.guide import screen_shown

        screen_shown(self)


class VisitorScreen(TerminalPart["LobbyApp"], Spoken, Screen[None]):
    """A screen of the visitor's flow; `speech()` is what "Read aloud" says."""

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.terminal.ngettext(singular, plural, n)

    def line(self, *parts: str) -> list[Line]:
        """`parts` as one line in the visitor's language."""
        return [(sentences(*parts), self.terminal.lang)]

    def redraw_later(self) -> None:
        """Draw the screen again in a worker; a newer request replaces one not yet run. The worker
        is given the method, not its coroutine: a request replaced before it ran leaves nothing
        unawaited (a coroutine made and never run was a redraw that never happened)."""
        work: WorkType[None] = self.redraw
        self.run_worker(work, group="redraw", exclusive=True)

    async def redraw(self) -> None:
        """The screen drawn again (`redraw_later` runs it)."""
        await self.recompose()
