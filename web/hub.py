"""One follower for every phone: a task follows the event table (`kiosk.follow.EventFollower`, like
the terminals) and hands each subscriber of an SSE stream its ticket's JSON when it changed.

Each batch of new events names the departments (and tickets) it touched; the statuses of the tickets
followed in those departments are read at once (`QueueService.ticket_statuses`: one query for the
line of each department, not one per phone), each turned into JSON once per language, and put in the
subscribers' one-slot mailboxes (a slow phone gets the newest state, never a backlog).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Iterable
from typing import Any

from anyio import to_thread

from kiosk.domain.events import Kind
from kiosk.domain.tickets import EventView
from kiosk.errors import KioskError
from kiosk.follow import EventFollower
from kiosk.service import QueueService
from web.views import ticket_json

log = logging.getLogger("kiosk.web")

# Events without a department that may change every followed ticket.
EVERYONE = frozenset({Kind.DAY_CLOSED, Kind.CATALOGUE_LOADED})


class Subscriber:
    """One SSE stream: its ticket, the language of its names, and a mailbox of the newest JSON."""

    def __init__(self, ticket_id: int, lang: str | None, client: str = "") -> None:
        self.ticket_id = ticket_id
        self.lang = lang
        self.client = client
        self.last: dict[str, Any] | None = None
        self._newest: dict[str, Any] | None = None
        self._ready = asyncio.Event()
        self.closed = False

    def offer(self, data: dict[str, Any]) -> None:
        if data != self.last:
            self.last = data
            self._newest = data
            self._ready.set()

    def close(self) -> None:
        self.closed = True
        self._ready.set()

    async def next(self) -> dict[str, Any] | None:
        """The newest JSON not yet taken; None once the hub closed the stream."""
        await self._ready.wait()
        self._ready.clear()
        data, self._newest = self._newest, None
        return None if self.closed else data


class Hub:
    def __init__(self, service: QueueService, interval: float = 0.4) -> None:
        self.service = service
        self.interval = interval
        self.subscribers: dict[int, set[Subscriber]] = {}
        self.department_of: dict[int, str] = {}
        self.streams_of: Counter[str] = Counter()  # open streams per client address
        self.follower: EventFollower | None = None
        self.batches = 0

    def subscribe(self, ticket_id: int, department: str, lang: str | None, client: str = "") -> Subscriber:
        sub = Subscriber(ticket_id, lang, client)
        self.streams_of[client] += 1
        self.subscribers.setdefault(ticket_id, set()).add(sub)
        self.department_of[ticket_id] = department
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        subs = self.subscribers.get(sub.ticket_id)
        if subs is not None and sub in subs:
            subs.discard(sub)
            self.streams_of[sub.client] -= 1
            if self.streams_of[sub.client] <= 0:
                del self.streams_of[sub.client]
            if not subs:
                del self.subscribers[sub.ticket_id]
                self.department_of.pop(sub.ticket_id, None)

    def close(self) -> None:
        for subs in self.subscribers.values():
            for sub in subs:
                sub.close()

    async def run(self) -> None:
        """Follow the event table until cancelled; a database that is down is tried again."""
        while True:
            try:
                if self.follower is None:
                    self.follower = await to_thread.run_sync(EventFollower, self.service)
                events = await to_thread.run_sync(self.follower.poll)
                if events:
                    await self.dispatch(events)
            except KioskError as exc:  # StorageUnavailable: the phones keep their last state
                log.warning("following the events: %s", exc)
            except Exception:
                log.exception("following the events")
            await asyncio.sleep(self.interval)

    def affected(self, events: Iterable[EventView]) -> set[int]:
        """The followed tickets whose status these events may change."""
        departments: set[str] = set()
        tickets: set[int] = set()
        for e in events:
            if e.kind in EVERYONE:
                return set(self.subscribers)
            if e.department:
                departments.add(e.department)
            if e.ticket_id is not None:
                tickets.add(e.ticket_id)
        return {t for t in self.subscribers if t in tickets or self.department_of.get(t) in departments}

    async def dispatch(self, events: list[EventView]) -> None:
        self.batches += 1
        if any(e.kind == Kind.CATALOGUE_LOADED for e in events):
            await to_thread.run_sync(self.service.reload_catalogue)
        ids = self.affected(events)
        if not ids:
            return
        statuses = await to_thread.run_sync(self.service.ticket_statuses, ids)
        catalogue, zone = self.service.catalogue, self.service.settings.zone
        for ticket_id, status in statuses.items():
            self.department_of[ticket_id] = status.ticket.department
            made: dict[str | None, dict[str, Any]] = {}
            for sub in list(self.subscribers.get(ticket_id, ())):
                if sub.lang not in made:
                    made[sub.lang] = ticket_json(status, catalogue, zone, sub.lang)
                sub.offer(made[sub.lang])
