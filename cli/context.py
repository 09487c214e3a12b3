"""What a command runs with: its settings, service, clock and printer, built on first use, and the
lines every command prints a ticket or a print's result with."""

from __future__ import annotations

import argparse
from datetime import date, time
from functools import cached_property
from typing import TYPE_CHECKING, Any

from cli import render
from kiosk.clock import Clock, clock_from_env, time_of_day
from kiosk.config import Settings, load_settings
from kiosk.domain.tickets import Issued, TicketView
from kiosk.errors import KioskError, quoted
from kiosk.presentation import json_views
from kiosk.security.members import Member

if TYPE_CHECKING:  # the database layer: imported when a command opens the service, not by a terminal's start
    from kiosk.service import QueueService


class Context:
    """Settings and service, built on first use so that `--help` touches no database; `member` is
    the staff member signed in for this command, if any."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.member: Member | None = None

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.args.config, self.args.db)

    @cached_property
    def service(self) -> QueueService:
        from kiosk.runtime import open_service

        return open_service(self.settings, self.clock)

    def close(self) -> None:
        """The database's connections closed, if the command opened it (its process ends next)."""
        service = self.__dict__.get("service")
        if service is not None:
            service.db.dispose()

    @cached_property
    def clock(self) -> Clock:
        try:
            return clock_from_env()
        except ValueError as exc:
            raise KioskError(str(exc)) from None

    def printer(self) -> Any:
        """The ticket printer (imported here: the CLI is the one place the core meets `printer/`)."""
        from printer.printing import TicketPrinter

        return TicketPrinter(self.service)

    def print_issued(self, issued: Issued) -> dict[str, Any]:
        printer = self.printer()
        try:
            return print_json(printer.submit(issued, staff=self.args.staff).result())
        finally:
            printer.close()

    @property
    def json(self) -> bool:
        return bool(self.args.json)

    def ticket_out(self, ticket: TicketView, verb: str) -> None:
        if self.json:
            render.emit_json(json_views.ticket_json(ticket, self.settings.zone))
            return
        where = f" at window {ticket.window}" if ticket.window else ""
        print(f"{ticket.code} {verb}{where} ({ticket.department}, {ticket.state.value.replace('_', ' ')})")


def issued_out(ctx: Context, issued: Issued, printed: dict[str, Any] | None) -> None:
    """A ticket just given (`kiosk issue`, `kiosk checkin`): JSON, or two lines and the print's."""
    if ctx.json:
        data = json_views.issued_json(issued, ctx.settings.zone)
        if printed is not None:
            data["print"] = printed
        render.emit_json(data)
        return
    t = issued.ticket
    booked = f", booked {t.booked_at.astimezone(ctx.settings.zone):%H:%M}" if t.booked_at else ""
    print(f"Ticket {t.code}: {t.service} ({t.department}), windows {', '.join(t.windows)}{booked}")
    print(f"{issued.ahead} ahead, about {issued.wait_minutes} min")
    if printed is not None:
        print_line(printed)


def print_json(result: Any) -> dict[str, Any]:
    return {"status": result.status, "printer": result.printer, "job": result.job,
            "reason": result.reason, "message": result.message}  # fmt: skip


def print_line(printed: dict[str, Any]) -> None:
    if printed["status"] == "printed":
        print(f"printed on {printed['printer']}" + (f": {printed['job']}" if printed["job"] else ""))
    else:
        print(
            f"NOT printed ({printed['reason']}): {printed['message']}; the ticket is saved, reprint it later"
        )


def day_of(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KioskError(f"--day {quoted(text)}: expected a date like 2026-11-24") from None


def time_of(text: str) -> time:
    try:
        return time_of_day(text)
    except ValueError:
        raise KioskError(f"--last-ticket {quoted(text)}: expected a time like 17:30") from None
