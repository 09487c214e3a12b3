"""The monthly report (`kiosk report`): the month read day by day (`kiosk.domain.monthly`) and written
as `report-YYYY-MM.csv` and `report-YYYY-MM.html`, readable by their owner only.

The CSV has a row per department and "all" for each day with visitors (`day` YYYY-MM-DD), then the
month's rows (`day` YYYY-MM): visitors (tickets issued), walk-ins and booked (given at a check-in),
served, no-shows and their rate, the median and p90 wait in minutes, the waits counted and those
within the department's target with their share and the target, and the ratings with their mean.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.domain.monthly import Day, Month, Row, month_days, month_figures
from kiosk.domain.ratings import rating_stats
from kiosk.private import open_private, private_folder

if TYPE_CHECKING:
    from kiosk.service import QueueService


def _minutes(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 60:.1f}"


def _share(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def _mean(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


COLUMNS: list[tuple[str, Callable[[Row], str]]] = [
    ("department", lambda r: r.department),
    ("visitors", lambda r: str(r.visitors)),
    ("walk_ins", lambda r: str(r.walk_ins)),
    ("booked", lambda r: str(r.booked)),
    ("served", lambda r: str(r.served)),
    ("no_shows", lambda r: str(r.no_shows)),
    ("no_show_rate", lambda r: _share(r.no_show_rate)),
    ("wait_median_min", lambda r: _minutes(r.wait.median)),
    ("wait_p90_min", lambda r: _minutes(r.wait.p90)),
    ("waits_counted", lambda r: str(r.waits_counted)),
    ("within_target", lambda r: str(r.within_target)),
    ("within_target_share", lambda r: _share(r.within_share)),
    ("target_min", lambda r: "" if r.target_seconds is None else str(r.target_seconds // 60)),
    ("rating_count", lambda r: str(r.ratings)),
    ("rating_mean", lambda r: _mean(r.rating_mean)),
]
HEADER = ["day", *(key for key, _ in COLUMNS)]


@dataclass(frozen=True)
class Written:
    month: Month
    csv: Path
    html: Path


def read_month(service: QueueService, first: date) -> Month:
    """The month of `first` up to today, read a day at a time: its ticket events once (the statistics,
    the waits and the ratings come from them) and its bookings' counts."""
    today = service.today()
    codes = [d.code for d in service.catalogue.department]
    days = []
    for day in month_days(first, today):
        events = service.ticket_events(day)
        waits: dict[str, list[float]] = {}
        for times in service.ticket_times(day, events).values():
            for wait in times.waits:
                waits.setdefault(wait.department, []).append(wait.seconds)
        days.append(Day(day, service.stats(day, events), rating_stats(events, codes), waits))
    return month_figures(first, days, today, codes)


def csv_text(month: Month) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for row in [*month.rows, *month.totals]:
        day = row.day.isoformat() if row.day else f"{month.first:%Y-%m}"
        writer.writerow([day, *(cell(row) for _, cell in COLUMNS)])
    return out.getvalue()


def headline(month: Month) -> dict[str, Any]:
    """The month's figures for all departments, as `kiosk report --json` prints them (shares 0..1)."""
    total = month.total
    return {
        "visitors": total.visitors,
        "booked": total.booked,
        "within_target_share": total.within_share,
        "target_minutes": None if total.target_seconds is None else total.target_seconds // 60,
        "rating_mean": total.rating_mean,
        "ratings": total.ratings,
        "no_show_rate": total.no_show_rate,
        "wait_median_minutes": None if total.wait.median is None else total.wait.median / 60,
        "wait_p90_minutes": None if total.wait.p90 is None else total.wait.p90 / 60,
    }


def write_report(service: QueueService, first: date, folder: Path) -> Written:
    """Write the month of `first` into `folder` (made 0700 when missing); again replaces both files."""
    from kiosk.presentation.report_html import report_page

    month = read_month(service, first)
    private_folder(folder)
    name = f"report-{first:%Y-%m}"
    written = Written(month, folder / f"{name}.csv", folder / f"{name}.html")
    _write(written.csv, csv_text(month))
    _write(written.html, report_page(month, service.settings, service.catalogue, service.today()))
    return written


def _write(path: Path, text: str) -> None:
    """Written whole under another name, then renamed: a reader never sees half a file."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open_private(partial, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
