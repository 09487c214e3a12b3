"""Staff time as shown (`kiosk.domain.staff_time`), defined once: the JSON of `kiosk staff-stats
--json`, and the figures of the tables (`kiosk staff-stats` and the front desk's Statistics tab),
durations in whole minutes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.domain.staff_time import StaffTime
from kiosk.presentation.i18n import N_


def minutes(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 60:.0f}"


@dataclass(frozen=True)
class StaffFigure:
    key: str  # the text table's header
    label: str  # the desk's header (marked for translation)
    cell: Callable[[StaffTime], str]


TABLE = [
    StaffFigure("windows", N_("Windows"), lambda r: ", ".join(r.windows)),
    StaffFigure("served", N_("Served"), lambda r: str(r.served)),
    StaffFigure("service_mean_min", N_("Mean service"), lambda r: minutes(r.service_seconds)),
    StaffFigure("idle_min", N_("Idle while visitors waited"), lambda r: minutes(r.idle_seconds)),
    StaffFigure("break_min", N_("On a break"), lambda r: minutes(r.pause_seconds)),
]


def breaks_text(row: StaffTime, order: Sequence[str], name: Callable[[str], str]) -> str:
    """The break minutes by reason, in the catalogue's `order` (codes it no longer has after):
    "Lunch 30; Short break 10" (`name` words each code)."""
    codes = sorted(row.pauses, key=lambda code: (order.index(code) if code in order else len(order), code))
    return "; ".join(f"{name(code)} {minutes(row.pauses[code])}" for code in codes)


def staff_json(row: StaffTime) -> dict[str, Any]:
    """One member's figures for machines, in whole seconds."""
    return {
        "staff": row.staff,
        "windows": list(row.windows),
        "served": row.served,
        "service_mean_seconds": None if row.service_seconds is None else round(row.service_seconds),
        "pause_seconds": {code: round(seconds) for code, seconds in row.pauses.items()},
        "pause_total_seconds": round(row.pause_seconds),
        "idle_seconds": round(row.idle_seconds),
        "working_seconds": round(row.working_seconds),
    }
