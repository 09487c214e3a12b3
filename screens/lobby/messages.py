"""Messages the lobby kiosk's worker threads post back to the app."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass

from textual.message import Message

from kiosk.domain import Issued
from printer.printing import PrintResult


@dataclass
class TicketIssued(Message):
    """Saved, and its print job already queued (`printing`)."""

    issued: Issued
    printing: Future[PrintResult]


@dataclass
class IssueFailed(Message):
    """Nothing was saved: `reason` is "closed", "unavailable", "priority_repeat" or "refused";
    `detail` for the log; `service` the one asked for."""

    reason: str
    detail: str
    service: str = ""


@dataclass
class PrintDone(Message):
    result: PrintResult
