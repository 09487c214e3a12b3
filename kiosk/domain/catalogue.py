"""The centre's catalogue: departments, windows, services, priority categories, the kiosk menu and
the reasons a window goes on a break.

Loaded from `data/catalogue.toml` (or the file the config names) by `kiosk init`, validated here, and
stored in the database so that every terminal works from the same version.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kiosk.clock import TimeOfDay
from kiosk.domain.catalogue_fields import DAYS, Code, Day, Period, Spoken, Text
from kiosk.domain.pause_reasons import DEFAULT_PAUSE_REASONS
from kiosk.domain.tickets import spoken_number, spoken_prefix
from kiosk.errors import ConfigError, NotFound, quoted
from kiosk.tomlfile import read_toml, validate


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Priority(_Strict):
    code: Code
    once_per_day: bool
    name: Text


class Appointments(_Strict):
    """A service that takes bookings: slots of `slot_minutes` laid from the start of each of its
    department's opening periods (a slot that would run past the period's end is not offered), each
    holding `per_slot` visitors."""

    slot_minutes: Annotated[int, Field(ge=5, le=240)]
    per_slot: Annotated[int, Field(ge=1, le=50)] = 1


class Service(_Strict):
    code: Code
    name: Text
    hint: Text
    typical_minutes: Annotated[int, Field(ge=1, le=240)] | None = None
    appointments: Appointments | None = None  # None: walk-ins only


class Department(_Strict):
    code: Code
    prefix: Annotated[str, Field(pattern=r"^[A-Z]{1,2}$")]
    windows: Annotated[list[Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,8}$")]], Field(min_length=1)]
    hours: Annotated[list[Period], Field(min_length=1)]
    days: Annotated[list[Day], Field(min_length=1)] = list(DAYS[:5])
    last_ticket: TimeOfDay | None = None
    typical_minutes: Annotated[int, Field(ge=1, le=240)] = 10
    sla_minutes: Annotated[int, Field(ge=1, le=600)] | None = None  # else the centre's sla_minutes
    spoken: Spoken | None = None  # how the hall's voices say `prefix`, where the default is not right
    name: Text
    service: Annotated[list[Service], Field(min_length=1)]

    @field_validator("hours")
    @classmethod
    def _ordered(cls, value: list[Period]) -> list[Period]:
        for before, after in itertools.pairwise(value):
            if after.start < before.end:
                raise ValueError(f"periods overlap or are out of order: {before} then {after}")
        return value

    @property
    def takes_appointments(self) -> bool:
        """Whether any of its services can be booked."""
        return any(s.appointments is not None for s in self.service)

    @property
    def cutoff(self) -> time:
        """The last moment a ticket may be issued: `last_ticket`, or closing time."""
        return self.last_ticket or self.hours[-1].end

    def hours_text(self) -> str:
        return ", ".join(str(p) for p in self.hours)

    def spoken_prefix(self, lang: str) -> str:
        """The prefix as the hall hears it in `lang`: the catalogue's `spoken`, else the default."""
        return (self.spoken(lang) if self.spoken else None) or spoken_prefix(self.prefix, lang)

    def slot_times(self, service: Service) -> list[time]:
        """The local start times of `service`'s slots on a day the department works (none when it
        takes no appointments): from each period's start, every `slot_minutes`, while the slot ends
        within the period."""
        if service.appointments is None:
            return []
        step = timedelta(minutes=service.appointments.slot_minutes)
        starts: list[time] = []
        for period in self.hours:
            moment = datetime.combine(date.min, period.start)
            end = datetime.combine(date.min, period.end)
            while moment + step <= end:
                starts.append(moment.time())
                moment += step
        return starts


class PauseReason(_Strict):
    """Why a window goes on a break (the counter's F9, `kiosk window W --pause --reason CODE`)."""

    code: Code
    name: Text


def _default_pause_reasons() -> list[PauseReason]:
    return [PauseReason.model_validate(reason) for reason in DEFAULT_PAUSE_REASONS]


class MenuEntry(_Strict):
    code: Code
    services: Annotated[list[Code], Field(min_length=1)]
    name: Text
    hint: Text


