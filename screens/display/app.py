"""The lobby display app, built by `create_app`. It shows the current state at once when started
mid-day, then follows the event table: each call is drawn to the top, flashes for a few seconds, and
is announced (chime, then speech in the announcement languages and the ticket's own language); a
recall is announced again.
While the database is away it keeps the last picture and shows a quiet "reconnecting" mark."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Label, Static

from kiosk.clock import Clock
from kiosk.config import Settings
from kiosk.domain.events import CALLS, WAITING_CHANGES, Called, Kind, payload_of
from kiosk.domain.tickets import EventView
from kiosk.errors import KioskError
from kiosk.presentation.announce import announce
from kiosk.presentation.i18n import translations
from kiosk.presentation.speech import Speaker
from kiosk.service import QueueService
from screens.common.live import ConnectionChanged, EventsArrived, LiveApp, while_running
from screens.common.terminal import BASE_CSS, open_terminal_service
from screens.common.widgets import BigText, big_text

SCAN_SECONDS = 8.0


class HallText(BigText):
    """Big text as large as its width allows: `rows` lines tall where it fits on one line, else
    smaller or wrapped at spaces (at most `height` lines in all), and plain bold text wrapped at
    word boundaries where no big letters fit (a narrow portrait display, a long translation).
    Centred in its width."""

    DEFAULT_CSS = "HallText { width: 100%; height: auto; text-align: center; }"
    LEAST = 5  # rows: smaller block letters lose their shapes (accents, Cyrillic, Vietnamese marks)

    def __init__(self, text: str = "", rows: int = 5, **kwargs: object) -> None:
        self.tallest = rows
        super().__init__(text, rows, **kwargs)

    def show(self, text: str, rows: int | None = None, height: int | None = None) -> None:
        self.rows = rows or self.rows
        self.tallest = height or self.rows
        self.text = text
        self.update(self.drawn())

    def drawn(self) -> str | Text:
        if not self.text:
            return ""
        room = self.content_size.width
        if not room:  # not laid out yet: drawn again once it is (on_resize)
            return "\n".join(big_text(self.text, self.rows))
        for rows in range(self.rows, self.LEAST - 1, -1):
            lines = self._wrapped(rows, room)
            if lines and len(lines) * (rows + 1) - 1 <= self.tallest:
                pictures = [big_text(line, rows) for line in lines]
                width = max(len(row) for picture in pictures for row in picture)
                # rows of one width, so that centring keeps the letters whole
                return "\n\n".join("\n".join(row.ljust(width) for row in picture) for picture in pictures)
        return Text(self.text, style="bold")

    def fitting(self, text: str, most: int) -> int:
        """The most rows, up to `most`, at which `text` fits this widget's width on one line (`most`
        before it is laid out; the least rows where nothing fits)."""
        room = self.content_size.width
        if not room:
            return most
        fits = (r for r in range(most, self.LEAST - 1, -1) if self._wrapped(r, room) == [text])
        return next(fits, self.LEAST)

    def _wrapped(self, rows: int, room: int) -> list[str]:
        """The words in lines no wider than `room` when drawn `rows` tall; [] when a word is wider."""
        lines: list[str] = []
        for word in self.text.split():
            joined = f"{lines[-1]} {word}" if lines else word
            if lines and max(len(row) for row in big_text(joined, rows)) <= room:
                lines[-1] = joined
            elif max(len(row) for row in big_text(word, rows)) <= room:
                lines.append(word)
            else:
                return []
        return lines

    class Resized(Message):
        """A hall text was laid out at a new size (and drawn again for it)."""

        def __init__(self, text: HallText) -> None:
            super().__init__()
            self.text = text

    def on_resize(self, event: events.Resize) -> None:
        self.update(self.drawn())
        self.post_message(self.Resized(self))


HISTORY = 10  # numbers the display keeps: the one called now and the latest calls


@dataclass(frozen=True)
class Call:
    """A number at the window it was last called to; `recalled` when that call was a recall."""

    code: str
    window: str
    recalled: bool = False


class DisplayApp(LiveApp):
    CSS_PATH = [BASE_CSS, "display.tcss"]  # noqa: RUF012
    ENABLE_COMMAND_PALETTE = False
    ALLOW_SELECT = False
    TITLE = "Lobby display"
    speaker: Speaker

    def __init__(
        self,
        settings: Settings,
        service: QueueService,
        speaker: Speaker,
        lang: str | None = None,
        flash_seconds: float = 6.0,
        interval: float = 0.5,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(settings, service, lang, speaker=speaker)
        self.flash_seconds = flash_seconds
        self.interval = interval
        self.monotonic = monotonic
        self.calls: list[Call] = []  # each number once, at its latest window, newest first
        self.flash_until = 0.0
        self.announced = 0
        self.day: date | None = None  # the day of the calls shown; past midnight they go

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield Label(self.settings.centre_name, id="centre", markup=False)
            yield Label("", id="clock")
        with Horizontal(id="main"):
            with Vertical(id="now"):
                yield Label(self.gettext("Now called"), id="now-title")
                yield HallText("", rows=9, id="now-number")
                yield Label(self.gettext("Window"), id="window-title")
                yield HallText("", rows=9, id="now-window")  # as large as the number
            with Vertical(id="side"):
                yield Label(self.gettext("Latest calls"), classes="title")
                yield Static("", id="history", markup=False)
                yield Label(self.gettext("Waiting"), classes="title")
                yield Static("", id="waiting")
        if self.settings.public_url:  # phones follow their tickets: the line invites them to scan
            with Horizontal(id="bottom"):
                yield Label(self.scan_text(0), id="scan")
                yield Label("", id="connection")
        else:
            yield Label("", id="connection")

    def scan_languages(self) -> list[str]:
        """The display's language, then the other announcement languages."""
        return [self.lang, *(lang for lang in self.settings.announce_languages if lang != self.lang)]

    def scan_text(self, turn: int) -> str:
        languages = self.scan_languages()
        lang = languages[turn % len(languages)]
        return translations(lang).gettext("Scan the QR code on your ticket to follow the queue on your phone")

    def on_mount(self) -> None:
        self.scan_from = self.monotonic()
        self.on_resize(events.Resize(self.size, self.size))
        self.set_interval(self.interval, self.tick)  # once: the screen is built by now
        self.load_state()

    def on_resize(self, event: events.Resize) -> None:
        """A portrait display (cells are about twice as tall as wide) shows the call above the list."""
        self.query("#main").set_class(event.size.height * 2 > event.size.width, "-portrait")

    def on_hall_text_resized(self, message: HallText.Resized) -> None:
        """The called number has a new width: it and its window drawn again, of one height."""
        if message.text.id == "now-number" and self.calls and self.query("#now-window"):
            self.show_calls()  # (not while the display is closing: its widgets are being removed)

    def call_rows(self) -> int:
        """How tall the called number and its window are drawn: both alike, 9 rows where the
        screen has room for two such lines under the titles (8 at 80x24), never under 5."""
        fixed = 8  # the top and bottom lines, the padding, both titles and the margins
        return max(HallText.LEAST, min(9, (self.size.height - fixed) // 2))

    def load_state(self) -> None:
        """The current picture (also for a display started mid-day), then follow from here."""
        self.run_db(
            self.read_state, lambda state: self._show_state(*state), on_failed=self._away, group="state"
        )

    def read_state(self) -> tuple[list[Call], dict[str, int], int]:
        self.day = self.service.today()
        after = self.service.last_event_id()
        recent = self.service.recent_calls(40)
        waiting = self.service.waiting_counts()
        calls: list[Call] = []
        for e in recent:  # newest first: a number's first row is its latest call
            code = self._code(e)
            if all(c.code != code for c in calls):
                calls.append(Call(code, e.window or "", e.kind == Kind.RECALLED))
        return calls[:HISTORY], waiting, after

    def _away(self, exc: KioskError) -> None:
        self.post_message(ConnectionChanged(False, str(exc)))
        self.start_following()

    def say(self, text: str, problem: bool = False) -> None:
        """The display shows no refusals: while the database is away, a quiet mark in the corner."""

    def _show_state(self, calls: list[Call], waiting: dict[str, int], after: int) -> None:
        self.calls = calls
        self.show_calls()
        self.show_waiting(waiting)
        self.start_following(after=after, interval=self.interval)

    def _code(self, event: EventView) -> str:
        """The called number, from the event (older rows may lack it: then from the ticket)."""
        payload = payload_of(event)
        if isinstance(payload, Called) and payload.code:
            return payload.code
        assert event.ticket_id is not None
        return self.service.ticket(event.ticket_id).code

    @while_running
    def on_events_arrived(self, message: EventsArrived) -> None:
        new_calls = [e for e in message.events if e.kind in CALLS and e.window]
        for event in new_calls:
            payload = payload_of(event)
            if not isinstance(payload, Called) or not payload.code:
                continue
            code, window = payload.code, str(event.window)
            latest = Call(code, window, event.kind == Kind.RECALLED)
            self.calls = [latest, *[c for c in self.calls if c.code != code]][:HISTORY]
            announce(
                self.speaker,
                self.service.catalogue,
                code,
                window,
                self.settings.announce_languages,
                payload.language,
            )
            self.announced += 1
        if new_calls:
            self.flash_until = self.monotonic() + self.flash_seconds
            self.show_calls()
        if any(e.kind in WAITING_CHANGES for e in message.events):
            self.refresh_waiting()

    def refresh_waiting(self) -> None:
        self.run_db(self.service.waiting_counts, self.show_waiting, group="waiting", exclusive=True)

    @while_running
    def on_connection_changed(self, message: ConnectionChanged) -> None:
        label = self.query_one("#connection", Label)
        label.update("" if message.up else self.gettext("Reconnecting..."))
        if message.up:  # the follower catches up on calls; the counts are asked for again
            self.refresh_waiting()

    def show_calls(self) -> None:
        number = self.query_one("#now-number", HallText)
        window = self.query_one("#now-window", HallText)
        self.query_one("#window-title").display = bool(self.calls)
        if not self.calls:
            number.show(self.gettext("Welcome"), rows=5, height=11)
            window.show("")
        else:
            call = self.calls[0]
            rows = number.fitting(call.code, self.call_rows())  # the window as large as the number
            number.show(call.code, rows=rows)
            window.show(call.window, rows=rows)
        template = self.gettext("Window {window}")
        again = self.gettext("(called again)")
        lines = [
            f"{c.code:>8}  →  {template.format(window=c.window)}" + (f"  {again}" if c.recalled else "")
            for c in self.calls[1:]
        ]
        self.query_one("#history", Static).update("\n".join(lines))

    def show_waiting(self, waiting: dict[str, int]) -> None:
        catalogue = self.service.catalogue
        table = Table(show_header=False, box=None, expand=True, padding=(0, 1, 0, 0))
        table.add_column(overflow="fold", ratio=1)  # a long name wraps at its spaces, never cut
        table.add_column(justify="right", style="bold", no_wrap=True)
        for code, count in waiting.items():
            table.add_row(Text(catalogue.dept(code).name(self.lang)), str(count))  # a name is text
        self.query_one("#waiting", Static).update(table)

    def tick(self) -> None:
        clock = self.query("#clock").results(Label) if self.screen_stack else None
        if clock is None or (label := next(clock, None)) is None:
            return  # shutting down (the screen already taken down): a last tick can still land here
        now: datetime = self.service.local()
        label.update(now.strftime("%H:%M"))
        if self.day is not None and now.date() != self.day:  # numbers start again each day: last
            self.day = now.date()  # night's calls must not stand over the morning's same numbers
            self.calls = []
            self.show_calls()
            self.refresh_waiting()
        if self.settings.public_url:  # the invitation turns through the languages, 8 s each
            turn = int((self.monotonic() - self.scan_from) // SCAN_SECONDS)
            self.query_one("#scan", Label).update(self.scan_text(turn))
        flashing = self.monotonic() < self.flash_until
        self.query_one("#now").set_class(
            flashing and not self.query_one("#now").has_class("-flash"), "-flash"
        )


def create_app(
    settings: Settings,
    service: QueueService | None = None,
    clock: Clock | None = None,
    lang: str | None = None,
    speech_output: Path | None = None,
    interval: float = 0.5,
    monotonic: Callable[[], float] = time.monotonic,
) -> DisplayApp:
    service = open_terminal_service(settings, service, clock)
    speaker = Speaker(enabled=settings.speech, output=speech_output)
    return DisplayApp(settings, service, speaker, lang=lang, interval=interval, monotonic=monotonic)
