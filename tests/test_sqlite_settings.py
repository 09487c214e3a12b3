"""The SQLite settings the README promises, read back from the database: WAL, synchronous=FULL,
and writers that take the write lock at BEGIN (BEGIN IMMEDIATE), so a second writer queues at the
start instead of failing in the middle; readers are never held up by a writer."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from kiosk.storage.db import Database

FULL = 2  # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    with database.write() as s:
        s.execute(text("CREATE TABLE t (x INTEGER)"))
    yield database
    database.dispose()


def other_connection(db: Database) -> sqlite3.Connection:
    """Another process's connection, as plain sqlite3: it does not wait for a lock (timeout 0)."""
    path = db.engine.url.database
    assert path
    return sqlite3.connect(path, timeout=0, isolation_level=None)


def test_every_connection_is_wal_and_synchronous_full(db: Database) -> None:
    for session in (db.read(), db.write()):
        with session as s:
            assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert s.execute(text("PRAGMA synchronous")).scalar() == FULL
    with contextlib.closing(other_connection(db)) as conn:  # WAL is kept in the file itself
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_writer_holds_the_write_lock_from_begin(db: Database) -> None:
    with contextlib.closing(other_connection(db)) as other, db.write() as s:
        s.execute(text("SELECT 1"))  # no write yet: a plain BEGIN (deferred) would hold no lock here
        conn = s.connection().connection.driver_connection
        assert isinstance(conn, sqlite3.Connection) and conn.in_transaction
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            other.execute("BEGIN IMMEDIATE")
        assert other.execute("SELECT count(*) FROM t").fetchone() == (0,), "readers go on"
    with contextlib.closing(other_connection(db)) as other:  # once it commits, the next writer goes
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO t VALUES (1)")
        other.execute("COMMIT")


def test_a_reader_takes_no_write_lock(db: Database) -> None:
    with contextlib.closing(other_connection(db)) as other, db.read() as s:
        assert s.execute(text("SELECT count(*) FROM t")).scalar() == 0
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO t VALUES (1)")
        other.execute("COMMIT")
        assert s.execute(text("SELECT count(*) FROM t")).scalar() == 0, "its snapshot stays"
