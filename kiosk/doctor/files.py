"""The checks of `kiosk doctor` on files: the settings and the catalogue load, the secrets and the
data folder are private, the disk has room, and a recent backup exists. Each only reads."""

from __future__ import annotations

import shlex
import shutil
import stat
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.config import Settings
from kiosk.doctor.base import RUN_INIT, Check, age_text, fail, ok, size_text
from kiosk.domain.catalogue import Catalogue, load_catalogue
from kiosk.errors import ConfigError, clipped
from kiosk.storage.backups import latest_backup

SECRET_LENGTH = 32  # kiosk.security.signing.read_secret and pins._read_key refuse a shorter one


def _problems(exc: ConfigError) -> str:
    return clipped(f"{exc.path}: {'; '.join(exc.problems)}", 300)


def check_settings(load: Callable[[], Settings], source: str) -> tuple[Check, Settings | None]:
    """The settings as every command loads them (the file, then the KIOSK_* variables and flags)."""
    try:
        settings = load()
    except ConfigError as exc:
        return fail("settings", _problems(exc), f"correct {exc.path}: each problem names its key"), None
    except Exception as exc:
        fix = "correct the settings: --config or $KIOSK_CONFIG, --db and the $KIOSK_* variables"
        return fail("settings", clipped(str(exc), 300), fix), None
    detail = f"{source}: {settings.centre_name}, data folder {settings.data_dir}"
    return ok("settings", detail), settings


def check_catalogue(path: Path) -> tuple[Check, Catalogue | None]:
    try:
        catalogue = load_catalogue(path)
    except ConfigError as exc:
        return fail("catalogue", _problems(exc), f"correct {exc.path}, then {RUN_INIT} to load it"), None
    except Exception as exc:  # a path the system cannot even look up (too long, a loop)
        return fail("catalogue", f"{path}: {clipped(str(exc))}", "correct the catalogue setting"), None
    services = sum(len(d.service) for d in catalogue.department)
    detail = f"{path}: {len(catalogue.department)} departments, {services} services"
    return ok("catalogue", detail), catalogue


def check_secret(name: str, what: str, path: Path, missing_fix: str, short_fix: str) -> Check:
    """A key file: there, a regular file, readable, no one else's to read, and long enough."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return fail(name, f"{what} {path} is missing", missing_fix)
    except OSError as exc:
        return fail(name, f"{what} {path} cannot be read: {exc.strerror or exc}", f"check {path}")
    if not stat.S_ISREG(info.st_mode):
        return fail(name, f"{what} {path} is not a regular file", f"move it away and {RUN_INIT}")
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        detail = f"{what} {path} can be read by others (mode {mode:04o})"
        return fail(name, detail, f"chmod 600 {shlex.quote(str(path))}")
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not text"
        return fail(name, f"{what} {path} cannot be read: {reason or exc}", short_fix)
    if len(text) < SECRET_LENGTH:
        return fail(name, f"{what} {path} is too short ({len(text)} characters)", short_fix)
    return ok(name, f"{what} {path}: private (mode {mode:04o})")


def check_data_folder(path: Path) -> Check:
    try:
        info = path.stat()
    except FileNotFoundError:
        return fail("data-folder", f"the data folder {path} is missing", RUN_INIT)
    if not stat.S_ISDIR(info.st_mode):
        return fail("data-folder", f"the data folder {path} is not a folder", "correct data_dir")
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        detail = f"the data folder {path} can be entered by others (mode {mode:04o})"
        return fail("data-folder", detail, f"chmod 700 {shlex.quote(str(path))}")
    return ok("data-folder", f"data folder {path}: private (mode {mode:04o})")


def _existing(path: Path) -> Path:
    """`path`, or its nearest folder that exists (a backup folder not made yet is on its disk)."""
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def check_disk(folders: Sequence[tuple[str, Path]], min_free: int, min_share: float) -> Check:
    """Free space on the disk of each folder (a disk shared by several is told once)."""
    parts: list[str] = []
    low: list[Path] = []
    disks: set[int] = set()
    for what, folder in folders:
        place = _existing(folder)
        disk = place.stat().st_dev
        if disk in disks:
            parts.append(f"{what} on the same disk")
            continue
        disks.add(disk)
        usage = shutil.disk_usage(place)
        share = usage.free / usage.total if usage.total else 0.0
        parts.append(
            f"{what} {folder}: {size_text(usage.free)} free of {size_text(usage.total)} ({share:.0%})"
        )
        if usage.free < min_free or share < min_share:
            low.append(folder)
    detail = "; ".join(parts)
    if low:
        limit = f"under {size_text(min_free)} or {min_share:.0%} free"
        fix = (
            f"free space on the disk of {low[0]} (old exports, preview tickets, backups) or move it to a"
            " larger disk"
        )
        return fail("disk", f"{limit}: {detail}", fix)
    return ok("disk", detail)


def check_backups(folder: Path, now: datetime, max_age: timedelta) -> Check:
    """The newest `kiosk backup` archive in the backup folder, by its file's modification time."""
    latest = latest_backup(folder)
    if latest is None:
        fix = "run `kiosk backup` (and enable the nightly timer: `kiosk setup systemd`)"
        return fail("backups", f"no backup in {folder}", fix)
    made = datetime.fromtimestamp(latest.stat().st_mtime, UTC)
    age = now - made
    if age > max_age:
        fix = "run `kiosk backup`, and check the nightly timer (`kiosk setup systemd`)"
        return fail("backups", f"the last backup, {latest}, is {age_text(age)} old", fix)
    return ok("backups", f"last backup {latest}, {age_text(age)} ago")
