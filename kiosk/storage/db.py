"""Engines and transactions for SQLite (WAL, busy timeout, BEGIN IMMEDIATE for writers) and PostgreSQL.

`Database.write()` and `Database.read()` are the only way the core opens a transaction; a database
that cannot be reached surfaces as `StorageUnavailable`, never as a driver exception.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session

from kiosk.errors import KioskError, StorageUnavailable, clipped, quoted
from kiosk.private import private_file, private_folder
from kiosk.storage.sqlite_file import check_file, damaged, damaged_file

BUSY_TIMEOUT_MS = 30_000
DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg")
EXAMPLES = " (e.g. sqlite:////var/lib/lobby-kiosk/kiosk.sqlite3 or postgresql://kiosk@db.local/kiosk)"


def normalise_url(url: str) -> str:
    """Plain `postgresql://` URLs use psycopg 3, the driver this project ships with."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is no number
        raise KioskError(f"{quoted(url)} is not a database URL{EXAMPLES}") from None
    if "\x00" in (parsed.database or ""):
        raise KioskError(f"{quoted(url)}: a database name cannot contain a NUL character")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise KioskError(f"{quoted(url)}: only SQLite and PostgreSQL are supported{EXAMPLES}")
    if parsed.drivername not in DRIVERS:
        raise KioskError(f"{quoted(url)}: the kiosk ships the drivers {', '.join(DRIVERS)} only{EXAMPLES}")
    if parsed.get_backend_name() == "sqlite" and parsed.query:
        # uri=true would open another file than the one made private here; the other options
        # (mode, cache, timeout...) are SQLite URI parameters, which the kiosk sets itself
        raise KioskError(f"{quoted(url)}: give the SQLite file's path alone, without ?options{EXAMPLES}")
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if sqlite3.sqlite_version_info < (3, 35):  # UPDATE ... RETURNING claims a ticket in one step
            raise KioskError(
                f"this Python's SQLite is {sqlite3.sqlite_version}; the kiosk needs SQLite 3.35 or newer"
                " (or PostgreSQL)"
            )
        try:
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **kwargs)
        except ArgumentError:  # e.g. sqlite://0: a host where SQLite wants a path
            raise KioskError(f"{quoted(url)} is not a database URL{EXAMPLES}") from None
        if parsed.database and parsed.database != ":memory:":  # connecting is what creates the file
            _private_database(Path(parsed.database))
        _tune_sqlite(engine)
        return engine
    # A cable pulled between a terminal and the server must not leave a query waiting for ever:
    # TCP keepalives and a send timeout turn a silent network into an error within ~10 s.
    connect_args = {
        "connect_timeout": 3,
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 3,
        "tcp_user_timeout": 10_000,
    }
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def _private_database(path: Path) -> None:
    """The database file 0600 before SQLite opens it (its -wal and -shm then get the same rights);
    an older install's wider database, -wal and -shm are tightened. SQLite takes a file shorter than
    its header for a new database and would write over it: a file that is neither empty nor begins
    with SQLite's header is refused, and so is a folder or a device."""
    try:
        private_folder(path.parent)
        private_file(path)
        for suffix in ("-wal", "-shm"):
            if path.with_name(path.name + suffix).exists():
                private_file(path.with_name(path.name + suffix))
    except OSError as exc:
        raise StorageUnavailable(
            f"the database file {clipped(str(path))} cannot be opened: {exc.strerror or exc}"
        ) from None
    check_file(path)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # a printed number must survive a power cut
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        writing = conn.get_execution_options().get("kiosk_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


class Database:
    """One engine and the two kinds of transaction the core uses."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, **engine_kwargs)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A writing transaction; on SQLite it takes the write lock at BEGIN, so writers queue."""
        with self._session(write=True) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._session(write=False) as session:
            yield session

    @contextmanager
    def _session(self, write: bool) -> Iterator[Session]:
        with (
            self.connection(write) as conn,
            Session(bind=conn, expire_on_commit=False, autoflush=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def connection(self, write: bool = False) -> Iterator[Connection]:
        """A connection (not yet in a transaction); driver errors of an unreachable or lost
        database become StorageUnavailable, with the driver's first line as the reason."""
        connected = False
        try:
            with self.engine.connect() as conn:
                connected = True
                conn.execution_options(kiosk_write=write)
                yield conn
        except OperationalError as exc:
            raise StorageUnavailable(f"the database is unavailable: {_first_line(exc)}") from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise StorageUnavailable(f"the database connection was lost: {_first_line(exc)}") from exc
            if _damaged(exc):
                raise damaged_file(self.engine.url.database, _first_line(exc)) from exc
            if not connected:  # the driver refused the URL, e.g. an option it does not know
                raise StorageUnavailable(f"the database is unavailable: {_first_line(exc)}") from exc
            raise

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at (None when it has no schema yet)."""
        from sqlalchemy import inspect, text

        with self.connection() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def dispose(self) -> None:
        """Close the pooled connections. A connection another thread still has checked out (a
        terminal's or a web server's worker, mid-query when it closes) would go back to the pool
        just disposed and stay there open until the garbage collector found it: it is closed when
        it comes back instead. (Listened for on the old pool after it is replaced: the new pool
        copies the listeners its old one has when it is made.)"""
        old = self.engine.pool
        self.engine.dispose()
        event.listen(old, "checkin", _close_on_return)

    def close(self) -> None:
        """Disposed for good, as a terminal ends: a connection made after it (a worker the closing
        app started just before, whose call comes after) is closed when it comes back too, not
        kept open in a pool nobody disposes. The database still answers; it just pools no more."""
        self.dispose()
        if not event.contains(self.engine.pool, "checkin", _close_on_return):
            event.listen(self.engine.pool, "checkin", _close_on_return)


def _close_on_return(dbapi_connection: Any, record: Any) -> None:
    if dbapi_connection is not None:
        record.invalidate()


def _damaged(exc: DBAPIError) -> bool:
    return isinstance(exc.orig, sqlite3.Error) and damaged(exc.orig)


def _first_line(exc: DBAPIError) -> str:
    lines = str(exc.orig or exc).strip().splitlines()
    return clipped(lines[0]) if lines else type(exc.orig or exc).__name__  # a driver may quote a whole value
