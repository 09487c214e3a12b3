"""`kiosk backup` and `kiosk restore`: one dated, private tar.gz holding a consistent copy of the
database (SQLite's online backup API, or pg_dump) with the QR secret and the PIN key.

A restore reads the whole archive and checks it (its manifest, every file's SHA-256, the schema it
was made at) before it writes anything; then it fills the database, writes the secrets and
upgrades an older schema to this install's.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from kiosk import __version__
from kiosk.config import Settings
from kiosk.errors import KioskError, StorageUnavailable, clipped, quoted
from kiosk.private import open_private, private_file, private_folder
from kiosk.storage import SCHEMA_REVISION

PREFIX = "kiosk-backup-"
SUFFIX = ".tar.gz"
FORMAT = "lobby-kiosk-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
SECRET_FILES = ("qr-secret", "pin-key", "pin-key.previous")  # names inside the archive
SMALL_FILE = 64 * 1024  # the manifest and a secret are far smaller; anything bigger is not ours
CHUNK = 1024 * 1024
PG_TIMEOUT = 3600  # seconds pg_dump or pg_restore may take


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size: int
    backend: str
    schema: str | None
    files: list[str]
    pruned: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Manifest:
    created: str
    kiosk: str
    backend: str
    schema: str | None
    files: dict[str, str]  # archive name -> SHA-256

    @property
    def database_file(self) -> str:
        return SQLITE_FILE if self.backend == "sqlite" else PG_FILE


@dataclass(frozen=True)
class RestoreReport:
    backup: Path
    manifest: Manifest
    database: str
    secrets: list[Path]
    schema_before: str | None
    schema: str | None


def backup_name(moment: datetime) -> str:
    """`kiosk-backup-20261205-173000.tar.gz`: sorts by time, as the file list does."""
    return f"{PREFIX}{moment:%Y%m%d-%H%M%S}{SUFFIX}"


def backups_in(folder: Path) -> list[Path]:
    """The backups in `folder`, oldest first (by the time in their names)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p.is_file())


def latest_backup(folder: Path) -> Path | None:
    found = backups_in(folder)
    return found[-1] if found else None


# --- backup -------------------------------------------------------------------------------------


def make_backup(settings: Settings, folder: Path | None = None) -> BackupReport:
    """A consistent copy of the database and the secret files, taken while terminals run, as one
    0600 archive in `folder` (default: the settings' backup folder); then only the newest
    `backup_keep` backups are kept there."""
    folder = folder or settings.backup_path
    private_folder(folder)
    backend, source = _backend(settings)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".backup-") as staging_name:
        staging = Path(staging_name)
        if backend == "sqlite":
            schema = _copy_sqlite(source, staging / SQLITE_FILE)
            database = SQLITE_FILE
        else:
            schema = _pg_schema(source)
            _pg_dump(source, staging / PG_FILE)
            database = PG_FILE
        files = {database: staging / database}
        for name, path in _secret_paths(settings).items():
            if path.is_file():
                shutil.copyfile(path, staging / name)
                files[name] = staging / name
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created": datetime.now().astimezone().isoformat(timespec="seconds"),
            "kiosk": __version__,
            "backend": backend,
            "schema": schema,
            "files": {name: _sha256(path) for name, path in files.items()},
        }
        target = _write_archive(folder, manifest, files)
    pruned = prune(folder, settings.backup_keep)
    return BackupReport(target, target.stat().st_size, backend, schema, list(files), pruned)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups in `folder`; other files are never touched."""
    found = backups_in(folder)
    old = found[: max(0, len(found) - keep)]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def _backend(settings: Settings) -> tuple[str, str]:
    """("sqlite", the file's path) or ("postgresql", the database URL)."""
    from sqlalchemy.engine import make_url

    from kiosk.storage.db import normalise_url

    url = make_url(normalise_url(settings.db_url))
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise KioskError("an in-memory database has nothing to back up")
        return "sqlite", url.database
    return "postgresql", url.render_as_string(hide_password=False)


def _copy_sqlite(source: str, target: Path) -> str | None:
    """SQLite's online backup: a consistent snapshot in one step, while writers go on (WAL)."""
    path = Path(source)
    if not path.is_file():
        raise StorageUnavailable(f"the database file {clipped(source)} does not exist: run `kiosk init`")
    private_file(target)
    try:
        src = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True, timeout=30)
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


