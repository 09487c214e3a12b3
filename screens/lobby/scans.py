"""Where a code scanned (or typed) outside the check-in screen goes: a booking slip to check-in, a
ticket's QR to its rating. The keys are read by `screens.lobby.scan.ScanReader`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.events import Key

from screens.lobby.checkin import CheckInScreen
from screens.lobby.dialogs import Dialog
from screens.lobby.language import LanguageScreen
from screens.lobby.need import NeedScreen, ServiceScreen
from screens.lobby.scan import ScanReader
from screens.lobby.ticket import TicketScreen

if TYPE_CHECKING:
    from screens.lobby.app import LobbyApp


class Scans:
    """The lobby's scanner (`LobbyApp.scans`): sees the keys before the screens do."""

    def __init__(self, app: LobbyApp) -> None:
        self.app = app
        self.reader = ScanReader()

    def key(self, event: Key) -> bool:
        """Whether the key was the scanner's (and so no screen's)."""
        if event.is_forwarded or not self.open():
            return False
        taken, code = self.reader.key(event.key, event.character, self.app.monotonic())
        if code is not None:
            self.scanned(code, submit=True)
        return taken

    def paused(self, now: float) -> None:
        """Letters typed on a keyboard, then a pause: check-in opens with them."""
        typed = self.reader.paused(now)
        if typed is not None and self.open():
            self.scanned(typed, submit=False)

    def open(self) -> bool:
        """A booking slip may be scanned here: the visitor's screens but check-in (which reads the
        code itself) and the dialogs, while no ticket is being issued."""
        screens = (LanguageScreen, NeedScreen, ServiceScreen, TicketScreen, Dialog)
        return isinstance(self.app.screen, screens) and not self.app.issuing

    def scanned(self, code: str, submit: bool) -> None:
        """A slip scanned (`submit`) or a code typed outside check-in: the check-in screen with the
        code. On the first screen, or the last visitor's ticket, it is a new visit: the ticket is
        then in the booking's language. A dialog is closed unanswered first (a scan's Enter would
        have pressed its first button: a walk-in ticket, over a too-early answer)."""
        app = self.app
        while isinstance(app.screen, Dialog):
            app.pop_screen()
        if ":" in code:  # a ticket's QR: its visit rated (`screens.lobby.rating`)
            app.ratings.scanned(code)
            return
        screen = app.screen
        if isinstance(screen, CheckInScreen):  # a second scan, after a refusal
            screen.code = code
            screen.show_code()
            if submit:
                screen.submit()
            return
        if isinstance(screen, (LanguageScreen, TicketScreen)):
            app.start_over(keep_guide=isinstance(screen, LanguageScreen))
        app.push_screen(CheckInScreen(code, submit=submit))
