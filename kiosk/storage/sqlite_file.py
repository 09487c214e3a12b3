"""A SQLite database file looked at with the standard library alone: whether it is a file SQLite can
use, and, before a terminal's first frame (drawn before the database layer is imported), whether it
is damaged or behind this version's schema."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from kiosk.errors import StorageUnavailable, clipped
from kiosk.storage import SCHEMA_REVISION

SQLITE_HEADER = b"SQLite format 3\x00"
SQLITE_URLS = ("sqlite:///", "sqlite+pysqlite:///")


def damaged_file(path: object, reason: str) -> StorageUnavailable:
    return StorageUnavailable(
        f"the database file {clipped(str(path))} is damaged or is not a SQLite database ({reason}):"
        " restore it from a backup or move it away and run `kiosk init`"
    )


def not_ready(revision: str | None) -> StorageUnavailable:
    found = f"revision {revision}" if revision else "an empty database"
    return StorageUnavailable(f"the database is not ready ({found}): run `kiosk init`")


def damaged(exc: sqlite3.Error) -> bool:
    """SQLite's SQLITE_CORRUPT ("database disk image is malformed") or SQLITE_NOTADB ("file is not a
    database"): the file itself is broken, and no retry will help."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def check_file(path: Path) -> None:
    """A regular file, empty (SQLite makes a database of it) or beginning with SQLite's header:
    SQLite takes a file shorter than its header for a new database and would write over it."""
    try:
        if not path.is_file():
            raise StorageUnavailable(f"the database file {clipped(str(path))} is not a regular file")
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StorageUnavailable(
            f"the database file {clipped(str(path))} cannot be opened: {exc.strerror or exc}"
        ) from None
    if head and head != SQLITE_HEADER:
        raise damaged_file(path, "file is not a database")


def preflight(url: str) -> None:
    """A terminal's database refused before its first frame, as opening it would refuse it: a SQLite
    file that is no file, damaged, missing or behind this schema. Read only; anything else (a
    PostgreSQL server, a locked file) is left to the opening after the first frame."""
    prefix = next((p for p in SQLITE_URLS if url.startswith(p)), None)
    rest = url[len(prefix) :] if prefix else ""
    if not rest or rest == ":memory:" or "?" in rest:
        return
    path = Path(rest)
    if not path.exists():
        raise not_ready(None)
    check_file(path)
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        if damaged(exc):
            raise damaged_file(
                path, clipped(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            ) from None
        if "no such table" in str(exc):
            raise not_ready(None) from None
        return  # busy, locked, not readable: the opening says
    if row is None or row[0] != SCHEMA_REVISION:
        raise not_ready(row[0] if row else None)
