"""Waiting and service times computed from the event log, per department (TheQ's "periods").

Each event records the ticket's state and department after it; the time between one event of a ticket
and the next belongs to that state in that department. A ticket's wait in a department is the sum of
its waiting periods there that ended with a call; its service time the sum of its serving periods.
The share over the SLA counts finished waits over the target plus tickets still waiting past it. Each
department may have its own target; the "all" row judges every wait by its own department's target.

Booked visitors (a ticket given at check-in: its `issued` event names the booking and the slot) are
also counted apart: a booked wait runs from the later of check-in and the slot's start until the
first call (arriving early is not waiting), and the share of booked visitors seen within
`BOOKED_TARGET_SECONDS` (5 minutes, the service rules' promise) counts those called within it
against those called plus those still waiting past it. Walk-in waits are the waits of every other
ticket. The booking no-show rate comes from the bookings table (`BookingCounts`): no-shows against
no-shows plus check-ins.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from kiosk.domain.events import COUNTED, Kind
from kiosk.domain.ticket_times import booked_slots, by_ticket, quoted_waits, ticket_times
from kiosk.domain.tickets import EventView

BOOKED_TARGET_SECONDS = 5 * 60
QUOTE_MARGIN_MINUTES = 5  # a quoted wait "came true" when the call came within this of it


@dataclass(frozen=True)
class Summary:
    """Seconds: how many, mean, median, 90th percentile (nearest rank) and maximum."""

    count: int = 0
    mean: float | None = None
    median: float | None = None
    p90: float | None = None
    max: float | None = None

    @classmethod
    def of(cls, values: list[float]) -> Summary:
        if not values:
            return cls()
        ordered = sorted(values)
        rank = max(1, math.ceil(0.9 * len(ordered)))
        return cls(
            count=len(ordered),
            mean=statistics.fmean(ordered),
            median=statistics.median(ordered),
            p90=ordered[rank - 1],
            max=ordered[-1],
        )


@dataclass(frozen=True)
class BookingCounts:
    """A day's bookings of a department: made (not cancelled), checked in, and closed as no-shows."""

    booked: int = 0
    checked_in: int = 0
    no_shows: int = 0

    def __add__(self, other: BookingCounts) -> BookingCounts:
        return BookingCounts(
            self.booked + other.booked, self.checked_in + other.checked_in, self.no_shows + other.no_shows
        )

    @property
    def no_show_rate(self) -> float | None:
        total = self.checked_in + self.no_shows
        return self.no_shows / total if total else None


@dataclass(frozen=True)
class DepartmentStats:
    department: str
    issued: int
    waiting_now: int
    longest_wait_now: float | None
    served: int
    no_shows: int
    cancelled: int
    wait: Summary
    service: Summary
    over_sla: int
    sla_base: int
    sla_seconds: int | None = None  # the row's SLA target; None on the "all" row when targets differ
    walk_in_wait: Summary = Summary()  # the waits of tickets not given at a check-in
    booked_wait: Summary = Summary()  # booked visitors: from the later of check-in and slot to the call
    booked_in_time: int = 0  # booked visitors called within BOOKED_TARGET_SECONDS
    booked_base: int = 0  # booked visitors called, plus those still waiting past the target
    bookings: BookingCounts = BookingCounts()
    quoted: int = 0  # tickets called that were quoted a wait when issued
    quote_error: float | None = None  # their mean absolute error, in minutes
    quoted_within: int = 0  # of them, called within QUOTE_MARGIN_MINUTES of the wait quoted

    @property
    def quoted_within_share(self) -> float | None:
        return self.quoted_within / self.quoted if self.quoted else None

    @property
    def booked_in_time_share(self) -> float | None:
        return self.booked_in_time / self.booked_base if self.booked_base else None

    @property
    def no_show_rate(self) -> float | None:
        total = self.served + self.no_shows
        return self.no_shows / total if total else None

    @property
    def over_sla_share(self) -> float | None:
        return self.over_sla / self.sla_base if self.sla_base else None


@dataclass(frozen=True)
class DayStats:
    departments: list[DepartmentStats]
    total: DepartmentStats
    sla_seconds: int  # the default target: the centre's, for departments without their own
    sla_by_department: dict[str, int] = field(default_factory=dict)  # every row's target

    def sla_of(self, department: str) -> int:
        return self.sla_by_department.get(department, self.sla_seconds)


