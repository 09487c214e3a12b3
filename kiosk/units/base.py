"""What `kiosk setup systemd` is asked for and what it makes (the request, the units, the setup),
and the refusal of a value no unit file can hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kiosk.errors import KioskError

TERMINALS = ("web", "display", "lobby", "counter", "desk", "backup")
LOBBY_MODES = ("tty", "browser")


class SetupRefused(KioskError):
    """A value `kiosk setup systemd` cannot put in a unit file as it is (exit 2: bad usage)."""

    exit_code = 2


@dataclass(frozen=True)
class Request:
    """What was asked for. `config` is the settings file's absolute path as the units will name it;
    `python` the interpreter that runs `-m cli`; `code` the installed code's folders (the venv, the
    interpreter's own prefix, a checkout for an editable install), which the units must be able to
    read; `cage`, `chromium` and `setterm` the programs found on this machine (None: not found)."""

    config: Path
    python: Path
    user: str = "kiosk"
    terminals: tuple[str, ...] = TERMINALS
    lobby: str = "tty"
    tty: int | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    code: tuple[Path, ...] = ()
    cage: Path | None = None
    chromium: Path | None = None
    setterm: Path | None = None


@dataclass(frozen=True)
class Unit:
    name: str
    text: str
    enable: bool  # enabled by name (not the template, nor what a timer or another unit starts)


@dataclass
class Setup:
    """The unit files; the kiosk's own folders, which the service user must own (`owned`: the data
    folder, the backups, the preview tickets), and everything the units write or read; the console
    each terminal takes; and what the installer should know (`notes`: each a sentence)."""

    units: list[Unit]
    data_dir: Path
    owned: list[Path]
    writable: list[Path]
    readable: list[Path]
    ttys: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
