"""Words the terminals share: each ticket state as staff read it, and what a failed action tells
the staff (translated with gettext)."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.domain import State
from kiosk.errors import StorageUnavailable
from kiosk.i18n import N_
from kiosk.staff import SignInRefused

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
