"""`kiosk staff-stats`: the day's figures per staff member (served, mean service, breaks by reason,
idle while visitors waited). An administrator sees everyone; any other member their own row."""

from __future__ import annotations

from cli import render
from cli.context import Context, day_of
from cli.options import Command, Parser, day_option, staff_option
from kiosk.domain.staff_time import NO_REASON
from kiosk.presentation.staff_figures import TABLE, breaks_text, staff_json


def staff_stats_arguments(p: Parser) -> None:
    day_option(p)
    staff_option(p)


def cmd_staff_stats(ctx: Context) -> None:
    member = ctx.member
    assert member is not None  # the command needs a signed-in member
    own = None if member.role == "admin" else member.name
    day = day_of(ctx.args.day) or ctx.service.today()
    rows = ctx.service.staff_time(day, member=own)
    if ctx.json:
        render.emit_json({"day": day.isoformat(), "staff": [staff_json(r) for r in rows]})
        return
    order = [r.code for r in ctx.service.catalogue.pause_reason]
    table = [[r.staff, *(f.cell(r) for f in TABLE), breaks_text(r, order, lambda code: code)] for r in rows]
    print(render.table(["staff", *(f.key for f in TABLE), "breaks_min"], table))
    print(
        "\n(minutes; idle: at the window between the member's first and last action there, nobody "
        "called or served and no break, while visitors of its departments waited; "
        f"{NO_REASON}: a break recorded before reasons were asked for)"
    )


COMMANDS = {"staff-stats": Command(cmd_staff_stats, staff_stats_arguments)}
