"""Follow the event table from any terminal: `poll()` returns what is new since the last call.

On PostgreSQL ids come from a sequence and a transaction that took a lower id may commit after one
that took a higher id; a follower reading `id > last_seen` alone would skip it for good. So ids missing
below the highest one seen are asked for again on each poll until they show up or their grace time
passes (a rolled-back transaction leaves a gap forever).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.domain.tickets import EventView
from kiosk.service import QueueService


class EventFollower:
    def __init__(
        self,
        service: QueueService,
        after: int | None = None,
        grace_seconds: float = 10.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service = service
        self.last = service.last_event_id() if after is None else after
        self.grace = grace_seconds
        self.monotonic = monotonic
        self.gaps: dict[int, float] = {}

    def poll(self, limit: int = 1000) -> list[EventView]:
        """New events in id order (late commits included); raises StorageUnavailable when down."""
        events = self.service.events_since(self.last, limit=limit, ids=self.gaps)
        now = self.monotonic()
        expected = self.last + 1
        for event in events:
            self.gaps.pop(event.id, None)
            if event.id > self.last:
                for missing in range(expected, event.id):
                    self.gaps.setdefault(missing, now)
                expected = event.id + 1
                self.last = event.id
        self.gaps = {i: t for i, t in self.gaps.items() if now - t < self.grace}
        return events
