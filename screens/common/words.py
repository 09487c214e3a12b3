"""Words the terminals share: each ticket state as staff read it, and what a failed action tells
the staff (translated with gettext)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from kiosk.domain.tickets import State, TicketView
from kiosk.errors import StorageUnavailable
from kiosk.presentation.i18n import N_
from kiosk.security.members import SignInRefused

STATE_WORDS = {
    State.WAITING: N_("waiting"),
    State.CALLED: N_("called"),
    State.SERVING: N_("being served"),
    State.ON_HOLD: N_("on hold"),
    State.DONE: N_("served"),
    State.NO_SHOW: N_("did not come"),
    State.CANCELLED: N_("cancelled"),
    State.CLOSED: N_("closed at the end of the day"),
}

DATABASE_AWAY = N_("The database is away: reconnecting...")


def booked_text(ticket: TicketView, zone: tzinfo, gettext: Callable[[str], str]) -> str:
    """ "booked 10:30" for a ticket given at a booking's check-in (the slot's start in the centre's
    time), "" for a walk-in."""
    if ticket.booked_at is None:
        return ""
    return gettext("booked {time}").format(time=f"{ticket.booked_at.astimezone(zone):%H:%M}")


def problem_text(exc: Exception, gettext: Callable[[str], str]) -> str:
    """A refused action in the staff's words; a database outage is one calm, translated line
    (the driver's details go to the log, not to the counter)."""
    if isinstance(exc, StorageUnavailable):
        return gettext(DATABASE_AWAY)
    if isinstance(exc, SignInRefused):
        if exc.reason == "locked":
            return gettext("Too many wrong PINs: try again in {minutes} min").format(minutes=exc.minutes)
        if exc.reason == "role":
            return gettext("This needs an administrator")
        return gettext("Wrong name or PIN")
    return str(exc)
