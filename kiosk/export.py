"""A day exported as two UTF-8 CSV files for spreadsheets and reports.

`tickets-YYYY-MM-DD.csv` has one row per ticket of the day: its number, department, service, state and
window, its moments (local time, ISO 8601 with the UTC offset; empty when it never happened: first
call, first start, finish), its waiting and service seconds as the statistics count them (empty
when they count none, e.g. a ticket cancelled before any call), whether its last print failed, and
the booked slot's start for a ticket given at a booking's check-in (empty for a walk-in).
`summary-YYYY-MM-DD.csv` has one row per department plus the "all" row, the same columns as
`kiosk stats --csv` (which shares `STATS_COLUMNS` and `stats_rows` from here): the day's counts,
waits and services, the share over the SLA, then walk-in and booked waits apart, the share of booked
visitors seen within 5 minutes, and the day's bookings with their no-shows (`kiosk.stats`).

Each file is written next to its final name and then renamed, so a reader never sees half a file.
The files are readable by their owner only; a folder made for them too (a folder that exists is left).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.private import open_private, private_folder
from kiosk.stats import DayStats

if TYPE_CHECKING:
    from kiosk.service import QueueService

STATS_COLUMNS = [
    "department",
    "issued",
    "waiting_now",
    "served",
    "no_shows",
    "no_show_rate",
    "wait_mean_min",
    "wait_median_min",
    "wait_p90_min",
    "wait_max_min",
    "service_mean_min",
    "service_median_min",
    "service_p90_min",
    "service_max_min",
    "over_sla_share",
    "walk_in_wait_mean_min",
    "booked_wait_mean_min",
    "booked_seen_within_5_min_share",
    "bookings",
    "booking_no_shows",
    "booking_no_show_rate",
]

TICKET_COLUMNS = [
    "id",
    "number",
    "department",
    "origin",
    "service",
    "language",
    "priority",
    "interpreter",
    "state",
    "window",
    "issued_at",
    "first_called_at",
    "started_at",
    "finished_at",
    "wait_seconds",
    "service_seconds",
    "print_failed",
    "booked_at",
]


def stats_rows(stats: DayStats) -> list[list[str]]:
    """The day's figures as text cells under STATS_COLUMNS: minutes with one decimal, shares in %."""
    rows = []
    for d in [*stats.departments, stats.total]:
        rows.append(
            [
                d.department,
                str(d.issued),
                str(d.waiting_now),
                str(d.served),
                str(d.no_shows),
                _share(d.no_show_rate),
                _min(d.wait.mean),
                _min(d.wait.median),
                _min(d.wait.p90),
                _min(d.wait.max),
                _min(d.service.mean),
                _min(d.service.median),
                _min(d.service.p90),
                _min(d.service.max),
                _share(d.over_sla_share),
                _min(d.walk_in_wait.mean),
                _min(d.booked_wait.mean),
                _share(d.booked_in_time_share),
                str(d.bookings.booked),
                str(d.bookings.no_shows),
                _share(d.bookings.no_show_rate),
            ]
        )
    return rows


def ticket_rows(service: QueueService, day: date) -> list[list[str]]:
    """One row per ticket of `day` under TICKET_COLUMNS, in order of issue."""
    zone = service.settings.zone
    times = service.ticket_times(day)
    faults = service.print_faults(day)
    rows = []
    for t in service.day_view(day):
        own = times.get(t.id)
        rows.append(
            [
                str(t.id),
                t.code,
                t.department,
                t.origin,
                t.service,
                t.language,
                t.priority or "",
                _yes(t.interpreter),
                t.state.value,
                t.window or "",
                _local(t.issued_at, zone),
                _local(own.first_called_at if own else None, zone),
                _local(own.started_at if own else None, zone),
                _local(own.finished_at if own else None, zone),
                _seconds(own.wait_seconds if own else None),
                _seconds(own.service_seconds if own else None),
                _yes(t.id in faults),
                _local(t.booked_at, zone),
            ]
        )
    return rows


def export_day(service: QueueService, day: date | None, folder: Path) -> tuple[Path, Path]:
    """Write the tickets and the summary of `day` (default today) into `folder` (made if missing);
    an export of the same day again replaces both files. Returns their paths."""
    day = day or service.today()
    private_folder(folder)
    tickets = folder / f"tickets-{day.isoformat()}.csv"
    summary = folder / f"summary-{day.isoformat()}.csv"
    _write(tickets, TICKET_COLUMNS, ticket_rows(service, day))
    _write(summary, STATS_COLUMNS, stats_rows(service.stats(day)))
    return tickets, summary


def _write(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open_private(partial, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _local(moment: datetime | None, zone: tzinfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else ""


def _seconds(value: float | None) -> str:
    return "" if value is None else str(round(value))


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _min(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 60:.1f}"


def _share(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"
