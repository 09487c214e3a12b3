"""The counter screen: the ticket at this window, the line behind it, and the staff's actions.

Every action runs in a worker thread through the queue service; a refusal (nobody waiting, a
wrong state, a forged code) shows as a calm line, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from kiosk.domain.languages import NATIVE_NAMES
from kiosk.domain.tickets import State, TicketView, parse_ticket_code, queue_order
from kiosk.errors import KioskError, ScanRefused, WrongWindow
from kiosk.presentation.alert_words import OVER_WARNING
from kiosk.presentation.i18n import N_
from kiosk.queue.actions import BY_NAME, COUNTER, WINDOW_MOVES, move
from screens.common.terminal import TerminalPart
from screens.common.widgets import BigText
from screens.common.words import STATE_WORDS, booked_text

if TYPE_CHECKING:
    from screens.common.transfer import Transfer
    from screens.counter.app import CounterApp  # noqa: F401 (the typed base below)

SHOWN = 6  # tickets of the line read before the list has its size; then as many as its rows hold


class WaitingList(Static):
    """The line behind the window: as many tickets as its rows hold, "+N more" last. Its rows are
    what the panel leaves it (`height: 1fr`); a new size (the terminal's, or the ticket's details
    above it on a portrait terminal) reads the line again for that many."""

    @property
    def rows(self) -> int:
        return self.content_size.height

    def on_resize(self, event: events.Resize) -> None:
        screen = self.screen
        if isinstance(screen, CounterScreen):
            screen.refresh_view()

    def fit(self, marks: list[str], count: int, more: Callable[[int], str]) -> list[str]:
        """The first of `marks` (the tickets of a line of `count`) that fit the rows, each as many
        rows as it wraps to, and `more(rest)` under them for the rest."""
        rows, width = self.rows, self.content_size.width
        if rows <= 0 or width <= 0:  # not laid out yet: the rows read, then its resize reads again
            rows, width = len(marks) + 1, 1_000

        rules = self.styles.get_rules()  # its wrapping, as it draws the text

        def height(text: str) -> int:
            return Content(text).get_height(rules, width)

        used = 0
        shown: list[str] = []
        for mark in marks:
            rest = count - len(shown) - 1  # waiting after this one
            need = height(mark) + (height(more(rest)) if rest else 0)
            if used + need > rows:
                break
            shown.append(mark)
            used += height(mark)
        if count > len(shown):
            shown.append(more(count - len(shown)))
        return shown


@dataclass(frozen=True)
class WindowView:
    """What the window shows, read off the event loop: the ticket here (its recalls since the call,
    the visitor's "on my way", the note the last window gave it) and the lines it calls from."""

    current: TicketView | None
    waiting: list[tuple[int, list[TicketView]]]
    paused: bool
    on_way: bool = False
    recalls: int = 0
    note: str | None = None
    rows: int = SHOWN  # of the line, read by number (the most its list may show)
    long_waits: int = 0  # visitors of its departments waiting past the desk's warning


# The counter's own keys besides the ticket actions of `kiosk.queue.actions`.
WINDOW_KEYS = [("pause", "f9", N_("Break")), ("sign_out", "f10", N_("Sign out"))]
KEYS = [(a.name, a.counter_key or "", a.label) for a in COUNTER] + WINDOW_KEYS


class CounterScreen(TerminalPart["CounterApp"], Screen[None]):
    BINDINGS = [Binding(key, f"act('{name}')", show=False) for name, key, _ in KEYS]  # noqa: RUF012

    def compose(self) -> ComposeResult:
        counter = self.terminal
        names = ", ".join(counter.service.catalogue.dept(d).name(counter.lang) for d in counter.departments)
        title = self.gettext("Window {window}").format(window=counter.window)
        member = counter.member.name if counter.member else ""
        yield Label(f"{title} · {member} · {names}", id="window-title", markup=False)
        with Horizontal(id="panels"):
            with Vertical(id="current"):
                yield Label(self.gettext("At this window"), classes="title")
                yield BigText("", rows=5, id="current-number")
                yield Static("", id="current-details", markup=False)
            with Vertical(id="line"):
                yield Label(self.gettext("Waiting"), classes="title")
                yield Label("", id="waiting-count")
                yield WaitingList("", id="next", markup=False)
        yield Label("", id="status", markup=False)
        with Grid(id="actions"):
            for name, key, label in KEYS:
                yield Button(f"{key.upper()} {self.gettext(label)}", id=f"act-{name}", classes="action")
        yield Input(
            placeholder=self.gettext("Scan a ticket's QR code, or type its number, and press Enter"),
            id="scan",
        )

    def on_mount(self) -> None:
        self.refresh_view()

    def say(self, text: str, problem: bool = False) -> None:
        status = self.query_one("#status", Label)
        status.update(text)
        status.set_class(problem, "problem")

    # Actions ---------------------------------------------------------------------------------

    @on(Button.Pressed, ".action")
    def _pressed(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.action_act(event.button.id.removeprefix("act-"))

    def action_act(self, name: str) -> None:
        """A counter action by its name: the moves of the ticket at this window run from the action
        table (`kiosk.queue.actions.WINDOW_MOVES`); the others are this screen's own."""
        own: dict[str, Callable[[], None]] = {
            "call": lambda: self.run(self.next_called),
            "transfer": self.ask_transfer,
            "pause": self.ask_pause,
            "sign_out": self.terminal.sign_out,
        }
        if name in own:
            own[name]()
            return
        action = BY_NAME[name]
        assert action in WINDOW_MOVES
        counter = self.terminal
        recall = name == "recall"
        self.run(lambda: self.moved(move(counter.service, action, None, counter.window, counter.who), recall))

    def next_called(self) -> str:
        counter = self.terminal
        called = counter.service.call_next(counter.window, counter.who)
        return self.gettext("Called {number}").format(number=called.code)

    def run(self, action: Callable[[], str]) -> None:
        """An action in a worker: the line it returns is shown, then the picture is read again."""
        self.terminal.run_db(action, self.done, group="action", exclusive=True)

    def done(self, message: str) -> None:
        self.say(message)
        self.refresh_view()

    def moved(self, ticket: TicketView, recall: bool = False) -> str:
        """The line an action leaves (in its worker): the ticket's new state; a recall, how many
        times it was called again, as its details say it."""
        if recall and ticket.state == State.CALLED:
            status = self.terminal.service.ticket_statuses([ticket.id]).get(ticket.id)
            if status is not None and status.recalls:
                return f"{ticket.code}: " + self.gettext("recalled ({count}×)").format(count=status.recalls)
        return f"{ticket.code}: {self.gettext(STATE_WORDS[ticket.state])}"

    def ask_pause(self) -> None:
        """F9: back from a break at once; a break asks its reason first (`PauseScreen`)."""
        if self.paused:
            self.run(lambda: self.set_pause(None))
            return
        from screens.common.pause import PauseScreen

        self.app.push_screen(PauseScreen(self.terminal.window), callback=self._pause_chosen)

    def _pause_chosen(self, reason: str | None) -> None:
        if reason is not None:
            self.run(lambda: self.set_pause(reason))

    def set_pause(self, reason: str | None) -> str:
        """A break for `reason` (a code of the catalogue's list), or None: back from it."""
        counter = self.terminal
        counter.service.pause_window(counter.window, reason is not None, staff=counter.who, reason=reason)
        if reason is not None:
            return self.gettext("On a break: nobody is called here")
        return self.gettext("Back from the break")

    def ask_transfer(self) -> None:
        from screens.common.transfer import TransferScreen

        if self.counter_ticket is None:
            self.say(self.gettext("No ticket at this window to transfer"), True)
            return
        self.app.push_screen(TransferScreen(self.counter_ticket), callback=self._transfer)

    def _transfer(self, choice: Transfer | None) -> None:
        ticket = self.counter_ticket
        if choice is None or ticket is None:
            return
        counter = self.terminal

        def transfer() -> str:
            moved = counter.service.transfer(
                ticket.id,
                choice.department,
                service=choice.service,
                staff=counter.who,
                note=choice.note or None,
            )
            name = counter.service.catalogue.dept(choice.department).name(counter.lang)
            return self.gettext("{number} moved to {department}").format(number=moved.code, department=name)

        self.run(transfer)

    @on(Input.Submitted, "#scan")
    def _scanned(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        event.input.value = ""
        if text:
            self.run(lambda: self.moved(self.open_ticket(text)))

    def open_ticket(self, text: str) -> TicketView:
        """A scanned QR (or a typed number): call it here, or start it if it is called here already."""
        counter = self.terminal
        service = counter.service
        try:
            if parse_ticket_code(text) is not None and not text.upper().startswith("K1:"):
                ticket = service.ticket(text)
            else:
                ticket = service.open_scanned(text)
        except ScanRefused as exc:  # a ticket that is over: its state, in the clerk's language
            raise KioskError(
                self.state_text(exc.number, State(exc.reason)) if exc.number else str(exc)
            ) from None
        if ticket.state == State.CALLED and ticket.window == counter.window:
            return service.start(ticket.id, staff=counter.who)
        if ticket.state in (State.WAITING, State.ON_HOLD):
            return self.call_here(ticket)
        if ticket.state != State.SERVING or ticket.window != counter.window:
            raise KioskError(self.state_text(ticket.code, ticket.state))
        return ticket

    def call_here(self, ticket: TicketView) -> TicketView:
        counter = self.terminal
        try:
            return counter.service.call(ticket.id, counter.window, staff=counter.who)
        except WrongWindow:
            text = self.gettext("{number} is served at window {windows}, not here")
            raise KioskError(text.format(number=ticket.code, windows=", ".join(ticket.windows))) from None

    def state_text(self, number: str, state: State) -> str:
        return self.gettext("{number} is {state}").format(
            number=number, state=self.gettext(STATE_WORDS[state])
        )

    # The picture ------------------------------------------------------------------------------

    counter_ticket: TicketView | None = None
    paused = False  # the window's break, as last shown

    def refresh_view(self) -> None:
        listed = self.query(WaitingList)  # as many as its rows hold, "+N more" last
        rows = listed.first().rows if listed else 0
        rows = rows if rows > 0 else SHOWN
        self.terminal.run_db(lambda: self.read_view(rows), self.show, group="view", exclusive=True)

    def read_view(self, rows: int = SHOWN) -> WindowView:
        counter = self.terminal
        current = counter.service.at_window(counter.window)
        waiting = [counter.service.waiting(d, limit=rows) for d in counter.departments]
        paused = counter.service.window_paused(counter.window)
        long_waits = sum(1 for a in counter.service.alerts(set(counter.departments)) if a.number)
        if current is None:
            return WindowView(None, waiting, paused, rows=rows, long_waits=long_waits)
        status = counter.service.ticket_statuses([current.id]).get(current.id)
        note = counter.service.transfer_notes([current.id]).get(current.id)
        on_way, recalls = (status.on_my_way, status.recalls) if status else (False, 0)
        return WindowView(current, waiting, paused, on_way, recalls, note, rows, long_waits)

    def show(self, view: WindowView) -> None:
        current, waiting, paused = view.current, view.waiting, view.paused
        self.counter_ticket = current
        self.paused = paused
        lang = self.terminal.lang
        catalogue = self.terminal.service.catalogue
        number = self.query_one("#current-number", BigText)
        details = self.query_one("#current-details", Static)
        if current is None:
            number.show("")
            details.update(self.gettext("Nobody at this window. Press Call next [F1]."))
        else:
            number.show(current.code)
            service, _ = catalogue.service(current.service)
            waited = max(0, int((self.terminal.service.now() - current.issued_at).total_seconds() // 60))
            state = self.gettext(STATE_WORDS[current.state])
            if view.recalls and current.state == State.CALLED:
                state = self.gettext("recalled ({count}×)").format(count=view.recalls)
            lines = [
                f"{state} · {service.name(lang)}",
                self.gettext("Language: {language}").format(
                    language=NATIVE_NAMES.get(current.language, current.language)
                ),
                self.gettext("Waited {minutes} min").format(minutes=waited),
            ]
            if view.note:  # from the window that sent the visitor here
                lines.append(self.gettext("Note: {note}").format(note=view.note))
            if current.priority:
                lines.append(
                    self.gettext("Priority: {category}").format(
                        category=catalogue.priority_category(current.priority).name(lang)
                    )
                )
            booked = booked_text(current, self.terminal.settings.zone, self.gettext)
            if booked:
                lines.append(booked)
            if current.interpreter:
                lines.append(self.gettext("Sign-language interpreter requested"))
            if view.on_way:
                lines.append("➜ " + self.gettext("On the way"))
            details.update("\n".join(lines))
        count = sum(c for c, _ in waiting)
        said = self.gettext("{count} waiting").format(count=count)
        if view.long_waits:  # the 15-minute rule: the desk is warned of them too
            minutes = self.terminal.settings.sla_warning_minutes
            said += " · " + self.gettext(OVER_WARNING).format(count=view.long_waits, minutes=minutes)
        waiting_count = self.query_one("#waiting-count", Label)
        waiting_count.update(said)
        waiting_count.set_class(bool(view.long_waits), "problem")
        upcoming = [t for _, tickets in waiting for t in tickets]
        if len(waiting) > 1:  # several departments: their lines merged in calling order
            upcoming.sort(key=queue_order)
        interpreter = self.gettext("interpreter")
        zone = self.terminal.settings.zone
        marks = [
            f"{t.code}{'  ★' if t.priority else ''}{f'  ({interpreter})' if t.interpreter else ''}"
            + (f"  {booked_text(t, zone, self.gettext)}" if t.booked_at else "")
            for t in upcoming[: view.rows]
        ]
        listed = self.query_one("#next", WaitingList)
        more = self.gettext("+{count} more")
        listed.update("\n".join(listed.fit(marks, count, lambda rest: more.format(count=rest))))
        word = self.gettext("Resume") if paused else self.gettext("Break")
        self.query_one("#act-pause", Button).label = f"F9 {word}"
        self.query_one("#act-call", Button).disabled = paused
