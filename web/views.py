"""The JSON the API gives: a ticket as its visitor follows it, the queue per department."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.domain.catalogue import Catalogue
from kiosk.domain.tickets import State, TicketStatus
from kiosk.errors import KioskError


def iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else None


def _department(catalogue: Catalogue, code: str, lang: str) -> dict[str, Any]:
    try:
        name = catalogue.dept(code).name(lang)
    except KioskError:  # a department the catalogue no longer has: its code is all there is
        name = code
    return {"code": code, "name": name}


def ticket_json(
    status: TicketStatus, catalogue: Catalogue, zone: ZoneInfo, lang: str | None
) -> dict[str, Any]:
    """A ticket for its visitor's phone, names in `lang` (default: the ticket's language). No
    personal data: no priority category, no document, no note, no staff member."""
    t = status.ticket
    lang = lang or t.language
    try:
        service: dict[str, Any] = {"code": t.service, "name": catalogue.service(t.service)[0].name(lang)}
    except KioskError:
        service = {"code": t.service, "name": t.service}
    moved = status.transferred_from
    return {
        "number": t.code,
        "state": t.state.value,
        "language": t.language,
        "lang": lang,
        "department": _department(catalogue, t.department, lang),
        "service": service,
        "windows": list(t.windows),
        "ahead": status.ahead,
        "wait_minutes": status.wait_minutes,
        "window": t.window,
        "called_at": iso(t.called_at, zone),
        "recalls": status.recalls,
        "last_recall_at": iso(status.last_recall_at, zone),
        "on_my_way": status.on_my_way,
        "booked_at": iso(t.booked_at, zone),
        "called_about": iso(status.called_about, zone),
        "transferred_from": _department(catalogue, moved, lang) if moved else None,
        "day": t.day.isoformat(),
        # once served, the visitor may rate the visit (`POST .../rating`), once
        "rating": {"open": t.state == State.DONE and status.rating is None, "score": status.rating},
    }
