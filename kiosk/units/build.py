"""Which units a request makes, with the console each terminal takes, and the notes the installer
should read: `build_units` is the entry point."""

from __future__ import annotations

from kiosk.config import Settings
from kiosk.errors import clipped, quoted
from kiosk.units.base import LOBBY_MODES, TERMINALS, Request, Setup, SetupRefused, Unit
from kiosk.units.browser import lobby_browser
from kiosk.units.checks import loopback
from kiosk.units.parts import Parts
from kiosk.units.paths import outermost, reach_notes, real, under
from kiosk.units.services import TTY_TERMINALS, backup, tty_terminal, web

# The terminals that take a virtual console, and the one each takes unless `--tty` says otherwise:
# distinct, so that units made together never fight over one. The console in front at boot is tty1.
DEFAULT_TTYS = {"lobby": 1, "display": 2, "desk": 3, "counter": 4}


def build_units(settings: Settings, request: Request) -> Setup:
    """The unit files for `request`, or SetupRefused naming the value that cannot go in one.
    `settings` are the file's alone (no KIOSK_* variable: the services will not have them), and
    must name their data_dir: the built-in one is in the home of whoever runs the command."""
    if "data_dir" not in settings.model_fields_set:
        raise SetupRefused(
            f"{clipped(str(request.config))} sets no data_dir: a service must not keep the centre's "
            'database in a home folder; add e.g. data_dir = "/var/lib/lobby-kiosk"'
        )
    if request.lobby not in LOBBY_MODES:
        raise SetupRefused(f"--lobby {quoted(request.lobby)}: expected tty or browser")
    for terminal in request.terminals:
        if terminal not in TERMINALS:
            raise SetupRefused(f"unknown terminal {quoted(terminal)}")
    parts = Parts(settings, request)
    ttys = consoles(request)
    units: list[Unit] = []
    for terminal in request.terminals:
        if terminal == "web":
            units.append(web(parts))
        elif terminal == "backup":
            units += backup(parts)
        elif terminal == "lobby" and request.lobby == "browser":
            units += lobby_browser(parts, ttys["lobby"])
        else:
            units.append(tty_terminal(parts, TTY_TERMINALS[terminal], ttys[terminal]))
    if parts.printer.note and any(t in request.terminals for t in ("lobby", "desk")):
        parts.notes.append(parts.printer.note)
    return setup(parts, units, ttys)


def consoles(request: Request) -> dict[str, int]:
    """The virtual console of each terminal asked for that takes one."""
    chosen = [t for t in request.terminals if t in DEFAULT_TTYS]
    if request.tty is not None:
        if len(chosen) != 1:
            raise SetupRefused(
                "--tty N gives one terminal its console: choose that one terminal with --terminals "
                f"(now: {', '.join(chosen) or 'none'} on consoles)"
            )
        if not 1 <= request.tty <= 63:
            raise SetupRefused("--tty: a virtual console is numbered 1 to 63")
        return {chosen[0]: request.tty}
    return {t: DEFAULT_TTYS[t] for t in chosen}


def setup(parts: Parts, units: list[Unit], ttys: dict[str, int]) -> Setup:
    """The units with the folders to make, the paths they reach, and the installer's notes."""
    s, request, notes = parts.settings, parts.request, parts.notes
    data = real("data_dir", s.data_dir)
    backs_up = "backup" in request.terminals
    owned = [data, real("backup_dir", s.backup_path)] if backs_up else [data]
    if s.printer.startswith("preview://") and parts.printer.writable is not None:
        owned.append(parts.printer.writable)
    owned = outermost(owned)
    writable = outermost([*parts.paths.writable, *(parts.paths.backup if backs_up else ())])
    for folder in writable:
        if not under(folder, owned):
            notes.append(
                f"The terminals write in {folder} (the SQLite database's or the printer's folder): "
                f"let user {parts.user} write there."
            )
    for terminal, tty in ttys.items():
        if tty != 1:
            unit = "kiosk-counter@W" if terminal == "counter" else f"kiosk-{terminal}"
            notes.append(
                f"{unit} takes tty{tty}: the screen shows it while tty{tty} is the console in front "
                f"(Ctrl+Alt+F{tty}); on a machine that runs only that terminal, give it tty1: "
                f"--terminals {terminal} --tty 1."
            )
    if "counter" in request.terminals:
        notes.append(
            "kiosk-counter@.service is a template, its instance the window: on a staff window's "
            "machine, `sudo systemctl enable --now kiosk-counter@6` for window 6 (a window name "
            "with spaces or other signs: `systemd-escape --template kiosk-counter@.service 'NAME'`)."
        )
    if "web" in request.terminals and s.public_url and loopback(request.host):
        notes.append(
            f"public_url is {s.public_url}, but kiosk web listens on {request.host} only: phones "
            "reach it through a reverse proxy, or directly with --host 0.0.0.0 (every network)."
        )
    if request.lobby == "tty" and "lobby" in request.terminals:
        notes.append(
            "The console gives a terminal app keys, not touches: for a touchscreen, --lobby browser."
        )
    return Setup(
        units,
        data,
        owned,
        writable,
        outermost(parts.paths.readable, covered=writable),
        ttys,
        notes + reach_notes(parts.user, parts.paths.readable, writable, owned),
    )
