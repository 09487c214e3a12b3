"""Visitors' ratings in the core (`kiosk.domain.ratings`, `kiosk.queue.ratings`), on SQLite and
PostgreSQL: the rules (only once served, once a ticket, on its day, a score 1-5 and reasons from the
list), two ratings of one ticket at the same moment recording one, and the day's figures per
department, window and staff member on a day worked out by hand."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest

from kiosk.clock import FixedClock
from kiosk.config import Settings
from kiosk.domain.events import Kind, Rated
from kiosk.domain.ratings import REASONS, RatingRefused, RatingSummary, checked
from kiosk.domain.tickets import TicketView
from kiosk.errors import KioskError
from kiosk.presentation.rating_words import FACES, REASON_LABELS
from kiosk.queue.ratings import Ratings
from kiosk.runtime import open_service
from kiosk.service import QueueService
from tests.conftest import KYIV


def served(service: QueueService, service_code: str, window: str, staff: str) -> TicketView:
    """A ticket issued, called to `window`, served and finished by `staff`."""
    ticket = service.issue(service_code).ticket
    called = service.call_next(window, staff=staff)
    assert called.id == ticket.id
    service.start(window=window, staff=staff)
    return service.finish(window=window, staff=staff)


@contextmanager
def refused(reason: str) -> Iterator[None]:
    """The block is refused by the rules for `reason`."""
    with pytest.raises(RatingRefused) as caught:
        yield
    assert caught.value.reason == reason, str(caught.value)


def rated_events(service: QueueService, ticket_id: int) -> list[Any]:
    return [e for e in service.history(ticket_id) if e.kind == Kind.RATED]


# The rules ----------------------------------------------------------------------------------------


def test_a_served_ticket_is_rated_once_naming_who_served_it(service: QueueService) -> None:
    ticket = served(service, "pension-new", "6", "Olena")
    view, rating = service.rate(ticket.code, 4, ["quick_service", "staff_helpful"], source="phone")
    assert view.id == ticket.id and view.state == "done"
    assert (rating.score, rating.reasons) == (4, ("staff_helpful", "quick_service"))  # the list's order
    assert (rating.department, rating.window, rating.served_by, rating.source) == (
        "pensions",
        "6",
        "Olena",
        "phone",
    )

    (event,) = rated_events(service, ticket.id)
    assert (event.department, event.window, event.staff, event.state) == ("pensions", "6", None, "done")
    assert event.data == {
        "score": 4, "reasons": ["staff_helpful", "quick_service"], "source": "phone", "window": "6",
        "served_by": "Olena",
    }  # fmt: skip
    assert Rated.from_data(event.data).to_data() == event.data
    assert service.ticket_statuses([ticket.id])[ticket.id].rating == 4

    with refused("rated"):
        service.rate(ticket.id, 5, source="phone")
    with refused("rated"):
        service.rate(ticket.code, 1, ["waited_too_long"], source="cli", staff="Ivan")
    assert len(rated_events(service, ticket.id)) == 1


def test_a_ticket_not_served_or_of_another_day_is_refused(service: QueueService, clock: FixedClock) -> None:
    ticket = service.issue("pension-new").ticket
    for step in (lambda: None, lambda: service.call_next("6"), lambda: service.start(window="6")):
        step()
        with refused("not_served"):
            service.rate(ticket.id, 5, source="phone")
    other = service.issue("pension-new").ticket
    service.cancel(other.id, staff="Olena", reason="left")
    with refused("not_served"):
        service.rate(other.id, 3, source="phone")
    assert service.ticket_statuses([ticket.id])[ticket.id].rating is None

    service.finish(window="6")
    clock.set(datetime(2026, 11, 24, 0, 30, tzinfo=KYIV))  # 22:30 UTC, but the next day in Kyiv
    with refused("other_day"):
        service.rate(ticket.id, 5, source="phone")
    clock.advance(days=1)
    with refused("other_day"):
        service.rate(ticket.id, 5, source="cli", staff="Olena")
    assert rated_events(service, ticket.id) == [] and rated_events(service, other.id) == []


BAD: list[tuple[Any, Any, str]] = [
    (0, [], "a whole number from 1 to 5"),
    (6, [], "a whole number from 1 to 5"),
    (True, [], "a whole number from 1 to 5"),
    (4.0, [], "a whole number from 1 to 5"),
    ("5", [], "a whole number from 1 to 5"),
    (None, [], "a whole number from 1 to 5"),
    (10**40, [], "a whole number from 1 to 5"),
    (3, ["friendly cat"], "is not a reason"),
    (3, ["quick_service", "quick_service"], "named twice"),
    (3, [["quick_service"]], "is not a reason"),
    (3, "quick_service", "a list of codes"),
    (3, {"quick_service": 1}, "a list of codes"),
]


@pytest.mark.parametrize(("score", "reasons", "problem"), BAD)
def test_a_wrong_score_or_reason_is_named(score: Any, reasons: Any, problem: str) -> None:
    with pytest.raises(KioskError, match=problem) as caught:
        checked(score, reasons)
    assert not isinstance(caught.value, RatingRefused)


def test_a_wrong_score_or_reason_records_nothing(service: QueueService) -> None:
    ticket = served(service, "pension-new", "6", "Olena")
    for score, reasons, problem in BAD:
        with pytest.raises(KioskError, match=problem):
            service.rate(ticket.id, score, reasons, source="phone")
    assert rated_events(service, ticket.id) == []
    service.rate(ticket.id, 3, source="phone")  # a good one is taken after
    assert len(rated_events(service, ticket.id)) == 1


def test_the_checks_of_a_rating_and_its_words() -> None:
    assert checked(5, ()) == (5, [])
    assert checked(1, ("hall_crowded", "staff_helpful")) == (1, ["staff_helpful", "hall_crowded"])
    assert 6 <= len(REASONS) <= 8 and len(set(REASONS)) == len(REASONS)
    assert tuple(FACES) == (1, 2, 3, 4, 5) and tuple(REASON_LABELS) == REASONS


# At the same moment --------------------------------------------------------------------------------


@pytest.fixture
def slow_check(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A pause between reading a ticket's events and writing the rating: without the lock on the
    ticket, both ratings would find none and both be recorded."""
    original = Ratings._served

    def slowly(self: Ratings, s: Any, ticket: Any) -> Any:
        found = original(self, s, ticket)
        threading.Event().wait(0.15)
        return found

    monkeypatch.setattr(Ratings, "_served", slowly)
    yield


