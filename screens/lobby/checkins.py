"""A booking checked in at the kiosk, typed or scanned: the guard against guessed codes, the ticket
issued and printed off the UI thread, and a refusal told in the visitor's language (a walk-in ticket
offered when the table allows one)."""

from __future__ import annotations

import logging
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.domain.tickets import Issued
from kiosk.errors import BookingRefused
from kiosk.errors import Refusal as Refused
from kiosk.presentation.refusals import REFUSALS

if TYPE_CHECKING:
    from printer.printing import PrintResult
    from screens.lobby.app import LobbyApp

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckInRefusal:
    """A check-in refused: why, the service a walk-in ticket may be taken for instead (or ""), and
    the booking's language (None for an unknown code)."""

    refused: BookingRefused
    walk_in: str
    language: str | None


@dataclass(frozen=True)
class Waiting:
    """Codes are not looked at for `seconds` more: too many wrong ones were typed at this kiosk."""

    seconds: int


class CheckIns:
    """The lobby's check-in of bookings (`LobbyApp.checkins`)."""

    def __init__(self, app: LobbyApp) -> None:
        self.app = app

    def start(self, code: str) -> None:
        """The booking `code` checks in: its ticket, in the visitor's language, printed as a walk-in's
        is; a refusal is told (`check_in_refused`)."""
        if self.app.issuing:
            return
        self.app.issuing = True
        lang, large = (self.app.lang if self.app.lang_chosen else None), self.app.large
        self.app.run_db(
            lambda: self._check_in(code, lang, large),
            self._checked_in,
            on_failed=lambda exc: self.app.issue_failed(exc, ""),
            group="issue",
            exclusive=True,
        )

    def _check_in(
        self, code: str, lang: str | None, large: bool
    ) -> tuple[Issued, Future[PrintResult]] | CheckInRefusal | Waiting:
        from kiosk.bookings.checkin_guard import (
            CheckInGuard,  # the database layer: not before the first frame
        )

        guard = CheckInGuard(self.app.service, self.app.settings.terminal)
        wait = guard.wait_left()
        if wait:
            return Waiting(wait)
        try:
            issued = self.app.service.check_in(code, source="kiosk", language=lang)
        except BookingRefused as refused:
            if refused.reason is Refused.UNKNOWN:
                guard.wrong_code()
            booking = None if refused.reason is Refused.UNKNOWN else self.app.service.booking(code)
            # Too early or too late: a walk-in ticket for the booked service may be taken instead.
            walk_in = booking.service if booking is not None and REFUSALS[refused.reason].walk_in else ""
            return CheckInRefusal(refused, walk_in, booking.language if booking is not None else None)
        return issued, self.app.ready_printer().submit(issued, render_here=True, large=large)

    def _checked_in(self, saved: tuple[Issued, Future[PrintResult]] | CheckInRefusal | Waiting) -> None:
        if isinstance(saved, Waiting):
            self.app.issuing = False
            text = self.app.gettext(
                "Too many wrong codes were typed here. Please try again in {seconds} seconds, or ask "
                "at the front desk."
            )
            self.app.say(text.format(seconds=saved.seconds), True)
            return
        if not self.app.lang_chosen:  # scanned on the first screen: the booking's language from now on
            language = saved.language if isinstance(saved, CheckInRefusal) else saved[0].ticket.language
            if language is not None:
                self.app.lang, self.app.lang_chosen = language, True
        if isinstance(saved, CheckInRefusal):
            self.app.issuing = False
            self.refused(saved.refused, saved.walk_in)
            return
        self.app.ticket_issued(saved)

    def refused(self, refused: BookingRefused, service_code: str) -> None:
        """Why the code does not check in, in the visitor's language: too early or too late offer a
        walk-in ticket for the booked service; the others send the visitor to the front desk."""
        log.info("check-in refused: %s", refused)
        zone = self.app.settings.zone
        words = REFUSALS[refused.reason]
        at = f"{refused.at.astimezone(zone):%H:%M}" if refused.at else ""
        when = ""
        if refused.come_back_at is not None:
            back = refused.come_back_at.astimezone(zone)
            today = self.app.service.local().date()
            when = f"{back:%H:%M}" if back.date() == today else f"{back:%d.%m.%Y %H:%M}"
        template = (
            words.visitor_without_number
            if not refused.number and words.visitor_without_number
            else words.visitor
        )
        text = self.app.gettext(template).format(time=at, come_back=when, number=refused.number or "")
        if words.walk_in:
            self.app.offer_ticket(text, self.app.gettext("Take a walk-in ticket"), service_code)
        else:
            self.app.say(text, True)
