"""The units of kiosk web, of the terminals on a console (one row each in TTY_TERMINALS) and of
the nightly backup with its timer."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.units.base import Unit
from kiosk.units.checks import check_host, check_port
from kiosk.units.parts import Parts
from kiosk.units.render import (
    Specifier,
    exec_line,
    file_access,
    hardening,
    restart,
    tty_unit_lines,
    unit_file,
)


@dataclass(frozen=True)
class TtyTerminal:
    """A terminal app on a virtual console: its unit, what it is, the `kiosk` command that runs it,
    whether it speaks (the sound card) and prints, and whether its screen, in the hall, never blanks."""

    unit: str
    description: str
    args: tuple[str, ...]
    audio: bool
    printing: bool
    never_blank: bool = False


TTY_TERMINALS = {
    "lobby": TtyTerminal(
        "kiosk-lobby.service",
        "Lobby kiosk (kiosk lobby)",
        ("lobby",),
        audio=True,
        printing=True,
        never_blank=True,
    ),
    "display": TtyTerminal(
        "kiosk-display.service",
        "Lobby display (kiosk display)",
        ("display",),
        audio=True,
        printing=False,
        never_blank=True,
    ),
    "desk": TtyTerminal(
        "kiosk-desk.service", "Front desk (kiosk admin)", ("admin",), audio=False, printing=True
    ),
    "counter": TtyTerminal(
        "kiosk-counter@.service",
        "Staff window %I (kiosk counter --window %I)",
        ("counter", Specifier("--window=%I")),
        audio=False,
        printing=False,
    ),
}


def web(parts: Parts) -> Unit:
    r = parts.request
    check_host(r.host)
    check_port(r.port)
    extra: list[str] = []
    capabilities = ""
    if r.port < 1024:
        capabilities = "CAP_NET_BIND_SERVICE"
        extra = [
            f"# Port {r.port} is below 1024: the one privilege this unit keeps.",
            f"AmbientCapabilities={capabilities}",
        ]
    service = parts.service(
        parts.command("web", "--host", r.host, "--port", str(r.port), unbuffered=True),
        extra=extra,
        capabilities=capabilities,
    )
    return unit_file(
        "kiosk-web.service",
        [
            (
                "Unit",
                [
                    "Description=Lobby kiosk: JSON API and the visitor's phone page (kiosk web)",
                    "StartLimitIntervalSec=0",
                    *parts.network(always=True),
                ],
            ),
            ("Service", service),
            ("Install", ["WantedBy=multi-user.target"]),
        ],
    )


def tty_terminal(parts: Parts, terminal: TtyTerminal, tty: int) -> Unit:
    pre: list[str] = []
    setterm = parts.request.setterm
    if setterm is not None and terminal.never_blank:
        pre = [
            '# A screen for the hall never blanks ("-": setterm missing or refusing is no failure).',
            "ExecStartPre=-" + exec_line([str(setterm), "--blank", "0", "--powerdown", "0"]),
        ]
    service = parts.service(
        parts.command(*terminal.args),
        tty=tty,
        audio=terminal.audio,
        printing=terminal.printing,
        pre=pre,
    )
    return unit_file(
        terminal.unit,
        [
            (
                "Unit",
                [
                    f"Description={terminal.description} on tty{tty}",
                    "StartLimitIntervalSec=0",
                    *tty_unit_lines(tty),
                    *parts.network(),
                ],
            ),
            ("Service", service),
            ("Install", ["WantedBy=multi-user.target"]),
        ],
        enable="@" not in terminal.unit,
    )


def backup(parts: Parts) -> list[Unit]:
    service = unit_file(
        "kiosk-backup.service",
        [
            (
                "Unit",
                [
                    "Description=Lobby kiosk: nightly backup (kiosk backup)",
                    "# Three tries at most, 10 minutes apart.",
                    "StartLimitIntervalSec=2h",
                    "StartLimitBurst=3",
                    *parts.network(),
                ],
            ),
            (
                "Service",
                [
                    "Type=oneshot",
                    f"User={parts.user}",
                    "ExecStart=" + parts.command("backup", unbuffered=True),
                    "StandardOutput=journal",
                    "StandardError=journal",
                    "# Longer than the backup's own hour for pg_dump, so that it reports its own error.",
                    "TimeoutStartSec=90min",
                    "Nice=10",
                    "IOSchedulingClass=idle",
                    *restart("10min"),
                    *file_access(parts.paths.backup, parts.paths.readable),
                    *hardening(parts.families(), devices=False),
                ],
            ),
        ],
        enable=False,
    )
    timer = unit_file(
        "kiosk-backup.timer",
        [
            ("Unit", ["Description=Lobby kiosk: nightly backup at 02:30, the centre's time"]),
            (
                "Timer",
                [
                    f"OnCalendar=*-*-* 02:30:00 {parts.settings.timezone}",
                    "# A backup missed while the machine was off runs at the next start.",
                    "Persistent=true",
                    "RandomizedDelaySec=10min",
                    "AccuracySec=1min",
                ],
            ),
            ("Install", ["WantedBy=timers.target"]),
        ],
    )
    return [service, timer]
