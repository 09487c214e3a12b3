"""Turning the core's views into JSON for machines and short aligned text for people."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kiosk.catalogue import Catalogue
from kiosk.domain import BookingView, EventView, Issued, TicketView
from kiosk.export import STATS_COLUMNS as STATS_COLUMNS  # one definition for `stats --csv` and `export`
from kiosk.export import stats_rows as stats_rows
from kiosk.stats import DayStats, DepartmentStats, Summary


def iso(moment: datetime | None, zone: Any) -> str | None:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else None


def ticket_json(t: TicketView, zone: Any) -> dict[str, Any]:
    return {
        "id": t.id,
        "number": t.code,
        "department": t.department,
        "origin": t.origin,
        "service": t.service,
        "windows": list(t.windows),
        "language": t.language,
        "priority": t.priority,
        "interpreter": t.interpreter,
        "state": t.state.value,
        "window": t.window,
        "day": t.day.isoformat(),
        "issued_at": iso(t.issued_at, zone),
        "called_at": iso(t.called_at, zone),
        "booked_at": iso(t.booked_at, zone),  # the booked slot, for a ticket given at check-in
    }


def booking_json(b: BookingView, zone: Any) -> dict[str, Any]:
    return {
        "code": b.code,
        "service": b.service,
        "department": b.department,
        "at": iso(b.at, zone),
        "language": b.language,
        "state": b.state,
        "ticket": b.ticket,
        "name": b.name,
        "phone": b.phone,
        "source": b.source,
    }


def issued_json(issued: Issued, zone: Any) -> dict[str, Any]:
    return {
        **ticket_json(issued.ticket, zone),
        "ahead": issued.ahead,
        "wait_minutes": issued.wait_minutes,
        "qr": issued.qr,
    }


def event_json(e: EventView, zone: Any) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": iso(e.at, zone),
        "kind": e.kind,
        "ticket_id": e.ticket_id,
        "department": e.department,
        "window": e.window,
        "staff": e.staff,
        "state": e.state,
        "data": e.data,
    }


def summary_json(s: Summary) -> dict[str, Any]:
    return {"count": s.count, "mean": s.mean, "median": s.median, "p90": s.p90, "max": s.max}


def dept_stats_json(d: DepartmentStats) -> dict[str, Any]:
    return {
        "department": d.department,
        "issued": d.issued,
        "waiting_now": d.waiting_now,
        "longest_wait_now": d.longest_wait_now,
        "served": d.served,
        "no_shows": d.no_shows,
        "no_show_rate": d.no_show_rate,
        "cancelled": d.cancelled,
        "wait_seconds": summary_json(d.wait),
        "service_seconds": summary_json(d.service),
        "over_sla": d.over_sla,
        "over_sla_share": d.over_sla_share,
        "sla_minutes": None if d.sla_seconds is None else d.sla_seconds // 60,
        "walk_in_wait_seconds": summary_json(d.walk_in_wait),
        "booked_wait_seconds": summary_json(d.booked_wait),
        "booked_seen_within_5_min_share": d.booked_in_time_share,
        "bookings": d.bookings.booked,
        "booking_check_ins": d.bookings.checked_in,
        "booking_no_shows": d.bookings.no_shows,
        "booking_no_show_rate": d.bookings.no_show_rate,
    }


def stats_json(stats: DayStats) -> dict[str, Any]:
    return {
        "sla_minutes": stats.sla_seconds // 60,
        "departments": [dept_stats_json(d) for d in stats.departments],
        "total": dept_stats_json(stats.total),
    }


def catalogue_json(c: Catalogue, lang: str) -> dict[str, Any]:
    return {
        "departments": [
            {
                "code": d.code,
                "prefix": d.prefix,
                "name": d.name(lang),
                "windows": d.windows,
                "hours": [str(p) for p in d.hours],
                "days": d.days,
                "last_ticket": f"{d.cutoff:%H:%M}",
                "services": [
                    {
                        "code": s.code,
                        "name": s.name(lang),
                        "hint": s.hint(lang),
                        "appointments": s.appointments.model_dump() if s.appointments else None,
                    }
                    for s in d.service
                ],
            }
            for d in c.department
        ],
        "windows": {w: c.departments_of_window(w) for w in c.windows},
        "priorities": [
            {"code": p.code, "name": p.name(lang), "once_per_day": p.once_per_day} for p in c.priority
        ],
        "menu": [{"code": m.code, "name": m.name(lang), "services": m.services} for m in c.menu],
        "closed_days": [d.isoformat() for d in c.closed_days],
    }


def printable(text: str) -> str:
    """Text as a terminal may show it: control and format characters (an ANSI escape in a name,
    a right-to-left override) written out as escapes instead of acted upon."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in _HIDDEN else ch
        for ch in text
    )


_HIDDEN = ("Cc", "Cf", "Zl", "Zp")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    rows = [[printable(cell) for cell in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
