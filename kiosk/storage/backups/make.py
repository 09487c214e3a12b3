"""`kiosk backup`: a consistent copy taken while terminals run (SQLite's online backup API, or
pg_dump's snapshot), with the secret files, written whole under its dated name, older ones pruned."""

from __future__ import annotations

import errno
import io
import json
import os
import sqlite3
import tarfile
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.config import Settings
from kiosk.errors import KioskError, StorageUnavailable, clipped
from kiosk.private import PRIVATE_FILE, open_private, private_file, private_folder
from kiosk.storage.backups.common import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    PG_FILE,
    SQLITE_FILE,
    BackupReport,
    database_of,
    libpq,
    pg_tool,
    run_pg,
    safe_url,
    secret_paths,
    sha256,
    uri_path,
)  # fmt: skip
from kiosk.storage.backups.names import backup_name, backups_in

# How many names (one a second) a backup tries when others take them, before giving up.
NAME_TRIES = 30


def make_backup(settings: Settings, folder: Path | None = None) -> BackupReport:
    """A consistent copy of the database and the secret files, taken while terminals run, as one
    0600 archive in `folder` (default: the settings' backup folder); then only the newest
    `backup_keep` backups are kept there."""
    folder = folder or settings.backup_path
    try:
        return _make(settings, folder)
    except OSError as exc:  # not a folder, a loop of links, a name too long, no room, no rights
        where = clipped(str(folder))
        raise KioskError(f"the backup could not be written to {where}: {exc.strerror or exc}") from None


def _make(settings: Settings, folder: Path) -> BackupReport:
    private_folder(folder)
    backend, source = database_of(settings)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".backup-") as staging_name:
        staging = Path(staging_name)
        if backend == "sqlite":
            schema = _initialised(settings, _copy_sqlite(source, staging / SQLITE_FILE))
            database = SQLITE_FILE
        else:
            schema = _initialised(settings, _pg_schema(source))
            _pg_dump(source, staging / PG_FILE)
            database = PG_FILE
        files = {database: staging / database}
        for name, path in secret_paths(settings).items():
            if path.is_file():
                with path.open("rb") as original, open_private(staging / name, "wb") as copy:
                    copy.write(original.read())
                files[name] = staging / name
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created": datetime.now().astimezone().isoformat(timespec="seconds"),
            "kiosk": __version__,
            "backend": backend,
            "schema": schema,
            "files": {name: sha256(path) for name, path in files.items()},
        }
        target = _write_archive(folder, staging / "archive", manifest, files)
    pruned = prune(folder, settings.backup_keep)
    return BackupReport(target, target.stat().st_size, backend, schema, list(files), pruned)


def _initialised(settings: Settings, schema: str | None) -> str:
    """The schema revision; a database `kiosk init` never ran on holds nothing to back up (and its
    backup would restore as an empty, unusable database)."""
    if schema is None:
        raise KioskError(
            f"the database {safe_url(settings)} has no schema yet: run `kiosk init` first; no backup was made"
        )
    return schema


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups in `folder`; other files are never touched."""
    found = backups_in(folder)
    old = found[: max(0, len(found) - keep)]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def _copy_sqlite(source: str, target: Path) -> str | None:
    """SQLite's online backup: a consistent snapshot in one step, while writers go on (WAL)."""
    path = Path(source)
    if not path.is_file():
        raise StorageUnavailable(f"the database file {clipped(source)} does not exist: run `kiosk init`")
    private_file(target)
    try:
        src = sqlite3.connect(f"file:{uri_path(path)}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise StorageUnavailable(f"the database file {clipped(source)} cannot be read: {exc}") from None
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            return _sqlite_schema(dst)
        finally:
            dst.close()
    except sqlite3.DatabaseError as exc:
        raise StorageUnavailable(f"the database file {clipped(source)} cannot be copied: {exc}") from None
    finally:
        src.close()


def _sqlite_schema(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:  # no such table: a database `kiosk init` never ran on
        return None
    return str(row[0]) if row else None


def _pg_schema(url: str) -> str | None:
    from kiosk.storage.db import Database

    db = Database(url)
    try:
        return db.schema_revision()
    finally:
        db.dispose()


def _pg_dump(url: str, target: Path) -> None:
    """pg_dump's custom format: one consistent snapshot (a repeatable-read transaction)."""
    dsn, env = libpq(url)
    private_file(target)
    command = [
        pg_tool("pg_dump"),
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={target}",
        dsn,
    ]
    run_pg(command, env, "pg_dump")


def _write_archive(folder: Path, partial: Path, manifest: dict[str, Any], files: dict[str, Path]) -> Path:
    """The archive written whole under a temporary name (`partial`, on the folder's disk), then
    given its dated name, never over an existing file: a backup that is listed is complete, and
    two backups in one second both stay (the second waits for the next second's name). Every member
    is 0600, so that unpacking it by hand (`tar x`) leaves no secret readable by others."""
    with open_private(partial, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
        data = json.dumps(manifest, indent=2).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(data), PRIVATE_FILE, int(time.time())
        tar.addfile(info, io.BytesIO(data))
        for name, path in files.items():
            info = tar.gettarinfo(str(path), arcname=name)
            info.mode = PRIVATE_FILE
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with path.open("rb") as handle:
                tar.addfile(info, handle)
    for _ in range(NAME_TRIES):
        moment = datetime.now()
        target = folder / backup_name(moment)
        if _place(partial, target):
            return target
        time.sleep(1 - moment.microsecond / 1_000_000)  # until the next second's name is due
    raise KioskError(
        f"backups named {target.name} keep appearing in {folder} ({NAME_TRIES} names tried, a second"
        " apart): are other backups running?"
    )


def _place(partial: Path, target: Path) -> bool:
    """`partial` under the name `target` if no file (nor link) has that name; False if one has.
    A hard link is made in one step and fails on an existing name (a rename would replace it); on
    a disk without hard links (a FAT USB stick), the name is taken first by creating it empty."""
    try:
        os.link(partial, target)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK):
            raise
        try:
            open_private(target, "xb").close()
        except FileExistsError:
            return False
        partial.replace(target)  # over the empty file this backup just made
        return True
    partial.unlink()
    return True
