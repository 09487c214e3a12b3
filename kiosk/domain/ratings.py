"""Visitors' ratings of their visit: the scores, the fixed list of reasons, the rules' refusals, and
the day's figures per department, window and staff member from the `rated` events. Pure: no database.

A rating is anonymous: a score of 1 (very bad) to 5 (very good) and any of a few reason codes, never
free text. The figures of a group: how many ratings, their mean, the share of 4 and 5 (the visitors
satisfied), and how often each reason was named.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk.domain.events import Kind, Rated
from kiosk.domain.tickets import EventView
from kiosk.errors import InvalidTransition, KioskError, quoted

SCORES = (1, 2, 3, 4, 5)
SATISFIED = 4  # a score of 4 or 5
GOOD_REASONS = ("staff_helpful", "clear_explanation", "quick_service")
BAD_REASONS = (
    "waited_too_long",
    "could_not_find_window",
    "problem_not_solved",
    "too_many_documents",
    "hall_crowded",
)
REASONS = GOOD_REASONS + BAD_REASONS


class RatingRefused(InvalidTransition):
    """A rating the rules refuse. `reason`: "not_served" (the ticket is not finished), "rated" (it was
    rated already: one rating a ticket), "other_day" (only on the ticket's own day)."""

    def __init__(self, message: str, reason: str) -> None:
        self.reason = reason
        super().__init__(message)


def checked(score: object, reasons: object) -> tuple[int, list[str]]:
    """The score and the reasons as stored (the reasons in the list's order), or KioskError naming
    what is wrong: a score that is no whole number 1-5, a reason not on the list or named twice."""
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
        raise KioskError(f"a rating is a whole number from 1 to 5, not {quoted(score)}")
    if not isinstance(reasons, list | tuple):
        raise KioskError("the reasons are a list of codes")
    given: list[str] = []
    for reason in reasons:
        if not isinstance(reason, str) or reason not in REASONS:
            raise KioskError(f"{quoted(reason)} is not a reason; the reasons are {', '.join(REASONS)}")
        if reason in given:
            raise KioskError(f"the reason {reason} is named twice")
        given.append(reason)
    return score, [code for code in REASONS if code in given]


@dataclass(frozen=True)
class Rating:
    """One rating: its ticket, the department and the window and staff member who served it."""

    ticket_id: int
    at: datetime
    department: str
    window: str | None
    served_by: str | None
    score: int
    reasons: tuple[str, ...]
    source: str


def rating_of(event: EventView) -> Rating:
    """The rating a `rated` event records."""
    payload = Rated.from_data(event.data)
    return Rating(
        ticket_id=event.ticket_id or 0,
        at=event.at,
        department=event.department or "?",
        window=payload.window,
        served_by=payload.served_by,
        score=int(payload.score),
        reasons=tuple(payload.reasons),
        source=payload.source,
    )


@dataclass(frozen=True)
class RatingSummary:
    """A group's ratings: how many, the mean score, the share of 4 and 5 (None without ratings), and
    each reason's count (every reason, in the list's order)."""

    count: int = 0
    mean: float | None = None
    share_4_5: float | None = None
    reasons: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REASONS, 0))

    @classmethod
    def of(cls, ratings: Sequence[Rating]) -> RatingSummary:
        if not ratings:
            return cls()
        scores = [r.score for r in ratings]
        counts = dict.fromkeys(REASONS, 0)
        for rating in ratings:
            for reason in rating.reasons:
                if reason in counts:  # a reason since taken off the list is left out
                    counts[reason] += 1
        return cls(
            count=len(scores),
            mean=statistics.fmean(scores),
            share_4_5=sum(score >= SATISFIED for score in scores) / len(scores),
            reasons=counts,
        )

    def json(self) -> dict[str, Any]:
        return {"count": self.count, "mean": self.mean, "share_4_5": self.share_4_5, "reasons": self.reasons}


@dataclass(frozen=True)
class RatingStats:
    """A day's ratings per department (every department asked for, rated or not), per window and per
    staff member who served (only those rated), and for all."""

    departments: dict[str, RatingSummary]
    windows: dict[str, RatingSummary]
    staff: dict[str, RatingSummary]
    total: RatingSummary

    def department(self, code: str) -> RatingSummary:
        return self.total if code == "all" else self.departments.get(code, RatingSummary())


def rating_stats(events: Iterable[EventView], departments: Iterable[str] = ()) -> RatingStats:
    """The figures of the `rated` events among `events` (other kinds are left aside); `departments`:
    the rows always shown, in their order (departments rated that are not among them follow)."""
    ratings = [rating_of(e) for e in events if e.kind == Kind.RATED]
    by_department: dict[str, list[Rating]] = {code: [] for code in departments}
    by_window: dict[str, list[Rating]] = defaultdict(list)
    by_staff: dict[str, list[Rating]] = defaultdict(list)
    for rating in ratings:
        by_department.setdefault(rating.department, []).append(rating)
        if rating.window:
            by_window[rating.window].append(rating)
        if rating.served_by:
            by_staff[rating.served_by].append(rating)
    return RatingStats(
        departments={code: RatingSummary.of(group) for code, group in by_department.items()},
        windows={w: RatingSummary.of(by_window[w]) for w in sorted(by_window, key=_window_order)},
        staff={name: RatingSummary.of(by_staff[name]) for name in sorted(by_staff, key=str.casefold)},
        total=RatingSummary.of(ratings),
    )


def _window_order(window: str) -> tuple[int, str]:
    """Windows in their numbers' order (2 before 10), others after by name."""
    return (int(window), "") if window.isascii() and window.isdigit() else (1 << 30, window)
