"""A department's pace now, from its recent calls: how many of its windows are calling, and how
many minutes a visitor takes at a window. The waits quoted on tickets and the desk's forecasts
are made from it, so they follow the day as it goes rather than the catalogue's typical minutes
alone. Pure: `kiosk.queue.base` reads the calls."""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

LOOK_BACK = timedelta(minutes=60)  # the calls read
OPEN_WITHIN = timedelta(minutes=30)  # a window that called within this is counted as calling
MIN_GAPS = 3  # fewer gaps between calls than this: the typical minutes are used


SHOWS = 0.8  # of the bookings not checked in yet, the share expected to come (and go first)


@dataclass(frozen=True)
class Pace:
    gap: float | None  # the median minutes between two calls at one window; None: too few calls
    windows: int  # windows calling
    slots: tuple[tuple[datetime, float], ...] = ()  # booked visitors to come: slot, likelihood
    occupied: int = 0  # of the department's tickets, those at a window now (called or being served)

    def per_person(self, typical: float) -> float:
        """Minutes a visitor takes at a window: the day's gap, within a third and three times the
        typical minutes (a gap may hold a break or an empty line), else the typical minutes."""
        return typical if self.gap is None else min(max(self.gap, typical / 3), typical * 3)

    def minutes(self, ahead: int, typical: float) -> int:
        """The wait of a visitor with `ahead` before them, shared among the windows calling; while
        every window has a visitor, half a visit more (the visits in progress are half over on
        average): the next visitor is not called at once then."""
        if not ahead and self.occupied < self.windows:
            return 0
        busy = 0.5 if self.occupied >= self.windows else 0.0
        return math.ceil((ahead + busy) * self.per_person(typical) / self.windows)

    def quote(self, ahead: int, typical: float, now: datetime) -> int:
        """A walk-in's wait: the line ahead, the visits in progress, and the booked visitors whose
        slots begin meanwhile (each is called first when its slot begins)."""
        wait = self.minutes(ahead, typical)
        coming = sum(chance for at, chance in self.slots if now < at <= now + timedelta(minutes=wait))
        return self.minutes(ahead + round(coming), typical) if coming else wait


def pace_of(
    calls: list[tuple[str, datetime]],
    now: datetime,
    windows: int,
    slots: tuple[tuple[datetime, float], ...] = (),
    occupied: int = 0,
) -> Pace:
    """From the department's calls of the last hour (window, moment; oldest first): the windows that
    called within the last half hour, else all `windows` of the department (a day's start), and the
    median gap between two calls at one window. `slots`: the booked visitors still to be called
    at their slot (checked in: certain; not yet: `SHOWS`); `occupied`: its tickets at a window now."""
    by_window: dict[str, list[datetime]] = {}
    for window, at in calls:
        by_window.setdefault(window, []).append(at)
    calling = sum(1 for moments in by_window.values() if now - moments[-1] <= OPEN_WITHIN)
    gaps = [
        (later - earlier).total_seconds() / 60
        for moments in by_window.values()
        for earlier, later in itertools.pairwise(moments)
    ]
    mean = statistics.fmean(gaps) if len(gaps) >= MIN_GAPS else None
    return Pace(mean, calling or max(1, windows), slots, occupied)