class Catalogue(_Strict):
    """The whole catalogue, checked for internal consistency on load."""

    priority: list[Priority] = []
    department: Annotated[list[Department], Field(min_length=1)]
    menu: list[MenuEntry] = []
    # Single days the whole centre is closed (public holidays): no slots are offered on them.
    closed_days: list[date] = []
    # Why a window goes on a break; a catalogue that names none (an older one) gets the usual five.
    pause_reason: Annotated[list[PauseReason], Field(min_length=1, default_factory=_default_pause_reasons)]

    def model_post_init(self, context: Any, /) -> None:
        self._departments = {d.code: d for d in self.department}
        self._services = {s.code: (s, d) for d in self.department for s in d.service}
        self._priorities = {p.code: p for p in self.priority}
        self._prefixes = {d.prefix: d for d in self.department}
        self._pause_reasons = {r.code: r for r in self.pause_reason}
        windows: dict[str, list[str]] = {}
        for dept in self.department:
            for window in dept.windows:
                windows.setdefault(window, []).append(dept.code)
        self._windows = windows

    def problems(self) -> list[str]:
        """Consistency rules a schema cannot say: unique codes, known references, full coverage."""
        found: list[str] = []

        def unique(items: list[str], where: str, what: str) -> None:
            first: dict[str, int] = {}
            for index, item in enumerate(items):
                if item in first:
                    also = where.format(first[item] + 1)
                    found.append(f"{where.format(index + 1)}: {what} {item!r} is used twice (also {also})")
                first.setdefault(item, index)

        unique([d.code for d in self.department], "department[{}].code", "code")
        unique([d.prefix for d in self.department], "department[{}].prefix", "prefix")
        unique([p.code for p in self.priority], "priority[{}].code", "code")
        unique([m.code for m in self.menu], "menu[{}].code", "code")
        unique([r.code for r in self.pause_reason], "pause_reason[{}].code", "code")
        codes = [(s.code, di, si) for di, d in enumerate(self.department) for si, s in enumerate(d.service)]
        seen: dict[str, str] = {}
        for code, di, si in codes:
            key = f"department[{di + 1}].service[{si + 1}].code"
            if code in seen:
                found.append(f"{key}: code {code!r} is used twice (also {seen[code]})")
            seen.setdefault(code, key)
        on_menu: set[str] = set()
        for mi, entry in enumerate(self.menu):
            for si, code in enumerate(entry.services):
                if code not in seen:
                    found.append(f"menu[{mi + 1}].services[{si + 1}]: unknown service {code!r}")
                on_menu.add(code)
        if self.menu:
            for code, di, si in codes:
                if code not in on_menu:
                    found.append(
                        f"department[{di + 1}].service[{si + 1}]: service {code!r} is on no menu entry"
                    )
        found.extend(self._window_problems())
        for di, dept in enumerate(self.department):
            for si, svc in enumerate(dept.service):
                if svc.appointments is not None and not dept.slot_times(svc):
                    found.append(
                        f"department[{di + 1}].service[{si + 1}].appointments.slot_minutes: a slot of "
                        f"{svc.appointments.slot_minutes} min fits in no opening period ({dept.hours_text()})"
                    )
            if dept.last_ticket and not any(p.start <= dept.last_ticket <= p.end for p in dept.hours):
                found.append(
                    f"department[{di + 1}].last_ticket: {dept.last_ticket:%H:%M} is outside the hours "
                    f"(department[{di + 1}].hours: {dept.hours_text()})"
                )
        return found

    def _window_problems(self) -> list[str]:
        """A window once per department; one spelling per window (the QR code and the hall's
        announcements do not tell `a` from `A`). One window serving several departments is fine."""
        found: list[str] = []
        spelling: dict[str, tuple[str, str]] = {}  # folded -> (as first written, its key)
        for di, dept in enumerate(self.department):
            listed: set[str] = set()
            for wi, window in enumerate(dept.windows):
                key = f"department[{di + 1}].windows[{wi + 1}]"
                if window in listed:
                    found.append(f"{key}: window {window!r} is listed twice")
                listed.add(window)
                first, where = spelling.setdefault(window.casefold(), (window, key))
                if first != window:
                    found.append(f"{key}: window {window!r} differs from {first!r} ({where}) only by case")
        return found

    # Look-ups -------------------------------------------------------------------------------

    def dept(self, code: str) -> Department:
        try:
            return self._departments[code]
        except KeyError:
            known = ", ".join(self._departments)
            raise NotFound(f"unknown department {quoted(code)}; known: {known}") from None

    def service(self, code: str) -> tuple[Service, Department]:
        try:
            return self._services[code]
        except KeyError:
            raise NotFound(f"unknown service {quoted(code)}; `kiosk catalogue` lists them") from None

    def priority_category(self, code: str) -> Priority:
        try:
            return self._priorities[code]
        except KeyError:
            known = ", ".join(self._priorities) or "none"
            raise NotFound(f"unknown priority category {quoted(code)}; known: {known}") from None

    def pause_reason_named(self, code: str) -> PauseReason:
        reason = self._pause_reasons.get(code)
        if reason is None:
            known = ", ".join(self._pause_reasons)
            raise NotFound(f"unknown pause reason {quoted(code)}; the reasons are: {known}")
        return reason

    def pause_reason_name(self, code: str, lang: str) -> str:
        """A pause reason's name in `lang`; a code the catalogue no longer has, as it is."""
        reason = self._pause_reasons.get(code)
        return reason.name(lang) if reason else code

    def departments_of_window(self, window: str) -> list[str]:
        try:
            return self._windows[window]
        except KeyError:
            raise NotFound(f"unknown window {quoted(window)}; known: {', '.join(self.windows)}") from None

    @property
    def windows(self) -> list[str]:
        return sorted(self._windows, key=lambda w: (len(w), w))

    # Speech ---------------------------------------------------------------------------------

    def spoken_number(self, code: str, lang: str) -> str:
        """'P-002' as the hall hears it in `lang` ('ер 2' in uk), with the prefix said as its
        department's `spoken` says (a transferred ticket keeps its prefix, so it is looked up by
        prefix; a prefix no longer in the catalogue is said by the default)."""
        dept = self._prefixes.get(code.partition("-")[0])
        return spoken_number(code, lang, dept.spoken_prefix(lang) if dept else None)

    def spoken_clashes(self, lang: str) -> list[list[Department]]:
        """Departments whose prefixes are said alike in `lang` (uk: C and S are both "ес"), so that
        C-001 and S-001 would sound the same: give one of them a `spoken` entry."""
        alike: dict[str, list[Department]] = {}
        for dept in self.department:
            said = " ".join(dept.spoken_prefix(lang).casefold().replace("-", " ").split())
            alike.setdefault(said, []).append(dept)
        return [group for group in alike.values() if len(group) > 1]

    # Storage form ---------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def digest(self) -> str:
        blob = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()


