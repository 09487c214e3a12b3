"""The day's commands of the `kiosk` CLI: the queue, the statistics and the export, closing the day,
and a department's or a window's state today."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from cli import render
from cli.context import Context, day_of, time_of
from cli.options import Command, Parser, day_option, staff_option
from kiosk.errors import KioskError, clipped
from kiosk.presentation import json_views
from kiosk.presentation.rating_words import REASON_LABELS


def queue_arguments(p: Parser) -> None:
    day_option(p)
    p.add_argument("--department", metavar="DEPT")


def cmd_queue(ctx: Context) -> None:
    day = day_of(ctx.args.day)
    tickets = ctx.service.day_view(day, ctx.args.department)
    zone = ctx.settings.zone
    if ctx.json:
        render.emit_json([json_views.ticket_json(t, zone) for t in tickets])
        return
    rows = [
        [
            t.code,
            t.department,
            t.service,
            t.state.value,
            t.window or "",
            t.priority or "",
            t.language,
            f"{t.issued_at.astimezone(zone):%H:%M}",
        ]
        for t in tickets
    ]
    print(
        render.table(
            ["number", "department", "service", "state", "window", "priority", "lang", "issued"],
            rows,
        )
    )


def stats_arguments(p: Parser) -> None:
    day_option(p)
    p.add_argument("--csv", action="store_true", help="CSV instead of a table")


def cmd_stats(ctx: Context) -> None:
    from kiosk.presentation import figures  # one definition for the CSV, the JSON and the tables
    from kiosk.presentation import rating_figures as rated  # the visitors' ratings beside them

    stats = ctx.service.stats(day_of(ctx.args.day))
    ratings = ctx.service.ratings(day_of(ctx.args.day))
    if ctx.json:
        render.emit_json(rated.with_ratings(figures.stats_json(stats), ratings))
    elif ctx.args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(rated.SUMMARY_COLUMNS)
        writer.writerows(rated.summary_rows(stats, ratings))
    else:  # the front desk's tables, in English
        every = [*stats.departments, stats.total]
        for shown in (figures.DESK_DAY, figures.DESK_BOOKED):
            headers = ["department", *(str(f.label) for f in shown)]
            print(render.table(headers, [[d.department, *(f.cell(d) for f in shown)] for d in every]))
            print()
        own = [
            f"{code} {seconds // 60} min"
            for code, seconds in stats.sla_by_department.items()
            if seconds != stats.sla_seconds
        ]
        print(f"(minutes; SLA target {stats.sla_seconds // 60} min{''.join(f'; {o}' for o in own)})")
        print()
        print("Visitors' ratings (1 very bad ... 5 very good), per department, window and staff member:")
        headers = ["group", "name", *(str(f.label) for f in rated.TABLE), "reasons named"]
        print(render.table(headers, rated.rating_rows(ratings, REASON_LABELS.__getitem__)))


def export_arguments(p: Parser) -> None:
    day_option(p)
    p.add_argument("--dir", metavar="PATH", help="folder to write to (default: DATA_DIR/exports)")


def cmd_export(ctx: Context) -> None:
    from kiosk.presentation.export import export_day

    folder = Path(ctx.args.dir) if ctx.args.dir else ctx.settings.data_dir / "exports"
    day = day_of(ctx.args.day) or ctx.service.today()
    try:
        tickets, summary = export_day(ctx.service, day, folder)
    except OSError as exc:
        raise KioskError(
            f"cannot write the export to {clipped(str(folder))}: {exc.strerror or exc}"
        ) from None
    if ctx.json:
        render.emit_json({"day": day.isoformat(), "tickets": str(tickets), "summary": str(summary)})
    else:
        print(tickets)
        print(summary)


def close_day_arguments(p: Parser) -> None:
    day_option(p)
    p.add_argument("--reason", default="end of day")
    staff_option(p)


def cmd_close_day(ctx: Context) -> None:
    closed = ctx.service.close_day(day_of(ctx.args.day), ctx.args.reason, staff=ctx.args.staff)
    ctx.service.purge_notes()
    if ctx.json:
        render.emit_json({"closed": closed})
    else:
        print(f"closed {closed} open ticket(s)")


def department_arguments(p: Parser) -> None:
    p.add_argument("department", metavar="DEPT", help="department code")
    change = p.add_mutually_exclusive_group(required=True)
    change.add_argument("--close", action="store_true", help="no more tickets today")
    change.add_argument("--reopen", action="store_true", help="give tickets again today")
    change.add_argument("--last-ticket", metavar="HH:MM", help="today's last-ticket time")
    change.add_argument("--usual-last-ticket", action="store_true", help="back to the catalogue's")
    staff_option(p)


def cmd_department(ctx: Context) -> None:
    a, service = ctx.args, ctx.service
    if a.close or a.reopen:
        service.set_department_open(a.department, bool(a.reopen), staff=a.staff)
    else:
        service.set_last_ticket(
            a.department, None if a.usual_last_ticket else time_of(a.last_ticket), a.staff
        )
    opening = service.opening(a.department)
    closed = a.department in service.closed_today()
    if ctx.json:
        render.emit_json(
            {
                "department": a.department,
                "closed_today": closed,
                "last_ticket": f"{opening.cutoff:%H:%M}",
                "open_now": opening.open,
            }
        )
    else:
        state = "closed for today" if closed else f"open today, last ticket {opening.cutoff:%H:%M}"
        print(f"{a.department}: {state}")


class WindowUsage(KioskError):
    """`kiosk window --pause` without `--reason`, or `--resume` with one: a usage error."""

    exit_code = 2


def window_arguments(p: Parser) -> None:
    p.add_argument("window", metavar="W")
    change = p.add_mutually_exclusive_group(required=True)
    change.add_argument("--pause", action="store_true", help="call no one to this window (needs --reason)")
    change.add_argument("--resume", action="store_true", help="call people again")
    p.add_argument("--reason", metavar="CODE", help="why the break (with --pause): break, lunch, other...")
    staff_option(p)


def cmd_window(ctx: Context) -> None:
    a = ctx.args
    if a.pause and a.reason is None:
        known = ", ".join(r.code for r in ctx.service.catalogue.pause_reason)
        raise WindowUsage(f"`kiosk window --pause` needs --reason: one of {known}")
    if a.resume and a.reason is not None:
        raise WindowUsage("`kiosk window`: --reason goes with --pause only")
    ctx.service.pause_window(a.window, bool(a.pause), staff=a.staff, reason=a.reason)
    if ctx.json:
        render.emit_json({"window": a.window, "paused": bool(a.pause), "reason": a.reason})
    else:
        print(f"window {a.window} {f'paused ({a.reason})' if a.pause else 'calls again'}")


COMMANDS = {
    "queue": Command(cmd_queue, queue_arguments),
    "stats": Command(cmd_stats, stats_arguments),
    "export": Command(cmd_export, export_arguments),
    "close-day": Command(cmd_close_day, close_day_arguments),
    "department": Command(cmd_department, department_arguments),
    "window": Command(cmd_window, window_arguments),
}
