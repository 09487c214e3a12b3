"""Staff time from a day's events: per staff member, visitors served, the mean service time, break
minutes by reason and idle minutes while visitors of their window waited. Pure: no database.

Every figure comes from the event log; `until` ends what is still open (a break, a wait, a visitor
at a window): now for today, the day's end for a past day.

- A member's **windows**: the windows of the actions they took there (`WINDOW_ACTIONS`: calls,
  recalls, starts, finishes, no-shows, holds, returns to the queue, transfers, breaks and resumes).
- **Served**: the tickets the member finished (the front desk's quick answers included).
- **Mean service**: over those finishes, the time from the ticket's last start to its finish. A
  quick answer at the desk, started and finished at one moment, has no service time and is left out.
- **Breaks by reason**: a break a member began at a window runs until that window's next resume or
  break (whoever gave it), else until `until`; its time goes to the reason given (`NO_REASON` for a
  break recorded before reasons were asked for).
- **Working span** at a window: from the member's first action there to their last. The log knows
  no sign-out, so time after a member's last action is not counted as theirs.
- **Idle**: the time within a member's working spans at the catalogue's windows when the window
  held nobody (no ticket called or being served there), was not on a break, and at least one ticket
  of the window's departments was waiting. Two members whose spans at one window overlap are both
  counted for the overlap.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kiosk.domain.events import CALLS, TICKET_MOVES, WINDOW_PAUSES, Kind, Moved, Paused
from kiosk.domain.tickets import AT_WINDOW, EventView, State

NO_REASON = "not_given"  # breaks without a reason (a catalogue code never holds an underscore)
WINDOW_ACTIONS = (
    CALLS
    | WINDOW_PAUSES
    | {Kind.STARTED, Kind.FINISHED, Kind.NO_SHOW, Kind.HELD, Kind.RETURNED, Kind.TRANSFERRED}
)
Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class StaffTime:
    """One member's day; seconds throughout (see the module's definitions)."""

    staff: str
    windows: tuple[str, ...] = ()
    served: int = 0
    service_seconds: float | None = None  # the mean, start to finish
    pauses: dict[str, float] = field(default_factory=dict)  # by reason code
    idle_seconds: float = 0.0
    working_seconds: float = 0.0  # the working spans at the catalogue's windows

    @property
    def pause_seconds(self) -> float:
        return sum(self.pauses.values())


@dataclass
class _Member:
    spans: dict[str, Span] = field(default_factory=dict)  # window -> first and last action there
    served: int = 0
    services: list[float] = field(default_factory=list)
    pauses: dict[str, float] = field(default_factory=dict)


def staff_times(
    events: Iterable[EventView], windows: Mapping[str, Sequence[str]], until: datetime
) -> list[StaffTime]:
    """Every member who acted at a window, by name, from the day's events (ordered by id; other
    kinds are left aside). `windows`: the catalogue's windows and the departments each serves."""
    moves = [e for e in events if e.kind in TICKET_MOVES or e.kind in WINDOW_PAUSES]
    members: dict[str, _Member] = defaultdict(_Member)
    started: dict[int, datetime] = {}
    for e in moves:
        if e.kind == Kind.STARTED and e.ticket_id is not None:
            started[e.ticket_id] = e.at
        if e.staff is None or e.kind not in WINDOW_ACTIONS:
            continue
        member = members[e.staff]
        if e.window:
            first, last = member.spans.get(e.window, (e.at, e.at))
            member.spans[e.window] = (min(first, e.at), max(last, e.at))
        if e.kind == Kind.FINISHED:
            member.served += 1
            start = started.get(e.ticket_id) if e.ticket_id is not None else None
            if start is not None and not Moved.from_data(e.data).quick:
                member.services.append(max(0.0, (e.at - start).total_seconds()))
    waiting, held = _ticket_spans([e for e in moves if e.kind in TICKET_MOVES], until)
    breaks = _breaks([e for e in moves if e.kind in WINDOW_PAUSES and e.window], until, members)
    rows = []
    for name in sorted(members, key=str.casefold):
        member = members[name]
        idle = working = 0.0
        for window, (first, last) in member.spans.items():
            if window not in windows:  # the front desk's quick answers ("desk")
                continue
            span = (first, min(last, until))
            working += _seconds([span])
            lines = _merged(s for d in windows[window] for s in waiting.get(d, []))
            busy = _merged([*held.get(window, []), *breaks.get(window, [])])
            idle += _seconds(_without(_within(lines, span), busy))
        order = sorted(member.spans, key=lambda w: (len(w), w))
        mean = statistics.fmean(member.services) if member.services else None
        rows.append(StaffTime(name, tuple(order), member.served, mean, member.pauses, idle, working))
    return rows


def _ticket_spans(
    moves: list[EventView], until: datetime
) -> tuple[dict[str, list[Span]], dict[str, list[Span]]]:
    """Per department, when its tickets waited; per window, when a ticket was called or served there:
    each ticket move's state holds until the ticket's next move, else until `until`."""
    waiting: dict[str, list[Span]] = defaultdict(list)
    held: dict[str, list[Span]] = defaultdict(list)

    def holds(e: EventView, end: datetime) -> None:
        if e.state == State.WAITING:
            waiting[e.department or "?"].append((e.at, min(end, until)))
        elif e.state in AT_WINDOW and e.window:
            held[e.window].append((e.at, min(end, until)))

    latest: dict[int, EventView] = {}
    for e in moves:
        if e.ticket_id is None:
            continue
        if e.ticket_id in latest:
            holds(latest[e.ticket_id], e.at)
        latest[e.ticket_id] = e
    for e in latest.values():
        holds(e, until)
    return waiting, held


def _breaks(changes: list[EventView], until: datetime, members: dict[str, _Member]) -> dict[str, list[Span]]:
    """Per window, when it was on a break; each break's time added to the member who began it."""
    by_window: dict[str, list[EventView]] = defaultdict(list)
    for e in changes:
        by_window[str(e.window)].append(e)
    spans: dict[str, list[Span]] = defaultdict(list)
    for window, each in by_window.items():
        for index, e in enumerate(each):
            if e.kind != Kind.WINDOW_PAUSED:
                continue
            end = each[index + 1].at if index + 1 < len(each) else until
            span = (e.at, min(end, until))
            spans[window].append(span)
            if e.staff is not None:
                reason = Paused.from_data(e.data).reason or NO_REASON
                pauses = members[e.staff].pauses
                pauses[reason] = pauses.get(reason, 0.0) + _seconds([span])
    return spans


# Spans of time: sorted, without overlaps, empty ones left out -------------------------------------


def _merged(spans: Iterable[Span]) -> list[Span]:
    result: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def _within(spans: list[Span], outer: Span) -> list[Span]:
    cut = ((max(start, outer[0]), min(end, outer[1])) for start, end in spans)
    return [(start, end) for start, end in cut if end > start]


def _without(spans: list[Span], holes: list[Span]) -> list[Span]:
    """`spans` less `holes` (both merged)."""
    result: list[Span] = []
    first = 0
    for start, end in spans:
        while first < len(holes) and holes[first][1] <= start:
            first += 1
        for hole_start, hole_end in holes[first:]:
            if hole_start >= end:
                break
            if hole_start > start:
                result.append((start, hole_start))
            start = max(start, hole_end)
        if start < end:
            result.append((start, end))
    return result


def _seconds(spans: Iterable[Span]) -> float:
    return sum(max(0.0, (end - start).total_seconds()) for start, end in spans)
