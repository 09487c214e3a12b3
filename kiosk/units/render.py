"""The text of a unit file: its sections, each word quoted and escaped the way systemd reads it
(`%` specifiers, `$` in command lines), and the blocks of settings the units share."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kiosk.errors import quoted
from kiosk.units.base import SetupRefused, Unit
from kiosk.units.paths import outermost, under

HEADER = (
    "# Written by `kiosk setup systemd` (lobby kiosk). Run it again to change this unit; keep a local\n"
    "# change in a drop-in (`systemctl edit {name}`), which a new run leaves alone.\n"
)
# ProtectHome= hides these; ProtectHome=tmpfs with bind mounts shows what a unit needs of them.
HOME_ROOTS = (Path("/home"), Path("/root"), Path("/run/user"))
# PrivateTmp= gives a unit its own empty /tmp and /var/tmp.
TEMP_ROOTS = (Path("/tmp"), Path("/var/tmp"))


def quote(text: str) -> str:
    """A word of a unit setting: `%` doubled (systemd's specifiers) and the word double-quoted when
    it holds whitespace or `;` (check_path has refused quotes and backslashes)."""
    text = text.replace("%", "%%")
    return f'"{text}"' if (not text or any(ch.isspace() or ch == ";" for ch in text)) else text


class Specifier(str):
    """A word written into a unit as it is: a systemd specifier such as the template's `%I`."""

    __slots__ = ()


def exec_word(text: str) -> str:
    """A word of an Exec*= command line: as `quote`, and `$` doubled (systemd expands $NAME there)."""
    if isinstance(text, Specifier):
        return str(text)
    return quote(text).replace("$", "$$")


def exec_line(words: Iterable[str]) -> str:
    return " ".join(exec_word(w) for w in words)


def bind(path: Path, what: str) -> str:
    if ":" in str(path):  # BindPaths= separates source and destination with ":"
        raise SetupRefused(
            f"{what} {quoted(str(path))}: a path under /home, /root or /run/user is bind-mounted into "
            "the units, and a bind mount's path cannot hold ':'"
        )
    return quote(str(path))


def unit_file(name: str, sections: list[tuple[str, list[str]]], enable: bool = True) -> Unit:
    """The unit `name`: the header, then each section that has lines."""
    body = "\n\n".join(f"[{title}]\n" + "\n".join(lines) for title, lines in sections if lines)
    return Unit(name, HEADER.format(name=name) + "\n" + body + "\n", enable)


def restart(seconds: str = "5s") -> list[str]:
    return [
        "Restart=on-failure",
        f"RestartSec={seconds}",
        "# Exit 2 is a bad setting or usage: restarting cannot mend it (fix it, then restart).",
        "RestartPreventExitStatus=2",
    ]


def file_access(writable: Iterable[Path], readable: Iterable[Path]) -> list[str]:
    """ProtectSystem=strict with the writable folders allowed; ProtectHome=yes unless a folder the
    unit needs is in a home, which is then bind-mounted into an empty tmpfs home; PrivateTmp=yes
    unless one is in /tmp or /var/tmp."""
    writable = list(writable)
    readable = outermost(readable, covered=writable)
    lines = ["ProtectSystem=strict"]
    home_rw = [p for p in writable if under(p, HOME_ROOTS)]
    home_ro = [p for p in readable if under(p, HOME_ROOTS)]
    other_rw = [p for p in writable if not under(p, HOME_ROOTS)]
    if other_rw:
        lines.append("ReadWritePaths=" + " ".join(quote(str(p)) for p in other_rw))
    if home_rw or home_ro:
        lines.append("# Some of what the kiosk needs is in a home folder: only that is shown there.")
        lines.append("ProtectHome=tmpfs")
        if home_rw:
            lines.append("BindPaths=" + " ".join(bind(p, "a writable folder") for p in home_rw))
        if home_ro:
            # "-": a file not made yet (say, the QR secret before `kiosk init`) is skipped.
            lines.append("BindReadOnlyPaths=" + " ".join("-" + bind(p, "a file read") for p in home_ro))
    else:
        lines.append("ProtectHome=yes")
    temporary = [p for p in [*writable, *readable] if under(p, TEMP_ROOTS)]
    if temporary:
        lines.append(f"# No PrivateTmp=: {temporary[0]} is in a temporary folder the unit must see.")
        lines.append("PrivateTmp=no")
    else:
        lines.append("PrivateTmp=yes")
    return lines


def hardening(families: str, devices: bool, capabilities: str = "") -> list[str]:
    """The sandbox of a kiosk process. `devices` False: no physical device at all (PrivateDevices=,
    and ProtectClock=, which limits devices too); True: a console, the sound card or the printer."""
    # No RemoveIPC=: every unit runs as the one user, and one stopping (the nightly backup)
    # would take the shared memory of the others (the browser lobby's Chromium) with it.
    lines = [
        "NoNewPrivileges=yes",
        f"CapabilityBoundingSet={capabilities}",
        "ProtectKernelTunables=yes",
        "ProtectKernelModules=yes",
        "ProtectKernelLogs=yes",
        "ProtectControlGroups=yes",
        "ProtectHostname=yes",
        "ProtectProc=invisible",
        "RestrictNamespaces=yes",
        "RestrictRealtime=yes",
        "RestrictSUIDSGID=yes",
        "LockPersonality=yes",
        f"RestrictAddressFamilies={families}",
        "SystemCallArchitectures=native",
        "SystemCallFilter=@system-service",
        "SystemCallErrorNumber=EPERM",
        "UMask=0077",
    ]
    if not devices:
        lines += ["PrivateDevices=yes", "ProtectClock=yes"]
    return lines


def console(tty: int) -> list[str]:
    """The [Service] lines that give a unit the virtual console `tty`, cleared before and after."""
    return [f"TTYPath=/dev/tty{tty}", "TTYReset=yes", "TTYVHangup=yes", "TTYVTDisallocate=yes"]


def tty_lines(tty: int) -> list[str]:
    return [
        *console(tty),
        "StandardInput=tty",
        "StandardOutput=tty",
        "# Textual draws on standard error, so it is the console too; the terminal logs to the",
        "# journal through journald's socket (it finds INVOCATION_ID set), never over the screen.",
        "StandardError=tty",
        "Environment=TERM=linux",
    ]


def tty_unit_lines(tty: int) -> list[str]:
    return [
        f"Conflicts=getty@tty{tty}.service",
        f"After=getty@tty{tty}.service systemd-user-sessions.service plymouth-quit-wait.service",
        "ConditionPathExists=/dev/tty0",
    ]
