"""The ticket commands: issue, call and the window's moves, transfer, cancel, show, scan, reprint."""

from __future__ import annotations

from cli import render
from cli.context import Context, issued_out, print_json, print_line
from cli.options import TICKET_HELP, Command, Parser, staff_option, ticket_argument
from kiosk.errors import KioskError
from kiosk.presentation import json_views
from kiosk.queue.actions import WINDOW_MOVES, move

# One ticket's move and the process ends: Python's cycle collector stays held to the end
# (`kiosk.collector`), which saves `kiosk issue` some 10 ms of collections among short-lived rows.
BRIEF = True


def issue_arguments(p: Parser) -> None:
    p.add_argument("service", metavar="SERVICE", help="service code (see `kiosk catalogue`)")
    p.add_argument("--lang", default="en", help="visitor's language: en uk ru tr ro ms vi")
    p.add_argument("--priority", metavar="CATEGORY", help="legal priority category")
    p.add_argument(
        "--document",
        metavar="REF",
        help="priority document reference (stored only as a keyed hash)",
    )
    p.add_argument("--interpreter", action="store_true", help="a sign-language interpreter is needed")
    p.add_argument("--no-print", action="store_true", help="save the ticket without printing it")
    staff_option(p)


def cmd_issue(ctx: Context) -> None:
    a = ctx.args
    issued = ctx.service.issue(
        a.service,
        language=a.lang,
        priority=a.priority,
        interpreter=a.interpreter,
        holder=a.document,
        staff=a.staff,
        source="cli",
    )
    issued_out(ctx, issued, None if a.no_print else ctx.print_issued(issued))


def call_arguments(p: Parser) -> None:
    ticket_argument(p, optional=True, text=f"call this one instead: {TICKET_HELP}")
    p.add_argument("--window", "-w", required=True, metavar="W")
    p.add_argument(
        "--override",
        metavar="REASON",
        help="send TICKET to a window outside its department, saying why (an administrator)",
    )
    staff_option(p)


def cmd_call(ctx: Context) -> None:
    a = ctx.args
    if a.ticket:
        ticket = ctx.service.call(a.ticket, a.window, staff=a.staff, override=a.override)
    elif a.override is not None:
        raise KioskError("--override sends a named TICKET: `kiosk call TICKET --window W --override REASON`")
    else:
        ticket = ctx.service.call_next(a.window, staff=a.staff)
    ctx.ticket_out(ticket, "called")


def action_arguments(p: Parser) -> None:
    ticket_argument(p, optional=True)
    p.add_argument("--window", "-w", metavar="W", help="the ticket at this window")
    staff_option(p)


def cmd_action(ctx: Context) -> None:
    """The moves of `kiosk.queue.actions.WINDOW_MOVES` (recall, start, finish, no-show, hold, return)."""
    a = ctx.args
    action = next(m for m in WINDOW_MOVES if m.command == a.command)
    if not a.ticket and not a.window:
        raise KioskError(f"`kiosk {a.command}` needs a TICKET or --window W")
    ctx.ticket_out(move(ctx.service, action, a.ticket, a.window, a.staff), action.done)


def transfer_arguments(p: Parser) -> None:
    ticket_argument(p)
    p.add_argument("--to", required=True, metavar="DEPT", help="department code")
    p.add_argument("--service", metavar="S", help="service in that department (default: its first)")
    p.add_argument("--note", help="short note for the next window")
    p.add_argument(
        "--to-end",
        action="store_true",
        help="join the end of the line instead of keeping the place",
    )
    staff_option(p)


def cmd_transfer(ctx: Context) -> None:
    a = ctx.args
    ticket = ctx.service.transfer(
        a.ticket, a.to, service=a.service, staff=a.staff, note=a.note, to_end=a.to_end
    )
    ctx.ticket_out(ticket, f"transferred to {a.to}")


def cancel_arguments(p: Parser) -> None:
    ticket_argument(p)
    p.add_argument("--reason")
    staff_option(p)


def cmd_cancel(ctx: Context) -> None:
    a = ctx.args
    ctx.ticket_out(ctx.service.cancel(a.ticket, staff=a.staff, reason=a.reason), "cancelled")


def cmd_show(ctx: Context) -> None:
    service = ctx.service
    ticket = service.ticket(ctx.args.ticket)
    events = service.history(ticket.id)
    zone = ctx.settings.zone
    if ctx.json:
        data = json_views.ticket_json(ticket, zone)
        data["history"] = [json_views.event_json(e, zone) for e in events]
        data["qr"] = service.qr_payload(ticket)
        render.emit_json(data)
        return
    ctx.ticket_out(ticket, "is")
    for e in events:
        extra = f" window {e.window}" if e.window else ""
        who = f" by {e.staff}" if e.staff else ""
        print(f"  {e.at.astimezone(zone):%H:%M:%S} {e.kind}{extra}{who} -> {e.state} {e.data or ''}".rstrip())


def cmd_scan(ctx: Context) -> None:
    """A valid ticket is shown (exit 0); a forged, stale or finished one is refused with why (exit 1)."""
    ctx.ticket_out(ctx.service.open_scanned(ctx.args.payload), "scanned: valid ticket")


def cmd_reprint(ctx: Context) -> None:
    ticket = ctx.service.ticket(ctx.args.ticket)
    printer = ctx.printer()
    try:
        result = print_json(printer.reprint(ticket, staff=ctx.args.staff).result())
    finally:
        printer.close()
    if ctx.json:
        render.emit_json({**json_views.ticket_json(ticket, ctx.settings.zone), "print": result})
    else:
        print_line(result)
    if result["status"] != "printed":
        raise KioskError(f"{ticket.code} was not reprinted: {result['message']}")


def ticket_and_staff(p: Parser) -> None:
    ticket_argument(p)
    staff_option(p)


def payload_argument(p: Parser) -> None:
    p.add_argument("payload", metavar="PAYLOAD")


COMMANDS = {
    "issue": Command(cmd_issue, issue_arguments),
    "call": Command(cmd_call, call_arguments),
    **{m.command: Command(cmd_action, action_arguments) for m in WINDOW_MOVES if m.command},
    "transfer": Command(cmd_transfer, transfer_arguments),
    "cancel": Command(cmd_cancel, cancel_arguments),
    "reprint": Command(cmd_reprint, ticket_and_staff),
    "show": Command(cmd_show, ticket_argument),
    "scan": Command(cmd_scan, payload_argument),
}
