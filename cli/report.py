"""`kiosk report --month YYYY-MM`: the monthly report's CSV and one-page HTML
(`kiosk.presentation.report`)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from cli import render
from cli.context import Context
from cli.options import Command, Parser
from kiosk.errors import KioskError, clipped, quoted

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def month_of(text: str, today: date) -> date:
    """The first day of the month `text` names (YYYY-MM, ASCII digits), refused when it is no month
    or has not begun by `today`."""
    match = _MONTH.fullmatch(text.strip())
    try:
        first = date(int(match[1]), int(match[2]), 1) if match else None
    except ValueError:  # month 00 or 13, year 0000
        first = None
    if first is None:
        raise KioskError(f"--month {quoted(text)}: expected a month like 2026-11")
    if first > today:
        raise KioskError(f"--month {text}: that month has not begun (today is {today.isoformat()})")
    return first


def report_arguments(p: Parser) -> None:
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="the month (the current one: so far)")
    p.add_argument("--out", metavar="DIR", help="folder to write to (default: DATA_DIR/reports)")


def cmd_report(ctx: Context) -> None:
    from kiosk.presentation.report import headline, write_report

    today = ctx.clock.now().astimezone(ctx.settings.zone).date()  # checked before the database opens
    first = month_of(ctx.args.month, today)
    folder = Path(ctx.args.out) if ctx.args.out else ctx.settings.data_dir / "reports"
    try:
        written = write_report(ctx.service, first, folder)
    except OSError as exc:
        raise KioskError(
            f"cannot write the report to {clipped(str(folder))}: {exc.strerror or exc}"
        ) from None
    if ctx.json:
        render.emit_json(
            {
                "month": f"{first:%Y-%m}",
                "csv": str(written.csv),
                "html": str(written.html),
                "empty": written.month.empty,
                **headline(written.month),
            }
        )
        return
    print(written.csv)
    print(written.html)
    if written.month.empty:
        print(f"no visitors were recorded in {first:%Y-%m}")


COMMANDS = {"report": Command(cmd_report, report_arguments)}
