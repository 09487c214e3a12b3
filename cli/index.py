"""Every `kiosk` command: its module in cli/, what it does, and who may run it. Only this list is read
to list the commands; a command's module (which declares its work and arguments in `COMMANDS`) is
imported when that command is the one run."""

from __future__ import annotations

from typing import Literal, NamedTuple

Needs = Literal["staff", "admin"] | None  # a signed-in member of that role runs it


class Entry(NamedTuple):
    module: str
    help: str
    needs: Needs = None


INDEX: dict[str, Entry] = {
    "init": Entry("centre", "create or upgrade the database, load the catalogue, make the QR secret"),
    "catalogue": Entry("centre", "list departments, windows, services and the kiosk menu"),
    "issue": Entry("tickets", "issue a ticket for a service"),
    "book": Entry("bookings", "book a visit: a seat of a service's slot (prints its code)", "staff"),
    "bookings": Entry(
        "bookings",
        "the day's bookings; `import FILE` books every row of a CSV file, or none (an administrator)",
        "staff",
    ),
    "unbook": Entry("bookings", "cancel a booking (its seat is free again)", "staff"),
    "slots": Entry("bookings", "a service's slots on a day and their free seats"),
    "checkin": Entry("bookings", "check in a booking: its ticket, as `kiosk issue` gives it"),
    "call": Entry("tickets", "call the next ticket (or a named one) to a window", "staff"),
    "recall": Entry("tickets", "call the window's ticket again", "staff"),
    "start": Entry("tickets", "the visitor arrived: start serving", "staff"),
    "finish": Entry("tickets", "service finished", "staff"),
    "no-show": Entry("tickets", "the called visitor did not come", "staff"),
    "hold": Entry("tickets", "put on hold (e.g. to fetch a document)", "staff"),
    "return": Entry("tickets", "back to waiting, keeping the place in the line", "staff"),
    "transfer": Entry("tickets", "move a ticket to another department (keeps its number)", "staff"),
    "cancel": Entry("tickets", "cancel a ticket", "admin"),
    "reprint": Entry("tickets", "print a ticket again (marked as a reprint)", "staff"),
    "print-test": Entry("centre", "print a sample ticket in each language"),
    "show": Entry("tickets", "one ticket with its history"),
    "announce": Entry(
        "centre", "what the hall hears when a ticket is called: one line per language (installers check it)"
    ),
    "queue": Entry("day", "the day's tickets and their states"),
    "alerts": Entry("alerts", "waits past the warning or the target now, and lines that will pass it"),
    "stats": Entry("day", "waiting and service times, no-shows and SLA per department"),
    "staff-stats": Entry(
        "staff_stats",
        "per staff member: served, mean service, breaks by reason, idle while visitors waited"
        " (an administrator sees everyone, others their own)",
        "staff",
    ),
    "export": Entry("day", "write the day's tickets and summary as two CSV files"),
    "backup": Entry(
        "backup", "a consistent copy of the database, the QR secret and the PIN key, while terminals run"
    ),
    "restore": Entry("backup", "put a backup back (asks first), upgrading an older schema"),
    "close-day": Entry("day", "end-of-day close: open tickets closed, history kept", "admin"),
    "department": Entry(
        "day", "today only: close or reopen a department, move its last-ticket time", "admin"
    ),
    "window": Entry("day", "pause a window (a break) or resume it", "staff"),
    "scan": Entry("tickets", "check a scanned QR payload and show its ticket"),
    "staff": Entry("staff", "staff members and their PINs (scrypt-hashed)"),
    "token": Entry("tokens", "the HTTP API's bearer tokens: add (shown once), list, revoke", "admin"),
    "web": Entry("tokens", "serve the JSON API (and the visitor's ticket page) over HTTP"),
    "lobby": Entry("ui", "the lobby kiosk (full screen; --web serves it to a browser)"),
    "counter": Entry("ui", "the staff window: call, serve, transfer, scan (sign in with a PIN)"),
    "admin": Entry("ui", "the front desk: the day's queue live, routing, statistics, staff"),
    "display": Entry("ui", "the lobby display: who is called to which window"),
    "doctor": Entry(
        "doctor",
        "check this machine before the doors open: settings, database, secrets, printer, voices, fonts,"
        " clock, disk, backups",
    ),
    "setup": Entry(
        "setup", "write systemd units that start the terminals at boot and restart them (takes --config)"
    ),
    "rate": Entry(
        "ratings",
        "record the rating a visitor gave on paper for a served ticket of today (one a ticket)",
        "staff",
    ),
    "report": Entry(
        "report", "the monthly report: figures per day and department (CSV) and a printable one-page HTML"
    ),
    "demo": Entry("demo", "try it out: the lobby kiosk of a demo centre open around the clock"),
    "bench": Entry("checkout", "measure speed: issue, call-next, concurrency, cold start"),
}
