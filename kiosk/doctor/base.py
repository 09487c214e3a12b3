"""What a check of `kiosk doctor` returns, what it is given besides the settings, and how each one runs
shut off from the others (an exception in one is that check failed, never a crash)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from kiosk.errors import clipped

RUN_INIT = "run `kiosk init`"

# A printer's status query: None when it answers ready (online, paper in, cover closed), else a
# reason code (`printer.transports.REASONS`: offline, paper_out, cover_open, refused, timeout, ...)
# and a sentence. The command line gives it: the core never imports the printer.
PrinterProbe = Callable[[str, float], tuple[str, str] | None]


class Level(StrEnum):
    OK = "ok"
    NOTE = "note"  # nothing to fix, but worth knowing (a preview printer, no server clock)
    FAIL = "fail"


@dataclass(frozen=True)
class Check:
    """One line of the report: `fix` says what to do when it failed (or, for a note, may)."""

    name: str
    level: Level
    detail: str
    fix: str | None = None

    @property
    def ok(self) -> bool:
        return self.level is not Level.FAIL

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "ok": self.ok,
            "level": self.level.value,
            "detail": self.detail,
            "fix": self.fix,
        }


def ok(name: str, detail: str) -> Check:
    return Check(name, Level.OK, detail)


def note(name: str, detail: str, fix: str | None = None) -> Check:
    return Check(name, Level.NOTE, detail, fix)


def fail(name: str, detail: str, fix: str | None) -> Check:
    return Check(name, Level.FAIL, detail, fix)


@dataclass(frozen=True)
class FontSet:
    """The font files one place draws the centre's texts with (the regular and the bold face)."""

    name: str  # the check's name, e.g. "font-printer"
    what: str  # "printed tickets"
    paths: tuple[Path, ...]


def _wall_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Machine:
    """What the checks need beyond the settings: given by the command line, changed by the tests.
    `now` is the machine's real clock (never KIOSK_NOW's): file ages and the database's clock are
    compared with it."""

    fonts: Sequence[FontSet]
    probe: PrinterProbe
    environ: Mapping[str, str]
    espeak: str | None  # espeak-ng's path; None: not installed
    printer_timeout: float = 1.5
    min_free_bytes: int = 500 * 1024 * 1024
    min_free_share: float = 0.05
    backup_max_age: timedelta = timedelta(hours=26)
    clock_tolerance: timedelta = timedelta(minutes=2)
    now: Callable[[], datetime] = field(default=_wall_clock)


# The fix of a check that broke: nothing known to do but look again, and tell someone if it stays.
CHECK_BROKE = "run `kiosk doctor` again; if this stays, report this line to whoever maintains the kiosk"


def guarded(name: str, check: Callable[[], Check]) -> Check:
    """`check()`, or a failed check saying what went wrong inside it."""
    try:
        return check()
    except Exception as exc:
        detail = f"the check itself failed: {type(exc).__name__}: {clipped(str(exc))}"
        return fail(name, detail, CHECK_BROKE)


def age_text(age: timedelta) -> str:
    """3 min, 5 h 12 min, 2 days 4 h."""
    minutes = max(0, int(age.total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} day{'s' if days > 1 else ''} {hours} h"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def size_text(count: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1000:
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} TB"
