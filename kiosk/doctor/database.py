"""The checks of `kiosk doctor` on the database and the clock: reachable, at this kiosk's schema, with
the catalogue file loaded, and (PostgreSQL) a server clock that agrees with the machine's. Nothing is
created or changed: a SQLite file is opened only when it exists, and then with writes refused."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from kiosk.config import Settings
from kiosk.doctor.base import RUN_INIT, Check, age_text, fail, note, ok
from kiosk.domain.catalogue import Catalogue
from kiosk.errors import KioskError, clipped
from kiosk.storage import SCHEMA_REVISION
from kiosk.storage.db import make_engine, normalise_url
from kiosk.storage.models import CatalogueVersion

URL_SETTINGS = "(database_url, --db or $KIOSK_DATABASE_URL)"
CHECK_URL = f"check the database URL {URL_SETTINGS}"


@dataclass(frozen=True)
class DatabaseState:
    """What was read: the schema revision (None: no schema), the newest catalogue's digest, and
    (PostgreSQL) how far the server's clock is ahead of this machine's."""

    where: str
    revision: str | None
    catalogue_digest: str | None
    clock_skew: timedelta | None


class Unreadable(Exception):
    def __init__(self, detail: str, fix: str) -> None:
        self.detail = detail
        self.fix = fix
        super().__init__(detail)


def read_database(url: str, now: Callable[[], datetime]) -> DatabaseState:
    """The state of the database at `url`; Unreadable (with its fix) when it cannot be read."""
    try:
        url = normalise_url(url)
    except KioskError as exc:
        raise Unreadable(str(exc), CHECK_URL) from None
    parsed = make_url(url)
    where = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed.database)
        fix = f"restore it from a backup, or move it away and {RUN_INIT}"
    else:
        engine = make_engine(url, poolclass=NullPool)
        host = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
        fix = f"start the database server at {host} or reach it over the network; {CHECK_URL}"
    try:
        with engine.connect() as conn:
            tables = inspect(conn)
            revision = None
            if tables.has_table("alembic_version"):
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            digest = None
            if tables.has_table(CatalogueVersion.__tablename__):
                newest = select(CatalogueVersion.digest).order_by(CatalogueVersion.id.desc()).limit(1)
                digest = conn.execute(newest).scalar()
            skew = None
            if engine.dialect.name == "postgresql":
                before = now()
                server: datetime = conn.execute(text("SELECT now()")).scalar_one()
                after = now()
                skew = server - (before + (after - before) / 2)
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
        raise Unreadable(f"{where}: {clipped(reason)}", _server_fix(reason) or fix) from None
    finally:
        engine.dispose()
    return DatabaseState(where, None if revision is None else str(revision), digest, skew)


def _server_fix(reason: str) -> str | None:
    """The fix for a database that answered but refused: on the server, in the URL, or for SQLite."""
    said = reason.lower()
    if "database" in said and "does not exist" in said:
        return f"create the database on the server (createdb), then {RUN_INIT}; {CHECK_URL}"
    if "authentication" in said or ("role" in said and "does not exist" in said):
        return f"check the user and password in the database URL {URL_SETTINGS}"
    if "locked" in said:
        return "a terminal holds the database for a moment: run `kiosk doctor` again"
    if "unable to open" in said or "readonly" in said:
        return "run `kiosk doctor` as the user the kiosk runs as (who owns the database file)"
    return None


def _sqlite_engine(database: str | None) -> Engine:
    """An engine on an existing SQLite file that refuses every write (connecting never creates it)."""
    if not database or database == ":memory:":
        raise Unreadable(
            "an in-memory SQLite database keeps nothing between runs",
            "give a file, e.g. sqlite:////var/lib/lobby-kiosk/kiosk.sqlite3",
        )
    path = Path(database)
    if not path.exists():
        raise Unreadable(f"there is no database file {path}", RUN_INIT)
    if not path.is_file():
        raise Unreadable(f"the database {path} is not a regular file", CHECK_URL)
    uri = f"{path.resolve().as_uri()}?mode=rw"  # rw, not rwc: a missing file is never made

    def connect() -> Any:
        conn = sqlite3.connect(uri, uri=True, timeout=2.0, check_same_thread=False)
        conn.execute("PRAGMA query_only = ON")
        return conn

    return create_engine("sqlite://", creator=connect, poolclass=NullPool)


def check_database(catalogue: Catalogue | None, state: DatabaseState | Unreadable) -> Check:
    """At this kiosk's schema, with the catalogue file the newest one loaded (`kiosk init` loads it)."""
    if isinstance(state, Unreadable):
        return fail("database", state.detail, state.fix)
    where = state.where
    if state.revision is None:
        return fail("database", f"{where}: no schema (an empty database)", RUN_INIT)
    if state.revision != SCHEMA_REVISION:
        if state.revision.isdigit() and state.revision > SCHEMA_REVISION:
            detail = f"{where}: schema {state.revision} is newer than this kiosk's ({SCHEMA_REVISION})"
            return fail("database", detail, "update the kiosk on this machine to the centre's version")
        detail = f"{where}: schema {state.revision}, this kiosk needs {SCHEMA_REVISION}"
        return fail("database", detail, RUN_INIT)
    if catalogue is not None and state.catalogue_digest != catalogue.digest():
        detail = f"{where}: the catalogue file differs from the catalogue loaded (schema {SCHEMA_REVISION})"
        return fail("database", detail, f"{RUN_INIT} to load it")
    return ok("database", f"{where}: schema {SCHEMA_REVISION} (current)")


def check_clock(
    settings: Settings,
    environ: Mapping[str, str],
    now: datetime,
    state: DatabaseState | Unreadable,
    tolerance: timedelta,
) -> Check:
    """Not pinned by KIOSK_NOW; the centre's time zone; PostgreSQL's clock within `tolerance`."""
    pinned = environ.get("KIOSK_NOW")
    if pinned:
        detail = f"the clock is pinned by KIOSK_NOW={pinned} (a rehearsal clock): tickets get that time"
        return fail("clock", clipped(detail, 300), "unset KIOSK_NOW for a real day")
    local = now.astimezone(settings.zone)
    here = f"{settings.timezone}: {local:%Y-%m-%d %H:%M} here (UTC{local:%z})"
    if isinstance(state, Unreadable):
        return note("clock", f"{here}; the database's clock was not read")
    if state.clock_skew is None:
        detail = f"{here}; SQLite has no server clock to compare with"
        return note("clock", detail, "keep this machine's clock set by NTP (timedatectl)")
    skew = state.clock_skew
    if abs(skew) > tolerance:
        side = "ahead of" if skew > timedelta(0) else "behind"
        detail = f"{here}; the database server's clock is {age_text(abs(skew))} {side} this machine's"
        return fail("clock", detail, "set both clocks by NTP (timedatectl set-ntp true)")
    return ok("clock", f"{here}; the database's clock agrees ({abs(skew).total_seconds():.1f} s apart)")
