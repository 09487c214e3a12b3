"""The ticket state machine: whether an action may move a ticket (`kiosk.domain.tickets.MOVES`), and the move
itself, which changes the row and writes the action's event."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from kiosk.domain.events import CALLS, Called, Kind
from kiosk.domain.payload import Payload
from kiosk.domain.tickets import MOVES, State
from kiosk.errors import InvalidTransition
from kiosk.storage.journal import record
from kiosk.storage.models import Ticket

# States no action leads out of: a scanned ticket in one of them is over.
FINAL_STATES = frozenset(State) - {state for move in MOVES.values() for state in move.sources}


def check(ticket: Ticket, action: Kind, today: date) -> None:
    if Kind(action) in CALLS and ticket.day != today:  # never a past day's ticket
        raise InvalidTransition(
            f"{ticket.code} is from {ticket.day:%d.%m.%Y}, not from today: a past day's ticket "
            "cannot be called"
        )
    if State(ticket.state) not in MOVES[action].sources:
        verb = action.value.replace("_", "-")
        raise InvalidTransition(f"{ticket.code} is {ticket.state.replace('_', ' ')}: cannot mark it {verb}")


def move(
    s: Session,
    ticket: Ticket,
    action: Kind,
    payload: Payload,
    now: datetime,
    today: date,
    window: str | None = None,
    staff: str | None = None,
) -> None:
    """Check and make the move, and write its event (a recall also notes the ticket's code)."""
    check(ticket, action, today)
    target = MOVES[action].target
    ticket.state = target
    if target in (State.WAITING, State.CANCELLED):
        ticket.window = None
    if action == Kind.RECALLED:
        ticket.called_at = now
        payload = Called(code=ticket.code, language=ticket.language)
    record(s, Kind(action.value), payload, now, ticket=ticket, window=window, staff=staff)
