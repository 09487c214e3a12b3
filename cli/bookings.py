"""The booking commands of the `kiosk` CLI: book, list and import bookings, cancel one, show a service's
free slots, and check a booked visitor in (the ticket as `kiosk issue` prints it)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from cli import render
from cli.context import Context, day_of, issued_out, print_json
from cli.options import Command, Parser, day_option, staff_option
from cli.signin import sign_in
from kiosk.domain.codes import number_code
from kiosk.domain.tickets import BookingView
from kiosk.errors import KioskError, clipped, quoted
from kiosk.presentation import json_views
from kiosk.queue.actions import BOOK, CANCEL_BOOKING

__all__ = ["Context", "cmd_book", "cmd_bookings", "cmd_checkin", "cmd_slots", "cmd_unbook"]

MAX_IMPORT_BYTES = 5_000_000  # a day's bookings are a few hundred rows; a device or a huge file is refused


def book_arguments(p: Parser) -> None:
    p.add_argument("service", metavar="SERVICE", help="service code (see `kiosk catalogue`)")
    p.add_argument("--at", required=True, metavar="YYYY-MM-DDTHH:MM", help="the slot's start, local time")
    p.add_argument("--lang", default="en", help="visitor's language: en uk ru tr ro ms vi")
    p.add_argument("--name", help="visitor's name (optional; kept for the day only)")
    p.add_argument("--phone", help="visitor's phone (optional; kept for the day only)")
    p.add_argument("--print", action="store_true", help="print the booking slip (its code as a QR)")
    staff_option(p)


def cmd_book(ctx: Context) -> None:
    a = ctx.args
    booking = BOOK.run(
        ctx.service, a.service, _at(a.at), a.lang, name=a.name, phone=a.phone, source="cli", staff=a.staff
    )
    zone = ctx.settings.zone
    printed = _print_slip(ctx, booking) if a.print else None
    if ctx.json:
        data = json_views.booking_json(booking, zone)
        if printed is not None:
            data["print"] = printed
        render.emit_json(data)
        return
    print(
        f"{BOOK.done.capitalize()} {booking.code} (number code {number_code(booking.code)}): "
        f"{booking.service} ({booking.department}) at {booking.at.astimezone(zone):%Y-%m-%d %H:%M}, "
        f"language {booking.language}"
    )
    if printed is not None and printed["status"] == "printed":
        print(f"slip printed on {printed['printer']}" + (f": {printed['job']}" if printed["job"] else ""))
    elif printed is not None:
        print(f"slip NOT printed ({printed['reason']}): {printed['message']}; the booking is saved")


def _print_slip(ctx: Context, booking: BookingView) -> dict[str, Any]:
    """`kiosk book --print`: the booking slip, on the centre's printer."""
    printer = ctx.printer()
    try:
        return print_json(printer.print_slip(booking))
    finally:
        printer.close()


def bookings_arguments(p: Parser) -> None:
    p.add_argument("action", nargs="?", choices=["list", "import"], default="list")
    p.add_argument("file", nargs="?", metavar="FILE", help="with import: the CSV file ('-': standard input)")
    day_option(p)
    p.add_argument("--department", metavar="DEPT")
    staff_option(p)


def cmd_bookings(ctx: Context) -> None:
    a = ctx.args
    if a.action == "import":
        _import(ctx)
        return
    if a.file is not None:
        file = clipped(str(a.file), 100)  # a long path: the message stays one readable line
        raise KioskError(f"`kiosk bookings` takes a FILE only with import: `kiosk bookings import {file}`")
    bookings = ctx.service.bookings(day_of(a.day), a.department)
    zone = ctx.settings.zone
    if ctx.json:
        render.emit_json([json_views.booking_json(b, zone) for b in bookings])
        return
    rows = [
        [b.code, f"{b.at.astimezone(zone):%H:%M}", b.service, b.language, b.state.replace("_", " "),
         b.ticket or "", b.name or "", b.phone or ""]
        for b in bookings
    ]  # fmt: skip
    print(render.table(["code", "at", "service", "lang", "state", "ticket", "name", "phone"], rows))


def _import(ctx: Context) -> None:
    """`kiosk bookings import FILE`: every row booked, or none (an administrator's action)."""
    a = ctx.args
    if not a.file:
        raise KioskError("`kiosk bookings import` needs a FILE (a CSV file, or '-' for standard input)")
    sign_in(ctx, "admin")
    text = sys.stdin.read(MAX_IMPORT_BYTES + 1) if a.file == "-" else _read(a.file)
    if len(text) > MAX_IMPORT_BYTES:
        raise KioskError(f"{clipped(a.file)}: more than {MAX_IMPORT_BYTES} characters: not a bookings file")
    added = ctx.service.import_bookings(text, a.file, staff=a.staff)
    zone = ctx.settings.zone
    if ctx.json:
        render.emit_json([json_views.booking_json(b, zone) for b in added])
        return
    for b in added:
        print(f"{b.code}\t{b.service}\t{b.at.astimezone(zone):%Y-%m-%d %H:%M}")
    print(f"imported {len(added)} booking(s)")


def _read(name: str) -> str:
    try:
        with Path(name).open("rb") as source:
            data = source.read(MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise KioskError(f"cannot read {quoted(name)}: {exc.strerror or exc}") from None
    if len(data) > MAX_IMPORT_BYTES:
        raise KioskError(f"{quoted(name)}: more than {MAX_IMPORT_BYTES} bytes: not a bookings file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KioskError(f"{quoted(name)}: not UTF-8 text (byte {exc.start})") from None


def cmd_unbook(ctx: Context) -> None:
    booking = CANCEL_BOOKING.run(ctx.service, ctx.args.code, source="cli", staff=ctx.args.staff)
    if ctx.json:
        render.emit_json(json_views.booking_json(booking, ctx.settings.zone))
    else:
        print(f"booking {booking.code} {CANCEL_BOOKING.done}")


def slots_arguments(p: Parser) -> None:
    p.add_argument("service", metavar="SERVICE", help="service code (see `kiosk catalogue`)")
    p.add_argument("--day", metavar="YYYY-MM-DD", help="default: today")


def cmd_slots(ctx: Context) -> None:
    service = ctx.service
    slots = service.free_slots(ctx.args.service, day_of(ctx.args.day) or service.today())
    zone = ctx.settings.zone
    if ctx.json:
        render.emit_json(
            [{"at": json_views.iso(s.at, zone), "capacity": s.capacity, "free": s.free} for s in slots]
        )
        return
    rows = [[f"{s.at.astimezone(zone):%H:%M}", str(s.free), str(s.capacity)] for s in slots]
    print(render.table(["at", "free", "of"], rows))


def checkin_arguments(p: Parser) -> None:
    code_argument(p)
    p.add_argument("--no-print", action="store_true", help="save the ticket without printing it")


def cmd_checkin(ctx: Context) -> None:
    issued = ctx.service.check_in(ctx.args.code, source="cli", staff=ctx.args.staff)
    issued_out(ctx, issued, None if ctx.args.no_print else ctx.print_issued(issued))


def _at(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M")
    except ValueError:
        raise KioskError(f"--at {quoted(text)}: expected a local time like 2026-11-24T10:20") from None


def code_argument(p: Parser) -> None:
    p.add_argument("code", metavar="CODE", help="booking code")
    staff_option(p)


COMMANDS = {
    "book": Command(cmd_book, book_arguments),
    "bookings": Command(cmd_bookings, bookings_arguments),
    "unbook": Command(cmd_unbook, code_argument),
    "slots": Command(cmd_slots, slots_arguments),
    "checkin": Command(cmd_checkin, checkin_arguments),
}
