"""A month's figures per day and department (`kiosk report`), from each day's statistics and ratings.
Pure: no database. A month's row adds up its days, but its median and p90 wait are taken over all
the month's waits, never averaged from the days' medians."""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from kiosk.domain.ratings import RatingStats, RatingSummary
from kiosk.domain.stats import DayStats, DepartmentStats, Summary


@dataclass(frozen=True)
class Row:
    """One department (or "all") on one day, or over the month (`day` None). Waits in seconds.

    `waits_counted` are the statistics' SLA base: the waits that ended with a call, plus (today) the
    ones still going on past the target; `within_target` those of them that ended with a call within
    the department's target. `booked`: tickets given at a booking's check-in."""

    day: date | None
    department: str
    visitors: int = 0
    booked: int = 0
    served: int = 0
    no_shows: int = 0
    wait: Summary = field(default_factory=Summary)
    within_target: int = 0
    waits_counted: int = 0
    target_seconds: int | None = None
    ratings: int = 0
    rating_sum: int = 0  # the scores added up (each is a whole number 1-5)

    @property
    def walk_ins(self) -> int:
        return max(0, self.visitors - self.booked)

    @property
    def within_share(self) -> float | None:
        return self.within_target / self.waits_counted if self.waits_counted else None

    @property
    def no_show_rate(self) -> float | None:
        seen = self.served + self.no_shows
        return self.no_shows / seen if seen else None

    @property
    def rating_mean(self) -> float | None:
        return self.rating_sum / self.ratings if self.ratings else None


@dataclass(frozen=True)
class Day:
    """What one day gives the month: its statistics, its ratings, and its waits that ended with a
    call, in seconds, per department (the statistics' own waits: `ticket_times`)."""

    day: date
    stats: DayStats
    ratings: RatingStats
    waits: Mapping[str, Sequence[float]]


@dataclass(frozen=True)
class Month:
    """`first`: the month's first day; `days`: the days reported (up to today in the current month).
    `rows`: per day with visitors, each department then "all"; `totals`: the month per department,
    then "all"."""

    first: date
    days: list[date]
    rows: list[Row] = field(default_factory=list)
    totals: list[Row] = field(default_factory=list)

    @property
    def total(self) -> Row:
        return self.totals[-1] if self.totals else Row(None, "all")

    @property
    def visited_days(self) -> list[date]:
        return sorted({row.day for row in self.rows if row.day})

    @property
    def empty(self) -> bool:
        return self.total.visitors == 0 and self.total.ratings == 0

    def day_totals(self) -> dict[date, Row]:
        """The "all" row of each day reported (a day without visitors gets an empty one)."""
        found = {row.day: row for row in self.rows if row.department == "all" and row.day}
        return {day: found.get(day, Row(day, "all")) for day in self.days}


def month_days(first: date, today: date) -> list[date]:
    """The days of `first`'s month up to `today` (all of them for a past month)."""
    last = calendar.monthrange(first.year, first.month)[1]
    return [day for n in range(1, last + 1) if (day := first.replace(day=n)) <= today]


def month_figures(first: date, days: Sequence[Day], today: date, departments: Sequence[str] = ()) -> Month:
    """The month of `first` from its days (any order; days without visitors leave no rows).
    `departments`: the month's rows always given, in their order (others seen follow)."""
    rows: list[Row] = []
    waits: dict[str, list[float]] = {}
    for given in sorted(days, key=lambda d: d.day):
        for code, seconds in given.waits.items():
            waits.setdefault(code, []).extend(seconds)
        every = [*given.stats.departments, given.stats.total]
        day_rows = [_day_row(given.day, d, given.ratings.department(d.department)) for d in every]
        if day_rows[-1].visitors or day_rows[-1].ratings or day_rows[-1].waits_counted:
            rows.extend(day_rows)
    codes = list(dict.fromkeys([*departments, *(r.department for r in rows if r.department != "all")]))
    totals = [
        _month_row(code, [r for r in rows if r.department == code], waits.get(code, [])) for code in codes
    ]
    everything = [seconds for values in waits.values() for seconds in values]
    totals.append(_month_row("all", [r for r in rows if r.department == "all"], everything))
    return Month(first, month_days(first, today), rows, totals)


def _day_row(day: date, d: DepartmentStats, r: RatingSummary) -> Row:
    return Row(
        day=day,
        department=d.department,
        visitors=d.issued,
        booked=d.bookings.checked_in,
        served=d.served,
        no_shows=d.no_shows,
        wait=d.wait,
        within_target=d.sla_base - d.over_sla,
        waits_counted=d.sla_base,
        target_seconds=d.sla_seconds,
        ratings=r.count,
        rating_sum=round((r.mean or 0) * r.count),
    )


def _month_row(code: str, rows: Sequence[Row], waits: list[float]) -> Row:
    targets = {row.target_seconds for row in rows}
    return Row(
        day=None,
        department=code,
        visitors=sum(r.visitors for r in rows),
        booked=sum(r.booked for r in rows),
        served=sum(r.served for r in rows),
        no_shows=sum(r.no_shows for r in rows),
        wait=Summary.of(waits),
        within_target=sum(r.within_target for r in rows),
        waits_counted=sum(r.waits_counted for r in rows),
        target_seconds=targets.pop() if len(targets) == 1 else None,
        ratings=sum(r.ratings for r in rows),
        rating_sum=sum(r.rating_sum for r in rows),
    )
