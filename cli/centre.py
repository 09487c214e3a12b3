"""The installer's commands: init, the catalogue, what the hall hears, a test print."""

from __future__ import annotations

import sys
from pathlib import Path

from cli import render
from cli.context import Context, print_json, print_line
from cli.options import Command, Parser, ticket_argument
from kiosk.errors import KioskError, quoted
from kiosk.presentation import json_views


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


def catalogue_arguments(p: Parser) -> None:
    p.add_argument("--lang", default="en", help="language of the names (default en)")


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


def announce_arguments(p: Parser) -> None:
    ticket_argument(p)
    p.add_argument(
        "--window",
        "-w",
        metavar="W",
        help="the window it is called to (default: its window, else its department's first)",
    )
    p.add_argument("--play", action="store_true", help="speak it with espeak-ng on the sound device")
    p.add_argument("--wav", metavar="DIR", help="write what it speaks to WAV files in DIR instead")


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
            print_line(item)
    if any(item["status"] != "printed" for item in results):
        raise KioskError("the test print failed")


COMMANDS = {
    "init": Command(cmd_init),
    "catalogue": Command(cmd_catalogue, catalogue_arguments),
    "announce": Command(cmd_announce, announce_arguments),
    "print-test": Command(cmd_print_test),
}
