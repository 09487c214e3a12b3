"""The print log: what the printer reports about a ticket (printed, reprinted, failed) is kept as
events, and the front desk asks which tickets' last print went wrong."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from kiosk.domain.events import PRINT_OUTCOMES, Kind, read_payload
from kiosk.queue.base import QueueCore
from kiosk.storage.journal import record
from kiosk.storage.models import Event, Ticket


class PrintLog(QueueCore):
    def record_notice(
        self,
        kind: str,
        ticket_id: int | None,
        data: dict[str, Any],
        staff: str | None = None,
        window: str | None = None,
    ) -> None:
        """An event that changes no ticket state: printing results, reprints and the like. `data` must
        be the kind's payload (`kiosk.domain.events`); a wrong shape is refused before anything is written."""
        payload = read_payload(kind, data)
        now = self.now()
        with self.db.write() as s:
            ticket = s.get(Ticket, ticket_id) if ticket_id is not None else None
            day = None if ticket else self.local(now).date()
            record(s, Kind(kind), payload, now, day, ticket=ticket, window=window, staff=staff)

    def print_faults(self, day: date | None = None) -> set[int]:
        """Tickets whose last print went wrong (no print or reprint since)."""
        query = (
            select(Event.ticket_id, Event.kind)
            .where(Event.day == (day or self.today()), Event.kind.in_(PRINT_OUTCOMES))
            .order_by(Event.id)
        )
        faults: set[int] = set()
        with self.db.read() as s:
            for ticket_id, kind in s.execute(query):
                if ticket_id is None:
                    continue
                if kind == Kind.PRINT_FAILED:
                    faults.add(int(ticket_id))
                else:
                    faults.discard(int(ticket_id))
        return faults
