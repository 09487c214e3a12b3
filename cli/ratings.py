"""`kiosk rate`: the front desk records the rating a visitor gave on paper, as the phone would (one a
ticket, once served, on its day), naming who recorded it."""

from __future__ import annotations

from cli import render
from cli.commands import Context
from kiosk.presentation import json_views
from kiosk.presentation.rating_words import FACES, REASON_LABELS


def cmd_rate(ctx: Context) -> None:
    a = ctx.args
    ticket, rating = ctx.service.rate(a.ticket, int(a.score), a.reason or [], source="cli", staff=a.staff)
    if ctx.json:
        data = json_views.ticket_json(ticket, ctx.settings.zone)
        data["rating"] = {"score": rating.score, "reasons": list(rating.reasons), "source": rating.source}
        render.emit_json(data)
        return
    named = "; ".join(REASON_LABELS[code] for code in rating.reasons)
    print(
        f"{ticket.code} rated {rating.score} ({FACES[rating.score].lower()}){f': {named}' if named else ''}"
    )
