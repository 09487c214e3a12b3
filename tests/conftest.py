"""Shared fixtures: settings on a temporary SQLite file or a scratch PostgreSQL database, a fixed
clock, and an initialised queue service. PostgreSQL tests fail instead of skipping when CI is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kiosk.clock import FixedClock
from kiosk.config import Settings
from kiosk.runtime import initialise, open_service
from kiosk.service import QueueService

PG_SERVER = os.environ.get("KIOSK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
KYIV = ZoneInfo("Europe/Kyiv")
# A Monday, mid-morning in Kyiv: every department of the shipped catalogue is open.
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=KYIV)


def make_settings(tmp_path: Path, database_url: str | None = None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"data_dir": tmp_path / "data", "database_url": database_url}
    values.update(overrides)
    return Settings(**values)


def _server_or_fail() -> None:
    import psycopg

    try:
        psycopg.connect(PG_SERVER, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL at {PG_SERVER} is unreachable: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def create_pg_database() -> str:
    """A new empty database with a random name on the test server; returns its URL."""
    import psycopg

    _server_or_fail()
    name = f"kiosk_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_SERVER.rsplit("/", 1)[0] + f"/{name}"


def drop_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scratch_pg() -> Iterator[str]:
    """A fresh PostgreSQL database for the length of the block, dropped afterwards."""
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


@pytest.fixture
def pg_url() -> Iterator[str]:
    with scratch_pg() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
        return
    with scratch_pg() as url:
        yield url


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY_10)


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return make_settings(tmp_path, db_url)


@pytest.fixture
def service(settings: Settings, clock: FixedClock) -> Iterator[QueueService]:
    initialise(settings, clock)
    svc = open_service(settings, clock)
    yield svc
    svc.db.dispose()
