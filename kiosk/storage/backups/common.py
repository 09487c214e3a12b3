"""What a backup holds (its manifest and file names) and what making and restoring one share: the
database kind and address, PostgreSQL's client tools, the secret files, checksums."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.config import Settings
from kiosk.errors import KioskError, StorageUnavailable, clipped

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
    schema: str  # a database with no schema yet is not backed up
    files: list[str]
    pruned: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Manifest:
    created: str
    kiosk: str
    backend: str
    schema: str  # a backup of a database with no schema is refused
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
    schema_before: str
    schema: str | None


def database_of(settings: Settings) -> tuple[str, str]:
    """("sqlite", the file's path) or ("postgresql", the database URL)."""
    from sqlalchemy.engine import make_url

    from kiosk.storage.db import normalise_url

    url = make_url(normalise_url(settings.db_url))
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise KioskError("an in-memory database has nothing to back up")
        return "sqlite", url.database
    return "postgresql", url.render_as_string(hide_password=False)


def uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.resolve()))


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise KioskError(f"{name} is not installed: install PostgreSQL's client tools (postgresql-client)")
    return found


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL as libpq takes it, without the password (which goes in PGPASSWORD, where no `ps`
    shows it), and the environment to run a client tool with."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def run_pg(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=PG_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise StorageUnavailable(f"{what} took longer than {PG_TIMEOUT // 60} minutes") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise StorageUnavailable(
            f"{what} failed: {clipped(lines[0] if lines else f'exit {done.returncode}')}"
        )


def secret_paths(settings: Settings) -> dict[str, Path]:
    pin_key = settings.pin_key_path
    return {
        "qr-secret": settings.secret_path,
        "pin-key": pin_key,
        "pin-key.previous": pin_key.with_name(pin_key.name + ".previous"),
    }


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def safe_url(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    return make_url(settings.db_url).render_as_string(hide_password=True)
