"""The day's figures per department, defined once: each with its key, its unit, how it is read from
`DepartmentStats`, its header on the front desk's tables, and where it is shown. The CSV (`kiosk stats
--csv`, the export), the JSON (`kiosk stats --json`, the API) and the desk's tables are all drawn
from `FIGURES`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from kiosk.domain.stats import DayStats, DepartmentStats, Summary
from kiosk.presentation.i18n import N_


class Unit(Enum):
    COUNT = "count"
    SECONDS = "seconds"  # a duration: whole seconds in JSON, minutes in the CSV and on the desk
    SHARE = "share"  # 0..1 in JSON, a percentage in the CSV and on the desk


@dataclass(frozen=True)
class Figure:
    key: str  # the JSON key, and the CSV header (with `_min` for a duration)
    unit: Unit
    get: Callable[[DepartmentStats], Any]
    label: str | None = None  # its header on the front desk (marked for translation)
    csv: bool = True
    json: bool = True  # a part of a summary is in JSON as the summary (`SUMMARIES`)

    @property
    def csv_key(self) -> str:
        return f"{self.key}_min" if self.unit is Unit.SECONDS else self.key

    def cell(self, d: DepartmentStats, precise: bool = False) -> str:
        """As shown: a duration in minutes (one decimal when `precise`, as in the CSV; whole on the
        desk), a share in %, nothing when there is none."""
        value = self.get(d)
        if value is None:
            return ""
        if self.unit is Unit.SECONDS:
            return f"{value / 60:.{1 if precise else 0}f}"
        if self.unit is Unit.SHARE:
            return f"{value * 100:.0f}%"
        return str(value)


def _part(summary: Callable[[DepartmentStats], Summary], name: str) -> Callable[[DepartmentStats], Any]:
    return lambda d: getattr(summary(d), name)


def _wait(d: DepartmentStats) -> Summary:
    return d.wait


def _service(d: DepartmentStats) -> Summary:
    return d.service


def _walk_in(d: DepartmentStats) -> Summary:
    return d.walk_in_wait


def _booked(d: DepartmentStats) -> Summary:
    return d.booked_wait


# JSON carries each of these whole, as `<name>_seconds`: count, mean, median, p90, max
SUMMARIES: dict[str, Callable[[DepartmentStats], Summary]] = {
    "wait": _wait,
    "service": _service,
    "walk_in_wait": _walk_in,
    "booked_wait": _booked,
}

S, C, P = Unit.SECONDS, Unit.COUNT, Unit.SHARE
FIGURES = [
    Figure("issued", C, lambda d: d.issued),
    Figure("waiting_now", C, lambda d: d.waiting_now, N_("Waiting now")),
    Figure("longest_wait_now", S, lambda d: d.longest_wait_now, N_("Longest wait"), csv=False),
    Figure("served", C, lambda d: d.served, N_("Served")),
    Figure("no_shows", C, lambda d: d.no_shows),
    Figure("no_show_rate", P, lambda d: d.no_show_rate, N_("No-show rate")),
    Figure("cancelled", C, lambda d: d.cancelled, csv=False),
    Figure("wait_mean", S, _part(_wait, "mean"), N_("Mean wait"), json=False),
    Figure("wait_median", S, _part(_wait, "median"), json=False),
    Figure("wait_p90", S, _part(_wait, "p90"), N_("p90 wait"), json=False),
    Figure("wait_max", S, _part(_wait, "max"), json=False),
    Figure("service_mean", S, _part(_service, "mean"), N_("Mean service"), json=False),
    Figure("service_median", S, _part(_service, "median"), json=False),
    Figure("service_p90", S, _part(_service, "p90"), N_("p90 service"), json=False),
    Figure("service_max", S, _part(_service, "max"), json=False),
    Figure("over_sla", C, lambda d: d.over_sla, csv=False),
    Figure("over_sla_share", P, lambda d: d.over_sla_share, N_("Over SLA")),
    Figure("sla_minutes", C, lambda d: None if d.sla_seconds is None else d.sla_seconds // 60, csv=False),
    Figure("walk_in_wait_mean", S, _part(_walk_in, "mean"), N_("Walk-in mean wait"), json=False),
    Figure("booked_wait_mean", S, _part(_booked, "mean"), N_("Booked mean wait"), json=False),
    Figure("booked_wait_p90", S, _part(_booked, "p90"), N_("Booked p90 wait"), csv=False, json=False),
    Figure("booked_seen_within_5_min_share", P, lambda d: d.booked_in_time_share, N_("Seen within 5 min")),
    Figure("bookings", C, lambda d: d.bookings.booked, N_("Bookings")),
    Figure("booking_check_ins", C, lambda d: d.bookings.checked_in, N_("Checked in"), csv=False),
    Figure("booking_no_shows", C, lambda d: d.bookings.no_shows, N_("No-shows")),
    Figure("booking_no_show_rate", P, lambda d: d.bookings.no_show_rate, N_("No-show rate")),
    Figure("quoted", C, lambda d: d.quoted),  # the waits quoted at issue, against the calls that came
    Figure("quote_error", S, lambda d: None if d.quote_error is None else d.quote_error * 60),
    Figure("quoted_within_5_min_share", P, lambda d: d.quoted_within_share),
]
BY_KEY = {f.key: f for f in FIGURES}

# The front desk's two tables, in their order of columns
DESK_DAY = [
    BY_KEY[k]
    for k in (
        "waiting_now", "longest_wait_now", "served", "wait_mean", "wait_p90", "service_mean",
        "service_p90", "no_show_rate", "over_sla_share",
    )
]  # fmt: skip
DESK_BOOKED = [
    BY_KEY[k]
    for k in (
        "bookings", "booking_check_ins", "booking_no_shows", "booking_no_show_rate", "walk_in_wait_mean",
        "booked_wait_mean", "booked_wait_p90", "booked_seen_within_5_min_share",
    )
]  # fmt: skip

STATS_COLUMNS = ["department", *(f.csv_key for f in FIGURES if f.csv)]


def stats_rows(stats: DayStats) -> list[list[str]]:
    """The day's figures as text cells under STATS_COLUMNS, one row per department and the total."""
    shown = [f for f in FIGURES if f.csv]
    return [
        [d.department, *(f.cell(d, precise=True) for f in shown)] for d in [*stats.departments, stats.total]
    ]


def summary_json(s: Summary) -> dict[str, Any]:
    return {"count": s.count, "mean": s.mean, "median": s.median, "p90": s.p90, "max": s.max}


def department_json(d: DepartmentStats) -> dict[str, Any]:
    figures = {f.key: f.get(d) for f in FIGURES if f.json}
    summaries = {f"{name}_seconds": summary_json(get(d)) for name, get in SUMMARIES.items()}
    return {"department": d.department, **figures, **summaries}


def stats_json(stats: DayStats) -> dict[str, Any]:
    return {
        "sla_minutes": stats.sla_seconds // 60,
        "departments": [department_json(d) for d in stats.departments],
        "total": department_json(stats.total),
    }
