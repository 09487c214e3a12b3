"""The one writer of the event log: every event row is added here, from its kind and typed payload."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from kiosk.domain.events import Kind, check_payload
from kiosk.domain.payload import Payload
from kiosk.storage.models import Event, Ticket

EVENTS = cast(Table, Event.__table__)


def record(
    s: Session,
    kind: Kind,
    payload: Payload,
    at: datetime,
    day: date | None = None,
    *,
    ticket: Ticket | None = None,
    department: str | None = None,
    window: str | None = None,
    staff: str | None = None,
) -> None:
    """Write one event in the session's transaction, at once: a plain INSERT, not an object the
    unit of work flushes later (that cost a call-next a fifth of its time). With a `ticket`
    (flushed, so it has an id) the row takes the ticket's day, department and state after the
    change; else `day` is required."""
    check_payload(kind, payload)
    if ticket is not None:
        day, department = ticket.day, ticket.department
    if day is None:
        raise ValueError(f"a {kind} event needs a day or a ticket")
    row = dict(
        at=at,
        day=day,
        kind=kind.value,
        ticket_id=ticket.id if ticket is not None else None,
        department=department,
        window=window,
        staff=staff,
        state=ticket.state if ticket is not None else None,
        data=payload.to_data(),
    )
    s.execute(EVENTS.insert(), row)
