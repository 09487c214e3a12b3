"""The folders and files the units write and read (the kiosk's own, the database's, the printer's,
the settings and the code), and where the service user will not reach one of them."""

from __future__ import annotations

import grp
import os
import pwd
import shlex
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from kiosk.config import Settings
from kiosk.errors import quoted
from kiosk.units.base import SetupRefused
from kiosk.units.checks import check_path

# Folders of the system itself: never the kiosk's to write, whatever a setting says.
_SYSTEM_TREES = tuple(
    Path(p) for p in ("/usr", "/etc", "/boot", "/proc", "/sys", "/dev", "/bin", "/sbin", "/lib")
)
_SHARED_FOLDERS = frozenset(
    Path(p)
    for p in (
        "/var/lib",
        "/var/cache",
        "/var/log",
        "/var/spool",
        "/var/tmp",
        "/usr/local",
        "/run/user",
        "/srv/www",
    )
)


@dataclass(frozen=True)
class Paths:
    """What the kiosk's units must reach: `writable` for the terminals, `backup` for the backup, and
    `readable` (the code, the settings, the catalogue, the secrets) for all of them."""

    writable: tuple[Path, ...]
    backup: tuple[Path, ...]
    readable: tuple[Path, ...]


def under(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def outermost(paths: Iterable[Path], covered: Iterable[Path] = ()) -> list[Path]:
    """`paths` sorted, without repeats and without any path inside another one or inside `covered`."""
    kept: list[Path] = []
    outer = list(covered)
    for path in sorted(set(paths), key=lambda p: (len(p.parts), str(p))):
        if not under(path, outer + kept):
            kept.append(path)
    return sorted(kept)


def check_writable(what: str, path: Path) -> Path:
    """A folder the units may write: never the root, a top-level folder, a shared one such as /var/lib,
    or one inside the system's own trees (that would undo ProtectSystem=strict, and `install -d -o`
    would hand it to the service user)."""
    if len(path.parts) <= 2 or path in _SHARED_FOLDERS or under(path, _SYSTEM_TREES):
        raise SetupRefused(
            f"{what} {quoted(str(path))}: the terminals would be let write all of it; give the kiosk a "
            "folder of its own, e.g. /var/lib/lobby-kiosk"
        )
    return path


def real(what: str, path: Path | str) -> Path:
    """The path systemd's namespace setup sees: absolute, with symlinks followed, and checked both
    as given and as followed (a link may lead to a name a unit cannot hold)."""
    return Path(check_path(what, os.path.realpath(check_path(what, path))))


def sqlite_folder(settings: Settings) -> Path | None:
    """The folder of a SQLite database (it writes its journal beside it), None for a server."""
    try:
        url = make_url(settings.db_url)
    except ArgumentError:
        raise SetupRefused("the settings' database_url is not a database URL") from None
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if not database or database == ":memory:" or not Path(database).is_absolute():
        raise SetupRefused(
            f"database_url {quoted(settings.db_url)}: a service needs a SQLite file by absolute path "
            "(sqlite:////var/lib/lobby-kiosk/kiosk.sqlite3), or leave database_url out"
        )
    return real("database_url", database).parent


def unit_paths(settings: Settings, config: str, printed: Path | None, code: Iterable[Path]) -> Paths:
    """The paths of `settings`, the settings file `config`, the printer's folder `printed` (if it
    writes one) and the installed `code`, each checked and with symlinks followed."""
    data = check_writable("data_dir", real("data_dir", settings.data_dir))
    writable = [data]
    sqlite = sqlite_folder(settings)
    if sqlite is not None:
        writable.append(check_writable("the SQLite database's folder", sqlite))
    if printed is not None:
        writable.append(check_writable("the printer_url's folder", printed))
    backup_dir = check_writable("backup_dir", real("backup_dir", settings.backup_path))
    backup = [*writable, backup_dir]
    readable = [
        real("the settings file", config),
        real("catalogue", settings.catalogue_path),
        real("secret_file", settings.secret_path),
        real("pin_key_file", settings.pin_key_path),
        *(real("the installed code", p) for p in code),
    ]
    writable_kept = outermost(writable)
    backup_kept = outermost(backup)
    return Paths(
        tuple(writable_kept),
        tuple(backup_kept),
        tuple(outermost(readable, covered=writable_kept)),
    )


def reach_notes(
    user: str, readable: Iterable[Path], writable: Iterable[Path], owned: Iterable[Path]
) -> list[str]:
    """Best-effort warnings for what `user` will not reach, by the modes of the files and folders
    here: a folder on the way it may not enter, a file it may not read. The kiosk's own folders are
    made for it (`install -d -o`), so only the folders above them count."""
    try:
        account = pwd.getpwnam(user)
        uid: int | None = account.pw_uid
        gids = {account.pw_gid, *(g.gr_gid for g in grp.getgrall() if user in g.gr_mem)}
    except KeyError:  # not made yet: a new system user is "others" to every file here
        uid, gids = None, set()

    def allowed(st: os.stat_result, bits: tuple[int, int, int]) -> bool:
        if uid is not None and st.st_uid == uid:
            return bool(st.st_mode & bits[0])
        if st.st_gid in gids:
            return bool(st.st_mode & bits[1])
        return bool(st.st_mode & bits[2])

    enter = (stat.S_IXUSR, stat.S_IXGRP, stat.S_IXOTH)
    read = (stat.S_IRUSR, stat.S_IRGRP, stat.S_IROTH)
    notes: list[str] = []
    blocked: set[Path] = set()
    owned = list(owned)
    for path, check_read in [*((p, True) for p in readable), *((p, False) for p in writable)]:
        start = path.parent if under(path, owned) or not check_read else path
        for folder in reversed([start, *start.parents]):
            try:
                st = folder.stat()
            except OSError:
                break
            if folder in blocked:
                break
            if stat.S_ISDIR(st.st_mode) and not allowed(st, enter):
                blocked.add(folder)
                notes.append(
                    f"User {user} cannot enter {folder} (mode {stat.S_IMODE(st.st_mode):04o}), so cannot "
                    f"reach {path}: move it, or open the folder to it."
                )
                break
            if folder == path and check_read and stat.S_ISREG(st.st_mode) and not allowed(st, read):
                notes.append(
                    f"User {user} cannot read {path} (mode {stat.S_IMODE(st.st_mode):04o}): e.g. "
                    f"sudo chgrp {user} {shlex.quote(str(path))} && sudo chmod 0640 {shlex.quote(str(path))}"
                )
    return notes
