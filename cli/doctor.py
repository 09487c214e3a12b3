"""`kiosk doctor`: check this machine before the doors open and print each check with its fix. The
checks are `kiosk.doctor`; the printer's status query and the font files are given from here."""

from __future__ import annotations

import os
import shutil

from cli import render
from cli.context import Context
from cli.options import Command
from kiosk.doctor import Check, FontSet, Level, Machine, diagnose
from kiosk.errors import KioskError
from kiosk.paths import bundled_data

__all__ = ["Context", "cmd_doctor"]

MARKS = {Level.OK: "ok", Level.NOTE: "note", Level.FAIL: "FAIL"}
NAME_WIDTH = 15


def font_sets() -> list[FontSet]:
    """The fonts the centre's texts are drawn with: in the terminals' browsers, on the visitor's
    phone page and on the printed ticket."""
    from printer.layout import font_path

    web = bundled_data() / "web"
    return [
        FontSet(
            "font-terminals",
            "terminals in browsers",
            tuple(web / "static" / "fonts" / f"NotoSansMono-{w}.woff2" for w in ("Regular", "Bold")),
        ),
        FontSet(
            "font-phone",
            "the visitor's phone page",
            tuple(web / "phone" / "fonts" / f"DejaVuSans{w}.woff2" for w in ("", "-Bold")),
        ),
        FontSet("font-printer", "printed tickets", (font_path(), font_path(bold=True))),
    ]


def probe_printer(url: str, timeout: float) -> tuple[str, str] | None:
    """Ask a printer for its status by sending it an empty job: the transport queries the status
    before and after it, as for a ticket, and nothing is printed. None: the printer is ready."""
    from PIL import Image

    from printer.transports import PrintFault, open_transport

    try:
        transport = open_transport(url, timeout)
        if getattr(transport, "check_status", False):  # a device that can answer
            transport.send(b"", Image.new("1", (1, 1)), "doctor")
    except PrintFault as fault:
        return fault.reason, str(fault)
    return None


def report(checks: list[Check]) -> str:
    """One line a check (its fix under a failure or a note that has one), then the count."""
    lines = []
    for check in checks:
        lines.append(f"{MARKS[check.level]:<5} {check.name:<{NAME_WIDTH}} {render.printable(check.detail)}")
        if check.fix:
            lines.append(f"{'':<{NAME_WIDTH + 6}} → {render.printable(check.fix)}")
    counts = {level: sum(c.level is level for c in checks) for level in Level}
    failed = counts[Level.FAIL]
    summary = f"{counts[Level.OK]} ok, {counts[Level.NOTE]} note(s), {failed} failed"
    lines.append(f"{'ready: ' if not failed else 'NOT ready: '}{summary}")
    return "\n".join(lines)


def cmd_doctor(ctx: Context) -> None:
    source = ctx.args.config or os.environ.get("KIOSK_CONFIG") or "built-in settings (no --config)"
    try:
        fonts = font_sets()
    except (OSError, ImportError) as exc:  # an install without its data folder
        raise KioskError(f"this kiosk's install is broken: {exc}") from None
    machine = Machine(fonts=fonts, probe=probe_printer, environ=os.environ, espeak=shutil.which("espeak-ng"))
    checks = diagnose(lambda: ctx.settings, str(source), machine)
    failed = [c.name for c in checks if not c.ok]
    if ctx.json:
        render.emit_json({"ok": not failed, "checks": [c.as_json() for c in checks]})
    else:
        print(report(checks))
    if failed:
        raise KioskError(f"{len(failed)} check(s) failed: {', '.join(failed)}")


COMMANDS = {"doctor": Command(cmd_doctor)}
