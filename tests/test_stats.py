"""Statistics on a known day: every figure below is worked out by hand from the script of events."""

from __future__ import annotations

import pytest

from kiosk.clock import FixedClock
from kiosk.domain.stats import Summary
from kiosk.service import QueueService


def test_summary_nearest_rank_percentile() -> None:
    s = Summary.of([60.0 * m for m in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)])
    assert (s.count, s.mean, s.median, s.p90, s.max) == (10, 330.0, 330.0, 540.0, 600.0)
    assert Summary.of([]).mean is None


def test_stats_of_a_known_day(service: QueueService, clock: FixedClock) -> None:
    # 10:00 A issued (pensions); 10:02 B issued; 10:04 C issued (employment)
    a = service.issue("pension-new").ticket
    clock.advance(minutes=2)
    b = service.issue("pension-new").ticket
    clock.advance(minutes=2)
    c = service.issue("job-register").ticket
    # 10:10 A called (waited 10), 10:11 started, 10:19 finished (served 8)
    clock.advance(minutes=6)
    service.call_next("6")
    clock.advance(minutes=1)
    service.start(a.code)
    clock.advance(minutes=8)
    service.finish(a.code)
    # 10:20 B called (waited 18 > SLA 15), 10:25 no-show
    clock.advance(minutes=1)
    service.call_next("6")
    clock.advance(minutes=5)
    service.no_show(b.code)
    # 10:26 C called at window 9 (waited 22), started 10:26, transferred to pensions at 10:30 (served 4),
    # then waits in pensions until 10:40 (10 min), called, started 10:41, finished 10:47 (served 6)
    clock.advance(minutes=1)
    service.call_next("9")
    service.start(c.code)
    clock.advance(minutes=4)
    service.transfer(c.code, "pensions")
    clock.advance(minutes=10)
    service.call_next("7")
    clock.advance(minutes=1)
    service.start(c.code)
    clock.advance(minutes=6)
    service.finish(c.code)
    # 10:50 D issued in pensions, still waiting at 11:10 (20 min, over the SLA)
    clock.advance(minutes=3)
    service.issue("pension-recalc")
    clock.advance(minutes=20)

    stats = service.stats()
    rows = {d.department: d for d in stats.departments}
    pensions, employment = rows["pensions"], rows["employment"]

    assert (pensions.issued, pensions.served, pensions.no_shows, pensions.waiting_now) == (3, 2, 1, 1)
    assert pensions.longest_wait_now == 20 * 60
    assert sorted(pensions.wait.__dict__.items()) == sorted(
        Summary.of([600.0, 1080.0, 600.0]).__dict__.items()
    )
    assert pensions.wait.max == 1080.0
    assert pensions.service.count == 2 and pensions.service.mean == pytest.approx(7 * 60)
    assert pensions.no_show_rate == pytest.approx(1 / 3)
    # over 15 min: B's 18-min wait and D still waiting 20 min; base = 3 finished waits + D
    assert (pensions.over_sla, pensions.sla_base) == (2, 4)

    assert (employment.issued, employment.served, employment.no_shows) == (1, 0, 0)
    assert employment.wait.max == 22 * 60
    assert employment.service.max == 4 * 60
    assert (employment.over_sla, employment.sla_base) == (1, 1)

    total = stats.total
    assert (total.issued, total.served, total.no_shows, total.waiting_now) == (4, 2, 1, 1)
    assert total.wait.count == 4 and total.wait.max == 22 * 60
    assert rows["psychology"].issued == 0 and rows["psychology"].wait.mean is None
