"""Writing the unit files into a folder (each atomically, mode 0644, a differing one replaced only
with --force) and the shell commands that install and enable them from there."""

from __future__ import annotations

import os
import shlex
import stat
import tempfile
from pathlib import Path

from kiosk.errors import KioskError, clipped, quoted
from kiosk.units.base import Request, Setup, SetupRefused, Unit

DEFAULT_DIR = Path("/etc/systemd/system")
# Folders systemd loads system units from: anywhere else, the files must be copied into one.
SYSTEM_UNIT_DIRS = tuple(
    Path(p)
    for p in (
        "/etc/systemd/system",
        "/run/systemd/system",
        "/usr/local/lib/systemd/system",
        "/usr/lib/systemd/system",
        "/lib/systemd/system",
    )
)


def write_units(folder: Path, units: list[Unit], force: bool = False) -> list[tuple[Path, str]]:
    """Write each unit into `folder` (0644, through a temporary file renamed over it): each
    `(path, "written" | "unchanged")`. A file there that differs is replaced only with `force`;
    otherwise nothing at all is written."""
    if not folder.is_dir():
        raise SetupRefused(f"--dir {quoted(str(folder))}: no such folder")
    plans: list[tuple[Path, Unit, bool]] = []
    differing: list[str] = []
    for unit in units:
        path = folder / unit.name
        try:
            same = path.read_bytes() == unit.text.encode()
        except FileNotFoundError:
            same = False
        except OSError as exc:
            raise KioskError(f"{clipped(str(path))}: cannot read it ({exc.strerror})") from None
        else:
            if not same:
                differing.append(str(path))
        plans.append((path, unit, same))
    if differing and not force:
        raise KioskError(
            "these unit files exist and differ from the ones asked for; nothing was written "
            "(--force replaces them):\n" + "\n".join(f"  {clipped(p)}" for p in differing)
        )
    results: list[tuple[Path, str]] = []
    for path, unit, same in plans:
        if same and stat.S_IMODE(path.stat().st_mode) == 0o644:
            results.append((path, "unchanged"))
            continue
        _write_atomically(path, unit.text.encode())
        results.append((path, "written"))
    _sync_folder(folder)
    return results


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise KioskError(f"{clipped(str(path.parent))}: cannot write there ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), 0o644)  # unit files are read by everyone; whatever the umask
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).replace(path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise KioskError(f"{clipped(str(path))}: cannot write it ({exc.strerror})") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def next_commands(setup: Setup, request: Request, folder: Path, user_exists: bool) -> list[str]:
    """The shell commands that make the user and folders, initialise the database and enable the
    units, in order."""
    q = shlex.quote
    user = request.user
    commands: list[str] = []
    if not user_exists:
        commands.append(
            f"sudo useradd --system --user-group --home-dir {q(str(setup.data_dir))} --no-create-home "
            f"--shell /usr/sbin/nologin {user}"
        )
    commands += [f"sudo install -d -o {user} -m 0700 {q(str(p))}" for p in setup.owned]
    python = q(str(request.python))
    commands.append(f"sudo -u {user} {python} -I -m cli --config {q(str(request.config))} init")
    if folder.resolve() not in SYSTEM_UNIT_DIRS:
        files = " ".join(q(str(folder / u.name)) for u in setup.units)
        commands.append(f"sudo install -m 0644 -t {DEFAULT_DIR} {files}")
    commands.append("sudo systemctl daemon-reload")
    enable = [u.name.removesuffix(".service") for u in setup.units if u.enable]
    if enable:
        commands.append("sudo systemctl enable --now " + " ".join(enable))
    return commands
