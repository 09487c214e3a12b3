"""Each ticket's day read from its events: its waits (each ended by a call) and serving periods per
department, its first call, start and finish, and the slot or quoted wait it was given at issue."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.events import Issued, Kind
from kiosk.domain.tickets import EventView, State


@dataclass(frozen=True)
class Wait:
    """One finished wait: seconds spent waiting in `department`, ended by the call at `called_at`."""

    department: str
    seconds: float
    called_at: datetime


@dataclass(frozen=True)
class TicketTimes:
    """One ticket's day as the statistics count it.

    `waits`: its waits that ended with a call (per department; waiting again in the same department,
    after a return to the queue, adds to the next wait there). `services`: its finished serving
    periods, per department. `waiting_now`: its current wait when it still waits at `until`. The
    moments are its first call, its first start and its finish.
    """

    ticket_id: int
    waits: tuple[Wait, ...] = ()
    services: tuple[tuple[str, float], ...] = ()
    waiting_now: tuple[str, float] | None = None
    first_called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def wait_seconds(self) -> float | None:
        """All the waiting the statistics count (finished waits plus the current one); None if none."""
        if not self.waits and self.waiting_now is None:
            return None
        return sum(w.seconds for w in self.waits) + (self.waiting_now[1] if self.waiting_now else 0.0)

    @property
    def service_seconds(self) -> float | None:
        return sum(seconds for _, seconds in self.services) if self.services else None


def ticket_times(events: Iterable[EventView], until: datetime | None) -> dict[int, TicketTimes]:
    """Each ticket's waits, services and moments from a day's events (ordered by id), by ticket id.
    `until` closes open periods (now, for today); a past day's open periods are left out, as the day's
    close ends them."""
    result: dict[int, TicketTimes] = {}
    for ticket_id, ticket_events in by_ticket(events).items():
        waited: dict[str, float] = defaultdict(float)
        served: dict[str, float] = defaultdict(float)
        waits: list[Wait] = []
        services: list[tuple[str, float]] = []
        waiting_now: tuple[str, float] | None = None
        moments: dict[str, datetime] = {}
        for index, event in enumerate(ticket_events):
            if event.kind in (Kind.CALLED, Kind.STARTED):
                moments.setdefault(event.kind, event.at)
            elif event.kind == Kind.FINISHED:
                moments[Kind.FINISHED] = event.at
            dept = event.department or "?"
            following = ticket_events[index + 1] if index + 1 < len(ticket_events) else None
            end = following.at if following else until
            if end is None:
                continue
            span = max(0.0, (end - event.at).total_seconds())
            if event.state == State.WAITING:
                waited[dept] += span
                if following is None:  # still waiting now
                    waiting_now = (dept, waited.pop(dept))
                elif following.kind == Kind.CALLED:
                    waits.append(Wait(dept, waited.pop(dept), following.at))
            elif event.state == State.SERVING:
                served[dept] += span
                if following is not None and following.state != State.SERVING:
                    services.append((dept, served.pop(dept)))
        result[ticket_id] = TicketTimes(
            ticket_id=ticket_id,
            waits=tuple(waits),
            services=tuple(services),
            waiting_now=waiting_now,
            first_called_at=moments.get(Kind.CALLED),
            started_at=moments.get(Kind.STARTED),
            finished_at=moments.get(Kind.FINISHED),
        )
    return result


def booked_slots(events: Iterable[EventView]) -> dict[int, tuple[str, datetime]]:
    """The tickets given at a check-in: by ticket id, the department and the moment their booked wait
    begins (the later of the check-in and the slot's start)."""
    found: dict[int, tuple[str, datetime]] = {}
    for event in events:
        if event.kind != Kind.ISSUED or event.ticket_id is None:
            continue
        slot = Issued.from_data(event.data).booked_at
        if slot is not None:
            found[event.ticket_id] = (event.department or "?", max(event.at, datetime.fromisoformat(slot)))
    return found


def quoted_waits(events: Iterable[EventView]) -> dict[int, tuple[str, datetime, int]]:
    """The wait each ticket was quoted when it was issued: by ticket id, its department, the moment
    and the minutes (tickets issued before quotes were kept have none)."""
    found: dict[int, tuple[str, datetime, int]] = {}
    for event in events:
        if event.kind == Kind.ISSUED and event.ticket_id is not None:
            quoted = Issued.from_data(event.data).quoted
            if quoted is not None:
                found[event.ticket_id] = (event.department or "?", event.at, quoted)
    return found


def by_ticket(events: Iterable[EventView]) -> dict[int, list[EventView]]:
    by_ticket: dict[int, list[EventView]] = defaultdict(list)
    for event in events:
        if event.ticket_id is not None and event.state is not None:
            by_ticket[event.ticket_id].append(event)
    return by_ticket
