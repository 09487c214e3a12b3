"""What every unit of a request is built from (the checked user, interpreter, settings file,
printer and paths) and the pieces the units share: the command line and the [Service] section."""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.config import Settings
from kiosk.units.base import Request
from kiosk.units.checks import check_path, check_user
from kiosk.units.paths import sqlite_folder, unit_paths
from kiosk.units.printer import printer_needs
from kiosk.units.render import exec_line, file_access, hardening, restart, tty_lines


class Parts:
    """The request's values, checked once; `notes` gathers what the installer should know."""

    def __init__(self, settings: Settings, request: Request) -> None:
        self.settings = settings
        self.request = request
        self.notes: list[str] = []
        self.user = check_user(request.user)
        self.python = check_path("the Python interpreter", request.python)
        self.config = check_path("the settings file", request.config)
        self.printer = printer_needs(settings)
        self.server_db = sqlite_folder(settings) is None
        self.paths = unit_paths(settings, self.config, self.printer.writable, request.code)

    def command(self, *args: str, unbuffered: bool = False) -> str:
        """`python -I -m cli --config CONFIG ARGS`: -I keeps the current folder, the user's site
        folder and PYTHON* variables out of the service's imports."""
        flags = ["-I", "-u"] if unbuffered else ["-I"]
        return exec_line([self.python, *flags, "-m", "cli", "--config", self.config, *args])

    def families(self, printing: bool = False) -> str:
        families = "AF_UNIX AF_INET AF_INET6"
        return families + " AF_NETLINK" if printing and self.printer.netlink else families

    def network(self, always: bool = False) -> list[str]:
        if always or self.server_db:
            return ["Wants=network-online.target", "After=network-online.target"]
        return []

    def groups(self, audio: bool, printing: bool) -> list[str]:
        names = ["audio"] if audio else []
        printer = [g for g in self.printer.groups if g not in names] if printing else []
        if not names and not printer:
            return []
        why = " and ".join(
            w for w, used in (("the sound card (speech)", names), ("the printer's device", printer)) if used
        )
        return [f"# For {why}.", "SupplementaryGroups=" + " ".join(names + printer)]

    def service(
        self,
        exec_start: str,
        *,
        tty: int | None = None,
        audio: bool = False,
        printing: bool = False,
        pre: Iterable[str] = (),
        extra: Iterable[str] = (),
        capabilities: str = "",
    ) -> list[str]:
        """The [Service] section of a long-running terminal: on the console `tty` or logging to the
        journal, restarted after a failure, and sandboxed to what it needs."""
        lines = ["Type=exec", f"User={self.user}"]
        lines += self.groups(audio, printing)
        lines += pre
        lines.append(f"ExecStart={exec_start}")
        lines += extra
        if tty is not None:
            lines += tty_lines(tty)
        else:
            lines += ["StandardOutput=journal", "StandardError=journal"]
        lines += restart()
        lines += file_access(self.paths.writable, self.paths.readable)
        devices = tty is not None or audio or printing
        lines += hardening(self.families(printing), devices, capabilities)
        return lines
