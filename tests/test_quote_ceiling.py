"""The simulated soak day of `bench.quotes`: every visitor is called once the lines empty, and its
ceiling bounds every quote made from the place in line and the windows' state alone."""

from __future__ import annotations

from bench.quotes import ceiling, simulate, within


def test_every_visitor_of_the_simulated_day_is_called_after_their_issue() -> None:
    visitors = simulate(seed=1)
    assert len(visitors) > 200
    assert all(v.called is not None and v.called >= v.issued for v in visitors)
    assert sum(v.ahead > 0 for v in visitors) > len(visitors) / 2  # a busy day: most find a line


def test_no_quote_from_the_place_in_line_beats_the_ceiling() -> None:
    visitors = simulate(seed=2)
    best = ceiling(visitors)
    for per_person in (0, 4, 8, 12):
        for busy in (0, 4):
            share = sum(within(v, v.ahead * per_person + busy * v.busy) for v in visitors) / len(visitors)
            assert share <= best
