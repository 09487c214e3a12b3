"""The test harness itself: what counts as CI, tools that CI must have, scratch PostgreSQL databases
of killed runs cleaned up without touching a parallel run's, and Hypothesis failures that reproduce."""

from __future__ import annotations

import time
import uuid

import psycopg
import pytest
from hypothesis import settings

from tests.conftest import PG_SERVER, STALE_DATABASE_SECONDS, drop_stale_pg_databases, in_ci, needs_tool


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, False), ("", False), ("0", False), ("false", False), ("False", False), ("NO", False),
     (" no ", False), ("true", True), ("1", True), ("yes", True), ("github-actions", True)],
)  # fmt: skip
def test_what_counts_as_ci(monkeypatch: pytest.MonkeyPatch, value: str | None, expected: bool) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert in_ci() is expected


@pytest.mark.parametrize(("value", "skips"), [("false", True), ("true", False)])
def test_a_missing_tool_skips_only_outside_ci(
    monkeypatch: pytest.MonkeyPatch, value: str, skips: bool
) -> None:
    monkeypatch.setenv("CI", value)
    mark = needs_tool("no-such-tool-" + uuid.uuid4().hex)
    assert mark.mark.args[0] is skips
    monkeypatch.setenv("PATH", "")
    assert needs_tool("python3").mark.args[0] is skips


def test_hypothesis_keeps_and_prints_failures() -> None:
    """Whatever the environment (Hypothesis's own "ci" profile would drop both)."""
    assert settings.get_current_profile_name() == "kiosk"
    assert settings.default.print_blob and settings.default.database is not None
    assert not settings.default.derandomize


@pytest.mark.postgres
def test_scratch_databases_of_killed_runs_are_dropped(pg_url: str) -> None:
    now = int(time.time())
    old = f"kiosk_test_{now - STALE_DATABASE_SECONDS - 60}_{uuid.uuid4().hex[:12]}"
    young = f"kiosk_test_{now - STALE_DATABASE_SECONDS + 600}_{uuid.uuid4().hex[:12]}"  # a parallel run's
    untimed = f"kiosk_test_{uuid.uuid4().hex[:12]}"  # named before names carried a time
    other = f"kiosk_keep_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        for name in (old, young, untimed, other):
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        dropped = drop_stale_pg_databases()
        with psycopg.connect(PG_SERVER) as conn:
            left = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
        assert {old, untimed} <= set(dropped)
        assert young not in dropped and other not in dropped
        assert pg_url.rsplit("/", 1)[1] in left, "this run's own database is kept"
        assert {young, other} <= left and not {old, untimed} & left
    finally:
        with psycopg.connect(PG_SERVER, autocommit=True) as conn:
            for name in (old, young, untimed, other):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