def test_two_ratings_of_one_ticket_at_once_record_one(
    service: QueueService, settings: Settings, clock: FixedClock, slow_check: None
) -> None:
    """Each rating through its own service (its own connections), as two phones through two servers."""
    ticket = served(service, "pension-new", "6", "Olena")
    others = [open_service(settings, clock) for _ in range(2)]
    start = threading.Barrier(len(others))
    outcomes: list[object] = []

    def rate(other: QueueService, score: int) -> None:
        start.wait()
        try:
            outcomes.append(other.rate(ticket.id, score, source="phone")[1].score)
        except RatingRefused as exc:
            outcomes.append(exc.reason)

    threads = [threading.Thread(target=rate, args=(o, n)) for n, o in enumerate(others, start=2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        for other in others:
            other.db.dispose()
    assert len(outcomes) == 2 and outcomes.count("rated") == 1, outcomes
    (event,) = rated_events(service, ticket.id)
    assert event.data["score"] in outcomes


# The day's figures ----------------------------------------------------------------------------------


def test_the_days_ratings_per_department_window_and_staff_member(
    service: QueueService, clock: FixedClock
) -> None:
    before = service.stats()
    a = served(service, "pension-new", "6", "Olena")
    b = served(service, "pension-new", "6", "Olena")
    c = served(service, "pension-new", "7", "Ivan")
    d = served(service, "job-register", "9", "Ivan")
    e = served(service, "job-register", "10", "Petro")  # served, never rated
    served_stats = service.stats()
    service.rate(a.id, 5, ["staff_helpful", "quick_service"], source="phone")
    service.rate(b.code, 2, ["waited_too_long"], source="phone")
    service.rate(c.id, 4, ["staff_helpful"], source="cli", staff="Olena")
    service.rate(d.id, 1, ["waited_too_long", "problem_not_solved"], source="phone")
    assert e.state == "done" and before.total.served == 0

    ratings = service.ratings()
    pensions, employment = ratings.departments["pensions"], ratings.departments["employment"]
    assert pensions.count == 3
    assert (pensions.mean, pensions.share_4_5) == pytest.approx((11 / 3, 2 / 3))
    assert pensions.reasons == {**dict.fromkeys(REASONS, 0), "staff_helpful": 2, "quick_service": 1,
                                "waited_too_long": 1}  # fmt: skip
    assert (employment.count, employment.mean, employment.share_4_5) == (1, 1.0, 0.0)
    assert ratings.departments["psychology"] == RatingSummary()  # every department, rated or not
    assert list(ratings.departments)[:3] == ["info", "social-policy", "pensions"]  # the catalogue's order

    windows = {w: (r.count, r.mean, r.share_4_5) for w, r in ratings.windows.items()}
    assert windows == {"6": (2, 3.5, 0.5), "7": (1, 4.0, 1.0), "9": (1, 1.0, 0.0)}
    assert list(ratings.windows) == ["6", "7", "9"]
    staff = {name: (r.count, r.mean, r.share_4_5) for name, r in ratings.staff.items()}
    assert staff == {"Ivan": (2, 2.5, 0.5), "Olena": (2, 3.5, 0.5)}  # who served, not who recorded

    total = ratings.total
    assert (total.count, total.mean, total.share_4_5) == (4, 3.0, 0.5)
    assert {k: v for k, v in total.reasons.items() if v} == {
        "staff_helpful": 2, "quick_service": 1, "waited_too_long": 2, "problem_not_solved": 1,
    }  # fmt: skip
    assert total.json() == {"count": 4, "mean": 3.0, "share_4_5": 0.5, "reasons": total.reasons}
    assert RatingSummary().json() == {
        "count": 0, "mean": None, "share_4_5": None, "reasons": dict.fromkeys(REASONS, 0),
    }  # fmt: skip

    assert service.stats() == served_stats, "ratings change none of the day's other figures"
    clock.advance(days=1)
    assert service.ratings().total.count == 0
    assert service.ratings(a.day).total.count == 4
