"""Messages the lobby kiosk's print thread posts back to the app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from printer.printing import PrintResult


@dataclass
class PrintDone(Message):
    result: PrintResult