@dataclass
class _Acc:
    issued: int = 0
    served: int = 0
    no_shows: int = 0
    cancelled: int = 0
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)
    waiting_now: list[float] = field(default_factory=list)
    over_sla: int = 0
    sla_base: int = 0
    walk_in_waits: list[float] = field(default_factory=list)
    booked_waits: list[float] = field(default_factory=list)
    booked_in_time: int = 0
    booked_base: int = 0
    quote_errors: list[float] = field(default_factory=list)  # minutes: the real wait less the quoted

    def booked(self, seconds: float, called: bool) -> None:
        """A booked visitor's wait: finished by a call, or still going on."""
        if called:
            self.booked_waits.append(seconds)
        if called or seconds > BOOKED_TARGET_SECONDS:
            self.booked_base += 1
            self.booked_in_time += called and seconds <= BOOKED_TARGET_SECONDS

    def count(self, kind: str) -> None:
        if kind == Kind.ISSUED:
            self.issued += 1
        elif kind == Kind.FINISHED:
            self.served += 1
        elif kind == Kind.NO_SHOW:
            self.no_shows += 1
        elif kind == Kind.CANCELLED:
            self.cancelled += 1

    def wait(self, seconds: float, target: int) -> None:
        self.waits.append(seconds)
        self.sla_base += 1
        self.over_sla += seconds > target

    def still_waiting(self, seconds: float, target: int) -> None:
        self.waiting_now.append(seconds)
        if seconds > target:  # an ongoing wait counts once it is over the target
            self.sla_base += 1
            self.over_sla += 1


def day_stats(
    events: list[EventView],
    departments: list[str],
    sla_seconds: int | Mapping[str, int],
    until: datetime | None,
    *,
    default_sla_seconds: int | None = None,
    bookings: Mapping[str, BookingCounts] | None = None,
) -> DayStats:
    """Statistics of one day from its ticket events (ordered by id). `until` closes open periods
    (now, for today); a past day's open periods are left out, as the day's close ends them.

    `sla_seconds` is one target for every department, or a target per department code; departments
    the mapping does not name get `default_sla_seconds` (by default the mapping's most common value),
    which is also the `DayStats.sla_seconds` shown as "the" target. `bookings`: the day's booking
    counts per department (from the bookings table).
    """
    if isinstance(sla_seconds, int):
        targets: dict[str, int] = {}
        default = sla_seconds
    else:
        targets = dict(sla_seconds)
        if default_sla_seconds is not None:
            default = default_sla_seconds
        elif targets:
            default = Counter(targets.values()).most_common(1)[0][0]
        else:
            raise ValueError("an empty SLA mapping needs default_sla_seconds")

    def target(code: str) -> int:
        return targets.get(code, default)

    acc: dict[str, _Acc] = {code: _Acc() for code in departments}
    total = _Acc()

    def bucket(code: str) -> _Acc:
        return acc.setdefault(code, _Acc())

    for ticket_events in by_ticket(events).values():
        for event in ticket_events:
            if event.kind in COUNTED:
                bucket(event.department or "?").count(event.kind)
                total.count(event.kind)
    slots = booked_slots(events)
    quotes = quoted_waits(events)
    for times in ticket_times(events, until).values():
        quote = quotes.get(times.ticket_id)
        if quote is not None and times.first_called_at is not None:
            department, issued_at, minutes = quote
            error = (times.first_called_at - issued_at).total_seconds() / 60 - minutes
            bucket(department).quote_errors.append(error)
            total.quote_errors.append(error)
        booked = slots.get(times.ticket_id)
        for w in times.waits:
            bucket(w.department).wait(w.seconds, target(w.department))
            total.wait(w.seconds, target(w.department))
            if booked is None:
                bucket(w.department).walk_in_waits.append(w.seconds)
                total.walk_in_waits.append(w.seconds)
        if booked is not None:
            department, arrived = booked
            end = times.first_called_at or until
            if end is not None:
                seconds = max(0.0, (end - arrived).total_seconds())
                bucket(department).booked(seconds, times.first_called_at is not None)
                total.booked(seconds, times.first_called_at is not None)
        for dept, seconds in times.services:
            bucket(dept).services.append(seconds)
            total.services.append(seconds)
        if times.waiting_now is not None:
            dept, seconds = times.waiting_now
            bucket(dept).still_waiting(seconds, target(dept))
            total.still_waiting(seconds, target(dept))
    counts = dict(bookings or {})
    rows = [_row(code, a, target(code), counts.get(code, BookingCounts())) for code, a in acc.items()]
    used = {row.sla_seconds for row in rows} or {default}
    all_counts = sum(counts.values(), BookingCounts())
    return DayStats(
        departments=rows,
        total=_row("all", total, used.pop() if len(used) == 1 else None, all_counts),
        sla_seconds=default,
        sla_by_department={code: target(code) for code in acc},
    )


def _row(code: str, a: _Acc, sla_seconds: int | None, bookings: BookingCounts) -> DepartmentStats:
    return DepartmentStats(
        department=code,
        issued=a.issued,
        waiting_now=len(a.waiting_now),
        longest_wait_now=max(a.waiting_now) if a.waiting_now else None,
        served=a.served,
        no_shows=a.no_shows,
        cancelled=a.cancelled,
        wait=Summary.of(a.waits),
        service=Summary.of(a.services),
        over_sla=a.over_sla,
        sla_base=a.sla_base,
        sla_seconds=sla_seconds,
        walk_in_wait=Summary.of(a.walk_in_waits),
        booked_wait=Summary.of(a.booked_waits),
        booked_in_time=a.booked_in_time,
        booked_base=a.booked_base,
        bookings=bookings,
        quoted=len(a.quote_errors),
        quote_error=_mean([abs(e) for e in a.quote_errors]),
        quoted_within=sum(abs(e) <= QUOTE_MARGIN_MINUTES for e in a.quote_errors),
    )


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None
