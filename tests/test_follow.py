"""Following the event table: new events arrive once, in order, and late commits are not skipped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from kiosk.follow import EventFollower
from kiosk.service import QueueService
from kiosk.storage.models import Event


def test_follower_sees_each_event_once(service: QueueService) -> None:
    follower = EventFollower(service)
    assert follower.poll() == []
    service.issue("pension-new")
    service.call_next("6")
    kinds = [e.kind for e in follower.poll()]
    assert kinds == ["issued", "called"]
    assert follower.poll() == []


@pytest.mark.postgres
def test_late_commit_of_a_lower_id_is_not_skipped(pg_url: str, tmp_path: object) -> None:
    from pathlib import Path

    from kiosk.clock import FixedClock
    from kiosk.runtime import initialise, open_service
    from tests.conftest import MONDAY_10, make_settings

    settings = make_settings(Path(str(tmp_path)), pg_url)
    clock = FixedClock(MONDAY_10)
    initialise(settings, clock)
    service = open_service(settings, clock)
    try:
        late_commit_is_seen(service)
    finally:
        service.db.dispose()


def late_commit_is_seen(service: QueueService) -> None:
    follower = EventFollower(service)
    now = datetime.now(UTC)
    with service.db.engine.connect() as slow:
        slow_tx = slow.begin()
        slow.execute(  # takes the lower id but commits last
            Event.__table__.insert().values(at=now, day=now.date(), kind="slow", data={})
        )
        service.issue("pension-new")  # a higher id, committed first
        first = follower.poll()
        assert [e.kind for e in first] == ["issued"]
        assert follower.gaps, "the missing lower id is remembered"
        slow_tx.commit()
    assert [e.kind for e in follower.poll()] == ["slow"]
    assert not follower.gaps
    with service.db.engine.connect() as conn:
        assert conn.execute(text("select count(*) from events where kind = 'slow'")).scalar() == 1


def test_gaps_expire_after_grace(service: QueueService) -> None:
    """An id lost to a rolled-back transaction is asked for only until the grace time passes."""
    now = [0.0]
    follower = EventFollower(service, grace_seconds=10, monotonic=lambda: now[0])
    follower.gaps = {10_000: 0.0}
    now[0] = 5.0
    follower.poll()
    assert 10_000 in follower.gaps
    now[0] = 11.0
    follower.poll()
    assert not follower.gaps