def _uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.resolve()))


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


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise KioskError(f"{name} is not installed: install PostgreSQL's client tools (postgresql-client)")
    return found


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL as libpq takes it, without the password (which goes in PGPASSWORD, where no `ps`
    shows it), and the environment to run a client tool with."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run_pg(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=PG_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise StorageUnavailable(f"{what} took longer than {PG_TIMEOUT // 60} minutes") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise StorageUnavailable(
            f"{what} failed: {clipped(lines[0] if lines else f'exit {done.returncode}')}"
        )


def _pg_dump(url: str, target: Path) -> None:
    """pg_dump's custom format: one consistent snapshot (a repeatable-read transaction)."""
    dsn, env = _libpq(url)
    private_file(target)
    command = [
        _pg_tool("pg_dump"),
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={target}",
        dsn,
    ]
    _run_pg(command, env, "pg_dump")


def _secret_paths(settings: Settings) -> dict[str, Path]:
    pin_key = settings.pin_key_path
    return {
        "qr-secret": settings.secret_path,
        "pin-key": pin_key,
        "pin-key.previous": pin_key.with_name(pin_key.name + ".previous"),
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _write_archive(folder: Path, manifest: dict[str, Any], files: dict[str, Path]) -> Path:
    """The archive written under a temporary name and renamed when whole: a backup that is listed
    is complete. Two backups in one second: the second waits for the next second's name."""
    partial = folder / f".partial-{os.getpid()}{SUFFIX}"
    with open_private(partial, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
        data = json.dumps(manifest, indent=2).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
        tar.addfile(info, io.BytesIO(data))
        for name, path in files.items():
            info = tar.gettarinfo(str(path), arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with path.open("rb") as handle:
                tar.addfile(info, handle)
    for _ in range(3):
        target = folder / backup_name(datetime.now())
        if not target.exists():
            partial.rename(target)
            return target
        time.sleep(1)
    partial.unlink(missing_ok=True)
    raise KioskError(f"backups named {target.name} keep appearing in {folder}: is another backup running?")


# --- restore ------------------------------------------------------------------------------------


def read_manifest(path: Path, settings: Settings | None = None) -> Manifest:
    """The archive's manifest, after checking that the file is a kiosk backup this install can
    restore (into the database `settings` name, when given); raises KioskError naming what is wrong."""
    with _open_archive(path) as tar:
        manifest = _manifest(path, tar)
    if settings is not None:
        _same_backend(path, manifest, _backend(settings)[0])
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
    backend, target = _backend(settings)
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
        for name, destination in _secret_paths(settings).items():
            if name in manifest.files:
                private_folder(destination.parent)
                with open_private(destination, "wb") as out:
                    out.write((staging / name).read_bytes())
                written.append(destination)
    schema = _upgrade(settings)
    return RestoreReport(path, manifest, _safe(settings), written, manifest.schema, schema)


@contextmanager
def _open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    try:
        tar = tarfile.open(path, mode="r:gz")  # noqa: SIM115 - closed by this context manager
    except FileNotFoundError:
        raise KioskError(f"{quoted(str(path))} does not exist") from None
    except IsADirectoryError:
        raise KioskError(f"{quoted(str(path))} is a folder, not a backup file") from None
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise KioskError(f"{quoted(str(path))} is not a kiosk backup (not a tar.gz archive: {exc})") from None
    try:
        yield tar
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:  # cut short or garbled
        raise KioskError(f"{quoted(str(path))} is damaged: {clipped(str(exc))}") from None
    finally:
        tar.close()


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
    manifest = Manifest(str(data.get("created", "")), str(data.get("kiosk", "")), backend, schema, {})
    allowed = {manifest.database_file, *SECRET_FILES}
    for name, digest in files.items():
        if name not in allowed or not isinstance(digest, str) or len(digest) != 64:
            raise _not_a_backup(path, f"its {MANIFEST} lists {clipped(repr(name))}")
    if manifest.database_file not in files:
        raise _not_a_backup(path, "it holds no database")
    if schema is not None and not _known_revision(schema):
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
        conn = sqlite3.connect(f"file:{_uri_path(database)}?mode=ro", uri=True)
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
    dsn, env = _libpq(url)
    command = [
        _pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
        "--single-transaction", "--exit-on-error", f"--dbname={dsn}", str(dump),
    ]  # fmt: skip
    _run_pg(command, env, "pg_restore")


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


def _safe(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    return make_url(settings.db_url).render_as_string(hide_password=True)
