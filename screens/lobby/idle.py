"""The lobby's clock, ticked each second: the ticket screen's reset, a code typed and paused on, the
guided visitor's hints, and the inactivity warning before the kiosk goes back to the start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.presentation.i18n import translations
from screens.lobby.dialogs import IdleScreen
from screens.lobby.language import LanguageScreen
from screens.lobby.ticket import TicketScreen

if TYPE_CHECKING:
    from screens.lobby.app import LobbyApp


class IdleClock:
    """The lobby's timing (`LobbyApp.idle`)."""

    def __init__(self, app: LobbyApp) -> None:
        self.app = app

    def schedule_reset(self, failed: bool) -> None:
        """A guided visitor has the longer time: the ticket is read to the end first."""
        longer = failed or self.app.guide.on
        seconds = self.app.settings.ticket_failed_seconds if longer else self.app.settings.ticket_seconds
        self.app.reset_at = self.app.monotonic() + seconds

    def tick(self) -> None:
        """Each second: the ticket screen's own reset, or the inactivity warning and reset."""
        if not self.app.screen_stack:  # the app is shutting down; a last timer tick can still land here
            return
        now = self.app.monotonic()
        screen = self.app.screen
        guide = self.app.guide
        if guide.on and not self.app.speaker.idle:  # a guided visitor listening is not away
            self.app.last_input = now
        guide.holding(now)
        self.app.scans.paused(now)
        if isinstance(screen, TicketScreen):
            if self.app.reset_at is not None and now >= self.app.reset_at:
                self.app.start_over()
            return
        if isinstance(screen, IdleScreen):
            left = int(screen.deadline - now + 0.999)
            if left <= 0:
                if guide.on or self.app.settings.speech:
                    guide.say(
                        [
                            (
                                self.app.gettext("Time is up. The kiosk has gone back to the start."),
                                self.app.lang,
                            )
                        ]
                    )
                self.app.start_over()
            else:
                screen.count(left)
            return
        if isinstance(screen, LanguageScreen) or len(self.app.screen_stack) <= 1:
            if guide.on and now - self.app.last_input >= self.app.settings.idle_seconds:
                guide.stop()  # the guided visitor has gone: the hint is said again
            guide.hint(now)
            return
        if now - self.app.last_input >= self.app.settings.idle_seconds:
            self.warn_idle(now)

    def warn_idle(self, now: float) -> None:
        t = translations(self.app.lang)
        seconds = self.app.settings.idle_warning_seconds
        warning = IdleScreen(
            t.gettext("Are you still there?"),
            t.gettext("The screen goes back to the start in {seconds} s."),
            t.gettext("Continue"),
            seconds,
            now + seconds,
            self.app.lang,
        )
        self.app.push_screen(warning, callback=lambda _: setattr(self, "last_input", self.app.monotonic()))
