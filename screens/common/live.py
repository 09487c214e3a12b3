"""Following the event table from a terminal: every half second a thread worker asks for what is
new and posts it to the app; while the database is away it posts that once, then keeps trying.
One poll at a time: a poll slower than the interval makes the next tick skip, never run beside it
(two polls would read the same events and, on the display, announce a call twice)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import work
from textual.message import Message

from kiosk.domain.tickets import EventView
from kiosk.errors import KioskError
from kiosk.follow import EventFollower
from screens.common.terminal import TerminalApp

FOLLOW_SECONDS = 0.5


@dataclass
class EventsArrived(Message):
    events: list[EventView]


@dataclass
class ConnectionChanged(Message):
    up: bool
    detail: str = ""


def while_running(handler: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
    """For a message handler: skip the message once the app has begun to shut down (a poll that
    finished just before can still deliver it after the widgets are gone)."""

    @functools.wraps(handler)
    def guarded(app: Any, message: Any) -> None:
        if app.is_running:
            handler(app, message)

    return guarded


class LiveApp(TerminalApp):
    """An app that follows the event table; subclasses handle `EventsArrived` and
    `ConnectionChanged` (e.g. `on_events_arrived`)."""

    follower: EventFollower | None = None
    connected: bool = True

    def start_following(self, after: int | None = None, interval: float = FOLLOW_SECONDS) -> None:
        try:
            self.follower = EventFollower(self.service, after=after)
        except KioskError as exc:
            self.connected = False
            self.post_message(ConnectionChanged(False, str(exc)))
        if not hasattr(self, "_polling"):
            self._polling = threading.Lock()
        self.set_interval(interval, self._follow)

    @work(thread=True, group="follow")
    def _follow(self) -> None:
        if not self._polling.acquire(blocking=False):
            return  # the last poll is still running
        try:
            self._poll_once()  # under the lock, so the app gets the batches in order
        finally:
            self._polling.release()

    def _poll_once(self) -> None:
        try:
            if self.follower is None:
                self.follower = EventFollower(self.service)
            events = self.follower.poll()
        except KioskError as exc:
            if self.connected:
                self.connected = False
                self.post_message(ConnectionChanged(False, str(exc)))
            return
        if not self.connected:
            self.connected = True
            self.post_message(ConnectionChanged(True))
        if events:
            self.post_message(EventsArrived(events))