def parse_catalogue(data: dict[str, Any], source: Path | str) -> Catalogue:
    """Validate catalogue data (from TOML or the database); raise ConfigError naming the keys."""
    catalogue = validate(Catalogue, data, source)
    problems = catalogue.problems()
    if problems:
        raise ConfigError(source, problems)
    return catalogue


def load_catalogue(path: Path) -> Catalogue:
    return parse_catalogue(read_toml(path), path)


class Opening(BaseModel):
    """Whether a department issues tickets at a moment, and why not."""

    open: bool
    reason: Literal["open", "closed_today", "before_opening", "break", "after_cutoff"]
    hours: str
    cutoff: time


def opening(dept: Department, local: datetime, cutoff: time | None = None) -> Opening:
    """Is `dept` issuing tickets at the local moment `local`? Breaks between shifts count as closed.
    `cutoff` is today's last-ticket time when the front desk moved it, else the catalogue's."""
    hours = dept.hours_text()
    last = cutoff or dept.cutoff
    today = DAYS[local.weekday()]
    if today not in dept.days:
        return Opening(open=False, reason="closed_today", hours=hours, cutoff=last)
    now = local.time()
    if now >= last:
        return Opening(open=False, reason="after_cutoff", hours=hours, cutoff=last)
    if any(p.start <= now < p.end for p in dept.hours):
        return Opening(open=True, reason="open", hours=hours, cutoff=last)
    reason: Literal["before_opening", "break"] = "before_opening" if now < dept.hours[0].start else "break"
    return Opening(open=False, reason=reason, hours=hours, cutoff=last)
