"""The core's views as JSON, one shape for the command line's `--json` and the web API (the day's
statistics are `kiosk.presentation.figures`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kiosk.domain.catalogue import Catalogue
from kiosk.domain.codes import number_code
from kiosk.domain.tickets import BookingView, EventView, Issued, TicketView


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
        "number_code": number_code(b.code),
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
        "quoted_wait_minutes": issued.wait_minutes,  # what the ticket says, kept for the statistics
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
        "pause_reasons": [{"code": r.code, "name": r.name(lang)} for r in c.pause_reason],
    }
