"""The queue commands of the `kiosk` CLI: each parses nothing itself, calls the service, and prints."""

from __future__ import annotations

import argparse
import sys
from datetime import date, time
from functools import cached_property
from pathlib import Path
from typing import Any

from cli import render
from kiosk.clock import Clock, clock_from_env, time_of_day
from kiosk.config import Settings, load_settings
from kiosk.domain.tickets import Issued, TicketView
from kiosk.errors import KioskError, quoted
from kiosk.presentation import json_views
from kiosk.queue.actions import WINDOW_MOVES, move
from kiosk.security.staff import Member
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


def cmd_init(ctx: Context) -> None:
    from kiosk.runtime import initialise

    report = initialise(ctx.settings, ctx.clock)
    if ctx.json:
        render.emit_json(report.__dict__)
        return
    print(f"database {report.database}: schema at revision {report.revision} (was {report.revision_before})")
    state = "loaded" if report.catalogue_loaded else "unchanged"
    print(f"catalogue {ctx.settings.catalogue_path}: {state} (version {report.catalogue_id})")
    secret = "created" if report.secret_created else "kept"
    print(f"QR secret {ctx.settings.secret_path}: {secret}")


def cmd_catalogue(ctx: Context) -> None:
    lang = ctx.args.lang
    catalogue = ctx.service.catalogue
    if ctx.json:
        render.emit_json(json_views.catalogue_json(catalogue, lang))
        return
    for d in catalogue.department:
        opening = ctx.service.opening(d.code)
        state = "open" if opening.open else f"closed ({opening.reason.replace('_', ' ')})"
        print(f"{d.prefix:2} {d.code:15} {d.name(lang)}")
        print(
            f"   windows {', '.join(d.windows)}; {', '.join(d.days)} {d.hours_text()}; "
            f"last ticket {opening.cutoff:%H:%M}; now {state}"
        )
        for s in d.service:
            print(f"     {s.code:22} {s.name(lang)} - {s.hint(lang)}")
    if catalogue.priority:
        print("\npriority rights:")
        for p in catalogue.priority:
            rule = "once a day per service" if p.once_per_day else "no daily limit"
            print(f"  {p.code:12} {p.name(lang)} ({rule})")
    if catalogue.menu:
        print("\nkiosk menu:")
        for m in catalogue.menu:
            print(f"  {m.code:12} {m.name(lang)}: {', '.join(m.services)}")
    print("\npause reasons (kiosk window W --pause --reason CODE):")
    for r in catalogue.pause_reason:
        print(f"  {r.code:12} {r.name(lang)}")


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
        _print_line(printed)


def cmd_call(ctx: Context) -> None:
    a = ctx.args
    if a.ticket:
        ticket = ctx.service.call(a.ticket, a.window, staff=a.staff, override=a.override)
    elif a.override is not None:
        raise KioskError("--override sends a named TICKET: `kiosk call TICKET --window W --override REASON`")
    else:
        ticket = ctx.service.call_next(a.window, staff=a.staff)
    ctx.ticket_out(ticket, "called")


def cmd_action(ctx: Context) -> None:
    """The moves of `kiosk.queue.actions.WINDOW_MOVES` (recall, start, finish, no-show, hold, return)."""
    a = ctx.args
    action = next(m for m in WINDOW_MOVES if m.command == a.command)
    if not a.ticket and not a.window:
        raise KioskError(f"`kiosk {a.command}` needs a TICKET or --window W")
    ctx.ticket_out(move(ctx.service, action, a.ticket, a.window, a.staff), action.done)


def cmd_transfer(ctx: Context) -> None:
    a = ctx.args
    ticket = ctx.service.transfer(
        a.ticket, a.to, service=a.service, staff=a.staff, note=a.note, to_end=a.to_end
    )
    ctx.ticket_out(ticket, f"transferred to {a.to}")


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


