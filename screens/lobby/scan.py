"""A booking slip scanned anywhere in the lobby, not only on the check-in screen.

The kiosk's barcode scanner is a keyboard: it types the slip's code fast and ends with Enter. Outside
the check-in screen a code's digits would pick languages or needs and its Enter would take the
focused choice: a visitor scanning the slip on the first screen would get another language, or a
ticket for something else. `ScanReader` sees the keys before the screens do. A letter of a code can
only be typed (no choice has a letter key), so from the first letter the keys are the reader's; a
code of digits alone is known by its speed: six code characters each within `SCAN_GAP` seconds of
the last, then Enter as fast. Digits typed before the first letter have moved the focus only (a
digit picks, Enter takes), so nothing was chosen by them.

A ticket's QR scanned here (`K1:...`, or its URL when phones follow tickets) is a visitor who wants to
rate the visit (`screens.lobby.rating`): it begins with a letter, and from its colon on every
character is taken as it comes, to Enter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kiosk.domain.codes import CODE_LENGTH, code_character

SCAN_GAP = 0.1  # seconds at most between a scanner's keys; a person's are slower
TYPED_PAUSE = 1.5  # letters typed (a keyboard), then nothing for this long: check-in opens with them
ENTER_KEYS = frozenset({"enter", "ctrl+j"})


TICKET_START = re.compile(r"K\d{0,2}:?|H(T(T(PS?:?)?)?)?", re.IGNORECASE)  # K1:..., HTTP(S)://...


def ticket_text(text: str) -> bool:
    """Whether `text` is, or may still become, a ticket's QR text (not a booking code)."""
    return ":" in text or TICKET_START.fullmatch(text) is not None


@dataclass
class ScanReader:
    """The code characters typed outside the check-in screen, with when they came."""

    typed: list[tuple[str, float]] = field(default_factory=list)
    reading: bool = False  # a letter came: every key is the reader's until Enter or a pause
    text: str = ""  # every character since the first letter, as typed: a ticket's QR (`ticket_text`)

    def key(self, key: str, character: str | None, now: float) -> tuple[bool, str | None]:
        """One key: (whether the reader takes it, the code read when it ends a scan): a booking
        code, or a ticket's QR text whole (K1:... or its URL: it holds a colon, no booking code does)."""
        found = code_character(character) if character else None
        if self.reading and character and character.isprintable() and ticket_text(self.text + character):
            self.text += character  # a ticket's QR, so far: the scanner types it all
            if ":" in self.text or found is None:
                return True, None
        if found is not None:
            if self.typed and now - self.typed[-1][1] > (TYPED_PAUSE if self.reading else SCAN_GAP):
                self.reset()
            if not self.reading and found.isalpha():
                self.text = character or ""
            self.typed.append((found, now))
            self.reading = self.reading or found.isalpha()
            return self.reading, None
        if key in ENTER_KEYS:
            if ":" in self.text:
                text = self.text
                self.reset()
                return True, text
            code = self.code() if self.reading or self.fast(now) else None
            self.reset()
            return code is not None, code
        if self.reading and key == "backspace":
            self.typed.pop()
            self.reading = any(c.isalpha() for c, _ in self.typed)
            return True, None
        if self.reading and character in (" ", "-"):  # "KMT 74X", "KMT-74X" typed: no part of the code
            return True, None
        self.reset()
        return False, None

    def fast(self, now: float) -> bool:
        """The keys came as a scanner types: a whole code (each key within `SCAN_GAP` of the last, as
        a longer gap starts the list anew), then Enter as fast."""
        return len(self.typed) >= CODE_LENGTH and now - self.typed[-1][1] <= SCAN_GAP

    def code(self) -> str:
        return "".join(c for c, _ in self.typed[-CODE_LENGTH:])

    def paused(self, now: float) -> str | None:
        """Letters typed, then nothing for `TYPED_PAUSE`: what was typed (check-in opens with it)."""
        if self.reading and self.typed and now - self.typed[-1][1] >= TYPED_PAUSE:
            code = self.code()
            self.reset()
            return code
        return None

    def reset(self) -> None:
        self.typed.clear()
        self.reading = False
        self.text = ""
