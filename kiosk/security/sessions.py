"""A staff terminal's session kept across a crash or a power cut: who was signed in at it and where
they were (the desk's tab), in a 0600 file under the data folder. A terminal started again resumes
it only when the process that saved it is gone, and within `resume_minutes`; signing out or
quitting removes it."""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.private import open_private, private_folder

MAX_BYTES = 4096


@dataclass(frozen=True)
class Kept:
    member: str
    saved: float  # seconds since the epoch, by the machine's real clock
    pid: int  # the process that kept it
    place: dict[str, str] = field(default_factory=dict)


class SessionFile:
    """The kept session of one terminal (`counter-6`, `desk`)."""

    def __init__(self, data_dir: Path, terminal: str) -> None:
        safe = re.sub(r"[^A-Za-z0-9_-]", "_", terminal)[:60]  # a window's name is the catalogue's text
        self.path = data_dir / "sessions" / f"{safe}.json"

    def save(self, member: str, **place: str) -> None:
        """Written whole or not at all (a new file renamed over the old one)."""
        private_folder(self.path.parent)
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        with open_private(partial, "w", encoding="utf-8") as out:
            json.dump({"member": member, "saved": time.time(), "pid": os.getpid(), "place": place}, out)
        partial.replace(self.path)

    def place(self, **place: str) -> None:
        """Where the member is now (e.g. the desk's tab), kept with their session."""
        kept = self.load(minutes=None)
        if kept is not None:
            self.save(kept.member, **{**kept.place, **place})

    def load(self, minutes: int | None) -> Kept | None:
        """The session saved less than `minutes` ago (None: however old); None when there is none,
        it is older, or the file is not one this class wrote."""
        try:
            with self.path.open("rb") as handle:
                data = json.loads(handle.read(MAX_BYTES + 1)[:MAX_BYTES])
            member, saved, place = data["member"], float(data["saved"]), data.get("place", {})
            pid = int(data.get("pid", 0))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None
        if not isinstance(member, str) or not member or not isinstance(place, dict):
            return None
        if minutes is not None and not 0 <= time.time() - saved <= minutes * 60:
            return None
        return Kept(member, saved, pid, {str(k): str(v) for k, v in place.items()})

    def resumable(self, minutes: int) -> Kept | None:
        """The session to take up at a terminal's start: kept by a process that is gone (killed,
        crashed, or the machine restarted), within `minutes`; 0 minutes: never."""
        kept = self.load(minutes) if minutes > 0 else None
        return None if kept is None or _alive(kept.pid) else kept

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process now has that number
        return True
    return True
