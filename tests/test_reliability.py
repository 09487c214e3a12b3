"""Rules for a real day: calls nobody answers go back to the queue, free-text notes are purged."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import text

from kiosk.clock import FixedClock
from kiosk.domain.tickets import State
from kiosk.runtime import initialise
from kiosk.service import QueueService
from kiosk.storage.db import Database


def test_a_call_nobody_answers_returns_to_the_queue(service: QueueService, clock: FixedClock) -> None:
    first = service.issue("pension-new").ticket
    second = service.issue("pension-new").ticket
    third = service.issue("pension-new").ticket
    service.call_next("6")  # first: the window's terminal dies now
    service.call_next("7")  # second: recalled later, so not stale
    service.call_next("8")
    service.start(third.id)  # third: being served, never stale
    clock.advance(minutes=6)
    service.recall(second.id)
    clock.advance(minutes=5)  # first called 11 min ago, second recalled 5 min ago
    released = service.release_stale_calls(staff="display")
    assert [t.id for t in released] == [first.id]
    back = service.ticket(first.id)
    assert (back.state, back.window) == (State.WAITING, None)
    assert service.history(first.id)[-1].data == {
        "reason": "called too long ago with no answer",
        "window": "6",
    }
    assert service.ticket(second.id).state == State.CALLED
    assert service.ticket(third.id).state == State.SERVING
    assert service.call_next("6").id == first.id, "it keeps its place in the line"
    assert service.release_stale_calls() == []


def test_notes_are_purged_after_the_configured_days(service: QueueService, clock: FixedClock) -> None:
    ticket = service.issue("pension-new").ticket
    service.transfer(ticket.id, "employment", note="has a disability certificate, needs help with stairs")
    clock.advance(days=service.settings.note_days)
    assert service.purge_notes() == 0, "not older than the limit yet"
    clock.advance(days=1)
    assert service.purge_notes() == 1
    data = service.history(ticket.id)[-1].data
    assert "note" not in data and data["note_purged"] is True and data["to"] == "employment"
    assert service.purge_notes() == 0


def test_init_purges_old_notes(service: QueueService, clock: FixedClock) -> None:
    ticket = service.issue("pension-new").ticket
    service.transfer(ticket.id, "employment", note="private")
    clock.advance(days=service.settings.note_days + 2)
    initialise(service.settings, clock)
    assert "note" not in service.history(ticket.id)[-1].data


@pytest.mark.postgres
def test_a_connection_back_after_dispose_is_closed_and_the_next_pool_still_pools(pg_url: str) -> None:
    """A terminal closes (its database disposed) while a worker thread is mid-query: the worker's
    connection, when it comes back, is closed rather than left open in the old pool (psycopg then
    warned from the garbage collector, tests and terminals alike); later connections pool as usual."""
    db = Database(pg_url)
    checked_out, finish = threading.Event(), threading.Event()

    def worker() -> None:
        with db.connection() as conn:
            conn.execute(text("SELECT 1"))
            checked_out.set()
            finish.wait(10)
            raw = conn.connection.dbapi_connection
        returned.append(raw)

    returned: list[Any] = []
    thread = threading.Thread(target=worker)
    thread.start()
    assert checked_out.wait(10)
    db.dispose()
    finish.set()
    thread.join(10)
    assert returned[0].closed, "closed when it came back to the disposed pool"
    with db.connection() as conn:
        conn.execute(text("SELECT 1"))
    assert db.engine.pool.checkedin() == 1, "the new pool keeps its connections"
    db.dispose()


@pytest.mark.postgres
def test_a_connection_made_after_close_is_closed_when_it_comes_back(pg_url: str) -> None:
    """A worker the closing terminal started just before it closed makes its call after: that
    connection is closed when it comes back, not left open in a pool nobody disposes (psycopg then
    warned from the garbage collector, during whatever test ran next)."""
    db = Database(pg_url)
    db.close()
    with db.connection() as conn:
        conn.execute(text("SELECT 1"))
        raw = conn.connection.dbapi_connection
    assert raw is not None and raw.closed
    db.close()  # twice is fine


@pytest.mark.postgres
def test_a_database_not_ready_is_closed_again(pg_url: str, tmp_path: Any) -> None:
    """A terminal that finds the database without its schema says so and leaves no connection
    open behind it (one is made at every try of a terminal that waits for `kiosk init`)."""
    import psycopg

    from kiosk.config import Settings
    from kiosk.errors import KioskError
    from kiosk.runtime import open_service

    settings = Settings(data_dir=tmp_path, database_url=pg_url)
    name = pg_url.rsplit("/", 1)[1]
    with pytest.raises(KioskError, match="run `kiosk init`"):
        open_service(settings)
    with psycopg.connect(pg_url.replace("+psycopg", ""), autocommit=True) as conn:
        others = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,)
        ).fetchone()
    assert others == (0,)
