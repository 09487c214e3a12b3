"""What a refused booking code means to each who meets it, one row per `Refusal`: the visitor's words
at the kiosk, the staff's at the front desk, the API's HTTP status, and whether a walk-in ticket may
be taken instead. The lobby, the desk and the web read this table."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.errors import Refusal
from kiosk.presentation.i18n import N_


@dataclass(frozen=True)
class RefusalWords:
    visitor: str  # may name {time} (the slot), {come_back} and {number} (the ticket given)
    staff: str
    status: int
    walk_in: bool = False
    visitor_without_number: str | None = None  # `used`, when the ticket it gave is not known


REFUSALS: dict[Refusal, RefusalWords] = {
    Refusal.UNKNOWN: RefusalWords(
        N_("We cannot find this code. Please check it and try again, or ask at the front desk."),
        N_("No booking with that code"),
        404,
    ),
    Refusal.USED: RefusalWords(
        N_("This code has been used already, for ticket {number}. Please ask at the front desk."),
        N_("That booking was checked in already"),
        409,
        visitor_without_number=N_("This code has been used already. Please ask at the front desk."),
    ),
    Refusal.CANCELLED: RefusalWords(
        N_("This appointment was cancelled. Please ask at the front desk."),
        N_("That booking was cancelled"),
        409,
    ),
    Refusal.NO_SHOW: RefusalWords(
        N_("This appointment was for another day. Please ask at the front desk."),
        N_("That booking's day is over"),
        409,
    ),
    Refusal.TOO_EARLY: RefusalWords(
        N_(
            "Your appointment is at {time}. You can check in from {come_back}: please come back then. "
            "Or take a walk-in ticket now."
        ),
        N_("Too early to check in"),
        409,
        walk_in=True,
    ),
    Refusal.TOO_LATE: RefusalWords(
        N_(
            "Your appointment was at {time}, and the time to check in for it has passed. You can take "
            "a walk-in ticket now."
        ),
        N_("Too late to check in"),
        409,
        walk_in=True,
    ),
}
