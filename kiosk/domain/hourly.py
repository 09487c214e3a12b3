"""The day per local hour, for the front desk's chart: arrivals, and the waits that ended by a call in
each hour (all of them, walk-ins and booked visitors apart)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import tzinfo

from kiosk.domain.events import Kind
from kiosk.domain.ticket_times import booked_slots, ticket_times
from kiosk.domain.tickets import EventView


@dataclass(frozen=True)
class HourStats:
    """One local hour (0-23): tickets issued in it, and the waits that ended by a call in it."""

    hour: int
    arrivals: int
    waits: int
    wait_mean: float | None  # seconds
    wait_max: float | None  # seconds
    booked_waits: int = 0  # booked visitors called in the hour, and their booked wait (seconds)
    booked_wait_mean: float | None = None
    walk_in_wait_mean: float | None = None  # the waits of everyone else that ended in the hour


def hourly(events: list[EventView], zone: tzinfo) -> list[HourStats]:
    """Per local hour of the day, in order, only the hours that have data: arrivals and waits.

    Arrivals are `issued` events, counted in the hour of issue. Waits are the ones `day_stats`
    counts (each wait in a department that ended with a call) and are keyed by the hour of the call
    that ended them, so an hour's figures are final once the hour is over and waits still going on
    are left out. On the night the clocks go back, the repeated hour's figures are added together.
    """
    arrivals: Counter[int] = Counter()
    waits: dict[int, list[float]] = defaultdict(list)
    for event in events:
        if event.kind == Kind.ISSUED and event.ticket_id is not None:
            arrivals[event.at.astimezone(zone).hour] += 1
    walk_ins: dict[int, list[float]] = defaultdict(list)
    booked: dict[int, list[float]] = defaultdict(list)
    slots = booked_slots(events)
    for times in ticket_times(events, until=None).values():
        for w in times.waits:
            waits[w.called_at.astimezone(zone).hour].append(w.seconds)
            if times.ticket_id not in slots:
                walk_ins[w.called_at.astimezone(zone).hour].append(w.seconds)
        if times.ticket_id in slots and times.first_called_at is not None:
            seconds = max(0.0, (times.first_called_at - slots[times.ticket_id][1]).total_seconds())
            booked[times.first_called_at.astimezone(zone).hour].append(seconds)
    return [
        HourStats(
            hour=hour,
            arrivals=arrivals[hour],
            waits=len(waits[hour]),
            wait_mean=mean_of(waits[hour]),
            wait_max=max(waits[hour]) if waits[hour] else None,
            booked_waits=len(booked[hour]),
            booked_wait_mean=mean_of(booked[hour]),
            walk_in_wait_mean=mean_of(walk_ins[hour]),
        )
        for hour in sorted(set(arrivals) | set(waits))
    ]


def mean_of(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None