def cmd_announce(ctx: Context) -> None:
    """What the hall hears when TICKET is called to --window (default: the window it is at, else its
    department's first window): one `lang<TAB>text` line per language, in the order they are said.
    A prefix said like another department's in one of these languages is noted on stderr (in JSON:
    `clashes`). `--play` speaks it; `--wav DIR` writes it to WAV files instead."""
    from kiosk.presentation.announce import announcements, clashes_of

    a, service = ctx.args, ctx.service
    ticket = service.ticket(a.ticket)
    catalogue = service.catalogue
    window = a.window or ticket.window or (ticket.windows[0] if ticket.windows else "")
    if a.window is not None:
        catalogue.departments_of_window(a.window)  # an unknown window is refused, naming the known ones
    if not window:
        raise KioskError(f"{ticket.code}: say which window it is called to (--window W)")
    folder = _wav_folder(a.wav)
    said = announcements(catalogue, ticket.code, window, ctx.settings.announce_languages, ticket.language)
    clashes = clashes_of(catalogue, ticket.code, [lang for lang, _ in said])
    if ctx.json:
        render.emit_json(
            {
                "ticket": ticket.code,
                "window": window,
                "announcements": [{"language": lang, "text": text} for lang, text in said],
                "clashes": [clash.__dict__ for clash in clashes],
            }
        )
    else:
        for lang, text in said:
            print(f"{lang}\t{text}")
        for clash in clashes:
            print(f"note: {clash}", file=sys.stderr)
    if a.play or folder is not None:
        from kiosk.presentation.announce import play

        missing = play(said, folder)
        if missing:
            raise KioskError(f"espeak-ng did not speak {', '.join(missing)} (see the warnings above)")


def _wav_folder(text: str | None) -> Path | None:
    if text is None:
        return None
    folder = Path(text)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KioskError(f"--wav {quoted(text)}: cannot write there: {exc.strerror or exc}") from None
    return folder


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
        _print_line(result)
    if result["status"] != "printed":
        raise KioskError(f"{ticket.code} was not reprinted: {result['message']}")


def cmd_print_test(ctx: Context) -> None:
    """A sample ticket in each language through the configured printer, for installers."""
    from kiosk.domain.tickets import State, TicketView

    settings = ctx.settings
    catalogue = ctx.service.catalogue
    dept = catalogue.department[0]
    printer = ctx.printer()
    now = ctx.clock.now()
    results = []
    try:
        for index, lang in enumerate(settings.languages, start=1):
            sample = TicketView(
                id=0, code=f"{dept.prefix}-{index:03d}", number=index, day=ctx.service.today(),
                origin=dept.code, department=dept.code, service=dept.service[0].code, language=lang,
                priority=catalogue.priority[0].code if catalogue.priority else None, interpreter=True,
                state=State.WAITING, window=None, issued_at=now, queued_at=now, called_at=None,
                windows=tuple(dept.windows),
            )  # fmt: skip
            content = printer.content_of(sample, index, index * 5, ctx.service.qr_payload(sample))
            results.append({"language": lang, **print_json(printer.print_sample(sample, content))})
    finally:
        printer.close()
    if ctx.json:
        render.emit_json(results)
    else:
        for item in results:
            print(f"{item['language']}: ", end="")
            _print_line(item)
    if any(item["status"] != "printed" for item in results):
        raise KioskError("the test print failed")


def print_json(result: Any) -> dict[str, Any]:
    return {"status": result.status, "printer": result.printer, "job": result.job,
            "reason": result.reason, "message": result.message}  # fmt: skip


def _print_line(printed: dict[str, Any]) -> None:
    if printed["status"] == "printed":
        print(f"printed on {printed['printer']}" + (f": {printed['job']}" if printed["job"] else ""))
    else:
        print(
            f"NOT printed ({printed['reason']}): {printed['message']}; the ticket is saved, reprint it later"
        )


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KioskError(f"--day {quoted(text)}: expected a date like 2026-11-24") from None


def _time(text: str) -> time:
    try:
        return time_of_day(text)
    except ValueError:
        raise KioskError(f"--last-ticket {quoted(text)}: expected a time like 17:30") from None
