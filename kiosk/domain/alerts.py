"""The 15-minute rule, live: which waits are past the warning or the target now, and which
departments' lines will take their last visitor past it, each with its reason and what would help.
Pure: `kiosk.queue.alerts` reads the moment's line and windows, this module judges them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class AlertKind(StrEnum):
    WAITING = "waiting"  # a visitor past the warning, not yet past the target
    OVER = "over"  # a visitor past the target
    LINE = "line"  # the line and the windows open will take its last visitor past the target
    NO_WINDOW = "no_window"  # people wait and every window of the department is on a break


@dataclass(frozen=True)
class Waiting:
    """One waiting ticket: its wait runs from `since` (a booked visitor's from the later of check-in
    and the slot's start)."""

    ticket_id: int
    code: str
    since: datetime
    booked: bool = False


@dataclass(frozen=True)
class Rule:
    """A department's targets and what its line's forecast needs: minutes a visitor takes at a
    window, and its windows."""

    department: str
    target: int
    warning: int
    booked_target: int
    per_person: float
    windows: tuple[str, ...]
    calling: int | None = None  # its windows calling now (`kiosk.domain.pace`), if known

    def targets(self, booked: bool) -> tuple[int, int]:
        """(target, warning) in minutes; a booked visitor's warning comes as far before their target,
        in share, as a walk-in's does."""
        if not booked:
            return self.target, self.warning
        return self.booked_target, max(1, round(self.booked_target * self.warning / self.target))


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    department: str
    waited_minutes: int  # the visitor's wait now; for a line, its last visitor's forecast wait
    target_minutes: int
    number: str | None = None  # the ticket's (None for a department's line)
    ticket_id: int | None = None
    waiting: int = 0  # for a line: how many wait
    open_windows: int = 0  # for a line: its windows not on a break
    resume: str | None = None  # a window of the department on a break, to resume
    free: str | None = None  # an idle window of another department, to send visitors to

    @property
    def key(self) -> str:
        """Names the alert while it lasts: a new key is a new alert, a key gone is one resolved."""
        return f"{self.kind}:{self.ticket_id if self.ticket_id is not None else self.department}"


def find_alerts(
    now: datetime,
    lines: dict[str, list[Waiting]],
    rules: dict[str, Rule],
    paused: set[str],
    busy: set[str],
) -> list[Alert]:
    """Every alert of the moment: each department whose line will pass its target or has no window
    open (what the desk can act on first), then the visitors past their warning, longest wait
    first. `lines`: each department's waiting tickets in calling order; `paused`: windows on a
    break; `busy`: windows with a visitor called or served."""
    visitors: list[Alert] = []
    departments: list[Alert] = []
    for code, line in lines.items():
        rule = rules.get(code)
        if rule is None or not line:
            continue
        for w in line:
            waited = _minutes(now, w.since)
            target, warning = rule.targets(w.booked)
            if waited >= warning:
                kind = AlertKind.OVER if waited > target else AlertKind.WAITING
                visitors.append(Alert(kind, code, waited, target, w.code, w.ticket_id))
        line_alert = _line(now, rule, line, paused, busy, rules)
        if line_alert is not None:
            departments.append(line_alert)
    visitors.sort(key=lambda a: (-a.waited_minutes, a.department, a.number or ""))
    return sorted(departments, key=lambda a: a.department) + visitors


def _line(
    now: datetime, rule: Rule, line: list[Waiting], paused: set[str], busy: set[str], rules: dict[str, Rule]
) -> Alert | None:
    """The department's forecast: its last walk-in's wait so far plus the line ahead of it shared
    among the windows not on a break."""
    on_break = [w for w in rule.windows if w in paused]
    open_windows = len(rule.windows) - len(on_break)
    if open_windows and rule.calling:  # of its windows not on a break, those that are calling
        open_windows = min(open_windows, rule.calling)
    resume = on_break[0] if on_break else None
    free = _free_window(rule, paused, busy, rules)
    if open_windows == 0:
        waited = _minutes(now, line[0].since)
        return Alert(AlertKind.NO_WINDOW, rule.department, waited, rule.target, waiting=len(line),
                     resume=resume, free=free)  # fmt: skip
    walk_ins = [i for i, w in enumerate(line) if not w.booked]
    if not walk_ins:
        return None
    last = walk_ins[-1]
    waited = _minutes(now, line[last].since)
    forecast = waited + math.ceil(last * rule.per_person / open_windows)
    if forecast <= rule.target or waited > rule.target:  # fine, or already past: its own alert says so
        return None
    return Alert(AlertKind.LINE, rule.department, forecast, rule.target, waiting=len(line),
                 open_windows=open_windows, resume=resume, free=free)  # fmt: skip


def _free_window(rule: Rule, paused: set[str], busy: set[str], rules: dict[str, Rule]) -> str | None:
    """An idle window of another department (not on a break, nobody called to it), the first by
    number: the desk can send visitors there (a call to another window, with its reason)."""
    mine = set(rule.windows)
    others = sorted({w for r in rules.values() for w in r.windows} - mine, key=_window_order)
    return next((w for w in others if w not in paused and w not in busy), None)


def _window_order(name: str) -> tuple[int, str]:
    return (int(name), "") if name.isdigit() else (10**9, name)


def _minutes(now: datetime, since: datetime) -> int:
    return max(0, int((now - since).total_seconds() // 60))
