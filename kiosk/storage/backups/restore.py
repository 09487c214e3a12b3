"""`kiosk restore`: the whole archive checked before anything is written (its manifest, every
file's SHA-256, the schema it was made at), then the database filled, the secrets written, and an
older schema upgraded."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sqlite3
import stat
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from kiosk.config import Settings
from kiosk.errors import KioskError, StorageUnavailable, clipped, quoted
from kiosk.private import open_private, private_file, private_folder
from kiosk.storage import SCHEMA_REVISION
from kiosk.storage.backups.common import (
    CHUNK,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    PG_FILE,
    SECRET_FILES,
    SMALL_FILE,
    SQLITE_FILE,
    Manifest,
    RestoreReport,
    database_of,
    libpq,
    pg_tool,
    run_pg,
    safe_url,
    secret_paths,
    uri_path,
)  # fmt: skip


def read_manifest(path: Path, settings: Settings | None = None) -> Manifest:
    """The archive's manifest, after checking that the file is a kiosk backup this install can
    restore (into the database `settings` name, when given); raises KioskError naming what is wrong."""
    with _open_archive(path) as tar:
        manifest = _manifest(path, tar)
    if settings is not None:
        _same_backend(path, manifest, database_of(settings)[0])
    return manifest


def _same_backend(path: Path, manifest: Manifest, backend: str) -> None:
    if manifest.backend != backend:
        raise KioskError(
            f"{quoted(path.name)} is a {manifest.backend} backup and this centre's database is"
            f" {backend}: restore it where the settings name a {manifest.backend} database"
        )


def restore_backup(settings: Settings, path: Path) -> RestoreReport:
    """Put the backup at `path` back: the database (filled through SQLite's backup API or
    pg_restore, in one transaction) and the secret files; an older schema is then upgraded. The
    whole archive is checked first; a file that fails any check changes nothing."""
    try:
        return _restore(settings, path)
    except OSError as exc:  # where the settings put the data: not a folder, no room, no rights
        where = clipped(str(exc.filename or settings.data_dir))
        raise KioskError(f"the backup could not be restored to {where}: {exc.strerror or exc}") from None


def _restore(settings: Settings, path: Path) -> RestoreReport:
    backend, target = database_of(settings)
    with _open_archive(path) as tar, tempfile.TemporaryDirectory(prefix="kiosk-restore-") as staging_name:
        manifest = _manifest(path, tar)
        _same_backend(path, manifest, backend)
        staging = Path(staging_name)
        _extract_checked(path, tar, manifest, staging)
        # from here on, everything in the archive is known whole
        if backend == "sqlite":
            _check_sqlite_file(path, staging / SQLITE_FILE)
            _restore_sqlite(staging / SQLITE_FILE, Path(target))
        else:
            _restore_pg(staging / PG_FILE, target)
        written = []
        for name, destination in secret_paths(settings).items():
            if name in manifest.files:
                private_folder(destination.parent)
                with open_private(destination, "wb") as out:
                    out.write((staging / name).read_bytes())
                written.append(destination)
    schema = _upgrade(settings)
    return RestoreReport(path, manifest, safe_url(settings), written, manifest.schema, schema)


@contextmanager
def _open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    raw = _open_regular(path)
    try:
        try:
            tar = tarfile.open(fileobj=raw, mode="r:gz")  # noqa: SIM115 - closed below
        except OSError as exc:  # a read error on the disk
            why = exc.strerror or type(exc).__name__
            raise KioskError(f"{quoted(str(path))} cannot be read: {why}") from None
        except (tarfile.TarError, EOFError) as exc:
            why = clipped(str(exc))
            raise KioskError(
                f"{quoted(str(path))} is not a kiosk backup (not a tar.gz archive: {why})"
            ) from None
        try:
            yield tar
        except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:  # cut short or garbled
            raise KioskError(f"{quoted(str(path))} is damaged: {clipped(str(exc))}") from None
        finally:
            tar.close()
    finally:
        raw.close()


def _open_regular(path: Path) -> IO[bytes]:
    """`path` opened for reading if it is a regular file; a FIFO (which would wait for a writer for
    ever), a device or a folder is refused without reading from it. Opened without waiting, then
    looked at through the open file: what is checked is what is read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise KioskError(f"{quoted(str(path))} does not exist") from None
    except OSError as exc:  # no rights, a name too long, a loop of links, not a folder on the way...
        why = exc.strerror or type(exc).__name__
        raise KioskError(f"{quoted(str(path))} cannot be read: {why}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise KioskError(f"{quoted(str(path))} is a folder, not a backup file")
        if not stat.S_ISREG(mode):
            raise KioskError(f"{quoted(str(path))} is {_kind(mode)}, not a backup file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _not_a_backup(path: Path, why: str) -> KioskError:
    return KioskError(f"{quoted(path.name)} is not a kiosk backup ({why}); nothing was changed")


def _manifest(path: Path, tar: tarfile.TarFile) -> Manifest:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError:
        raise _not_a_backup(path, f"it holds no {MANIFEST}") from None
    if not member.isreg() or member.size > SMALL_FILE:
        raise _not_a_backup(path, f"its {MANIFEST} is not a small file")
    handle = tar.extractfile(member)
    assert handle is not None  # a regular member always has one
    try:
        data = json.loads(handle.read())
    except (ValueError, UnicodeDecodeError):
        raise _not_a_backup(path, f"its {MANIFEST} is not JSON") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _not_a_backup(path, f"its {MANIFEST} is not a kiosk backup's")
    if data.get("version") != FORMAT_VERSION:
        raise KioskError(
            f"{quoted(path.name)} is a backup of format {clipped(repr(data.get('version')))}; this kiosk"
            f" reads format {FORMAT_VERSION}: restore it with the kiosk version that made it"
        )
    backend, schema, files = data.get("backend"), data.get("schema"), data.get("files")
    if backend not in ("sqlite", "postgresql"):
        raise _not_a_backup(path, "it names no database kind")
    if not (schema is None or isinstance(schema, str)) or not isinstance(files, dict):
        raise _not_a_backup(path, f"its {MANIFEST} is incomplete")
    if schema is None:  # an older kiosk backed up a database `kiosk init` never ran on
        raise KioskError(
            f"{quoted(path.name)} is a backup of a database with no schema (made before `kiosk init`"
            " ran on it): it holds nothing to restore; nothing was changed"
        )
    manifest = Manifest(str(data.get("created", "")), str(data.get("kiosk", "")), backend, schema, {})
    allowed = {manifest.database_file, *SECRET_FILES}
    for name, digest in files.items():
        if name not in allowed or not isinstance(digest, str) or len(digest) != 64:
            raise _not_a_backup(path, f"its {MANIFEST} lists {clipped(repr(name))}")
    if manifest.database_file not in files:
        raise _not_a_backup(path, "it holds no database")
    if not _known_revision(schema):
        raise KioskError(
            f"{quoted(path.name)} was made at schema {clipped(schema)}, newer than this kiosk's"
            f" ({SCHEMA_REVISION}): upgrade the kiosk, then restore; nothing was changed"
        )
    return Manifest(manifest.created, manifest.kiosk, backend, schema, dict(files))


def _known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    from kiosk.storage.migrate import alembic_config

    known = ScriptDirectory.from_config(alembic_config()).walk_revisions()
    return revision in {script.revision for script in known}


def _extract_checked(path: Path, tar: tarfile.TarFile, manifest: Manifest, staging: Path) -> None:
    """Each file the manifest lists, copied out and checked against its SHA-256; only regular
    members with those names are read (no links, no paths, nothing twice)."""
    seen: set[str] = set()
    for member in tar.getmembers():
        if member.name == MANIFEST:
            continue
        if member.name not in manifest.files or member.name in seen or not member.isreg():
            raise _not_a_backup(path, f"it holds {clipped(repr(member.name))}, which no backup holds")
        if member.name in SECRET_FILES and member.size > SMALL_FILE:
            raise _not_a_backup(path, f"its {member.name} is too big for a secret")
        seen.add(member.name)
        handle = tar.extractfile(member)
        assert handle is not None
        if _copy_hashed(handle, staging / member.name) != manifest.files[member.name]:
            raise KioskError(f"{quoted(path.name)} is damaged: {member.name} does not match its checksum")
    missing = set(manifest.files) - seen
    if missing:
        raise KioskError(f"{quoted(path.name)} is damaged: {', '.join(sorted(missing))} missing")


def _copy_hashed(source: IO[bytes], target: Path) -> str:
    digest = hashlib.sha256()
    with open_private(target, "wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _check_sqlite_file(path: Path, database: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{uri_path(database)}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise KioskError(f"{quoted(path.name)} is damaged: its database cannot be read ({exc})") from None
    if not result or result[0] != "ok":
        raise KioskError(f"{quoted(path.name)} is damaged: its database fails SQLite's integrity check")


def _restore_sqlite(source: Path, target: Path) -> None:
    """Through SQLite's backup API into the live file: its locks keep a terminal still running
    from reading a half-written database, and the file keeps its 0600."""
    private_folder(target.parent)
    private_file(target)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.DatabaseError as exc:
        raise StorageUnavailable(
            f"the database file {clipped(str(target))} cannot be written: {exc}"
        ) from None
    finally:
        src.close()


def _restore_pg(dump: Path, url: str) -> None:
    """pg_restore in one transaction, dropping the kiosk's tables first where they exist."""
    dsn, env = libpq(url)
    command = [
        pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
        "--single-transaction", "--exit-on-error", f"--dbname={dsn}", str(dump),
    ]  # fmt: skip
    run_pg(command, env, "pg_restore")


def _upgrade(settings: Settings) -> str | None:
    """An older backup's schema brought to this install's (what `kiosk init` would do)."""
    from kiosk.storage.db import Database
    from kiosk.storage.migrate import upgrade

    db = Database(settings.db_url)
    try:
        if db.schema_revision() not in (None, SCHEMA_REVISION):
            upgrade(db)
        return db.schema_revision()
    finally:
        db.dispose()
