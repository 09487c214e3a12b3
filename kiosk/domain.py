"""The queue's domain model: ticket states, the actions that move between them, and the views
(plain frozen dataclasses) that the service hands to the CLI, the printer and the screens."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from kiosk.events import Kind


class State(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    ON_HOLD = "on_hold"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    CLOSED = "closed"


OPEN_STATES = frozenset({State.WAITING, State.CALLED, State.SERVING, State.ON_HOLD})
AT_WINDOW = frozenset({State.CALLED, State.SERVING})


@dataclass(frozen=True)
class Move:
    """The states an action may start from and the state it leads to."""

    sources: frozenset[State]
    target: State


MOVES: dict[Kind, Move] = {  # the ticket moves of `kiosk.events.Kind`
    Kind.CALLED: Move(frozenset({State.WAITING, State.ON_HOLD}), State.CALLED),
    Kind.RECALLED: Move(frozenset({State.CALLED}), State.CALLED),
    Kind.STARTED: Move(frozenset({State.CALLED}), State.SERVING),
    Kind.FINISHED: Move(frozenset({State.SERVING}), State.DONE),
    Kind.NO_SHOW: Move(frozenset({State.CALLED}), State.NO_SHOW),
    Kind.HELD: Move(frozenset({State.CALLED, State.SERVING}), State.ON_HOLD),
    Kind.RETURNED: Move(frozenset({State.CALLED, State.ON_HOLD, State.NO_SHOW}), State.WAITING),
    Kind.TRANSFERRED: Move(OPEN_STATES, State.WAITING),
    Kind.CANCELLED: Move(frozenset({State.WAITING, State.CALLED, State.ON_HOLD}), State.CANCELLED),
    Kind.CLOSED: Move(OPEN_STATES, State.CLOSED),
}


def ticket_code(prefix: str, number: int) -> str:
    """P + 7 -> 'P-007' (wider numbers keep all their digits: 'P-1234')."""
    return f"{prefix}-{number:03d}"


def spoken_number(code: str) -> str:
    """'P-007' -> 'P 7', the way the hall hears it."""
    prefix, _, number = code.partition("-")
    return f"{prefix} {int(number)}" if number.isdigit() else code


_CODE = re.compile(r"^\s*([A-Za-z]{1,2})\s*-?\s*([0-9]{1,5})\s*$")


def parse_ticket_code(text: str) -> str | None:
    """'p7', 'P-7', 'P 007' -> 'P-007'; None when the text is not a ticket number."""
    match = _CODE.match(text)
    if not match:
        return None
    return ticket_code(match.group(1).upper(), int(match.group(2)))


@dataclass(frozen=True)
class TicketView:
    """A ticket as the terminals see it. Times are aware UTC datetimes."""

    id: int
    code: str
    number: int
    day: date
    origin: str
    department: str
    service: str
    language: str
    priority: str | None
    interpreter: bool
    state: State
    window: str | None
    issued_at: datetime
    queued_at: datetime
    called_at: datetime | None
    windows: tuple[str, ...] = ()


def rank_of(priority: str | None) -> int:
    """A ticket's rank in the queue: 0 with a priority right, 1 for everyone else."""
    return 1 if priority is None else 0


def queue_order(ticket: TicketView) -> tuple[int, datetime, int]:
    """The calling order: priority rights first, then by place in the line (`queued_at`), then id.
    The queries sort by the same columns (`kiosk.queue.sql.QUEUE_ORDER`)."""
    return rank_of(ticket.priority), ticket.queued_at, ticket.id


@dataclass(frozen=True)
class Issued:
    """The result of issuing: the ticket, how many are ahead, the estimated wait and the QR payload."""

    ticket: TicketView
    ahead: int
    wait_minutes: int
    qr: str


@dataclass(frozen=True)
class EventView:
    """One row of the append-only event log."""

    id: int
    at: datetime
    day: date
    kind: str
    ticket_id: int | None
    department: str | None
    window: str | None
    staff: str | None
    state: str | None
    data: dict[str, Any] = field(default_factory=dict)
