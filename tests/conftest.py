"""Shared fixtures: settings on a temporary SQLite file or a scratch PostgreSQL database, a fixed
clock, and an initialised queue service. PostgreSQL tests and tests needing a tool (espeak-ng,
rsvg-convert) fail instead of skipping in CI (`in_ci`). Scratch databases carry their creation time
in their name, so ones left behind by a killed run are dropped by a later run. Hypothesis runs with
the `kiosk` profile: random examples, failures kept in .hypothesis/ and printed as @reproduce_failure."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings as hypothesis_settings

from kiosk.clock import FixedClock
from kiosk.config import Settings
from kiosk.runtime import initialise, open_service
from kiosk.security import pins
from kiosk.service import QueueService

PG_SERVER = os.environ.get("KIOSK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
KYIV = ZoneInfo("Europe/Kyiv")
# A Monday, mid-morning in Kyiv: every department of the shipped catalogue is open.
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=KYIV)
# A scratch database older than this belongs to a run that was killed: no test runs for 6 hours.
STALE_DATABASE_SECONDS = 6 * 3600

# Our own profile, whatever Hypothesis guesses from the environment (its "ci" profile would fix the
# examples and drop the example database): new examples each run, a failure replayed first on the
# next run (.hypothesis/) and printed as an @reproduce_failure(...) line that reproduces it anywhere.
hypothesis_settings.register_profile(
    "kiosk", hypothesis_settings.get_profile("default"), print_blob=True, derandomize=False, deadline=None
)
hypothesis_settings.load_profile("kiosk")


def pytest_report_header() -> str:
    return (
        "hypothesis: failing examples are kept in .hypothesis/ and replayed first; a failure prints "
        "@reproduce_failure(...) to paste above the test"
    )


def cache_bytecode() -> None:
    """The processes the tests start (`python -m cli`, the terminals in a pseudo-terminal, the pytest
    workers) load the project's modules from cached bytecode, as an installed kiosk does, kept outside
    the source tree. A shell with PYTHONDONTWRITEBYTECODE (CI's has it) made each of them compile the
    project again: some 60 ms a command, hundreds of times a run."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / "kiosk-test-pycache"))


def pytest_configure(config: pytest.Config) -> None:
    """Refuse --snapshot-update with parallel workers: each worker would see only its own share of the
    pictures, and syrupy's clean-up of the ones it did not see could delete the others'. Processes
    started from here on cache their bytecode (`cache_bytecode`)."""
    cache_bytecode()
    workers = getattr(config.option, "numprocesses", None)
    if getattr(config.option, "update_snapshots", False) and workers not in (None, 0):
        raise pytest.UsageError(
            "--snapshot-update runs on one worker: add -n0, e.g. "
            "`python -m pytest -n0 tests/screens --snapshot-update`"
        )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first, so that no worker starts a long test when the others are done."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """In CI (.ci/run sets KIOSK_CI_STARTED), the time of the whole run, install included."""
    started = os.environ.get("KIOSK_CI_STARTED", "")
    if started.isdigit():
        minutes, seconds = divmod(int(time.time()) - int(started), 60)
        terminalreporter.write_sep("=", f".ci/run took {minutes} min {seconds} s, install included")


def in_ci() -> bool:
    """CI is set to anything but "", "0", "false" or "no"."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def needs_tool(name: str) -> pytest.MarkDecorator:
    """Skip where `name` is not installed, except in CI, which installs it: there the test fails."""
    return pytest.mark.skipif(
        shutil.which(name) is None and not in_ci(), reason=f"{name} is not installed (CI installs it)"
    )


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
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)


def pg_url_of(name: str) -> str:
    """The URL of database `name` on the test server."""
    return PG_SERVER.rsplit("/", 1)[0] + f"/{name}"


def drop_stale_pg_databases(now: float | None = None) -> list[str]:
    """Drop the scratch databases of killed runs: `kiosk_test_<unix-seconds>_<hex>` older than
    STALE_DATABASE_SECONDS, and the old-style `kiosk_test_<hex>` without a time. A live database of
    a run in parallel is younger, so it is kept. Returns the names dropped."""
    import psycopg

    limit = (time.time() if now is None else now) - STALE_DATABASE_SECONDS
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        names = [row[0] for row in conn.execute("SELECT datname FROM pg_database")]
        stale = []
        for name in names:
            timed = re.fullmatch(r"kiosk_test_(\d+)_[0-9a-f]+", name)
            if (timed and int(timed[1]) < limit) or re.fullmatch(r"kiosk_test_[0-9a-f]{12}", name):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                stale.append(name)
    return stale


_swept = False


def create_pg_database() -> str:
    """A new empty database on the test server, named by its creation time and a random part;
    returns its URL. The first one of a run drops what killed runs left behind."""
    import psycopg

    global _swept
    _server_or_fail()
    if not _swept:
        drop_stale_pg_databases()
        _swept = True
    name = f"kiosk_test_{int(time.time())}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_url_of(name)


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


@pytest.fixture(scope="session", autouse=True)
def cheap_pin_hashes() -> Iterator[None]:
    """The tests' staff PINs are hashed at scrypt n=16 instead of 16384: the same code and the same
    stored form (a hash carries its own cost, and checking reads it), at a thousandth of the 65 ms a
    hash costs. Every sign-in of every terminal test paid it. test_staff checks the real cost."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(pins.SCRYPT, "n", 2**4)
        yield


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


@pytest.fixture
def centre_toml(tmp_path: Path) -> Path:
    """A centre's settings file (open around the clock, no speech), `kiosk init` run on it."""
    from cli import main

    config = tmp_path / "centre.toml"
    config.write_text('data_dir = "data"\nopen_around_the_clock = true\nspeech = false\n')
    assert main(["--config", str(config), "init"]) == 0
    return config
