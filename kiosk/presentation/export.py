"""A day exported as two UTF-8 CSV files for spreadsheets and reports.

`tickets-YYYY-MM-DD.csv` has one row per ticket of the day: its number, department, service, state and
window, its moments (local time, ISO 8601 with the UTC offset; empty when it never happened: first
call, first start, finish), its waiting and service seconds as the statistics count them (empty
when they count none, e.g. a ticket cancelled before any call), whether its last print failed, and
the booked slot's start for a ticket given at a booking's check-in (empty for a walk-in).
`summary-YYYY-MM-DD.csv` has one row per department plus the "all" row, the same columns as
`kiosk stats --csv` (`kiosk.presentation.figures`): the day's counts,
waits and services, the share over the SLA, then walk-in and booked waits apart, the share of booked
visitors seen within 5 minutes, and the day's bookings with their no-shows (`kiosk.domain.stats`); then
the visitors' ratings: how many, their mean, the share of 4 and 5, and each reason's count
(`kiosk.presentation.rating_figures`).

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

from kiosk.presentation.rating_figures import SUMMARY_COLUMNS, summary_rows
from kiosk.private import open_private, private_folder

if TYPE_CHECKING:
    from kiosk.service import QueueService

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
    _write(summary, SUMMARY_COLUMNS, summary_rows(service.stats(day), service.ratings(day)))
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
