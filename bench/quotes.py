"""The soak day's queue simulated in pure Python, a day in a fraction of a second, to weigh the wait
quoted on a ticket: the share of visitors called within 5 minutes of their quote with the kiosk's own
pace (`kiosk.domain.pace`), and the ceiling for any quote made from the visitor's place in the line
and whether the windows are busy (the best minutes for each such case, chosen after the day).

    python -m bench.quotes [--days 20] [--windows 1]

Like the SQLite soak day (`bench.soak`): one window in each of four departments, the day's visitors
at 80 % of what the windows can serve with a morning peak, visits of 3 to 13 minutes, 8 % no-shows
(two minutes lost), 7 % transferred to another department at the end of the visit (keeping their
place), 10 % with priority rights, now and then a break of 3 to 10 minutes; no bookings.
"""

from __future__ import annotations

import argparse
import heapq
import random
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bench.soak import DAY_SECONDS, HOURLY
from kiosk.config import Settings
from kiosk.domain.catalogue import load_catalogue
from kiosk.domain.pace import LOOK_BACK, pace_of

SOAK_WINDOWS = ("1", "3", "6", "9")  # the SQLite soak day's windows
MORNING = datetime(2026, 12, 7, 8, 0)
MARGIN = 5  # minutes: a quote came true when the call came within this of it


@dataclass
class Visitor:
    department: str
    issued: float  # minutes into the day
    ahead: int
    busy: bool  # every window of the department had a visitor
    quoted: int
    called: float | None = None


@dataclass
class Day:
    departments: dict[str, tuple[int, int, int]]  # code: services, typical minutes, windows in the catalogue
    windows: int  # open in each department
    rng: random.Random
    lines: dict[str, list[tuple[int, float, int]]] = field(default_factory=lambda: defaultdict(list))
    calls: dict[str, list[tuple[str, datetime]]] = field(default_factory=lambda: defaultdict(list))
    at_window: dict[str, str] = field(default_factory=dict)  # window: its department, while busy
    back_at: dict[str, float] = field(default_factory=dict)  # window: the end of its break
    visitors: list[Visitor] = field(default_factory=list)
    moments: list[tuple[float, int, tuple[object, ...]]] = field(default_factory=list)

    def windows_of(self, department: str) -> list[str]:
        return [f"{department}/{n}" for n in range(self.windows)]

    def arrive(self, now: float) -> None:
        names = list(self.departments)
        department = self.rng.choices(names, [self.departments[d][0] for d in names])[0]
        rank = 0 if self.rng.random() < 0.1 else 1
        line = self.lines[department]
        ahead = sum(1 for r, queued, _ in line if (r, queued) < (rank, now))
        occupied = sum(w in self.at_window for w in self.windows_of(department))
        moment = MORNING + timedelta(minutes=now)
        recent = [(w, at) for w, at in self.calls[department] if at >= moment - LOOK_BACK]
        _services, typical, windows = self.departments[department]
        pace = pace_of(recent, moment, windows, occupied=occupied)
        quoted = pace.quote(ahead, typical, moment)
        self.visitors.append(Visitor(department, now, ahead, occupied == self.windows, quoted))
        line.append((rank, now, len(self.visitors) - 1))
        self.call_free(department, now)

    def call_free(self, department: str, now: float) -> None:
        for window in self.windows_of(department):
            if window not in self.at_window and now >= self.back_at.get(window, 0.0):
                self.call(window, department, now)

    def call(self, window: str, department: str, now: float) -> None:
        line = self.lines[department]
        if not line:
            return
        line.sort()
        _rank, _queued, index = line.pop(0)
        visitor = self.visitors[index]
        if visitor.called is None:
            visitor.called = now
        self.calls[department].append((window, MORNING + timedelta(minutes=now)))
        self.at_window[window] = department
        roll = self.rng.random()
        others = [d for d in self.departments if d != department]
        ends = now + (2.0 if roll < 0.08 else self.rng.uniform(3.0, 13.0))
        to = self.rng.choice(others) if 0.08 <= roll < 0.15 else None
        pause = self.rng.uniform(3.0, 10.0) if self.rng.random() < 0.04 else 0.0
        heapq.heappush(self.moments, (ends, 0, ("end", window, index, to, pause)))

    def end(self, now: float, window: str, index: int, to: str | None, pause: float) -> None:
        department = self.at_window.pop(window)
        if to is not None:  # transferred: waits again in the other line, at its first place
            self.lines[to].append((1, self.visitors[index].issued, index))
            self.call_free(to, now)
        if pause:
            self.back_at[window] = now + pause
            heapq.heappush(self.moments, (now + pause, 0, ("back", window)))
            return
        self.call(window, department, now)


def simulate(seed: int, windows: int = 1) -> list[Visitor]:
    """One day, run until every line is empty: its visitors, with their quotes and calls."""
    catalogue = load_catalogue(Settings().catalogue_path)
    departments = {
        dept.code: (len(dept.service), dept.typical_minutes, len(dept.windows))
        for dept in catalogue.department
        if set(dept.windows) & set(SOAK_WINDOWS)
    }
    day = Day(departments, windows, random.Random(seed))
    visitors = int(len(departments) * windows * DAY_SECONDS / 60 / 8.0 * 0.8)
    for hour, share in enumerate(HOURLY):
        rate = visitors * share / sum(HOURLY) / 60  # a minute
        moment = hour * 60 + day.rng.expovariate(rate)
        while moment < (hour + 1) * 60:
            heapq.heappush(day.moments, (moment, 1, ("arrive",)))
            moment += day.rng.expovariate(rate)
    while day.moments:
        now, _order, (kind, *rest) = heapq.heappop(day.moments)
        if kind == "arrive":
            day.arrive(now)
        elif kind == "end":
            day.end(now, *rest)  # type: ignore[arg-type]
        else:  # back from a break
            window = str(rest[0])
            if window not in day.at_window:
                day.call(window, window.split("/")[0], now)
    return day.visitors


def within(visitor: Visitor, minutes: float) -> bool:
    return visitor.called is not None and abs(visitor.called - visitor.issued - minutes) <= MARGIN


def ceiling(visitors: list[Visitor]) -> float:
    """The best share any quote made from (place in line, windows busy) could reach on these days:
    for each such case, the minutes that most often came true, chosen after the fact."""
    cases: dict[tuple[int, bool], list[Visitor]] = defaultdict(list)
    for v in visitors:
        cases[(min(v.ahead, 40), v.busy)].append(v)
    best = sum(max(sum(within(v, q) for v in group) for q in range(0, 240)) for group in cases.values())
    return best / len(visitors)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.quotes", description=__doc__)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--windows", type=int, default=1, help="open windows in each department")
    args = parser.parse_args()
    days = [simulate(seed, args.windows) for seed in range(args.days)]
    shares = [sum(within(v, v.quoted) for v in day) / len(day) for day in days]
    everyone = [v for day in days for v in day]
    waits = [v.called - v.issued for v in everyone if v.called is not None]  # each is called
    median, mean = statistics.median(waits), statistics.fmean(shares)
    print(f"{args.days} days, {len(everyone)} visitors called, wait median {median:.0f} min")
    print(f"quoted within {MARGIN} min: {mean:.0%} (days {min(shares):.0%}-{max(shares):.0%})")
    print(f"ceiling for any quote from the place in line and the windows' state: {ceiling(everyone):.0%}")


if __name__ == "__main__":
    main()
