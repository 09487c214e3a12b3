"""The staff's way out of the kiosk: an administrator's PIN, checked off the UI thread; wrong PINs
slow down this terminal only (`kiosk.security.exit_pin`)."""

from __future__ import annotations

import logging
from functools import cached_property
from typing import TYPE_CHECKING

from kiosk.errors import KioskError
from kiosk.presentation.i18n import translations
from screens.common.words import problem_text

if TYPE_CHECKING:  # the database layer: imported at the first PIN, not before the first frame
    from kiosk.security.exit_pin import ExitAnswer, ExitGuard
    from screens.lobby.app import LobbyApp

log = logging.getLogger(__name__)


class ExitPin:
    """The kiosk's exit PIN (`LobbyApp.exit_pin`)."""

    def __init__(self, app: LobbyApp) -> None:
        self.app = app

    @cached_property
    def guard(self) -> ExitGuard:
        from kiosk.security.exit_pin import ExitGuard

        return ExitGuard(self.app.staff, self.app.settings.terminal)

    def ask(self, error: str = "") -> None:
        from screens.common.pin import PinScreen  # not needed for the first frame

        t = translations(self.app.settings.main_language)
        self.app.push_screen(
            PinScreen(
                t.gettext("Administrator PIN to close the kiosk"), t.gettext("Cancel"), t.gettext("OK"), error
            ),
            callback=self._check,
        )

    def _check(self, pin: str | None) -> None:
        """Any active administrator's PIN closes the kiosk. Wrong PINs slow down this terminal only
        (`kiosk.security.exit_pin`); nobody's sign-in lockout is touched."""
        if pin:
            self.app.run_db(
                lambda: self.guard.try_pin(pin),
                self._answer,
                on_failed=self._refused,
                group="pin",
            )

    def _refused(self, exc: KioskError) -> None:
        log.warning("exit PIN not checked: %s", exc)
        self.ask(problem_text(exc, translations(self.app.settings.main_language).gettext))

    def _answer(self, answer: ExitAnswer) -> None:
        t = translations(self.app.settings.main_language)
        if answer.member is not None:
            self.app.exit()
            return
        if not answer.checked:
            message = t.gettext("Please wait {seconds} s before the next try.")
        elif answer.wait_seconds:
            message = t.gettext("Wrong PIN. The next try in {seconds} s.")
        else:
            message = t.gettext("Wrong PIN")
        self.ask(message.format(seconds=answer.wait_seconds))
