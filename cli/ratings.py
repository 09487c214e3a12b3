"""`kiosk rate`: the front desk records the rating a visitor gave on paper, as the phone would (one a
ticket, once served, on its day), naming who recorded it."""

from __future__ import annotations

from cli import render
from cli.context import Context
from cli.options import Command, Parser, staff_option, ticket_argument
from kiosk.presentation import json_views
from kiosk.presentation.rating_words import FACES, REASON_LABELS


def rate_arguments(p: Parser) -> None:
    ticket_argument(p)
    p.add_argument(
        "--score", required=True, choices=["1", "2", "3", "4", "5"], help="1 very bad ... 5 very good"
    )
    p.add_argument(
        "--reason",
        action="append",
        metavar="CODE",
        help=f"a reason the visitor ticked (repeat for more): {', '.join(REASON_LABELS)}",
    )
    staff_option(p)


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


COMMANDS = {"rate": Command(cmd_rate, rate_arguments)}
