"""The `kiosk` command: the composition root that wires storage, printer and screens together.

The parser imports nothing heavy; each command's module is imported only when it runs, so
`kiosk --help` and `kiosk issue` stay fast and a terminal loads only what it uses.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import Any, NoReturn

from kiosk import collector
from kiosk.errors import clipped

TICKET_HELP = "ticket number (P-007, today's) or ticket id"


class Parser(argparse.ArgumentParser):
    """argparse, with its usage errors (which quote the bad value whole) cut to a readable length."""

    def error(self, message: str) -> NoReturn:
        super().error(clipped(message))


def port_number(text: str) -> int:
    """A TCP port, 0 (any free one) to 65535, in ASCII digits."""
    if not (text.isascii() and text.isdigit()) or len(text) > 5 or int(text) > 65535:
        raise argparse.ArgumentTypeError("a port is a number from 0 to 65535")
    return int(text)


def _common(suppress: bool) -> Parser:
    """Options every command takes, before or after its name (`kiosk --json issue` = `kiosk issue --json`)."""
    default = argparse.SUPPRESS if suppress else None
    common = Parser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        default=default,
        help="settings file (default: $KIOSK_CONFIG, else built-in defaults)",
    )
    common.add_argument(
        "--db",
        metavar="URL",
        default=default,
        help="database URL (default: $KIOSK_DATABASE_URL, else the settings)",
    )
    common.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="print JSON for machines instead of text",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="kiosk",
        description="Lobby kiosk, counters, front desk and lobby display of a one-stop social centre.",
        parents=[_common(suppress=False)],
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = _common(suppress=True)

    def command(name: str, handler: str, help_text: str, needs: str | None = None) -> argparse.ArgumentParser:
        """`needs` "staff" or "admin": the command runs only for a signed-in member of that role."""
        if needs:
            who = "an administrator" if needs == "admin" else "a staff member"
            help_text += f" ({who}: --staff NAME, PIN in $KIOSK_PIN)"
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(handler=handler, needs=needs)
        return p

    def web(p: argparse.ArgumentParser) -> None:
        p.add_argument("--web", action="store_true", help="serve it to browsers with textual-serve")
        p.add_argument("--host", default="127.0.0.1", help="address to serve on (with --web)")
        p.add_argument("--port", type=port_number, default=8000, help="port to serve on (with --web)")
        p.add_argument("--font-size", type=int, default=22, help="browser font size (with --web)")

    def staff(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--staff",
            metavar="NAME",
            help="who you are (default $KIOSK_STAFF); the PIN comes from $KIOSK_PIN or is asked",
        )

    command(
        "init",
        "commands:cmd_init",
        "create or upgrade the database, load the catalogue, make the QR secret",
    )
    p = command(
        "catalogue",
        "commands:cmd_catalogue",
        "list departments, windows, services and the kiosk menu",
    )
    p.add_argument("--lang", default="en", help="language of the names (default en)")

    p = command("issue", "commands:cmd_issue", "issue a ticket for a service")
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
    staff(p)

    p = command(
        "book", "bookings:cmd_book", "book a visit: a seat of a service's slot (prints its code)", "staff"
    )
    p.add_argument("service", metavar="SERVICE", help="service code (see `kiosk catalogue`)")
    p.add_argument("--at", required=True, metavar="YYYY-MM-DDTHH:MM", help="the slot's start, local time")
    p.add_argument("--lang", default="en", help="visitor's language: en uk ru tr ro ms vi")
    p.add_argument("--name", help="visitor's name (optional; kept for the day only)")
    p.add_argument("--phone", help="visitor's phone (optional; kept for the day only)")
    p.add_argument("--print", action="store_true", help="print the booking slip (its code as a QR)")
    staff(p)

    p = command(
        "bookings",
        "bookings:cmd_bookings",
        "the day's bookings; `import FILE` books every row of a CSV file, or none (an administrator)",
        "staff",
    )
    p.add_argument("action", nargs="?", choices=["list", "import"], default="list")
    p.add_argument("file", nargs="?", metavar="FILE", help="with import: the CSV file ('-': standard input)")
    p.add_argument("--day", metavar="YYYY-MM-DD")
    p.add_argument("--department", metavar="DEPT")
    staff(p)

    p = command("unbook", "bookings:cmd_unbook", "cancel a booking (its seat is free again)", "staff")
    p.add_argument("code", metavar="CODE", help="booking code")
    staff(p)

    p = command("slots", "bookings:cmd_slots", "a service's slots on a day and their free seats")
    p.add_argument("service", metavar="SERVICE", help="service code (see `kiosk catalogue`)")
    p.add_argument("--day", metavar="YYYY-MM-DD", help="default: today")

    p = command(
        "checkin", "bookings:cmd_checkin", "check in a booking: its ticket, as `kiosk issue` gives it"
    )
    p.add_argument("code", metavar="CODE", help="booking code")
    p.add_argument("--no-print", action="store_true", help="save the ticket without printing it")
    staff(p)

    p = command("call", "commands:cmd_call", "call the next ticket (or a named one) to a window", "staff")
    p.add_argument("ticket", nargs="?", metavar="TICKET", help=f"call this one instead: {TICKET_HELP}")
    p.add_argument("--window", "-w", required=True, metavar="W")
    p.add_argument(
        "--override",
        metavar="REASON",
        help="send TICKET to a window outside its department, saying why (an administrator)",
    )
    staff(p)

    for name, text in (
        ("recall", "call the window's ticket again"),
        ("start", "the visitor arrived: start serving"),
        ("finish", "service finished"),
        ("no-show", "the called visitor did not come"),
        ("hold", "put on hold (e.g. to fetch a document)"),
        ("return", "back to waiting, keeping the place in the line"),
    ):
        p = command(name, "commands:cmd_action", text, "staff")
        p.add_argument("ticket", nargs="?", metavar="TICKET", help=TICKET_HELP)
        p.add_argument("--window", "-w", metavar="W", help="the ticket at this window")
        staff(p)

    p = command(
        "transfer",
        "commands:cmd_transfer",
        "move a ticket to another department (keeps its number)",
        "staff",
    )
    p.add_argument("ticket", metavar="TICKET", help=TICKET_HELP)
    p.add_argument("--to", required=True, metavar="DEPT", help="department code")
    p.add_argument("--service", metavar="S", help="service in that department (default: its first)")
    p.add_argument("--note", help="short note for the next window")
    p.add_argument(
        "--to-end",
        action="store_true",
        help="join the end of the line instead of keeping the place",
    )
    staff(p)

    p = command("cancel", "commands:cmd_cancel", "cancel a ticket", "admin")
    p.add_argument("ticket", metavar="TICKET", help=TICKET_HELP)
    p.add_argument("--reason")
    staff(p)

    p = command("reprint", "commands:cmd_reprint", "print a ticket again (marked as a reprint)", "staff")
    p.add_argument("ticket", metavar="TICKET", help=TICKET_HELP)
    staff(p)

    command("print-test", "commands:cmd_print_test", "print a sample ticket in each language")

    p = command("show", "commands:cmd_show", "one ticket with its history")
    p.add_argument("ticket", metavar="TICKET", help=TICKET_HELP)

    p = command(
        "announce",
        "commands:cmd_announce",
        "what the hall hears when a ticket is called: one line per language (installers check it)",
    )
    p.add_argument("ticket", metavar="TICKET", help=TICKET_HELP)
    p.add_argument(
        "--window",
        "-w",
        metavar="W",
        help="the window it is called to (default: its window, else its department's first)",
    )
    p.add_argument("--play", action="store_true", help="speak it with espeak-ng on the sound device")
    p.add_argument("--wav", metavar="DIR", help="write what it speaks to WAV files in DIR instead")

    p = command("queue", "day:cmd_queue", "the day's tickets and their states")
    p.add_argument("--day", metavar="YYYY-MM-DD")
    p.add_argument("--department", metavar="DEPT")

    p = command(
        "alerts", "alerts:cmd_alerts", "waits past the warning or the target now, and lines that will pass it"
    )
    p.add_argument("--lang", default="en", help="language of the words (default en)")

    p = command("stats", "day:cmd_stats", "waiting and service times, no-shows and SLA per department")
    p.add_argument("--day", metavar="YYYY-MM-DD")
    p.add_argument("--csv", action="store_true", help="CSV instead of a table")

    p = command(
        "staff-stats",
        "staff_stats:cmd_staff_stats",
        "per staff member: served, mean service, breaks by reason, idle while visitors waited"
        " (an administrator sees everyone, others their own)",
        "staff",
    )
    p.add_argument("--day", metavar="YYYY-MM-DD")
    staff(p)

    p = command("export", "day:cmd_export", "write the day's tickets and summary as two CSV files")
    p.add_argument("--day", metavar="YYYY-MM-DD")
    p.add_argument("--dir", metavar="PATH", help="folder to write to (default: DATA_DIR/exports)")

    p = command(
        "backup",
        "backup:cmd_backup",
        "a consistent copy of the database, the QR secret and the PIN key, while terminals run",
    )
    p.add_argument(
        "--to", metavar="DIR", help="folder to write to (default: backup_dir, else DATA_DIR/backups)"
    )

    p = command("restore", "backup:cmd_restore", "put a backup back (asks first), upgrading an older schema")
    p.add_argument("file", metavar="FILE", help="a kiosk-backup-*.tar.gz file")
    p.add_argument("--yes", action="store_true", help="do not ask (a script, or no terminal)")

    p = command(
        "close-day", "day:cmd_close_day", "end-of-day close: open tickets closed, history kept", "admin"
    )
    p.add_argument("--day", metavar="YYYY-MM-DD")
    p.add_argument("--reason", default="end of day")
    staff(p)

    p = command(
        "department",
        "day:cmd_department",
        "today only: close or reopen a department, move its last-ticket time",
        "admin",
    )
    p.add_argument("department", metavar="DEPT", help="department code")
    change = p.add_mutually_exclusive_group(required=True)
    change.add_argument("--close", action="store_true", help="no more tickets today")
    change.add_argument("--reopen", action="store_true", help="give tickets again today")
    change.add_argument("--last-ticket", metavar="HH:MM", help="today's last-ticket time")
    change.add_argument("--usual-last-ticket", action="store_true", help="back to the catalogue's")
    staff(p)

    p = command("window", "day:cmd_window", "pause a window (a break) or resume it", "staff")
    p.add_argument("window", metavar="W")
    change = p.add_mutually_exclusive_group(required=True)
    change.add_argument("--pause", action="store_true", help="call no one to this window (needs --reason)")
    change.add_argument("--resume", action="store_true", help="call people again")
    p.add_argument("--reason", metavar="CODE", help="why the break (with --pause): break, lunch, other...")
    staff(p)

    p = command("scan", "commands:cmd_scan", "check a scanned QR payload and show its ticket")
    p.add_argument("payload", metavar="PAYLOAD")

    p = command("staff", "staff:cmd_staff", "staff members and their PINs (scrypt-hashed)")
    p.add_argument("action", choices=["list", "add", "pin", "role", "disable", "enable"])
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument("--role", choices=["staff", "admin"], default="staff")
    p.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    staff(p)

    p = command(
        "token",
        "tokens:cmd_token",
        "the HTTP API's bearer tokens: add (shown once), list, revoke",
        "admin",
    )
    p.add_argument("action", choices=["add", "list", "revoke"])
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument("--scope", choices=["read", "issue"], default="read", help="issue: may also issue tickets")
    staff(p)

    p = command("web", "tokens:cmd_web", "serve the JSON API (and the visitor's ticket page) over HTTP")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every network)")
    p.add_argument("--port", type=port_number, default=8080, help="port to listen on (default 8080)")

    p = command("lobby", "ui:cmd_lobby", "the lobby kiosk (full screen; --web serves it to a browser)")
    web(p)

    p = command(
        "counter", "ui:cmd_counter", "the staff window: call, serve, transfer, scan (sign in with a PIN)"
    )
    p.add_argument("--window", "-w", required=True, metavar="W")
    p.add_argument("--lang", help="language of the screen (default: the centre's main language)")
    web(p)

    p = command("admin", "ui:cmd_admin", "the front desk: the day's queue live, routing, statistics, staff")
    p.add_argument("--lang", help="language of the screen (default: the centre's main language)")
    web(p)

    p = command("display", "ui:cmd_display", "the lobby display: who is called to which window")
    p.add_argument("--lang", help="language of the screen (default: the centre's main language)")
    web(p)

    command(
        "doctor",
        "doctor:cmd_doctor",
        "check this machine before the doors open: settings, database, secrets, printer, voices, fonts,"
        " clock, disk, backups",
    )

    p = command(
        "setup",
        "setup:cmd_setup",
        "write systemd units that start the terminals at boot and restart them (takes --config)",
    )
    p.add_argument("what", choices=["systemd"], help="what to set up: systemd unit files")
    p.add_argument(
        "--dir", default="/etc/systemd/system", help="folder to write them to (default /etc/systemd/system)"
    )
    p.add_argument("--user", default="kiosk", metavar="NAME", help="the terminals' own user (default kiosk)")
    p.add_argument(
        "--terminals",
        default="all",
        metavar="LIST",
        help="comma-separated, of web,display,lobby,counter,desk,backup (default all)",
    )
    p.add_argument(
        "--lobby",
        choices=["tty", "browser"],
        default="tty",
        help="the lobby kiosk on the console, or in Chromium under cage (for a touchscreen)",
    )
    p.add_argument(
        "--tty",
        type=int,
        metavar="N",
        help="the console of the one terminal chosen (default: lobby 1, display 2, desk 3, counter 4)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address kiosk web listens on (0.0.0.0: all)")
    p.add_argument("--port", type=port_number, default=8080, help="port kiosk web listens on (default 8080)")
    p.add_argument("--force", action="store_true", help="replace unit files that differ from these")

    p = command(
        "rate",
        "ratings:cmd_rate",
        "record the rating a visitor gave on paper for a served ticket of today (one a ticket)",
        "staff",
    )
    p.add_argument("ticket", metavar="TICKET", help=TICKET_HELP)
    p.add_argument(
        "--score", required=True, choices=["1", "2", "3", "4", "5"], help="1 very bad ... 5 very good"
    )
    p.add_argument(
        "--reason",
        action="append",
        metavar="CODE",
        help="a reason the visitor ticked (repeat for more): staff_helpful, clear_explanation, "
        "quick_service, waited_too_long, could_not_find_window, problem_not_solved, too_many_documents, "
        "hall_crowded",
    )
    staff(p)

    p = command(
        "report",
        "report:cmd_report",
        "the monthly report: figures per day and department (CSV) and a printable one-page HTML",
    )
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="the month (the current one: so far)")
    p.add_argument("--out", metavar="DIR", help="folder to write to (default: DATA_DIR/reports)")

    p = command("demo", "demo:cmd_demo", "try it out: the lobby kiosk of a demo centre open around the clock")
    p.add_argument(
        "--no-kiosk", action="store_true", help="prepare the demo centre but do not open the kiosk"
    )
    p = command("bench", "checkout:cmd_bench", "measure speed: issue, call-next, concurrency, cold start")
    p.add_argument("--quick", action="store_true", help="smaller runs (for a smoke check)")
    p.add_argument(
        "--phones",
        type=int,
        metavar="N",
        help="instead: N phones following their tickets through `kiosk web` (bench.phones)",
    )
    p.add_argument("--calls", type=int, default=60, metavar="N", help="with --phones: the counters' calls")
    p.add_argument(
        "--compare", metavar="OLD.json", help="print each figure beside a saved run (--json), with its change"
    )
    p.add_argument("--markdown", action="store_true", help="print the figures as the README's Markdown table")
    p.add_argument(
        "--from", dest="saved", metavar="RUN.json", help="take a saved run instead of measuring again"
    )
    p.add_argument(
        "--pg",
        metavar="URL",
        default=os.environ.get("KIOSK_BENCH_PG_URL"),
        help="PostgreSQL server to measure on (a scratch database is made and dropped)",
    )
    return parser


def script() -> int:
    """The `kiosk` command (and `python -m cli`): the collector held off while it starts."""
    collector.start()  # until the command begins its work (a terminal: until its first frame)
    return main()


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(argv)
    finally:
        collector.release()


def _run(argv: Sequence[str] | None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a path or name that is not UTF-8 is shown, not a crash
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    module_name, _, function = args.handler.partition(":")
    from kiosk.errors import KioskError

    try:
        module = import_module(f"cli.{module_name}")
        context: Any = module.Context(args) if hasattr(module, "Context") else args
        if args.needs or getattr(args, "staff", None):  # a name given is a name checked
            from cli.signin import sign_in

            needs = "admin" if getattr(args, "override", None) is not None else args.needs
            sign_in(context, needs or "staff")
        collector.release()
        getattr(module, function)(context)
    except KioskError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(script())
